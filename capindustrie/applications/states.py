"""The application state machine, written down in one place; every transition goes through here.

    submitted → accepted            company (takes a seat, atomically)
    submitted → refused             company
    submitted → withdrawn           pupil, or system (the pupil chose an overlapping internship)
    submitted → expired             system (no answer after APPLICATION_EXPIRY_DAYS)
    accepted  → confirmed           pupil (« Je choisis ce stage »)
    accepted  → withdrawn           pupil (declines), or system (overlap); frees the seat
    accepted  → expired             system (not confirmed in time); frees the seat
    confirmed → validated           teacher
    confirmed → refused_by_teacher  teacher; frees the seat
    proposed  → accepted            company (the seat is already held since the proposal)
    proposed  → refused             company (declines; frees the seat for the next run)
    proposed  → withdrawn           system (the pupil chose an overlapping internship)
    proposed  → expired             system (no answer after APPLICATION_EXPIRY_DAYS)

A proposal (issue 15) is created in state proposed by the teacher's « envoyer les
propositions » (matching.services.send_proposals), taking its seat with the same atomic UPDATE as
an acceptance; it does not count against MAX_ACTIVE_APPLICATIONS.

The automatic withdrawal after a choice is recorded with actor "system" (actor_id NULL) and a
message saying why: the pupil did not withdraw these applications by hand.
A seat is held by proposed, accepted, confirmed and validated applications (Period.seats_taken).
"""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Period,
    Role,
    User,
    utcnow,
)
from capindustrie.offers import lifecycle

S = ApplicationStatus

PUPIL, COMPANY, TEACHER, SYSTEM = "pupil", "company", "teacher", "system"

