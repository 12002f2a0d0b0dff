"""Applying, answering, choosing, and who sees what (routes of the applications blueprint).

The clock is frozen on 25 November 2026; the periods are in January 2027 (3e weeks).
"""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.applications import services
from capindustrie.emails.services import SIGNATURE
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Offer,
    OfferStatus,
    OutboxMessage,
    Period,
    Placement,
    Pupil,
    Role,
    School,
    User,
)
from tests import factories
from tests.factories import login

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)
WEEK_1 = (date(2027, 1, 11), date(2027, 1, 15))
WEEK_2 = (date(2027, 1, 18), date(2027, 1, 22))
WEEK_3 = (date(2027, 1, 25), date(2027, 1, 29))
JUNE = (date(2027, 6, 14), date(2027, 6, 25))
MESSAGE = "Bonjour, la maintenance industrielle m'intéresse beaucoup depuis la visite de l'usine."
SEAT_HOLDING = {
    ApplicationStatus.PROPOSED, ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
    ApplicationStatus.VALIDATED,
}


# --- helpers (also used by the other application test modules) ----------------------------------




def naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def offer_with(company, *weeks, seats: int = 2, title: str = "Découvrir la maintenance",
               status: OfferStatus = OfferStatus.PUBLISHED, levels=("3e",)) -> Offer:
    return factories.complete_offer(
        company, status=status, title=title, levels=levels,
        periods=tuple((start, end, seats) for start, end in weeks),
    )


def make_application(pupil: Pupil, period: Period, status=ApplicationStatus.SUBMITTED,
                     changed_at: datetime | None = None, message: str = MESSAGE) -> Application:
    """An application already in `status` (its seat counted), as if its story had happened."""
    changed_at = changed_at or naive(NOW)
    application = Application(
        pupil=pupil, period=period, status=status, message=message,
        created_at=changed_at, status_changed_at=changed_at,
    )
    if status in SEAT_HOLDING:
        period.seats_taken += 1
    db.session.add(application)
    db.session.flush()
    return application


def outbox(to: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        statement = statement.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(statement))


class World:
    """A company with two users and a published offer; a teacher's 3e class with two pupils."""

    def __init__(self):
        self.company = factories.company(name="Fromagerie Briarde")
        self.company_user = factories.user(Role.COMPANY, company_obj=self.company,
                                           first_name="Nadia", last_name="Benali")
        self.colleague = factories.user(Role.COMPANY, company_obj=self.company,
                                        first_name="Marc", last_name="Petit")
        self.teacher = factories.user(Role.TEACHER, first_name="Anne", last_name="Prof")
        self.klass = factories.school_class(self.teacher)
        self.pupil = factories.pupil(self.klass, first_name="Léa", last_name="Durand")
        self.other_pupil = factories.pupil(self.klass, first_name="Hugo", last_name="Bernard")
        self.offer = offer_with(self.company, WEEK_1, WEEK_2)
        self.period = self.offer.periods[0]
        self.period_2 = self.offer.periods[1]
        self.other_company = factories.company(name="Aéro Sud")
        self.other_company_user = factories.user(Role.COMPANY, company_obj=self.other_company)
        self.other_offer = offer_with(self.other_company, WEEK_1, title="Assembler un avion")
        self.staff = factories.user(Role.STAFF)
        db.session.commit()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(app, frozen):
    return World()


def post_apply(client, period: Period, message: str = MESSAGE, **kwargs):
    return client.post(
        f"/candidatures/nouvelle/{period.id}", data={"message": message}, **kwargs
    )


def application_count(**where) -> int:
    statement = select(func.count(Application.id))
    for key, value in where.items():
        statement = statement.where(getattr(Application, key) == value)
    return db.session.scalar(statement)


# --- Applying ------------------------------------------------------------------------------------


