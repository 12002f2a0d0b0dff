"""Events: creation by staff or proposal by a company (moderated like offers), public lists
ordered by distance from a school, the organiser's and the teacher's views. No request here;
nothing commits: the routes commit.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capindustrie.emails.services import queue_email
from capindustrie.events import mail, registrations
from capindustrie.events.rules import (
    KIND_LABELS,
    SessionInput,
    audience_levels,
    paris_to_utc,
    to_paris,
)
from capindustrie.extensions import db
from capindustrie.geo.distance import TravelEstimate, distance_km, estimate_travel_minutes
from capindustrie.geo.geocoding import geocode_site
from capindustrie.models import (
    Campaign,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    Role,
    School,
    SchoolClass,
    User,
    class_teacher,
)
from capindustrie.moderation.services import company_recipients
from capindustrie.search.services import pupil_profile
from capindustrie.urls import public_url


@dataclass
class EventInput:
    kind: EventKind
    title: str
    description: str
    audience: EventAudience
    campaign_id: int | None
    company_id: int | None
    address: str
    postcode: str
    commune_insee: str | None
    meeting_point: str | None
    accessibility: str | None
    practical_notes: str | None
    allow_individual: bool
    waitlist_allow_skip: bool
    opens_on: object  # date
    closes_on: object  # date
    cancellation_days: int
    names_days: int
    sessions: list[SessionInput]


def create_event(data: EventInput, actor: User, now: datetime) -> Event:
    """Staff publish at once; a company's proposal waits for moderation. Raises GeocodingError."""
    place = geocode_site(data.address, data.postcode, data.commune_insee)
    event = Event(
        kind=data.kind,
        title=data.title,
        description=data.description,
        audience=data.audience,
        campaign_id=data.campaign_id,
        company_id=actor.company_id if actor.role == Role.COMPANY else data.company_id,
        address=data.address,
        postcode=data.postcode,
        commune_insee=place.commune_insee,
        latitude=place.latitude,
        longitude=place.longitude,
        geo_precision=place.precision,
        meeting_point=data.meeting_point,
        accessibility=data.accessibility,
        practical_notes=data.practical_notes,
        allow_individual=data.allow_individual,
        waitlist_allow_skip=data.waitlist_allow_skip,
        registration_opens_at=paris_to_utc(data.opens_on, time(0)),
        registration_closes_at=paris_to_utc(data.closes_on, time(23, 59)),
        cancellation_days=data.cancellation_days,
        names_days=data.names_days,
        created_by_id=actor.id,
        created_at=now,
        status=EventStatus.PUBLISHED if actor.role == Role.STAFF else EventStatus.SUBMITTED,
        published_at=now if actor.role == Role.STAFF else None,
    )
    for item in data.sessions:
        event.sessions.append(
            EventSession(
                starts_at=paris_to_utc(item.day, item.start),
                ends_at=paris_to_utc(item.end_day or item.day, item.end),
                capacity=item.capacity,
            )
        )
    # Registration closes at the latest when the first session starts.
    first_start = min(s.starts_at for s in event.sessions)
    event.registration_closes_at = min(event.registration_closes_at, first_start)
    db.session.add(event)
    db.session.flush()
    return event


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc())))


# --- moderation (same reasons and e-mails as offers) -----------------------------------------


class ModerationError(Exception):
    pass


def submitted_events() -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.SUBMITTED)
            .order_by(Event.created_at, Event.id)
            .options(selectinload(Event.company))
        )
    )


def publish(event: Event, now: datetime) -> None:
    if event.status != EventStatus.SUBMITTED:
        raise ModerationError("Seul un événement en attente de modération peut être publié.")
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    event.rejection_reason = None
    subject = f"Votre événement « {_one_line(event.title)} » est publié"
    body = (
        f"Votre événement « {event.title} » a été validé par le Département de Seine-et-Marne. "
        "Il est désormais publié sur Cap Industrie : les professeurs et les élèves peuvent s'y "
        f"inscrire.\n\nVoir l'événement : {public_url('events.public_event', event_id=event.id)}"
    )
    _mail_company(event, subject, body)


def reject(event: Event, reason: str) -> None:
    if event.status != EventStatus.SUBMITTED:
        raise ModerationError("Seul un événement en attente de modération peut être refusé.")
    event.status = EventStatus.REJECTED
    event.rejection_reason = reason
    subject = f"Votre événement « {_one_line(event.title)} » n'a pas été accepté"
    body = (
        f"Votre événement « {event.title} » n'a pas été accepté par le Département de "
        f"Seine-et-Marne.\n\nMotif indiqué par le modérateur :\n{reason}\n\n"
        f"Vous pouvez proposer un nouvel événement : {public_url('events.company_events')}"
    )
    _mail_company(event, subject, body)


def cancel_event(event: Event, reason: str, by_staff: bool, now: datetime) -> int:
    """Cancel a published (or still submitted) event that has not ended: every registration is
    cancelled, its seats freed, and whoever registered is told why. Returns how many groups or
    pupils were registered or waiting."""
    if event.status not in (EventStatus.PUBLISHED, EventStatus.SUBMITTED):
        raise ModerationError("Seul un événement publié ou en attente peut être annulé.")
    if event.sessions and all(s.ends_at <= now for s in event.sessions):
        raise ModerationError("Cet événement est terminé : il ne peut plus être annulé.")
    cancelled = registrations.cancel_all(event.sessions, now)
    event.status = EventStatus.CANCELLED
    for entry in cancelled:
        mail.event_cancelled(entry, reason)
    if by_staff and event.company is not None:
        subject = f"Votre événement « {_one_line(event.title)} » est annulé"
        body = (
            f"Le Département de Seine-et-Marne a annulé votre événement « {event.title} ».\n\n"
            f"Motif :\n{reason}\n\nLes inscrits sont prévenus par e-mail."
        )
        _mail_company(event, subject, body)
    return len(cancelled)


