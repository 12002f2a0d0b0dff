"""The teacher's class dashboard: where each pupil stands, counts, filters, a constant number of
SQL statements whatever the class size, and each pupil's applications with their history."""

import re
from datetime import date

import pytest

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Application, Role, SchoolClass
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import (
    QueryCounter,
    application_in,
    fresh_session,
    published_period,
)

ROW = re.compile(r'<tr id="eleve-(\d+)" class="pupil-row state-([a-z-]+)">')
COUNT = re.compile(r'data-state="([a-z-]+)">(\d+)<')


def rows(html: str) -> list[tuple[int, str]]:
    return [(int(pid), state) for pid, state in ROW.findall(html)]


def counts(html: str) -> dict[str, int]:
    return {state: int(n) for state, n in COUNT.findall(html)}


@pytest.fixture
def every_state(klass):
    """One class with a pupil in each situation (and two with no application at all)."""
    company = f.company("Mécanique de la Brie")
    f.user(Role.COMPANY, company_obj=company)
    periods = [published_period(company, seats=10, start=date(2027, 1, 11 + 7 * n))
               for n in range(3)]
    pupils = {
        "confirmed": f.pupil(klass, "David", "Dubois"),
        "none_z": f.pupil(klass, "Zoé", "Aubert"),
        "none_refused": f.pupil(klass, "Farid", "Éloi"),
        "pending": f.pupil(klass, "Bruno", "Bernard"),
        "accepted": f.pupil(klass, "Chloé", "Colin"),
        "placed": f.pupil(klass, "Emma", "Roux"),
    }
    application_in(pupils["confirmed"], periods[0], S.CONFIRMED)
    application_in(pupils["none_refused"], periods[0], S.REFUSED)
    application_in(pupils["pending"], periods[0], S.SUBMITTED)
    application_in(pupils["pending"], periods[1], S.SUBMITTED)
    application_in(pupils["accepted"], periods[0], S.ACCEPTED)
    application_in(pupils["placed"], periods[2], S.VALIDATED)
    db.session.commit()
    return pupils


def test_every_pupil_with_their_situation_most_urgent_first(client, teacher, klass, every_state):
    login(client, teacher)
    response = client.get(f"/classes/{klass.id}/suivi")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    p = every_state
    assert rows(html) == [
        (p["confirmed"].id, "a-valider"),
        # no application: by last name, accents ignored (Aubert before Éloi)
        (p["none_z"].id, "aucune"),
        (p["none_refused"].id, "aucune"),
        (p["pending"].id, "en-attente"),
        (p["accepted"].id, "acceptee"),
        (p["placed"].id, "stage-valide"),
    ]
    assert counts(html) == {
        "a-valider": 1, "aucune": 2, "en-attente": 1, "acceptee": 1, "stage-valide": 1,
    }
    assert "Candidatures en attente (2)" in html
    assert "Acceptée — en attente de l&#39;élève" in html
    assert "Choisie — à valider" in html
    assert "1 sans suite" in html  # Farid's refused application
    # The confirmed one carries its two decisions; the placement its convention.
    confirmed = db.session.scalar(
        db.select(Application).where(Application.pupil_id == p["confirmed"].id)
    )
    # Validation is a link to its confirmation (issue 17), refusal a form with its reason.
    assert f'href="/candidatures/{confirmed.id}/valider"' in html
    assert f'action="/candidatures/{confirmed.id}/refuser"' in html
    assert html.count("Valider le stage") == 1
    assert html.count("Refuser le stage") == 1
    assert html.count(">Convention de stage<") == 1
    assert re.search(r'href="/stages/\d+/convention"', html)
    assert f'href="/classes/{klass.id}/eleves/{p["pending"].id}/candidatures"' in html


@pytest.mark.parametrize(
    ("state", "expected"),
    [("a-valider", ["confirmed"]), ("aucune", ["none_z", "none_refused"]),
     ("en-attente", ["pending"]), ("acceptee", ["accepted"]), ("stage-valide", ["placed"])],
)
def test_filter_by_situation(client, teacher, klass, every_state, state, expected):
    login(client, teacher)
    html = client.get(f"/classes/{klass.id}/suivi?etat={state}").get_data(as_text=True)

    assert [pid for pid, _ in rows(html)] == [every_state[k].id for k in expected]
    # The counts stay those of the whole class.
    assert sum(counts(html).values()) == 6
    assert 'aria-current="true"' in html


