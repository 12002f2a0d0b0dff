"""The feedback figures of the staff dashboard on a small hand-built year (2026-2027).

School A = Collège Denecourt, Bois-le-Roi (0770002J, not REP, CA du Pays de Fontainebleau),
class « 3e A »: pupils p1…p6, all placed at C1 (industrie du futur).
School B = Collège les Capucins, Melun (0770033T, REP+, CA Melun Val de Seine), class « 3e B »:
q1 placed at C1, q2 at C2 (aéronautique).

Pupil answers (before, after, programme):   Company answers (satisfaction, would host again):
  p1  1 → 4  oui                               p1  5  oui
  p2  2 → 4  oui                               p2  4  oui
  p3  3 → 3  en partie                         p3  4  non
  p4  2 → 5  oui                               p4  3  oui
  p5  4 → 2  non                               p5  5  oui
  p6  (no answer)                              p6  (no answer)
  q1  1 → 5  oui                               q1  4  oui
  q2  3 → 4  en partie                         q2  1  non
Recruitments: p1 job d'été (5 July 2027), p4 apprentissage (1 September 2027).
"""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.indicators import feedback
from capindustrie.indicators.filters import Filters
from capindustrie.models import (
    CompanyFeedback,
    Filiere,
    Level,
    Placement,
    ProgrammeFollowed,
    PupilFeedback,
    Recruitment,
    RecruitmentKind,
    Role,
)
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import application_in, published_period

MELUN_EPCI = "247700057"
FONTAINEBLEAU_EPCI = "200072346"
ANSWERED = datetime(2027, 1, 18, 10)
PUPILS = {
    # name: (school, company, pupil answer, company answer)
    "p1": ("A", "C1", (1, 4, "oui"), (5, True)),
    "p2": ("A", "C1", (2, 4, "oui"), (4, True)),
    "p3": ("A", "C1", (3, 3, "en_partie"), (4, False)),
    "p4": ("A", "C1", (2, 5, "oui"), (3, True)),
    "p5": ("A", "C1", (4, 2, "non"), (5, True)),
    "p6": ("A", "C1", None, None),
    "q1": ("B", "C1", (1, 5, "oui"), (4, True)),
    "q2": ("B", "C2", (3, 4, "en_partie"), (1, False)),
}


@pytest.fixture
def data(app):
    c1 = f.company("Fonderies de Brie", Filiere.FUTURE_INDUSTRY)
    c2 = f.company("Ailes de Melun", Filiere.AERONAUTICS)
    periods = {"C1": published_period(c1, seats=10), "C2": published_period(c2, seats=2)}
    for period in periods.values():
        period.offer.published_at = datetime(2026, 9, 15)
    classes = {
        "A": f.school_class(f.user(Role.TEACHER, school_obj=f.school("0770002J")), name="3e A"),
        "B": f.school_class(f.user(Role.TEACHER, school_obj=f.school("0770033T")), name="3e B"),
    }
    placements = {}
    for name, (school, company, pupil_answer, company_answer) in PUPILS.items():
        pupil = f.pupil(classes[school], first_name=name.upper(), last_name=f"Nom{name}")
        application = application_in(pupil, periods[company], S.VALIDATED)
        placement = db.session.scalar(
            select(Placement).where(Placement.application_id == application.id)
        )
        placements[name] = placement
        if pupil_answer:
            before, after, programme = pupil_answer
            db.session.add(
                PupilFeedback(
                    placement_id=placement.id,
                    desire_before=before,
                    desire_after=after,
                    programme_followed=ProgrammeFollowed(programme),
                    liked=f"Réponse de {name}",
                    first_answered_at=ANSWERED,
                    updated_at=ANSWERED,
                )
            )
        if company_answer:
            db.session.add(
                CompanyFeedback(
                    placement_id=placement.id,
                    satisfaction=company_answer[0],
                    would_host_again=company_answer[1],
                    first_answered_at=ANSWERED,
                    updated_at=ANSWERED,
                )
            )
    db.session.add_all(
        [
            Recruitment(
                placement_id=placements["p1"].id,
                kind=RecruitmentKind.SUMMER_JOB,
                started_on=date(2027, 7, 5),
            ),
            # p1 came back twice: counted twice, and its answers still once each.
            Recruitment(
                placement_id=placements["p1"].id,
                kind=RecruitmentKind.APPRENTICESHIP,
                started_on=date(2027, 9, 1),
            ),
            Recruitment(
                placement_id=placements["p4"].id,
                kind=RecruitmentKind.APPRENTICESHIP,
                started_on=date(2027, 9, 1),
            ),
        ]
    )
    db.session.commit()
    return placements


def test_every_feedback_figure_of_the_year(data):
    board = feedback.figures(Filters(2026))

    assert board.values == {
        "pupil_answers": 7,  # p1–p5, q1, q2 (p6 did not answer)
        "desire_before": pytest.approx(16 / 7),  # 1+2+3+2+4+1+3
        "desire_after": pytest.approx(27 / 7),  # 4+4+3+5+2+5+4
        "desire_up_share": pytest.approx(5 / 7),  # up: p1 p2 p4 q1 q2
        "programme_share": pytest.approx(4 / 7),  # « oui »: p1 p2 p4 q1
        "company_answers": 7,
        "company_satisfaction": pytest.approx(26 / 7),  # 5+4+4+3+5+4+1
        "host_again_share": pytest.approx(5 / 7),  # all but p3 and q2
        "recruitments": 3,
    }
    # Scores 1…5: before 1 (p1 q1), 2 (p2 p4), 3 (p3 q2), 4 (p5); after 2 (p5), 3 (p3),
    # 4 (p1 p2 q2), 5 (p4 q1).
    assert board.distribution == {1: (2, 0), 2: (2, 1), 3: (2, 1), 4: (1, 3), 5: (0, 2)}
    assert board.display("desire_after") == "3,9 / 5"
    assert board.display("desire_up_share") == "71,4 %"
    assert board.display("company_satisfaction") == "3,7 / 5"