def test_pupil_applies_and_the_company_users_are_told(client, world):
    login(client, world.pupil.user)
    page = client.get(f"/candidatures/nouvelle/{world.period.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Envoyer ma candidature" in html
    assert 'hx-disabled-elt="find button"' in html

    response = post_apply(client, world.period)

    assert response.status_code == 303
    application = db.session.scalar(select(Application))
    assert response.headers["Location"].endswith(f"/candidatures/{application.id}")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.pupil_id == world.pupil.id and application.period_id == world.period.id
    assert application.message == MESSAGE
    [log] = application.transitions
    assert (log.from_status, log.to_status, log.actor_id) == (
        None, ApplicationStatus.SUBMITTED, world.pupil.user_id
    )
    mails = outbox()
    assert sorted(m.to_address for m in mails) == sorted(
        [world.company_user.email, world.colleague.email]
    )
    body = mails[0].body
    assert "Découvrir la maintenance" in mails[0].subject
    assert "Léa D." in body and "Durand" not in body and world.pupil.user.username not in body
    assert f"/entreprise/candidatures?offre={world.offer.id}" in body
    # The message itself stays on the platform.
    assert MESSAGE not in body
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Candidature envoyée" in detail and "Envoyée" in detail


def test_htmx_apply_redirects_with_hx_redirect(client, world):
    login(client, world.pupil.user)
    response = post_apply(client, world.period, headers={"HX-Request": "true"})
    assert response.status_code == 200
    application = db.session.scalar(select(Application))
    assert response.headers["HX-Redirect"].endswith(f"/candidatures/{application.id}")


@pytest.mark.parametrize(
    "message, error",
    [
        ("", "Écris un message"),
        ("Trop court.", "au moins 20 caractères"),
        ("   " + "a" * 19 + "   ", "au moins 20 caractères"),
        ("x" * 1001, "dépasse 1000 caractères"),
    ],
)
def test_message_length_is_checked_and_nothing_is_saved(client, world, message, error):
    login(client, world.pupil.user)
    response = post_apply(client, world.period, message=message)
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    assert application_count() == 0
    assert outbox() == []


def test_message_of_exactly_the_limits_is_accepted(client, world):
    login(client, world.pupil.user)
    assert post_apply(client, world.period, message="a" * 20).status_code == 303
    # CRLF line breaks count as one character, as the browser counts them.
    assert post_apply(client, world.period_2, message="a\r\n" * 333 + "a").status_code == 303
    assert application_count() == 2


def test_the_sixth_active_application_is_refused(make_app, frozen):
    app = make_app(MAX_ACTIVE_APPLICATIONS=5)
    with app.app_context():
        w = World()
        # Five active ones (submitted, accepted, confirmed), plus closed ones that do not count.
        weeks = [(date(2027, 2, 1) + timedelta(weeks=n), date(2027, 2, 5) + timedelta(weeks=n))
                 for n in range(8)]
        offer = offer_with(w.company, *weeks, title="Huit semaines")
        statuses = [ApplicationStatus.SUBMITTED] * 3 + [
            ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
            ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN,
        ]
        for period, status in zip(offer.periods, statuses, strict=False):
            make_application(w.pupil, period, status)
        db.session.commit()
        client = app.test_client()
        login(client, w.pupil.user)

        response = post_apply(client, w.period)

        assert response.status_code == 422
        assert "déjà 5 candidatures en cours" in response.get_data(as_text=True)
        assert application_count(pupil_id=w.pupil.id) == 7
        # Withdrawing one makes room.
        submitted = db.session.scalar(
            select(Application).where(Application.status == ApplicationStatus.SUBMITTED)
        )
        assert client.post(f"/candidatures/{submitted.id}/retirer").status_code == 303
        assert post_apply(client, w.period).status_code == 303


def test_the_limit_is_configurable(make_app, frozen):
    app = make_app(MAX_ACTIVE_APPLICATIONS=1)
    with app.app_context():
        w = World()
        make_application(w.pupil, w.other_offer.periods[0])
        db.session.commit()
        client = app.test_client()
        login(client, w.pupil.user)
        response = post_apply(client, w.period)
        assert response.status_code == 422
        assert "déjà 1 candidature en cours, le maximum" in response.get_data(as_text=True)


def test_a_second_application_to_the_same_period_shows_the_first(client, world):
    login(client, world.pupil.user)
    first = post_apply(client, world.period)
    second = post_apply(client, world.period, message="Un autre message assez long pour passer.")

    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert application_count() == 1
    assert db.session.scalar(select(Application.message)) == MESSAGE
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Tu as déjà candidaté sur cette période" in page
    # The form page itself leads to the existing application.
    again = client.get(f"/candidatures/nouvelle/{world.period.id}")
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]


