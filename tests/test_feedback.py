"""Feedback after the internship (issue 13, point 4): the invitations job, the pupil's and the
company's questionnaires, who may see what.

The world: a class « 3e B » (teacher Camille Martin) with Léa Durand and Inès Roy, both placed
by the teacher at « Fonderies de Brie » for 11–15 January 2027 (a Monday to Friday); a second
company and a second class elsewhere. Routes read the clock through `feedback.routes.utcnow`,
frozen per test by the `clock` fixture.
"""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.feedback import jobs, services
from capindustrie.models import (
    CompanyFeedback,
    FeedbackInvitation,
    OutboxMessage,
    Placement,
    ProgrammeFollowed,
    PupilFeedback,
    Recruitment,
    Respondent,
    Role,
)
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import application_in, published_period

LAST_DAY_EVENING = datetime(2027, 1, 15, 18)  # 19:00 in Paris on the last day
NEXT_MORNING = datetime(2027, 1, 16, 9)  # 10:00 in Paris, the day after
VALID = {
    "desire_before": "2",
    "desire_after": "4",
    "programme_followed": "en_partie",
    "liked": "Le contrôle qualité et le robot de soudure.",
}


@pytest.fixture
def clock(monkeypatch):
    """The routes' clock, set by the test: clock.now = datetime(...)."""
    from capindustrie.feedback import routes

    class Clock:
        now = NEXT_MORNING

    monkeypatch.setattr(routes, "utcnow", lambda: Clock.now)
    return Clock


@pytest.fixture
def world(app):
    company = f.company("Fonderies de Brie")
    company_user = f.user(Role.COMPANY, company_obj=company, first_name="Hugo", last_name="Petit")
    colleague = f.user(Role.COMPANY, company_obj=company)
    period = published_period(company)
    teacher = f.user(Role.TEACHER)
    klass = f.school_class(teacher)
    lea = f.pupil(klass)
    lea.user.email = "lea.durand@exemple.fr"
    ines = f.pupil(klass, first_name="Inès", last_name="Roy")
    placements = [
        db.session.scalar(
            select(Placement).where(
                Placement.application_id == application_in(p, period, S.VALIDATED).id
            )
        )
        for p in (lea, ines)
    ]
    other_company_user = f.user(Role.COMPANY)
    other_teacher = f.user(Role.TEACHER)
    other_class = f.school_class(other_teacher, name="3e C")
    other_pupil = f.pupil(other_class, first_name="Noé", last_name="Blanc")
    db.session.commit()
    return {
        "company_user": company_user,
        "colleague": colleague,
        "teacher": teacher,
        "class": klass,
        "lea": lea,
        "ines": ines,
        "lea_placement": placements[0],
        "ines_placement": placements[1],
        "other_company_user": other_company_user,
        "other_teacher": other_teacher,
        "other_pupil": other_pupil,
    }


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


# --- The invitations job -------------------------------------------------------------------------


def test_no_invitation_before_the_placement_has_ended(world):
    outbox_before = _count(OutboxMessage)  # the application and validation e-mails

    report = jobs.send_feedback_invitations(LAST_DAY_EVENING)

    assert report.invitations == 0
    assert _count(FeedbackInvitation) == 0
    assert _count(OutboxMessage) == outbox_before


def test_the_day_after_both_respondents_are_invited_once(world):
    outbox_before = _count(OutboxMessage)  # the validation e-mails

    report = jobs.send_feedback_invitations(NEXT_MORNING)

    # 2 placements × (pupil + company) = 4 invitations; e-mails: Léa has an address (1), Inès
    # none (0, her link waits on her page), the company's two users for each placement (2 × 2).
    assert report.invitations == 4
    assert report.emails == 5
    assert str(report) == "4 invitations à donner son avis, 5 e-mails"
    invited = {
        (i.placement_id, i.respondent) for i in db.session.scalars(select(FeedbackInvitation))
    }
    assert invited == {
        (p.id, r) for p in (world["lea_placement"], world["ines_placement"]) for r in Respondent
    }
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id).offset(outbox_before)
    ).all()
    to_lea = [m for m in messages if m.to_address == "lea.durand@exemple.fr"]
    assert len(to_lea) == 1
    assert to_lea[0].subject == "Donne ton avis sur ton stage"
    assert f"/stages/{world['lea_placement'].id}/avis" in to_lea[0].body
    assert "Ton stage chez Fonderies de Brie" in to_lea[0].body
    to_company = [m for m in messages if m.to_address == world["company_user"].email]
    assert len(to_company) == 2
    assert all("/entreprise/stages/" in m.body and "Connectez-vous" in m.body for m in to_company)
    # The company's e-mail does not carry the pupils' names.
    assert all("Durand" not in m.body and "Roy" not in m.body for m in to_company)

    again = jobs.send_feedback_invitations(NEXT_MORNING + timedelta(hours=1))
    assert again.invitations == 0
    assert _count(OutboxMessage) == outbox_before + 5