def cancellation_impact(event: Event) -> tuple[int, int, int]:
    """What a cancellation would undo: (confirmed entries, people in them, waiting entries)."""
    confirmed = people = waiting = 0
    for session in event.sessions:
        for entry in session.registrations:
            if entry.status == RegistrationStatus.CONFIRMED:
                confirmed += 1
                people += entry.seats
            elif entry.status == RegistrationStatus.WAITLISTED:
                waiting += 1
    return confirmed, people, waiting


def _mail_company(event: Event, subject: str, body: str) -> None:
    if event.company is None:
        return
    for user in company_recipients(event.company):
        queue_email(user.email, subject[:300], f"Bonjour {user.first_name},\n\n{body}")


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


# --- finding events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Commute:
    km: float
    travel: TravelEstimate


def commute(event: Event, school: School) -> Commute | None:
    """Distance and estimated travel time from the school, as the offer search shows them."""
    if event.latitude is None:
        return None
    origin, site = (school.latitude, school.longitude), (event.latitude, event.longitude)
    km = distance_km(*origin, *site)
    return Commute(km, estimate_travel_minutes(km, origin, site))


@dataclass(frozen=True)
class Listed:
    event: Event
    sessions: list[EventSession]
    km: float | None
    travel: TravelEstimate | None


def upcoming(
    now: datetime,
    campaign_id: int | None = None,
    kind: EventKind | None = None,
    audience: EventAudience | None = None,
    school: School | None = None,
) -> list[Listed]:
    """Published events with a session to come; nearest the school first when one is given."""
    statement = (
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED)
        .where(Event.sessions.any(EventSession.starts_at > now))
        .options(
            selectinload(Event.sessions), selectinload(Event.company), selectinload(Event.commune)
        )
    )
    if campaign_id is not None:
        statement = statement.where(Event.campaign_id == campaign_id)
    if kind is not None:
        statement = statement.where(Event.kind == kind)
    if audience is not None and audience != EventAudience.ALL:
        statement = statement.where(Event.audience.in_([audience, EventAudience.ALL]))
    listed = []
    for event in db.session.scalars(statement):
        sessions = [s for s in event.sessions if s.starts_at > now]
        trip = commute(event, school) if school is not None else None
        listed.append(
            Listed(event, sessions, trip.km if trip else None, trip.travel if trip else None)
        )
    if school is not None:
        listed.sort(key=lambda item: (item.km is None, item.km or 0, item.sessions[0].starts_at))
    else:
        listed.sort(key=lambda item: item.sessions[0].starts_at)
    return listed


def week_of(listed: list[Listed], monday) -> list[tuple[object, list[tuple[EventSession, Event]]]]:
    """The seven days from `monday` (Paris), each with its sessions in start order."""
    days = [(monday + timedelta(days=n), []) for n in range(7)]
    for item in listed:
        for session in item.sessions:
            local_day = to_paris(session.starts_at).date()
            offset = (local_day - monday).days
            if 0 <= offset < 7:
                days[offset][1].append((session, item.event))
    for _, entries in days:
        entries.sort(key=lambda pair: pair[0].starts_at)
    return days


def public_event(event_id: int) -> Event | None:
    return db.session.scalar(
        select(Event)
        .where(Event.id == event_id, Event.status == EventStatus.PUBLISHED)
        .options(selectinload(Event.sessions), selectinload(Event.company))
    )


def user_school(user: User) -> School | None:
    """The school pupils and teachers see events near."""
    if not user.is_authenticated:
        return None
    if user.role == Role.TEACHER:
        return user.school
    if user.role == Role.PUPIL:
        pupil = pupil_profile(user)
        return pupil.school_class.school if pupil else None
    return None


# --- teacher's and organiser's views -----------------------------------------------------------


def teacher_classes(user: User, event: Event) -> list[SchoolClass]:
    taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.id.in_(taught)).order_by(SchoolClass.name)
    )
    return [c for c in classes if c.level in audience_levels(event.audience)]


def registrations_of(user: User) -> list[Registration]:
    """A teacher's classes' registrations, or a pupil's own (never another pupil's)."""
    statement = select(Registration).join(EventSession).order_by(EventSession.starts_at)
    if user.role == Role.TEACHER:
        taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
        statement = statement.where(Registration.class_id.in_(taught))
    else:
        pupil = pupil_profile(user)
        if pupil is None:
            return []
        statement = statement.where(Registration.pupil_id == pupil.id)
    return list(db.session.scalars(statement))


def organiser_events(user: User) -> list[Event]:
    statement = (
        select(Event).order_by(Event.created_at.desc()).options(selectinload(Event.sessions))
    )
    if user.role == Role.COMPANY:
        statement = statement.where(Event.company_id == user.company_id)
    return list(db.session.scalars(statement))


def session_registrations(session: EventSession) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.session_id == session.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .order_by(Registration.status, Registration.queued_at, Registration.id)
            .options(
                selectinload(Registration.school_class).selectinload(SchoolClass.school),
                selectinload(Registration.named_pupils),
            )
        )
    )


def kind_label(event: Event) -> str:
    return KIND_LABELS[event.kind]