def test_a_withdrawn_application_still_blocks_the_same_period(client, world):
    make_application(world.pupil, world.period, ApplicationStatus.WITHDRAWN)
    db.session.commit()
    login(client, world.pupil.user)
    assert post_apply(client, world.period).status_code == 303
    assert application_count() == 1


def test_a_double_click_past_the_check_is_stopped_by_the_unique_constraint(
    client, world, monkeypatch
):
    """Two simultaneous submissions: both pass the check, the second insert hits the unique
    (pupil, period) constraint and is answered with the first application, not an error."""
    make_application(world.pupil, world.period)
    db.session.commit()
    real = services.existing_application
    calls = {"n": 0}

    def blind_twice(pupil, period):
        calls["n"] += 1
        return None if calls["n"] <= 2 else real(pupil, period)

    monkeypatch.setattr(services, "existing_application", blind_twice)
    login(client, world.pupil.user)

    response = post_apply(client, world.period)

    assert calls["n"] == 3
    assert response.status_code == 303
    existing = db.session.scalar(select(Application))
    assert response.headers["Location"].endswith(f"/candidatures/{existing.id}")
    assert application_count() == 1


@pytest.mark.parametrize("held", ["confirmed", "validated", "placement"])
def test_no_application_overlapping_a_chosen_internship(client, world, held):
    other = offer_with(world.other_company, (date(2027, 1, 13), date(2027, 1, 19)),
                       title="Chevauche")
    if held == "placement":
        chosen = make_application(world.pupil, world.other_offer.periods[0],
                                  ApplicationStatus.VALIDATED)
        db.session.add(Placement(application=chosen, pupil=world.pupil,
                                 period=world.other_offer.periods[0]))
        chosen.status = ApplicationStatus.WITHDRAWN  # the placement alone must be enough
    else:
        make_application(world.pupil, world.other_offer.periods[0], ApplicationStatus(held))
    db.session.commit()
    login(client, world.pupil.user)

    response = post_apply(client, other.periods[0])

    assert response.status_code == 422
    assert "Tu as déjà choisi un stage sur ces dates" in response.get_data(as_text=True)
    # A week that does not overlap stays open.
    assert post_apply(client, world.period_2).status_code == 303


def test_an_accepted_but_unchosen_application_does_not_block_overlapping_ones(client, world):
    make_application(world.pupil, world.other_offer.periods[0], ApplicationStatus.ACCEPTED)
    db.session.commit()
    login(client, world.pupil.user)
    assert post_apply(client, world.period).status_code == 303


def test_a_period_of_another_level_is_refused_in_french(client, world):
    offer = offer_with(world.company, JUNE, title="Seconde en juin", levels=("2nde",))
    db.session.commit()
    login(client, world.pupil.user)
    for response in (client.get(f"/candidatures/nouvelle/{offer.periods[0].id}"),
                     post_apply(client, offer.periods[0])):
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "réservée aux élèves de 2nde" in html and "ta classe (3e B) est en 3e" in html
        assert "Envoyer ma candidature" not in html
    assert application_count() == 0