def test_live_filter_answers_the_results_fragment(client, teacher, klass, every_state):
    login(client, teacher)
    response = client.get(f"/classes/{klass.id}/suivi?etat=en-attente",
                          headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="suivi-resultats">')
    assert "<html" not in html
    assert [pid for pid, _ in rows(html)] == [every_state["pending"].id]
    assert "HX-Request" in response.headers["Vary"]


def test_unknown_filter_is_reported_and_ignored(client, teacher, klass, every_state):
    login(client, teacher)
    response = client.get(f"/classes/{klass.id}/suivi?etat=nimporte")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Valeur inconnue, ignorée" in html
    assert len(rows(html)) == 6


def test_empty_filter_result_says_so(client, teacher, klass):
    f.pupil(klass)
    login(client, teacher)
    html = client.get(f"/classes/{klass.id}/suivi?etat=stage-valide").get_data(as_text=True)

    assert rows(html) == []
    assert "Aucun élève dans cette situation." in html


def _class_with(klass, per_state: int, start_index: int = 0):
    """`per_state` pupils in each of the five situations, on fresh offers."""
    company = f.company()
    period = published_period(company, seats=20)
    later = published_period(company, seats=20, start=date(2027, 2, 1))
    for n in range(per_state):
        i = start_index + n
        f.pupil(klass, f"Aucune{i}", f"Nom{i}")
        application_in(f.pupil(klass, f"Attente{i}", f"Nom{i}"), period, S.SUBMITTED)
        application_in(f.pupil(klass, f"Acceptee{i}", f"Nom{i}"), period, S.ACCEPTED)
        application_in(f.pupil(klass, f"Choisie{i}", f"Nom{i}"), period, S.CONFIRMED)
        application_in(f.pupil(klass, f"Valide{i}", f"Nom{i}"), later, S.VALIDATED)


def _dashboard_statements(client, class_id: int) -> tuple[int, str]:
    fresh_session()
    with QueryCounter(db.engine) as counter:
        response = client.get(f"/classes/{class_id}/suivi")
    assert response.status_code == 200
    return len(counter), response.get_data(as_text=True)


def test_the_number_of_sql_statements_does_not_grow_with_the_class(client, teacher, klass):
    class_id = klass.id
    _class_with(klass, per_state=1)
    login(client, teacher)
    small, html = _dashboard_statements(client, class_id)
    assert len(rows(html)) == 5

    _class_with(db.session.get(SchoolClass, class_id), per_state=5, start_index=1)
    large, html = _dashboard_statements(client, class_id)
    assert len(rows(html)) == 30
    assert counts(html) == dict.fromkeys(
        ["a-valider", "aucune", "en-attente", "acceptee", "stage-valide"], 6
    )

    assert 0 < small == large <= 15


def test_pupil_applications_show_status_and_history(client, teacher, klass):
    pupil = f.pupil(klass, "Léa", "Durand")
    company = f.company("Chaudronnerie de Meaux")
    company_user = f.user(Role.COMPANY, company_obj=company, first_name="Hugo", last_name="Patron")
    confirmed = application_in(pupil, published_period(company), S.CONFIRMED)
    refused = application_in(pupil, published_period(company, start=date(2027, 2, 1)),
                             S.REFUSED)
    db.session.commit()
    login(client, teacher)

    response = client.get(f"/classes/{klass.id}/eleves/{pupil.id}/candidatures")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Candidatures de Léa Durand" in html  # « de » before a consonant
    assert f'id="candidature-{confirmed.id}"' in html and f'id="candidature-{refused.id}"' in html
    assert "Choisie — en attente du professeur" in html
    assert "Refusée" in html
    assert "Plus de tuteur disponible." in html  # the company's message, in the history
    assert "l&#39;élève" in html and "l&#39;entreprise (Chaudronnerie de Meaux)" in html
    assert company_user.last_name not in html  # a company user's own name is not shown
    assert f'href="/classes/{klass.id}/suivi#eleve-{pupil.id}"' in html


def test_a_second_teacher_of_the_class_sees_it_too(client, klass):
    colleague = f.user(Role.TEACHER)
    klass.teachers.append(colleague)
    f.pupil(klass)
    login(client, colleague)

    assert client.get(f"/classes/{klass.id}/suivi").status_code == 200


def test_another_teachers_class_is_not_found(client, klass):
    pupil = f.pupil(klass)
    stranger = f.user(Role.TEACHER)
    own = f.school_class(stranger, name="3e C")
    login(client, stranger)

    assert client.get(f"/classes/{klass.id}/suivi").status_code == 404
    assert client.get(f"/classes/{klass.id}/eleves/{pupil.id}/candidatures").status_code == 404
    # Their own class id with a pupil of another class: not found either.
    assert client.get(f"/classes/{own.id}/eleves/{pupil.id}/candidatures").status_code == 404
    assert client.get("/classes/999999/suivi").status_code == 404
