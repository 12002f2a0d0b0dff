"""The teacher validates or refuses a chosen internship: placement, transition, seat, e-mails,
no age rule, and who may do it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from capindustrie.applications import services as applying
from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationTransition,
    OutboxMessage,
    Period,
    Placement,
    Role,
)
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import NOW, WEEK, application_in, published_period

REASON = "Le trajet est trop long : plus d'une heure trente de transport chaque jour."


@pytest.fixture
def company_user():
    return f.user(Role.COMPANY, email="atelier@exemple.fr",
                  company_obj=f.company("Mécanique de la Brie"))


@pytest.fixture
def period(company_user):
    return published_period(company_user.company, seats=3)


def confirmed_application(klass, period, **pupil_args):
    application = application_in(f.pupil(klass, **pupil_args), period, S.CONFIRMED)
    db.session.commit()
    return application


def snapshot(application: Application) -> dict:
    """What a refused action must leave untouched."""
    db.session.expire_all()
    return {
        "status": db.session.get(Application, application.id).status,
        "seats_taken": db.session.get(Period, application.period_id).seats_taken,
        "transitions": db.session.scalar(
            select(func.count()).select_from(ApplicationTransition)
            .where(ApplicationTransition.application_id == application.id)
        ),
        "placements": db.session.scalar(select(func.count()).select_from(Placement)),
        "emails": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    }


def emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)
    ))


# --- Validation ----------------------------------------------------------------------------------


def test_validation_creates_the_placement_and_tells_the_company(client, teacher, klass, period):
    application = confirmed_application(klass, period, first_name="Léa", last_name="Durand")
    seats_before = period.seats_taken
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/valider")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/classes/{klass.id}/suivi#eleve-{application.pupil_id}"
    )
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == S.VALIDATED
    placement = db.session.scalar(select(Placement))
    assert (placement.application_id, placement.pupil_id, placement.period_id) == (
        application.id, application.pupil_id, application.period_id)
    assert placement.validated_by_id == teacher.id
    assert placement.validated_at is not None
    last = db.session.scalars(
        select(ApplicationTransition).where(ApplicationTransition.application_id == application.id)
        .order_by(ApplicationTransition.id.desc())
    ).first()
    assert (last.from_status, last.to_status, last.actor_id) == (S.CONFIRMED, S.VALIDATED,
                                                                 teacher.id)
    # The seat stays taken: it was held since the company accepted.
    assert db.session.get(Period, period.id).seats_taken == seats_before
    [mail] = [m for m in emails_to("atelier@exemple.fr") if m.subject.startswith("Stage validé")]
    assert "Léa D." in mail.body and "Durand" not in mail.body
    assert f"/stages/{placement.id}/convention" in mail.body
    # The flash shows on the dashboard the teacher lands on.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stage validé pour Léa Durand" in page


def test_validation_shows_on_the_pupils_dashboard(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    login(client, teacher)
    client.post(f"/candidatures/{application.id}/valider")

    pupil_client = client.application.test_client()
    login(pupil_client, application.pupil.user)
    html = pupil_client.get("/candidatures").get_data(as_text=True)

    assert "Validée par le professeur" in html


def test_htmx_validation_swaps_the_row_and_the_counts(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/valider",
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="eleve-{application.pupil_id}"')
    assert "state-stage-valide" in html and ">Convention de stage<" in html
    assert '<template><ul id="compteurs"' in html and 'hx-swap-oob="true"' in html
    assert 'data-state="stage-valide">1<' in html and 'data-state="a-valider">0<' in html
    assert "<html" not in html


def test_a_second_teacher_of_the_class_may_validate(client, klass, period):
    colleague = f.user(Role.TEACHER)
    klass.teachers.append(colleague)
    application = confirmed_application(klass, period)
    login(client, colleague)

    assert client.post(f"/candidatures/{application.id}/valider").status_code == 303
    assert db.session.scalar(select(Placement)).validated_by_id == colleague.id


# --- Refusal -------------------------------------------------------------------------------------


def test_refusal_frees_the_seat_keeps_the_reason_and_tells_the_company(client, teacher, klass,
                                                                      period):
    application = confirmed_application(klass, period)
    taken = db.session.get(Period, period.id).seats_taken
    assert taken == 1
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/refuser",
                           data={f"refus-{application.id}-reason": REASON})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == S.REFUSED_BY_TEACHER
    assert db.session.get(Period, period.id).seats_taken == taken - 1
    last = db.session.scalars(
        select(ApplicationTransition).where(ApplicationTransition.application_id == application.id)
        .order_by(ApplicationTransition.id.desc())
    ).first()
    assert (last.to_status, last.actor_id, last.message) == (S.REFUSED_BY_TEACHER, teacher.id,
                                                             REASON)
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
    [mail] = [m for m in emails_to("atelier@exemple.fr")
              if m.subject.startswith("Stage non validé")]
    assert REASON in mail.body and "de nouveau libre" in mail.body


def test_after_a_refusal_the_pupil_can_apply_again(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    login(client, teacher)
    client.post(f"/candidatures/{application.id}/refuser",
                data={f"refus-{application.id}-reason": REASON})
    db.session.expire_all()
    pupil = db.session.get(Application, application.id).pupil
    # Another offer on the very same dates: no longer blocked by the refused choice.
    other = published_period(f.company(), start=WEEK)

    assert applying.apply_problem(pupil, other, NOW.date()) is None
    assert applying.apply(pupil, other, "Je candidate à nouveau, sur les mêmes dates.", NOW)


def test_pupil_sees_the_teachers_reason(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    login(client, teacher)
    client.post(f"/candidatures/{application.id}/refuser",
                data={f"refus-{application.id}-reason": REASON})

    pupil_client = client.application.test_client()
    login(pupil_client, application.pupil.user)
    html = pupil_client.get(f"/candidatures/{application.id}").get_data(as_text=True)

    assert "Refusée par le professeur" in html
    assert "plus d&#39;une heure trente" in html


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Indiquez le motif du refus"), ("Trop loin", "au moins 10 caractères"),
     ("x" * 1001, "Ce texte dépasse 1000 caractères.")],
)
def test_refusal_needs_a_reason_of_10_to_1000_characters(client, teacher, klass, period, reason,
                                                         message):
    application = confirmed_application(klass, period)
    before = snapshot(application)
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/refuser",
                           data={f"refus-{application.id}-reason": reason})
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert message in html
    assert "<details class=\"refuse\" open>" in html
    assert snapshot(application) == before


def test_htmx_refusal_without_reason_answers_the_row_with_the_error(client, teacher, klass,
                                                                   period):
    application = confirmed_application(klass, period)
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/refuser",
                           data={f"refus-{application.id}-reason": ""},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert html.lstrip().startswith(f'<tr id="eleve-{application.pupil_id}"')
    assert "Indiquez le motif du refus" in html


# --- Only a confirmed application waits for the teacher ------------------------------------------


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.REFUSED, S.VALIDATED,
                                    S.REFUSED_BY_TEACHER])
@pytest.mark.parametrize("action", ["valider", "refuser"])
def test_only_a_chosen_internship_can_be_decided(client, teacher, klass, period, status, action):
    application = application_in(f.pupil(klass), period, status)
    db.session.commit()
    before = snapshot(application)
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/{action}",
                           data={f"refus-{application.id}-reason": REASON})
    html = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "Cette candidature n&#39;attend pas votre validation" in html
    assert snapshot(application) == before


def test_htmx_conflict_reloads_the_page_with_the_message(client, teacher, klass, period):
    application = application_in(f.pupil(klass), period, S.VALIDATED)
    db.session.commit()
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/valider",
                           headers={"HX-Request": "true"})

    assert response.status_code == 409
    assert response.headers["HX-Refresh"] == "true"
    page = client.get(f"/classes/{klass.id}/suivi").get_data(as_text=True)
    assert "n&#39;attend pas votre validation" in page


# --- No age rule ---------------------------------------------------------------------------------
# Loi n° 2018-771 (art. 19) rewrote Code du travail L. 4153-1 2°: since 1 January 2019 the
# observation sequence is open to 3e pupils whatever their age, in private companies too.


def test_a_pupil_of_13_on_the_first_day_is_validated(client, teacher, klass, period):
    # Born the day after the first day of the internship, 14 years earlier: 13 on that day.
    application = confirmed_application(klass, period, birth_date=date(2013, 1, 12))
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/valider")

    assert response.status_code == 303
    assert db.session.scalar(select(Placement)).application_id == application.id
    assert db.session.get(Application, application.id).status == S.VALIDATED


def test_a_young_pupil_is_validated_through_htmx_too(client, teacher, klass, period):
    application = confirmed_application(klass, period, birth_date=date(2014, 6, 1))
    login(client, teacher)

    response = client.post(f"/candidatures/{application.id}/valider",
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Moins de 14 ans" not in html and "L. 4153-1" not in html
    assert db.session.scalar(select(Placement)).application_id == application.id


# --- Who may decide ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["valider", "refuser"])
def test_another_teachers_pupil_is_not_found(client, klass, period, action):
    application = confirmed_application(klass, period)
    stranger = f.user(Role.TEACHER)
    f.school_class(stranger, name="3e C")
    before = snapshot(application)
    login(client, stranger)

    response = client.post(f"/candidatures/{application.id}/{action}",
                           data={f"refus-{application.id}-reason": REASON})

    assert response.status_code == 404
    assert snapshot(application) == before


@pytest.mark.parametrize("role", [Role.PUPIL, Role.COMPANY, Role.STAFF])
@pytest.mark.parametrize("action", ["valider", "refuser"])
def test_other_roles_are_refused(client, klass, period, company_user, role, action):
    application = confirmed_application(klass, period)
    user = {
        Role.PUPIL: application.pupil.user,  # even the pupil concerned
        Role.COMPANY: company_user,  # even the company of the offer
        Role.STAFF: f.user(Role.STAFF),
    }[role]
    before = snapshot(application)
    login(client, user)

    response = client.post(f"/candidatures/{application.id}/{action}",
                           data={f"refus-{application.id}-reason": REASON})

    assert response.status_code == 403
    assert snapshot(application) == before


@pytest.mark.parametrize("action", ["valider", "refuser"])
def test_anonymous_is_sent_to_login(client, klass, period, action):
    application = confirmed_application(klass, period)

    response = client.post(f"/candidatures/{application.id}/{action}")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_without_csrf_token_nothing_happens(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    before = snapshot(application)
    login(client, teacher)

    assert client.post(f"/candidatures/{application.id}/valider", csrf=False).status_code == 400
    assert snapshot(application) == before


# --- Confirmation before validating (issue 17) ---------------------------------------------------


def test_validation_asks_first_without_javascript(client, teacher, klass, period):
    application = confirmed_application(klass, period, first_name="Inès", last_name="Benali")
    before = snapshot(application)
    login(client, teacher)

    response = client.get(f"/candidatures/{application.id}/valider")
    html = response.get_data(as_text=True).replace("&#39;", "'")

    assert response.status_code == 200 and "<html" in html
    assert (
        "Valider le stage d'Inès chez Mécanique de la Brie du lundi 11 janvier 2027 au "
        "vendredi 15 janvier 2027 ?" in html
    )
    assert "la convention de stage s'établit" in html
    # The POST form of the no-JS page: CSRF token, the same URL, Confirmer and Annuler.
    assert f'action="/candidatures/{application.id}/valider"' in html
    assert 'name="csrf_token"' in html
    assert "Confirmer la validation" in html
    assert f'href="/classes/{klass.id}/suivi#eleve-{application.pupil_id}"' in html
    assert snapshot(application) == before  # asking changes nothing

    confirmed = client.post(f"/candidatures/{application.id}/valider")
    assert confirmed.status_code == 303
    assert db.session.get(Application, application.id).status == S.VALIDATED


def test_validation_asks_first_with_htmx(client, teacher, klass, period):
    application = confirmed_application(klass, period, first_name="Léa")
    login(client, teacher)

    response = client.get(f"/candidatures/{application.id}/valider", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="confirm-panel"')
    assert f'hx-post="/candidatures/{application.id}/valider"' in html
    assert 'hx-target="closest tr"' in html and "data-confirm-cancel" in html
    assert db.session.get(Application, application.id).status == S.CONFIRMED


def test_the_dashboard_opens_the_confirmation_not_the_validation(client, teacher, klass, period):
    application = confirmed_application(klass, period)
    login(client, teacher)

    html = client.get(f"/classes/{klass.id}/suivi").get_data(as_text=True)

    assert f'hx-get="/candidatures/{application.id}/valider"' in html
    assert f'hx-post="/candidatures/{application.id}/valider"' not in html


def test_confirmation_of_a_decided_application_says_so(client, teacher, klass, period):
    application = application_in(f.pupil(klass), period, S.VALIDATED)
    db.session.commit()
    login(client, teacher)

    response = client.get(f"/candidatures/{application.id}/valider")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/classes/{klass.id}/suivi#eleve-{application.pupil_id}"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "n&#39;attend plus votre validation" in page


def test_confirmation_of_another_teachers_pupil_is_not_found(client, klass, period):
    application = confirmed_application(klass, period)
    stranger = f.user(Role.TEACHER)
    f.school_class(stranger, name="3e C")
    login(client, stranger)

    response = client.get(f"/candidatures/{application.id}/valider")

    assert response.status_code == 404
    assert "Durand" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PUPIL, Role.COMPANY, Role.STAFF])
def test_confirmation_is_for_teachers_only(client, klass, period, company_user, role):
    application = confirmed_application(klass, period)
    user = {
        Role.PUPIL: application.pupil.user,
        Role.COMPANY: company_user,
        Role.STAFF: f.user(Role.STAFF),
    }[role]
    login(client, user)

    assert client.get(f"/candidatures/{application.id}/valider").status_code == 403
