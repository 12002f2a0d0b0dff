"""Registrations: a group takes its seats whole or waits; the waitlist is promoted in order.

    (none)     → confirmed    the group fits, and nobody waits before it (strict order)
    (none)     → waitlisted   the group does not fit, or others wait before it
    waitlisted → confirmed    automatic promotion when seats free (cancellation, smaller group)
    confirmed  → cancelled    by the teacher (or pupil) until the cancellation deadline
    waitlisted → cancelled    leaving the waitlist, at any time

Every change of a session's registrations first locks the session's row (SELECT … FOR UPDATE):
on PostgreSQL, registrations, cancellations and promotions of one session run one after the
other, so the waitlist order and the seat count cannot interleave. Seats are then taken by one
conditional UPDATE (`seats_taken + n <= capacity`) under a CHECK constraint: even without the
lock (SQLite ignores it, but serialises writers on the whole file) capacity is never exceeded.
Nothing commits here: the caller commits the change and its e-mails together.
"""

from datetime import datetime

from sqlalchemy import exists, select, update

from capindustrie.events import mail
from capindustrie.events.rules import (
    MAX_GROUP_ADULTS,
    MAX_GROUP_PUPILS,
    MAX_SESSION_CAPACITY,
    audience_levels,
    cancellation_deadline,
    names_deadline,
    plural,
)
from capindustrie.extensions import db
from capindustrie.filters import french_datetime
from capindustrie.models import (
    EventSession,
    EventStatus,
    Pupil,
    Registration,
    RegistrationStatus,
    SchoolClass,
    User,
)

R = RegistrationStatus


class RegistrationError(Exception):
    """A refused registration change; `message` is French, `field` the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- locking and seats -------------------------------------------------------------------------


def lock_session(session_id: int) -> EventSession | None:
    """The session, its row locked until the transaction ends (PostgreSQL), values fresh."""
    return db.session.scalar(
        select(EventSession)
        .where(EventSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _take_seats(session: EventSession, seats: int) -> bool:
    result = db.session.execute(
        update(EventSession)
        .where(
            EventSession.id == session.id, EventSession.seats_taken + seats <= EventSession.capacity
        )
        .values(seats_taken=EventSession.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(session, ["seats_taken"])
    return result.rowcount == 1


def _free_seats(session: EventSession, seats: int) -> None:
    db.session.execute(
        update(EventSession)
        .where(EventSession.id == session.id, EventSession.seats_taken >= seats)
        .values(seats_taken=EventSession.seats_taken - seats)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(session, ["seats_taken"])


def _someone_waits(session: EventSession) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Registration.session_id == session.id,
                    Registration.status == R.WAITLISTED,
                )
            )
        )
    )


def waitlist(session: EventSession) -> list[Registration]:
    """The waiting entries, first come first."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session.id, Registration.status == R.WAITLISTED)
            .order_by(Registration.queued_at, Registration.id)
            .execution_options(populate_existing=True)
        )
    )


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != R.WAITLISTED:
        return None
    ahead = [r.id for r in waitlist(registration.session)]
    return ahead.index(registration.id) + 1


# --- checks ------------------------------------------------------------------------------------


def window_problem(session: EventSession, now: datetime) -> str | None:
    event = session.event
    if event.status != EventStatus.PUBLISHED:
        return "Cet événement n'est pas ouvert aux inscriptions."
    if now < event.registration_opens_at:
        return (
            "Les inscriptions ne sont pas encore ouvertes : elles ouvrent le "
            f"{french_datetime(event.registration_opens_at)}."
        )
    if now >= event.registration_closes_at or now >= session.starts_at:
        return "Les inscriptions à cette séance sont closes."
    return None


def _group_problems(
    session: EventSession, pupils: int | None, adults: int | None, need_adult: bool
) -> None:
    if pupils is None or pupils < 1 or pupils > MAX_GROUP_PUPILS:
        raise RegistrationError(
            f"Le nombre d'élèves doit être compris entre 1 et {MAX_GROUP_PUPILS}.", "pupils"
        )
    if adults is None or adults < 0 or adults > MAX_GROUP_ADULTS:
        raise RegistrationError(
            f"Le nombre d'accompagnateurs doit être compris entre 0 et {MAX_GROUP_ADULTS}.",
            "adults",
        )
    if need_adult and adults < 1:
        raise RegistrationError(
            "Un groupe vient toujours avec au moins un adulte accompagnateur.", "adults"
        )
    if pupils + adults > session.capacity:
        raise RegistrationError(
            f"Ce groupe ({plural(pupils + adults, 'personne')}) dépasse la capacité de la "
            f"séance ({plural(session.capacity, 'place')}) : il ne peut pas être accueilli, "
            "même après la liste d'attente.",
            "pupils",
        )


# --- registering -------------------------------------------------------------------------------