TRANSITIONS: dict[tuple[ApplicationStatus, ApplicationStatus], frozenset[str]] = {
    (S.SUBMITTED, S.ACCEPTED): frozenset({COMPANY}),
    (S.SUBMITTED, S.REFUSED): frozenset({COMPANY}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({PUPIL, SYSTEM}),
    (S.SUBMITTED, S.EXPIRED): frozenset({SYSTEM}),
    (S.ACCEPTED, S.CONFIRMED): frozenset({PUPIL}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({PUPIL, SYSTEM}),
    (S.ACCEPTED, S.EXPIRED): frozenset({SYSTEM}),
    (S.CONFIRMED, S.VALIDATED): frozenset({TEACHER}),
    (S.CONFIRMED, S.REFUSED_BY_TEACHER): frozenset({TEACHER}),
    (S.PROPOSED, S.ACCEPTED): frozenset({COMPANY}),
    (S.PROPOSED, S.REFUSED): frozenset({COMPANY}),
    (S.PROPOSED, S.WITHDRAWN): frozenset({SYSTEM}),
    (S.PROPOSED, S.EXPIRED): frozenset({SYSTEM}),
}

SEAT_HOLDING = frozenset({S.PROPOSED, S.ACCEPTED, S.CONFIRMED, S.VALIDATED})
# Counted against MAX_ACTIVE_APPLICATIONS: the pupil is still waiting on them.
ACTIVE = frozenset({S.SUBMITTED, S.ACCEPTED, S.CONFIRMED})
# The pupil has chosen this internship: nothing else may overlap it.
CHOSEN = frozenset({S.CONFIRMED, S.VALIDATED})
# The company's answers (when given by someone: a timer's expiry is no answer).
COMPANY_ANSWERS = frozenset({S.ACCEPTED, S.REFUSED})

LABELS = {
    S.SUBMITTED: "Envoyée",
    S.ACCEPTED: "Acceptée par l'entreprise",
    S.REFUSED: "Refusée",
    S.WITHDRAWN: "Retirée",
    S.EXPIRED: "Expirée",
    S.CONFIRMED: "Choisie — en attente du professeur",
    S.VALIDATED: "Validée par le professeur",
    S.REFUSED_BY_TEACHER: "Refusée par le professeur",
    S.PROPOSED: "Proposée par le professeur",
}

# For the pupil. `{deadline}` is the date the waiting state expires (see services.deadline).
NEXT_STEPS = {
    S.SUBMITTED: (
        "L'entreprise doit répondre avant le {deadline}. En attendant, tu peux retirer "
        "ta candidature."
    ),
    S.ACCEPTED: (
        "Bonne nouvelle ! Confirme ton choix avant le {deadline} avec « Je choisis ce "
        "stage », ou décline la proposition pour libérer la place."
    ),
    S.REFUSED: "Cette entreprise ne peut pas t'accueillir : candidate à une autre offre.",
    S.WITHDRAWN: "Cette candidature est retirée : tu peux candidater à d'autres offres.",
    S.EXPIRED: (
        "Cette candidature a expiré faute de réponse à temps : candidate à une autre offre."
    ),
    S.CONFIRMED: "Ton professeur principal doit maintenant valider ce stage.",
    S.VALIDATED: (
        "Stage validé : télécharge la convention, fais-la signer par tes représentants "
        "légaux et rapporte-la à ton établissement."
    ),
    S.REFUSED_BY_TEACHER: (
        "Ton professeur n'a pas validé ce stage : parles-en avec lui, puis candidate à une "
        "autre offre."
    ),
    S.PROPOSED: (
        "Ton professeur te propose ce stage : l'entreprise doit répondre avant le {deadline}."
    ),
}

ACTOR_LABELS = {
    PUPIL: "l'élève",
    COMPANY: "l'entreprise",
    TEACHER: "le professeur",
    SYSTEM: "automatique",
}

NO_SEAT_LEFT = "Plus aucune place disponible sur cette période."


class TransitionError(Exception):
    """A transition the machine refuses; the message is French, for the user.

    Raised before anything is written, except when another request changed the application at
    the same moment: the caller rolls the transaction back on TransitionError in every case."""


def actor_kind(actor: User | None) -> str:
    if actor is None:
        return SYSTEM
    return {Role.PUPIL: PUPIL, Role.COMPANY: COMPANY, Role.TEACHER: TEACHER}.get(
        actor.role, actor.role.value
    )


def is_allowed(from_status: ApplicationStatus, to_status: ApplicationStatus, kind: str) -> bool:
    return kind in TRANSITIONS.get((from_status, to_status), frozenset())


def can(application: Application, to_status: ApplicationStatus, actor: User | None) -> bool:
    return is_allowed(application.status, to_status, actor_kind(actor))


def next_step(status: ApplicationStatus, deadline: str | None = None) -> str:
    return NEXT_STEPS[status].format(deadline=deadline or "délai prévu")


def transition(
    application: Application,
    to_status: ApplicationStatus,
    actor: User | None,
    message: str | None = None,
    now: datetime | None = None,
) -> ApplicationTransition:
    """Move `application` to `to_status`, or raise TransitionError. The caller commits."""
    now = now or utcnow()
    from_status = application.status
    if not can(application, to_status, actor):
        raise TransitionError(
            f"Impossible de passer la candidature de « {LABELS[from_status]} » "
            f"à « {LABELS[to_status]} »."
        )
    period = application.period
    takes_seat = to_status in SEAT_HOLDING and from_status not in SEAT_HOLDING
    frees_seat = from_status in SEAT_HOLDING and to_status not in SEAT_HOLDING
    # The seat first: when none is left, nothing has been written yet.
    if takes_seat:
        _take_seat(period)
    elif frees_seat:
        _free_seat(period)
    _compare_and_set(application, from_status, to_status, now)
    record = ApplicationTransition(
        application=application,
        actor_id=actor.id if actor else None,
        from_status=from_status,
        to_status=to_status,
        message=message,
        created_at=now,
    )
    db.session.add(record)
    if to_status in COMPANY_ANSWERS and actor is not None:
        application.note_company_answer(now)
    if takes_seat:
        lifecycle.close_if_full(period.offer, now)
    elif frees_seat:
        lifecycle.reopen_if_closed_for_lack_of_seats(period.offer, now)
    return record


def take_seat(period: Period) -> None:
    """Hold a seat for a new proposal (TransitionError when none is left)."""
    _take_seat(period)


def _take_seat(period: Period) -> None:
    # One statement: two company users accepting at once cannot both take the last seat (the
    # second UPDATE waits for the first's row lock, then finds no seat and matches no row).
    result = db.session.execute(
        update(Period)
        .where(Period.id == period.id, Period.seats_taken < Period.seats)
        .values(seats_taken=Period.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TransitionError(NO_SEAT_LEFT)
    db.session.refresh(period, ["seats_taken"])


def _free_seat(period: Period) -> None:
    db.session.execute(
        update(Period)
        .where(Period.id == period.id, Period.seats_taken > 0)
        .values(seats_taken=Period.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(period, ["seats_taken"])


def _compare_and_set(
    application: Application,
    from_status: ApplicationStatus,
    to_status: ApplicationStatus,
    now: datetime,
) -> None:
    """Change the status only if nobody changed it since it was read (a double click, the
    timer and the pupil at the same moment); each waiting state gets its own reminder."""
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == from_status)
        .values(status=to_status, status_changed_at=now, reminder_sent_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TransitionError(
            "Cette candidature vient de changer d'état : rechargez la page pour voir sa "
            "situation actuelle."
        )
    set_committed_value(application, "status", to_status)
    set_committed_value(application, "status_changed_at", now)
    set_committed_value(application, "reminder_sent_at", None)