def test_rep_reserved_offers_only_for_rep_schools(client, world):
    world.offer.reserved_priority_education = True
    rep_school = db.session.scalar(select(School).where(School.uai == "0771029A"))
    assert rep_school.priority_education == "REP+"
    rep_teacher = factories.user(Role.TEACHER, school_obj=rep_school)
    rep_pupil = factories.pupil(factories.school_class(rep_teacher, name="3e A"), first_name="Inès")
    db.session.commit()

    login(client, world.pupil.user)
    refused = post_apply(client, world.period)
    assert refused.status_code == 422
    assert "réservée aux élèves des établissements de l'éducation prioritaire" in unescape(
        refused.get_data(as_text=True)
    )

    login(client, rep_pupil.user)
    assert post_apply(client, world.period).status_code == 303
    assert application_count() == 1


@pytest.mark.parametrize(
    "status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED, OfferStatus.CLOSED,
               OfferStatus.ARCHIVED]
)
def test_unpublished_offers_cannot_be_applied_to(client, world, status):
    world.offer.status = status
    db.session.commit()
    login(client, world.pupil.user)
    assert client.get(f"/candidatures/nouvelle/{world.period.id}").status_code == 404
    assert post_apply(client, world.period).status_code == 404
    assert application_count() == 0


def test_unknown_period_is_404(client, world):
    login(client, world.pupil.user)
    assert client.get("/candidatures/nouvelle/999999").status_code == 404
    assert post_apply(client, Period(id=999999)).status_code == 404


def test_a_full_period_is_refused(client, world):
    world.period.seats_taken = world.period.seats
    db.session.commit()
    login(client, world.pupil.user)
    response = post_apply(client, world.period)
    assert response.status_code == 422
    assert "Plus aucune place disponible sur cette période." in response.get_data(as_text=True)
    assert application_count() == 0


def test_a_started_period_is_refused(client, world):
    with time_machine.travel(datetime(2027, 1, 12, 9, tzinfo=UTC), tick=False):
        login(client, world.pupil.user)
        response = post_apply(client, world.period)
    assert response.status_code == 422
    assert "a déjà commencé" in response.get_data(as_text=True)