def register_class(
    session_id: int,
    klass: SchoolClass,
    pupils: int | None,
    adults: int | None,
    actor: User,
    now: datetime,
) -> Registration:
    """Register a class's group: confirmed if it fits whole, else on the waitlist."""
    session = lock_session(session_id)
    if session is None:
        raise RegistrationError("Cette séance n'existe pas.", "session")
    if problem := window_problem(session, now):
        raise RegistrationError(problem, "session")
    if klass.level not in audience_levels(session.event.audience):
        raise RegistrationError(
            "Cet événement ne s'adresse pas au niveau de cette classe.", "school_class"
        )
    _group_problems(session, pupils, adults, need_adult=True)
    existing = db.session.scalar(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.class_id == klass.id)
        .execution_options(populate_existing=True)
    )
    if existing is not None and existing.status != R.CANCELLED:
        raise RegistrationError(
            "Cette classe est déjà inscrite à cette séance (ou en liste d'attente).",
            "school_class",
        )
    registration = existing or Registration(session_id=session.id, class_id=klass.id)
    return _place(registration, session, pupils, adults, actor, now)


def register_pupil(session_id: int, pupil: Pupil, actor: User, now: datetime) -> Registration:
    """A pupil alone, only where the event allows it (one seat)."""
    session = lock_session(session_id)
    if session is None:
        raise RegistrationError("Cette séance n'existe pas.", "session")
    if not session.event.allow_individual:
        raise RegistrationError(
            "Cet événement accueille les classes avec leur professeur : demandez-lui de vous "
            "inscrire.",
            "session",
        )
    if problem := window_problem(session, now):
        raise RegistrationError(problem, "session")
    if pupil.school_class.level not in audience_levels(session.event.audience):
        raise RegistrationError("Cet événement ne s'adresse pas à votre niveau.", "session")
    existing = db.session.scalar(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.pupil_id == pupil.id)
        .execution_options(populate_existing=True)
    )
    if existing is not None and existing.status != R.CANCELLED:
        raise RegistrationError("Vous êtes déjà inscrit(e) à cette séance.", "session")
    registration = existing or Registration(session_id=session.id, pupil_id=pupil.id)
    return _place(registration, session, 1, 0, actor, now)


def _place(
    registration: Registration,
    session: EventSession,
    pupils: int,
    adults: int,
    actor: User,
    now: datetime,
) -> Registration:
    # Seats first, before the row joins the session (an autoflush must not write it half-set).
    # Strict order: while anyone waits, a newcomer queues behind them even if it would fit.
    may_pass = session.event.waitlist_allow_skip or not _someone_waits(session)
    confirmed = may_pass and _take_seats(session, pupils + adults)
    registration.pupils, registration.adults = pupils, adults
    registration.registered_by_id = actor.id
    registration.queued_at = now
    registration.cancelled_at = None
    registration.named_pupils = []
    registration.attendance = registration.present_count = None
    registration.reminder_7_sent_at = registration.reminder_2_sent_at = None
    registration.created_at = now
    if confirmed:
        registration.status = R.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = R.WAITLISTED
        registration.confirmed_at = None
    db.session.add(registration)
    db.session.flush()
    db.session.refresh(registration)
    mail.registration_received(registration)
    return registration


# --- leaving, shrinking, promoting -------------------------------------------------------------


def cancel(registration: Registration, now: datetime) -> list[Registration]:
    """Cancel a confirmed registration (until the deadline) or leave the waitlist (any time).
    Returns the entries promoted into the freed seats."""
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status == R.CANCELLED:
        raise RegistrationError("Cette inscription est déjà annulée.")
    if registration.status == R.CONFIRMED:
        deadline = cancellation_deadline(session.starts_at, session.event.cancellation_days)
        if now > deadline:
            raise RegistrationError(
                f"Le délai d'annulation est passé (jusqu'au {french_datetime(deadline)}) : "
                "prévenez directement l'organisateur."
            )
        _free_seats(session, registration.seats)
    registration.status = R.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    return promote(session, now)


def resize(
    registration: Registration, pupils: int | None, adults: int | None, now: datetime
) -> list[Registration]:
    """Change a group's size. A smaller confirmed group frees seats (promoted at once); a larger
    one needs the seats free now; a waiting entry keeps its place with its new size."""
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status == R.CANCELLED:
        raise RegistrationError("Cette inscription est annulée.")
    if now >= session.starts_at:
        raise RegistrationError("La séance a commencé : le groupe ne peut plus changer.")
    _group_problems(session, pupils, adults, need_adult=registration.class_id is not None)
    delta = (pupils + adults) - registration.seats
    if registration.status == R.CONFIRMED and delta > 0:
        if window_problem(session, now):
            raise RegistrationError(
                "Les inscriptions sont closes : le groupe ne peut plus grandir.", "pupils"
            )
        if (_someone_waits(session) and not session.event.waitlist_allow_skip) or not _take_seats(
            session, delta
        ):
            raise RegistrationError(
                f"Il ne reste que {plural(session.seats_left, 'place')} : le groupe ne peut pas "
                "grandir d'autant.",
                "pupils",
            )
    elif registration.status == R.CONFIRMED and delta < 0:
        _free_seats(session, -delta)
    registration.pupils, registration.adults = pupils, adults
    if len(registration.named_pupils) > pupils:
        registration.named_pupils = registration.named_pupils[:pupils]
    db.session.flush()
    return promote(session, now)


