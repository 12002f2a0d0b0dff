"""The application state machine: every (from, to, actor) combination, seats, log, labels.

The allowed set is written here again, independently of capindustrie.applications.states, so
that a change to the machine has to be made twice on purpose.
"""

from datetime import datetime, timedelta
from itertools import product

import pytest
from sqlalchemy import select, update

from capindustrie.applications import states
from capindustrie.applications.states import TransitionError, transition
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    OfferStatus,
    Period,
    Role,
)
from tests import factories
from tests.test_applications import WEEK_1, make_application, offer_with

ALLOWED = {
    ("submitted", "accepted", "company"),
    ("submitted", "refused", "company"),
    ("submitted", "withdrawn", "pupil"),
    ("submitted", "withdrawn", "system"),
    ("submitted", "expired", "system"),
    ("accepted", "confirmed", "pupil"),
    ("accepted", "withdrawn", "pupil"),
    ("accepted", "withdrawn", "system"),
    ("accepted", "expired", "system"),
    ("confirmed", "validated", "teacher"),
    ("confirmed", "refused_by_teacher", "teacher"),
    ("proposed", "accepted", "company"),
    ("proposed", "refused", "company"),
    ("proposed", "withdrawn", "system"),
    ("proposed", "expired", "system"),
}
HOLDS_SEAT = {"proposed", "accepted", "confirmed", "validated"}
STATUSES = [s.value for s in ApplicationStatus]
ACTORS = ["pupil", "company", "teacher", "system", "staff"]
ALL_COMBINATIONS = list(product(STATUSES, STATUSES, ACTORS))
NOW = datetime(2026, 11, 25, 8, 0)


def test_the_expected_set_covers_every_state():
    assert len(ALL_COMBINATIONS) == 9 * 9 * 5
    assert {f for f, _, _ in ALLOWED} | {t for _, t, _ in ALLOWED} == set(STATUSES)


@pytest.mark.parametrize("from_status, to_status, actor", ALL_COMBINATIONS)
def test_the_table_allows_exactly_the_expected_combinations(from_status, to_status, actor):
    allowed = states.is_allowed(ApplicationStatus(from_status), ApplicationStatus(to_status), actor)
    assert allowed == ((from_status, to_status, actor) in ALLOWED)


class Cast:
    """Everyone who may act on one offer's applications."""

    def __init__(self):
        self.company = factories.company()
        self.company_user = factories.user(Role.COMPANY, company_obj=self.company)
        self.teacher = factories.user(Role.TEACHER)
        self.klass = factories.school_class(self.teacher)
        self.staff = factories.user(Role.STAFF)
        self.offer = offer_with(self.company, WEEK_1, seats=10)
        self.period = self.offer.periods[0]

    def actor(self, kind: str, application: Application):
        return {
            "pupil": application.pupil.user,
            "company": self.company_user,
            "teacher": self.teacher,
            "system": None,
            "staff": self.staff,
        }[kind]


def _seats(period: Period) -> int:
    return db.session.scalar(select(Period.seats_taken).where(Period.id == period.id))


def _stored_status(application: Application) -> ApplicationStatus:
    return db.session.scalar(select(Application.status).where(Application.id == application.id))


@pytest.mark.parametrize("from_status, to_status", list(product(STATUSES, STATUSES)))
def test_every_transition_through_the_database(app, from_status, to_status):
    """For one (from, to) pair, each actor kind on a fresh application: the allowed ones move it
    (log, dates, seats), the others raise a French TransitionError and change nothing."""
    cast = Cast()
    for n, kind in enumerate(ACTORS):
        pupil = factories.pupil(cast.klass, first_name=f"Élève{n}")
        application = make_application(
            pupil, cast.period, ApplicationStatus(from_status),
            changed_at=NOW - timedelta(days=3),
        )
        application.reminder_sent_at = NOW - timedelta(days=1)
        db.session.commit()
        seats_before = _seats(cast.period)
        later = NOW + timedelta(minutes=n)

        if (from_status, to_status, kind) in ALLOWED:
            record = transition(application, ApplicationStatus(to_status),
                                cast.actor(kind, application), "motif", later)
            db.session.commit()
            db.session.expire_all()
            assert _stored_status(application) == ApplicationStatus(to_status)
            assert application.status_changed_at == later
            assert application.reminder_sent_at is None
            assert (record.from_status, record.to_status, record.message, record.created_at) == (
                ApplicationStatus(from_status), ApplicationStatus(to_status), "motif", later
            )
            expected_actor = None if kind == "system" else cast.actor(kind, application).id
            assert record.actor_id == expected_actor
            delta = int(to_status in HOLDS_SEAT) - int(from_status in HOLDS_SEAT)
            assert _seats(cast.period) == seats_before + delta
        else:
            with pytest.raises(TransitionError) as refused:
                transition(application, ApplicationStatus(to_status),
                           cast.actor(kind, application), "motif", later)
            assert str(refused.value).startswith("Impossible de passer la candidature de « ")
            db.session.commit()
            db.session.expire_all()
            assert _stored_status(application) == ApplicationStatus(from_status)
            assert application.reminder_sent_at == NOW - timedelta(days=1)
            assert application.transitions == []
            assert _seats(cast.period) == seats_before