def test_a_claim_already_taken_is_skipped_without_a_second_email(world, monkeypatch):
    """Two runs at once: the second finds the row taken (unique constraint) and sends nothing."""
    due = jobs.due_invitations(NEXT_MORNING)
    jobs.send_feedback_invitations(NEXT_MORNING)
    sent = _count(OutboxMessage)
    monkeypatch.setattr(jobs, "due_invitations", lambda now: due)  # a stale list of work

    report = jobs.send_feedback_invitations(NEXT_MORNING)

    assert report.invitations == 0
    assert _count(OutboxMessage) == sent
    assert _count(FeedbackInvitation) == 4


def test_long_past_placements_are_not_invited(world):
    report = jobs.send_feedback_invitations(datetime(2027, 3, 20, 9))  # 64 days after

    assert report.invitations == 0


def test_the_job_is_registered_with_the_scheduler():
    from capindustrie.scheduler.jobs import JOBS

    assert JOBS["feedback_invitations"].func is jobs.send_feedback_invitations


# --- The pupil's questionnaire -------------------------------------------------------------------


def test_pupil_answers_then_edits_within_30_days(app, world, clock):
    placement = world["lea_placement"]
    client = _client(app, world["lea"].user)
    url = f"/stages/{placement.id}/avis"

    page = client.get(url).get_data(as_text=True)
    assert "Avant ce stage, avais-tu envie de travailler dans l&#39;industrie ?" in page
    assert "Ce stage t&#39;a-t-il donné envie de travailler dans l&#39;industrie ?" in page

    response = client.post(url, data=VALID)
    assert response.status_code == 303
    answer = db.session.scalar(select(PupilFeedback))
    assert (answer.desire_before, answer.desire_after) == (2, 4)
    assert answer.programme_followed == ProgrammeFollowed.PARTLY
    assert answer.liked == "Le contrôle qualité et le robot de soudure."
    assert answer.first_answered_at == NEXT_MORNING

    clock.now = NEXT_MORNING + timedelta(days=29)
    page = client.get(url).get_data(as_text=True)
    assert "tu peux modifier tes réponses jusqu'au lundi 15 février 2027" in page
    assert client.post(url, data={**VALID, "desire_after": "5"}).status_code == 303
    db.session.expire_all()
    answer = db.session.scalar(select(PupilFeedback))
    assert answer.desire_after == 5
    assert answer.first_answered_at == NEXT_MORNING  # the window runs from the first answer
    assert _count(PupilFeedback) == 1


def test_pupil_answer_is_read_only_after_30_days(app, world, clock):
    placement = world["lea_placement"]
    client = _client(app, world["lea"].user)
    url = f"/stages/{placement.id}/avis"
    client.post(url, data=VALID)

    clock.now = NEXT_MORNING + timedelta(days=30)
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "elles sont maintenant définitives" in text
    assert '<form method="post" action="/stages/' not in text

    refused = client.post(url, data={**VALID, "desire_after": "1"})
    assert refused.status_code == 403
    assert "définitives" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(PupilFeedback.desire_after)) == 4


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desire_after", "6", "Choisis une des réponses proposées."),
        ("desire_after", "", "Choisis une note de 1 à 5 pour « après ce stage »."),
        ("desire_before", "abc", "Choisis une des réponses proposées."),
        ("programme_followed", "peut-être", "Choisis une des réponses proposées."),
        ("liked", "x" * 1001, "1000"),
        ("liked", "nul\x00", "caractère"),
    ],
)
def test_pupil_bad_answers_are_refused_in_french_and_nothing_saved(
    app, world, clock, field, value, message
):
    client = _client(app, world["lea"].user)

    response = client.post(
        f"/stages/{world['lea_placement'].id}/avis", data={**VALID, field: value}
    )

    assert response.status_code == 422
    text = response.get_data(as_text=True).replace("&#39;", "'").replace("&nbsp;", " ")
    assert message in text
    assert _count(PupilFeedback) == 0