def promote(session: EventSession, now: datetime) -> list[Registration]:
    """Give freed seats to the waitlist, first come first. In strict order (the default) the
    first entry that does not fit stops the promotion; with the organiser's « smaller groups may
    pass » setting, it is skipped and keeps its place. Call with the session locked."""
    if now >= session.starts_at:
        return []
    promoted = []
    for entry in waitlist(session):
        if entry.seats <= session.seats_left and _take_seats(session, entry.seats):
            entry.status = R.CONFIRMED
            entry.confirmed_at = now
            promoted.append(entry)
        elif not session.event.waitlist_allow_skip:
            break
    db.session.flush()
    for entry in promoted:
        mail.promoted(entry)
    return promoted


def change_capacity(session_id: int, capacity: int, now: datetime) -> list[Registration]:
    """The organiser changes a session's capacity before it starts. More seats go to the
    waitlist at once; fewer never below the seats already taken (nobody confirmed is dropped:
    the organiser asks groups to shrink or cancels the event instead)."""
    session = lock_session(session_id)
    if now >= session.starts_at:
        raise RegistrationError("La séance a commencé : sa capacité ne change plus.", "capacity")
    if not 1 <= capacity <= MAX_SESSION_CAPACITY:
        raise RegistrationError(
            f"La capacité doit être comprise entre 1 et {MAX_SESSION_CAPACITY} places.", "capacity"
        )
    if capacity < session.seats_taken:
        raise RegistrationError(
            f"{plural(session.seats_taken, 'place est déjà prise', 'places sont déjà prises')} "
            "par des groupes confirmés : la capacité ne peut pas descendre en dessous.",
            "capacity",
        )
    session.capacity = capacity
    db.session.flush()
    return promote(session, now)


def cancel_all(sessions: list[EventSession], now: datetime) -> list[Registration]:
    """The event is cancelled: every confirmed or waiting entry of its sessions is cancelled and
    the seats are freed. Returns the entries cancelled, for the e-mails."""
    cancelled = []
    for session_id in sorted(s.id for s in sessions):  # one lock order: no deadlock
        session = lock_session(session_id)
        entries = db.session.scalars(
            select(Registration)
            .where(
                Registration.session_id == session_id,
                Registration.status.in_([R.CONFIRMED, R.WAITLISTED]),
            )
            .order_by(Registration.id)
        ).all()
        for entry in entries:
            entry.status = R.CANCELLED
            entry.cancelled_at = now
        session.seats_taken = 0
        cancelled += entries
    db.session.flush()
    return cancelled


# --- names -------------------------------------------------------------------------------------


def set_names(registration: Registration, pupils: list[Pupil]) -> None:
    """The teacher ticks the pupils who come (pupils of the registered class only)."""
    if registration.status == R.CANCELLED:
        raise RegistrationError("Cette inscription est annulée.", "pupils")
    if any(p.class_id != registration.class_id for p in pupils):
        raise RegistrationError("Cochez uniquement des élèves de la classe inscrite.", "pupils")
    if len(pupils) > registration.pupils:
        raise RegistrationError(
            f"Vous avez coché {plural(len(pupils), 'élève')} pour un groupe de "
            f"{plural(registration.pupils, 'élève')} : modifiez d'abord la taille du groupe.",
            "pupils",
        )
    registration.named_pupils = pupils


def names_visible(registration: Registration, now: datetime) -> bool:
    """The organiser sees who comes only from the names deadline on (site access)."""
    session = registration.session
    return now >= names_deadline(session.starts_at, session.event.names_days)


def release_pupil_registrations(pupil: Pupil, now: datetime) -> None:
    """Before a pupil's account is deleted: their own seats go back to the waitlist (the
    cancellation deadline does not apply: the pupil is gone either way)."""
    own = db.session.scalars(
        select(Registration).where(
            Registration.pupil_id == pupil.id, Registration.status != R.CANCELLED
        )
    ).all()
    for registration in own:
        session = lock_session(registration.session_id)
        if registration.status == R.CONFIRMED:
            _free_seats(session, registration.seats)
        registration.status = R.CANCELLED
        registration.cancelled_at = now
        db.session.flush()
        promote(session, now)