def test_small_counts_are_masked_and_thin_averages_withheld(data):
    board = feedback.figures(Filters(2026))

    assert board.shown("recruitments") == "< 5"  # 3 recruitments could name a pupil
    # Every score was given by 0 or 1–4 pupils: 0 shows, 1–4 do not.
    assert board.distribution_shown() == [
        (1, "< 5", 0),
        (2, "< 5", "< 5"),
        (3, "< 5", "< 5"),
        (4, "< 5", "< 5"),
        (5, 0, "< 5"),
    ]

    melun = feedback.figures(Filters(2026, epci=MELUN_EPCI))  # school B: q1 and q2
    assert melun.values["pupil_answers"] == 2
    assert melun.values["desire_after"] == pytest.approx(4.5)  # computed…
    assert melun.shown("pupil_answers") == "< 5"
    assert melun.shown("desire_after") == "< 5 réponses"  # …but never shown on 2 answers
    assert melun.display("company_satisfaction") == "< 5 réponses"
    assert melun.shown("recruitments") == 0


def test_filters_epci_priority_level_and_filiere(data):
    school_a = feedback.figures(Filters(2026, epci=FONTAINEBLEAU_EPCI))  # p1–p5 answered
    assert school_a.values["pupil_answers"] == 5
    assert school_a.values["desire_before"] == pytest.approx(12 / 5)  # 1+2+3+2+4
    assert school_a.values["desire_after"] == pytest.approx(18 / 5)  # 4+4+3+5+2
    assert school_a.values["desire_up_share"] == pytest.approx(3 / 5)  # p1 p2 p4
    assert school_a.values["company_satisfaction"] == pytest.approx(21 / 5)  # 5+4+4+3+5
    assert school_a.values["host_again_share"] == pytest.approx(4 / 5)
    assert school_a.display("desire_after") == "3,6 / 5"  # 5 answers: shown

    assert feedback.figures(Filters(2026, priority="rep")).values["pupil_answers"] == 2
    assert feedback.figures(Filters(2026, priority="hors")).values["pupil_answers"] == 5
    aero = feedback.figures(Filters(2026, filiere=Filiere.AERONAUTICS))  # q2 only
    assert (aero.values["pupil_answers"], aero.values["company_answers"]) == (1, 1)
    second = feedback.figures(Filters(2026, level=Level.SECONDE))
    assert second.values["pupil_answers"] == 0
    assert second.display("desire_after") == "—"
    assert feedback.figures(Filters(2025)).values["pupil_answers"] == 0


@pytest.fixture
def staff_client(client, data):
    staff = f.user(Role.STAFF)
    db.session.commit()
    login(client, staff)
    return client


def test_dashboard_shows_the_feedback_section_with_links(staff_client):
    page = staff_client.get("/agents/indicateurs?annee=2026").get_data(as_text=True)

    assert "Avis après le stage" in page
    assert "3,9 / 5" in page  # « envie » after
    assert "2,3 / 5" in page  # before: 16 / 7
    assert "71,4 %" in page
    assert "/agents/indicateurs/avis/liste?indicateur=pupil_answers&amp;annee=2026" in page
    assert "/agents/indicateurs/avis.csv?annee=2026" in page


def test_the_list_behind_the_answers_has_no_pupil_name(staff_client):
    response = staff_client.get(
        "/agents/indicateurs/avis/liste?indicateur=pupil_answers&annee=2026"
    )

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "7 lignes" in text
    assert "Réponse de p1" in text and "En partie" in text
    assert "Nomp1" not in text and "NOMP1" not in text
    recruitments = staff_client.get(
        "/agents/indicateurs/avis/liste?indicateur=recruitments&annee=2026"
    ).get_data(as_text=True)
    assert "Job d&#39;été" in recruitments and "Apprentissage" in recruitments
    refused = staff_client.get("/agents/indicateurs/avis/liste?indicateur=desire_after")
    assert refused.status_code == 400


def test_feedback_csv_and_workbook_sheet(staff_client):
    csv_text = staff_client.get("/agents/indicateurs/avis.csv?annee=2026").data.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0] == "Indicateur;2026-2027"
    assert "Élèves ayant donné leur avis après le stage;7" in lines
    assert "Part des élèves dont l'envie a augmenté (%);71.4" in lines
    assert any(
        line.startswith("Recrutements après le stage") and line.endswith(";< 5") for line in lines
    )

    import io

    workbook = load_workbook(
        io.BytesIO(staff_client.get("/agents/indicateurs/indicateurs.xlsx?annee=2026").data)
    )
    sheet = workbook["Avis après le stage"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Élèves ayant donné leur avis après le stage"] == 7
    assert rows["Satisfaction moyenne des entreprises (sur 5)"] == pytest.approx(3.7)


def test_only_staff_reach_the_feedback_list(app, data):
    for role in (Role.COMPANY, Role.TEACHER, Role.PUPIL):
        client = app.test_client()
        login(client, f.user(role))
        db.session.commit()
        assert (
            client.get("/agents/indicateurs/avis/liste?indicateur=pupil_answers").status_code == 403
        )