def test_htmx_refusal_swaps_the_form_with_the_errors(client, world):
    login(client, world.pupil.user)
    response = post_apply(client, world.period, message="court", headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="formulaire-candidature"' in html
    assert "au moins 20 caractères" in html


# --- Pupil's own actions -------------------------------------------------------------------------


def test_pupil_withdraws_a_pending_application(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.pupil.user)

    response = client.post(f"/candidatures/{application.id}/retirer")

    assert response.status_code == 303
    db.session.refresh(application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.transitions[-1].actor_id == world.pupil.user_id
    assert any("Candidature retirée" in m.subject for m in outbox(world.company_user.email))
    # Once withdrawn there is nothing left to withdraw.
    again = client.post(f"/candidatures/{application.id}/retirer")
    assert again.status_code == 422
    assert "Impossible de passer la candidature de « Retirée » à « Retirée »" in again.get_data(
        as_text=True
    )


def test_pupil_declines_an_acceptance_and_frees_the_seat(client, world):
    application = make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    db.session.commit()
    assert world.period.seats_taken == 1
    login(client, world.pupil.user)

    assert client.post(f"/candidatures/{application.id}/retirer").status_code == 303

    db.session.refresh(world.period)
    assert world.period.seats_taken == 0
    assert db.session.get(Application, application.id).status == ApplicationStatus.WITHDRAWN
    assert any("de nouveau libre" in m.body for m in outbox(world.company_user.email))


def test_the_pupil_cannot_choose_a_pending_application(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.pupil.user)
    response = client.post(f"/candidatures/{application.id}/choisir")
    assert response.status_code == 422
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED


def test_choosing_withdraws_overlapping_applications_and_frees_their_seats(client, world):
    third = factories.company(name="Verrerie")
    third_user = factories.user(Role.COMPANY, company_obj=third)
    overlapping = offer_with(third, (date(2027, 1, 14), date(2027, 1, 20)), title="Le verre")
    chosen = make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    accepted_elsewhere = make_application(
        world.pupil, world.other_offer.periods[0], ApplicationStatus.ACCEPTED
    )
    pending_overlap = make_application(world.pupil, overlapping.periods[0])
    later_week = make_application(world.pupil, world.period_2)
    other_pupils = make_application(world.other_pupil, world.other_offer.periods[0])
    db.session.commit()
    login(client, world.pupil.user)

    response = client.post(f"/candidatures/{chosen.id}/choisir")

    assert response.status_code == 303
    db.session.expire_all()
    assert chosen.status == ApplicationStatus.CONFIRMED
    for withdrawn in (accepted_elsewhere, pending_overlap):
        assert withdrawn.status == ApplicationStatus.WITHDRAWN
        log = withdrawn.transitions[-1]
        assert log.actor_id is None
        assert log.message == (
            "Retirée automatiquement : l'élève a choisi un autre stage sur ces dates."
        )
    # Not overlapping, or not the same pupil: untouched.
    assert later_week.status == ApplicationStatus.SUBMITTED
    assert other_pupils.status == ApplicationStatus.SUBMITTED
    assert world.other_offer.periods[0].seats_taken == 0
    assert world.period.seats_taken == 1
    assert any("choisi un autre stage" in m.body for m in outbox(world.other_company_user.email))
    assert any("choisi un autre stage" in m.body for m in outbox(third_user.email))
    assert any("Stage choisi" in m.subject for m in outbox(world.company_user.email))
    assert any("attend votre validation" in m.body for m in outbox(world.teacher.email))
    page = client.get("/candidatures").get_data(as_text=True)
    assert "Choisie — en attente du professeur" in page
    assert "2 autres candidatures sur les mêmes dates ont été retirées" in page
    # Four kinds of e-mail went out: each is signed once, at the end, the same way.
    for message in outbox():
        assert message.body.count("L'équipe Cap Industrie") == 1
        assert message.body.endswith(f"\n\n-- \n{SIGNATURE}\n")


# --- Pupil dashboard -----------------------------------------------------------------------------


def test_dashboard_lists_active_applications_first_then_finished_ones(client, world):
    """Issue 17: the pending one (older) comes before the refused one (more recent), under
    « En cours » and « Terminées »."""
    old = make_application(world.pupil, world.period, changed_at=naive(NOW) - timedelta(days=3))
    recent = make_application(world.pupil, world.other_offer.periods[0],
                              ApplicationStatus.REFUSED, changed_at=naive(NOW) - timedelta(days=1))
    recent.answer_message = "Nous sommes complets en janvier, désolés."
    make_application(world.other_pupil, world.period_2,
                     message="Le message de quelqu'un d'autre, à ne pas montrer.")
    db.session.commit()
    login(client, world.pupil.user)

    html = unescape(client.get("/candidatures").get_data(as_text=True))

    assert html.index("En cours") < html.index("Découvrir la maintenance")
    assert html.index("Découvrir la maintenance") < html.index("Terminées")
    assert html.index("Terminées") < html.index("Assembler un avion")
    assert "Refusée" in html and "Nous sommes complets en janvier" in html
    assert "L'entreprise doit répondre avant le mercredi 2 décembre 2026" in html
    assert "Retirer ma candidature" in html
    assert "quelqu'un d'autre" not in html
    assert f"candidature-{old.id}" in html and f"candidature-{recent.id}" in html
    assert "1 candidature en cours sur 5" in html


def test_dashboard_offers_choose_and_decline_on_an_acceptance(client, world):
    make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    db.session.commit()
    login(client, world.pupil.user)
    html = client.get("/candidatures").get_data(as_text=True)
    assert "Je choisis ce stage" in html and "Décliner la proposition" in html
    assert "Confirme ton choix avant le mercredi 2 décembre 2026" in html


def test_detail_shows_the_history_without_company_user_names(client, world):
    application = make_application(world.pupil, world.period)
    db.session.add(ApplicationTransition(application=application, actor_id=world.pupil.user_id,
                                         to_status=ApplicationStatus.SUBMITTED))
    db.session.commit()
    from capindustrie.applications.states import transition

    transition(application, ApplicationStatus.ACCEPTED, world.company_user, "Bienvenue !")
    db.session.commit()
    login(client, world.pupil.user)
    html = client.get(f"/candidatures/{application.id}").get_data(as_text=True)
    assert "Historique" in html and "Bienvenue !" in html
    assert "l&#39;entreprise" in html and "toi" in html
    assert "Benali" not in html and "Nadia" not in html


# --- Company side --------------------------------------------------------------------------------


def test_company_list_shows_only_what_the_pupil_may_share(client, world):
    mine = make_application(world.pupil, world.period)
    make_application(world.other_pupil, world.other_offer.periods[0],
                     message="Message pour une autre entreprise, à ne pas montrer.")
    db.session.commit()
    login(client, world.company_user)

    html = client.get("/entreprise/candidatures").get_data(as_text=True)

    assert "Léa D." in html
    assert "Durand" not in html and world.pupil.user.username not in html
    assert "3e B" in html and "Collège Denecourt" in html
    assert MESSAGE.replace("'", "&#39;") in html
    assert f"candidature-{mine.id}" in html
    # Nothing about pupils who applied elsewhere.
    assert "Hugo" not in html and "autre entreprise" not in html
    assert "Accepter" in html and "Refuser" in html


def test_company_list_filters_by_offer_and_status(client, world):
    second = offer_with(world.company, WEEK_3, title="Conduire une ligne")
    a = make_application(world.pupil, world.period)
    b = make_application(world.other_pupil, second.periods[0], ApplicationStatus.REFUSED)
    db.session.commit()
    login(client, world.company_user)

    by_offer = client.get(f"/entreprise/candidatures?offre={second.id}").get_data(as_text=True)
    assert f"candidature-{b.id}" in by_offer and f"candidature-{a.id}" not in by_offer
    by_status = client.get("/entreprise/candidatures?statut=submitted").get_data(as_text=True)
    assert f"candidature-{a.id}" in by_status and f"candidature-{b.id}" not in by_status
    # Another company's offer and unknown values are reported, then ignored.
    tampered = client.get(
        f"/entreprise/candidatures?offre={world.other_offer.id}&statut=nimporte"
    )
    assert tampered.status_code == 200
    html = tampered.get_data(as_text=True)
    assert "Valeur inconnue" in html
    assert f"candidature-{a.id}" in html and f"candidature-{b.id}" in html


def test_company_accepts_takes_a_seat_and_tells_the_teacher(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)

    response = client.post(
        f"/entreprise/candidatures/{application.id}/accepter",
        data={f"answer-{application.id}-message": "Rendez-vous à 9 h à l'accueil."},
    )

    assert response.status_code == 303
    assert f"#candidature-{application.id}" in response.headers["Location"]
    db.session.expire_all()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.answer_message == "Rendez-vous à 9 h à l'accueil."
    assert world.period.seats_taken == 1
    log = application.transitions[-1]
    assert (log.actor_id, log.from_status, log.to_status) == (
        world.company_user.id, ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED
    )
    [mail] = outbox(world.teacher.email)
    assert "acceptée" in mail.subject and "Léa D." in mail.body and "Durand" not in mail.body
    login(client, world.pupil.user)
    assert "Rendez-vous à 9 h" in client.get("/candidatures").get_data(as_text=True)


def test_htmx_accept_returns_the_card_fragment(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)

    response = client.post(
        f"/entreprise/candidatures/{application.id}/accepter", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<h1" not in html
    assert html.strip().startswith("<article") and f'id="candidature-{application.id}"' in html
    assert "Acceptée par l&#39;entreprise" in html and "Candidature acceptée" in html
    assert "Accepter" not in html  # no more answer buttons
    assert "HX-Request" in response.headers.get("Vary", "")


def test_company_refuses_with_a_message(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)
    response = client.post(
        f"/entreprise/candidatures/{application.id}/refuser",
        data={f"answer-{application.id}-message": "Complet, désolés."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert application.status == ApplicationStatus.REFUSED
    assert application.answer_message == "Complet, désolés."
    assert world.period.seats_taken == 0
    assert any("refusée" in m.subject for m in outbox(world.teacher.email))


def test_an_answer_message_too_long_is_refused(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)
    response = client.post(
        f"/entreprise/candidatures/{application.id}/accepter",
        data={f"answer-{application.id}-message": "x" * 1001},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "dépasse 1000 caractères" in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED
    assert world.period.seats_taken == 0


def test_accepting_beyond_the_seats_is_impossible(client, world):
    world.period.seats = 1
    first = make_application(world.pupil, world.period)
    second = make_application(world.other_pupil, world.period)
    db.session.commit()
    login(client, world.company_user)

    assert client.post(f"/entreprise/candidatures/{first.id}/accepter").status_code == 303
    refused = client.post(f"/entreprise/candidatures/{second.id}/accepter")

    assert refused.status_code == 422
    assert "Plus aucune place disponible sur cette période." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert second.status == ApplicationStatus.SUBMITTED
    assert len(second.transitions) == 0
    assert world.period.seats_taken == 1


def close_by_taking_the_last_seat(client, world) -> Application:
    world.period.seats = 1
    world.period_2.seats_taken = world.period_2.seats
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)
    client.post(f"/entreprise/candidatures/{application.id}/accepter")
    db.session.expire_all()
    assert world.offer.status == OfferStatus.CLOSED
    return application


def test_the_last_seat_closes_the_offer(client, world):
    close_by_taking_the_last_seat(client, world)
    assert world.offer.transitions[-1].actor_id is None


def test_a_freed_seat_reopens_an_offer_the_system_closed_for_being_full(client, world):
    application = close_by_taking_the_last_seat(client, world)
    login(client, world.pupil.user)

    assert client.post(f"/candidatures/{application.id}/retirer").status_code == 303

    db.session.expire_all()
    assert world.offer.status == OfferStatus.PUBLISHED
    reopening = world.offer.transitions[-1]
    assert (reopening.from_status, reopening.to_status) == (OfferStatus.CLOSED,
                                                            OfferStatus.PUBLISHED)
    assert reopening.actor_id is None and "de nouveau publiée" in reopening.message
    # The other pupil can now find it and apply for the freed seat.
    login(client, world.other_pupil.user)
    assert post_apply(client, world.period).status_code == 303


def test_an_offer_its_company_closed_stays_closed_when_a_seat_frees(client, world):
    application = make_application(world.pupil, world.period, ApplicationStatus.ACCEPTED)
    db.session.commit()
    login(client, world.company_user)
    assert client.post(f"/entreprise/offres/{world.offer.id}/fermer").status_code in (200, 303)
    db.session.expire_all()
    assert world.offer.status == OfferStatus.CLOSED
    login(client, world.pupil.user)

    client.post(f"/candidatures/{application.id}/retirer")

    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.WITHDRAWN
    assert world.offer.status == OfferStatus.CLOSED


def test_a_colleague_sees_and_answers_the_same_applications(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.colleague)
    assert f"candidature-{application.id}" in client.get("/entreprise/candidatures").get_data(
        as_text=True
    )
    assert client.post(f"/entreprise/candidatures/{application.id}/refuser").status_code == 303


def test_a_company_never_touches_another_companys_applications(client, world):
    theirs = make_application(world.pupil, world.other_offer.periods[0])
    db.session.commit()
    login(client, world.company_user)
    for action in ("accepter", "refuser"):
        assert client.post(f"/entreprise/candidatures/{theirs.id}/{action}").status_code == 404
    assert "Léa" not in client.get("/entreprise/candidatures").get_data(as_text=True)
    db.session.expire_all()
    assert theirs.status == ApplicationStatus.SUBMITTED


def test_a_pupil_never_sees_another_pupils_application(client, world):
    theirs = make_application(world.other_pupil, world.period)
    db.session.commit()
    login(client, world.pupil.user)
    assert client.get(f"/candidatures/{theirs.id}").status_code == 404
    assert client.post(f"/candidatures/{theirs.id}/retirer").status_code == 404
    assert client.post(f"/candidatures/{theirs.id}/choisir").status_code == 404
    assert client.get(f"/candidatures/{theirs.id + 1000}").status_code == 404
    db.session.expire_all()
    assert theirs.status == ApplicationStatus.SUBMITTED


# --- Roles, login, CSRF --------------------------------------------------------------------------

PUPIL_ROUTES = [
    ("get", "/candidatures"),
    ("get", "/candidatures/{app}"),
    ("get", "/candidatures/nouvelle/{period}"),
    ("post", "/candidatures/nouvelle/{period}"),
    ("post", "/candidatures/{app}/retirer"),
    ("post", "/candidatures/{app}/choisir"),
]
COMPANY_ROUTES = [
    ("get", "/entreprise/candidatures"),
    ("post", "/entreprise/candidatures/{app}/accepter"),
    ("post", "/entreprise/candidatures/{app}/refuser"),
]


def _fill(url: str, world: World, application: Application) -> str:
    return url.format(app=application.id, period=world.period.id)


@pytest.mark.parametrize("method, url", PUPIL_ROUTES + COMPANY_ROUTES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, method, url):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    response = getattr(client, method)(_fill(url, world, application))
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


WRONG_ROLES = [
    (method, url, role) for method, url in PUPIL_ROUTES for role in ("company", "teacher", "staff")
] + [
    (method, url, role) for method, url in COMPANY_ROUTES for role in ("pupil", "teacher", "staff")
]


@pytest.mark.parametrize("method, url, role", WRONG_ROLES)
def test_wrong_roles_get_403(client, world, method, url, role):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    user = {"pupil": world.pupil.user, "company": world.company_user,
            "teacher": world.teacher, "staff": world.staff}[role]
    login(client, user)
    response = getattr(client, method)(_fill(url, world, application))
    assert response.status_code == 403
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED


def test_posts_without_csrf_are_refused(client, world):
    application = make_application(world.pupil, world.period)
    db.session.commit()
    login(client, world.company_user)
    assert client.post(f"/entreprise/candidatures/{application.id}/accepter",
                       csrf=False).status_code == 400
    login(client, world.pupil.user)
    assert client.post(f"/candidatures/{application.id}/retirer", csrf=False).status_code == 400
    assert client.post(f"/candidatures/nouvelle/{world.period_2.id}", data={"message": MESSAGE},
                       csrf=False).status_code == 400
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application_count() == 1


# --- Links from elsewhere ------------------------------------------------------------------------


def test_public_offer_page_offers_the_pupil_to_apply(client, world):
    offer = offer_with(world.company, WEEK_3, JUNE, title="Deux niveaux", levels=("3e", "2nde"))
    make_application(world.pupil, offer.periods[0])
    db.session.commit()
    anonymous = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "Candidater à cette période" not in anonymous

    login(client, world.pupil.user)
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "voir ma candidature" in html
    assert "réservée aux élèves de 2nde" in html
    assert "Candidater à cette période" not in html  # 3e week applied, June week for 2nde

    html = client.get(f"/offres/{world.offer.id}").get_data(as_text=True)
    assert html.count("Candidater à cette période") == 2
    assert f"/candidatures/nouvelle/{world.period.id}" in html


def test_menus_link_to_the_applications(client, world):
    login(client, world.pupil.user)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/candidatures"' in html and "Mes candidatures" in html
    login(client, world.company_user)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/entreprise/candidatures"' in html
    dashboard = client.get("/entreprise/").get_data(as_text=True)
    assert f'href="/entreprise/candidatures?offre={world.offer.id}"' in dashboard


def test_short_name_keeps_only_the_initial():
    user = User(first_name=" Léa ", last_name="de la Tour")
    assert services.pupil_short_name(Pupil(user=user)) == "Léa D."
    assert services.pupil_short_name(Pupil(user=User(first_name="Léa", last_name=""))) == "Léa"