def test_pupil_questionnaire_is_closed_before_the_end(app, world, clock):
    clock.now = LAST_DAY_EVENING
    client = _client(app, world["lea"].user)
    url = f"/stages/{world['lea_placement'].id}/avis"

    page = client.get(url)
    assert page.status_code == 403
    assert "Le questionnaire s&#39;ouvrira à la fin de ton stage, le samedi 16 janvier 2027." in (
        page.get_data(as_text=True)
    )
    assert client.post(url, data=VALID).status_code == 403
    assert _count(PupilFeedback) == 0


def test_a_pupil_cannot_open_another_pupils_questionnaire(app, world, clock):
    client = _client(app, world["ines"].user)

    assert client.get(f"/stages/{world['lea_placement'].id}/avis").status_code == 404
    assert client.post(f"/stages/{world['lea_placement'].id}/avis", data=VALID).status_code == 404
    assert _count(PupilFeedback) == 0


@pytest.mark.parametrize("role", [Role.COMPANY, Role.TEACHER, Role.STAFF])
def test_other_roles_cannot_answer_for_the_pupil(app, world, clock, role):
    user = {
        Role.COMPANY: world["company_user"],
        Role.TEACHER: world["teacher"],
        Role.STAFF: f.user(Role.STAFF),
    }[role]
    db.session.commit()
    client = _client(app, user)

    assert client.post(f"/stages/{world['lea_placement'].id}/avis", data=VALID).status_code == 403
    assert _count(PupilFeedback) == 0


def test_the_pupils_page_links_the_questionnaire_when_due(app, world, clock):
    client = _client(app, world["lea"].user)

    clock.now = LAST_DAY_EVENING
    assert "Donne ton avis sur ton stage" not in client.get("/candidatures").get_data(as_text=True)
    clock.now = NEXT_MORNING
    page = client.get("/candidatures").get_data(as_text=True)
    assert "Donne ton avis sur ton stage" in page
    assert f"/stages/{world['lea_placement'].id}/avis" in page
    assert f"/stages/{world['ines_placement'].id}/avis" not in page


def test_the_email_link_leads_to_login_then_to_the_form(app, world, clock):
    client = app.test_client()
    url = f"/stages/{world['lea_placement'].id}/avis"

    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/connexion?next={url}")


# --- The company's questionnaire and « revenu chez nous » ---------------------------------------


def test_company_answers_and_records_a_recruitment(app, world, clock):
    placement = world["lea_placement"]
    client = _client(app, world["company_user"])
    url = f"/entreprise/stages/{placement.id}/avis"

    page = client.get(url).get_data(as_text=True)
    assert "Êtes-vous satisfait de ce stage ?" in page
    assert (
        client.post(url, data={"satisfaction": "5", "would_host_again": "oui"}).status_code == 303
    )
    answer = db.session.scalar(select(CompanyFeedback))
    assert (answer.satisfaction, answer.would_host_again) == (5, True)
    assert answer.answered_by_id == world["company_user"].id

    # Months later, after the 30 days: the recruitment can still be added.
    clock.now = datetime(2027, 7, 1, 9)
    response = client.post(
        f"/entreprise/stages/{placement.id}/retours",
        data={"kind": "job_ete", "started_on": "2027-07-05"},
    )
    assert response.status_code == 303
    recruitment = db.session.scalar(select(Recruitment))
    assert recruitment.kind.value == "job_ete"
    assert recruitment.started_on == date(2027, 7, 5)
    assert "Job d&#39;été à partir du lundi 5 juillet 2027" in client.get(url).get_data(
        as_text=True
    )
    # The satisfaction itself is now read-only.
    assert (
        client.post(url, data={"satisfaction": "1", "would_host_again": "non"}).status_code == 403
    )
    db.session.expire_all()
    assert db.session.scalar(select(CompanyFeedback.satisfaction)) == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "cdi", "started_on": "2027-07-05"}, "Choisissez une des réponses proposées."),
        ({"kind": "emploi", "started_on": "2027-02-30"}, "Indiquez une date valide"),
        ({"kind": "emploi", "started_on": "2026-12-01"}, "La date ne peut pas précéder le stage"),
        ({"kind": "emploi", "started_on": "2029-01-01"}, "un an d&#39;avance"),
    ],
)
def test_bad_recruitments_are_refused_in_french(app, world, clock, data, message):
    client = _client(app, world["company_user"])

    response = client.post(f"/entreprise/stages/{world['lea_placement'].id}/retours", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Recruitment) == 0