def test_refusal_message_names_both_states(app):
    cast = Cast()
    application = make_application(factories.pupil(cast.klass), cast.period)
    with pytest.raises(TransitionError) as refused:
        transition(application, ApplicationStatus.VALIDATED, cast.teacher)
    assert str(refused.value) == (
        "Impossible de passer la candidature de « Envoyée » à « Validée par le professeur »."
    )


def test_no_seat_left_changes_nothing(app):
    cast = Cast()
    cast.period.seats = 1
    first = make_application(factories.pupil(cast.klass, first_name="Un"), cast.period)
    second = make_application(factories.pupil(cast.klass, first_name="Deux"), cast.period)
    db.session.commit()
    transition(first, ApplicationStatus.ACCEPTED, cast.company_user, None, NOW)
    db.session.commit()

    with pytest.raises(TransitionError) as refused:
        transition(second, ApplicationStatus.ACCEPTED, cast.company_user, None, NOW)

    assert str(refused.value) == "Plus aucune place disponible sur cette période."
    db.session.commit()  # nothing was written: committing keeps the state as it was
    db.session.expire_all()
    assert second.status == ApplicationStatus.SUBMITTED and second.transitions == []
    assert cast.period.seats_taken == 1


def test_freeing_never_goes_below_zero(app):
    """A seat count already at 0 (data fixed by hand) stays at 0: the CHECK is never hit."""
    cast = Cast()
    application = make_application(factories.pupil(cast.klass), cast.period,
                                   ApplicationStatus.ACCEPTED)
    cast.period.seats_taken = 0
    db.session.commit()
    transition(application, ApplicationStatus.WITHDRAWN, application.pupil.user, None, NOW)
    db.session.commit()
    assert _seats(cast.period) == 0


def test_taking_the_last_future_seat_closes_the_offer(app):
    cast = Cast()
    cast.period.seats = 1
    application = make_application(factories.pupil(cast.klass), cast.period)
    db.session.commit()
    transition(application, ApplicationStatus.ACCEPTED, cast.company_user, None, NOW)
    db.session.commit()
    assert cast.offer.status == OfferStatus.CLOSED
    assert cast.offer.transitions[-1].message == "Toutes les places sont attribuées."


def test_a_change_made_meanwhile_is_detected(app):
    """The status read by this request is stale (another request withdrew it): refused."""
    cast = Cast()
    application = make_application(factories.pupil(cast.klass), cast.period)
    db.session.commit()
    assert application.status == ApplicationStatus.SUBMITTED  # loaded now
    db.session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(status=ApplicationStatus.WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(TransitionError) as refused:
        transition(application, ApplicationStatus.ACCEPTED, cast.company_user, None, NOW)
    assert "vient de changer d'état" in str(refused.value)
    db.session.rollback()
    assert _seats(cast.period) == 0
    assert db.session.scalar(select(ApplicationTransition.id)) is None


def test_every_state_has_a_label_and_a_next_step():
    expected = {
        "submitted": "Envoyée",
        "accepted": "Acceptée par l'entreprise",
        "refused": "Refusée",
        "withdrawn": "Retirée",
        "expired": "Expirée",
        "confirmed": "Choisie — en attente du professeur",
        "validated": "Validée par le professeur",
        "refused_by_teacher": "Refusée par le professeur",
        "proposed": "Proposée par le professeur",
    }
    assert {s.value: label for s, label in states.LABELS.items()} == expected
    for status in ApplicationStatus:
        assert states.next_step(status, "lundi 30 novembre 2026")
    assert "lundi 30 novembre 2026" in states.next_step(ApplicationStatus.SUBMITTED,
                                                        "lundi 30 novembre 2026")
    assert "lundi 30 novembre 2026" in states.next_step(ApplicationStatus.ACCEPTED,
                                                        "lundi 30 novembre 2026")


def test_actor_kinds():
    from capindustrie.models import User

    assert states.actor_kind(None) == "system"
    for role, kind in [(Role.PUPIL, "pupil"), (Role.COMPANY, "company"),
                       (Role.TEACHER, "teacher"), (Role.STAFF, "staff")]:
        assert states.actor_kind(User(role=role)) == kind


def test_the_company_s_first_answer_keeps_its_delay_for_the_indicators(app):
    """answer_days (the median answer time's input) is set by the company's first answer, in
    days from the application, and no later step changes it; a timer's expiry is no answer."""
    cast = Cast()
    applied = NOW - timedelta(days=3)
    answered = make_application(factories.pupil(cast.klass, first_name="Inès"), cast.period,
                                changed_at=applied)
    expired = make_application(factories.pupil(cast.klass, first_name="Hugo"), cast.period,
                               changed_at=applied)
    db.session.commit()

    transition(answered, ApplicationStatus.ACCEPTED, cast.company_user, None, NOW)
    transition(expired, ApplicationStatus.EXPIRED, None, None, NOW)
    db.session.commit()
    assert answered.answer_days == 3.0
    assert expired.answer_days is None

    transition(answered, ApplicationStatus.CONFIRMED, answered.pupil.user, None,
               NOW + timedelta(days=2))
    db.session.commit()
    db.session.expire_all()
    assert answered.answer_days == 3.0
