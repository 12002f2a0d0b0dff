"""iCalendar (.ics) for registrations and campaigns, built with the `icalendar` package.

A registration's UID is stable (« registration-<id>@… »): a calendar that imports the updated
file (a promotion, a cancellation with STATUS:CANCELLED) replaces its entry instead of adding one.
Times are written in Europe/Paris with the zone's definition included.
"""

from datetime import datetime

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from capindustrie.events.rules import KIND_LABELS, to_paris
from capindustrie.models import EventSession, Registration, RegistrationStatus

PRODID = "-//Département de Seine-et-Marne//Cap Industrie//FR"
UID_DOMAIN = "capindustrie.seine-et-marne.fr"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add_component(Timezone.from_tzid("Europe/Paris"))
    return calendar


def organiser_name(event) -> str:
    return event.company.name if event.company else "Département de Seine-et-Marne"


def place_label(event) -> str:
    commune = event.commune.name if event.commune else ""
    return ", ".join(
        part for part in (event.address, f"{event.postcode} {commune}".strip()) if part
    )


def _vevent(
    uid: str, session: EventSession, stamp: datetime, url: str | None, cancelled: bool = False
) -> Event:
    event = session.event
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", to_paris(stamp))
    vevent.add("dtstart", to_paris(session.starts_at))
    vevent.add("dtend", to_paris(session.ends_at))
    vevent.add("summary", f"{KIND_LABELS[event.kind]} : {event.title}")
    vevent.add("location", place_label(event))
    if event.latitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    description = event.description
    if event.meeting_point:
        description += f"\n\nPoint de rendez-vous : {event.meeting_point}"
    if url:
        description += f"\n\n{url}"
        vevent.add("url", url)
    vevent.add("description", description)
    organizer = vCalAddress("mailto:no-reply@" + UID_DOMAIN)
    organizer.params["cn"] = vText(organiser_name(event))
    vevent.add("organizer", organizer)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def registration_uid(registration: Registration) -> str:
    return f"registration-{registration.id}@{UID_DOMAIN}"


def registrations_ics(
    registrations: list[Registration], name: str, now: datetime, url_for_event=None
) -> str:
    calendar = _calendar(name)
    for registration in registrations:
        session = registration.session
        url = url_for_event(session.event) if url_for_event else None
        calendar.add_component(
            _vevent(
                registration_uid(registration),
                session,
                now,
                url,
                cancelled=registration.status == RegistrationStatus.CANCELLED,
            )
        )
    return calendar.to_ical().decode("utf-8")


def sessions_ics(sessions: list[EventSession], name: str, now: datetime, url_for_event=None) -> str:
    """A public feed: events only, never who registered."""
    calendar = _calendar(name)
    for session in sessions:
        url = url_for_event(session.event) if url_for_event else None
        calendar.add_component(_vevent(f"session-{session.id}@{UID_DOMAIN}", session, now, url))
    return calendar.to_ical().decode("utf-8")