def test_company_bad_satisfaction_is_refused(app, world, clock):
    client = _client(app, world["company_user"])

    response = client.post(
        f"/entreprise/stages/{world['lea_placement'].id}/avis",
        data={"satisfaction": "0", "would_host_again": "peut-être"},
    )

    assert response.status_code == 422
    assert "Choisissez une des réponses proposées." in response.get_data(as_text=True)
    assert _count(CompanyFeedback) == 0


def test_another_company_cannot_answer(app, world, clock):
    client = _client(app, world["other_company_user"])
    placement = world["lea_placement"]

    assert client.get(f"/entreprise/stages/{placement.id}/avis").status_code == 404
    assert (
        client.post(
            f"/entreprise/stages/{placement.id}/avis",
            data={"satisfaction": "5", "would_host_again": "oui"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/entreprise/stages/{placement.id}/retours",
            data={"kind": "emploi", "started_on": "2027-09-01"},
        ).status_code
        == 404
    )
    assert _count(CompanyFeedback) == 0
    assert _count(Recruitment) == 0
    assert "Aucun stage terminé" in client.get("/entreprise/avis").get_data(as_text=True)


def test_company_questionnaire_is_closed_before_the_end(app, world, clock):
    clock.now = LAST_DAY_EVENING
    client = _client(app, world["company_user"])
    placement = world["lea_placement"]

    page = client.get(f"/entreprise/stages/{placement.id}/avis")
    assert page.status_code == 403
    assert "s&#39;ouvrira à la fin du stage, le samedi 16 janvier 2027" in page.get_data(
        as_text=True
    )
    refused = client.post(
        f"/entreprise/stages/{placement.id}/retours",
        data={"kind": "emploi", "started_on": "2027-09-01"},
    )
    assert refused.status_code == 403
    assert _count(Recruitment) == 0


def test_company_never_sees_a_pupils_answer(app, world, clock):
    pupil_client = _client(app, world["lea"].user)
    pupil_client.post(f"/stages/{world['lea_placement'].id}/avis", data=VALID)
    client = _client(app, world["company_user"])

    pages = [
        client.get("/entreprise/avis"),
        client.get(f"/entreprise/stages/{world['lea_placement'].id}/avis"),
        client.get("/entreprise/"),
        client.get("/entreprise/candidatures"),
    ]

    for page in pages:
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "robot de soudure" not in text
        assert "En partie" not in text
    # The list names the pupil as a company may know them, with the link to answer.
    listing = pages[0].get_data(as_text=True)
    assert "Léa D." in listing and "Durand" not in listing
    assert "Donner votre avis" in listing
    assert "2 stages terminés attendent votre avis" in pages[2].get_data(as_text=True)


# --- The teacher -------------------------------------------------------------------------------


def test_teacher_sees_the_class_answers(app, world, clock):
    _client(app, world["lea"].user).post(f"/stages/{world['lea_placement'].id}/avis", data=VALID)
    _client(app, world["company_user"]).post(
        f"/entreprise/stages/{world['lea_placement'].id}/avis",
        data={"satisfaction": "4", "would_host_again": "non"},
    )
    client = _client(app, world["teacher"])

    page = client.get(f"/classes/{world['class'].id}/avis")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 élève a répondu sur 2 stages terminés." in text
    assert "Durand Léa" in text and "Roy Inès" in text
    assert "2 → 4" in text
    assert "robot de soudure" in text
    assert "4 / 5" in text
    assert "Pas encore de réponse de l'élève" in text  # Inès
    # On the pupil's own follow-up page too.
    follow_up = client.get(
        f"/classes/{world['class'].id}/eleves/{world['lea'].id}/candidatures"
    ).get_data(as_text=True)
    assert "Avis après le stage" in follow_up and "robot de soudure" in follow_up
    # And the class's follow-up page links to the answers.
    assert f"/classes/{world['class'].id}/avis" in client.get(
        f"/classes/{world['class'].id}/suivi"
    ).get_data(as_text=True)


def test_another_teacher_does_not_see_the_class_answers(app, world, clock):
    client = _client(app, world["other_teacher"])

    assert client.get(f"/classes/{world['class'].id}/avis").status_code == 404


def test_services_open_and_edit_windows(world):
    placement = world["lea_placement"]

    assert not services.has_ended(placement, LAST_DAY_EVENING)
    assert services.has_ended(placement, datetime(2027, 1, 15, 23, 30))  # 00:30 in Paris
    with pytest.raises(services.FeedbackClosed):
        services.save_pupil_answer(
            placement,
            LAST_DAY_EVENING,
            desire_before=1,
            desire_after=1,
            programme_followed=ProgrammeFollowed.YES,
            liked=None,
        )
