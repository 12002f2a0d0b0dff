"""Pure rules of events: labels, Paris ↔ UTC, session checks, deadlines. No request, no database.

Stored datetimes are naive UTC; organisers type Paris local dates and times.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from capindustrie.filters import french_date
from capindustrie.models.events import (
    MAX_SESSION_CAPACITY,
    Attendance,
    EventAudience,
    EventKind,
    EventStatus,
    RegistrationStatus,
)
from capindustrie.models.offers import Level

PARIS = ZoneInfo("Europe/Paris")
# « Visite d'information » (Code du travail L. 4153-1 2°): at most 2 consecutive days.
VISIT_MAX_DAYS = 2
OTHER_MAX_DAYS = 5
MAX_GROUP_PUPILS = 60
MAX_GROUP_ADULTS = 10
DEFAULT_CANCELLATION_DAYS = 2
DEFAULT_NAMES_DAYS = 7

KIND_LABELS = {
    EventKind.VISIT: "Visite d'entreprise",
    EventKind.WORKSHOP: "Atelier / démonstration",
    EventKind.FORUM: "Forum des métiers",
    EventKind.MEETING: "Rencontre avec des professionnels",
    EventKind.OPEN_DAY: "Portes ouvertes",
}
AUDIENCE_LABELS = {
    EventAudience.TROISIEME: "Élèves de 3e",
    EventAudience.SECONDE: "Élèves de 2nde",
    EventAudience.ALL: "Élèves de 3e et de 2nde",
}
STATUS_LABELS = {
    EventStatus.SUBMITTED: "En attente de modération",
    EventStatus.PUBLISHED: "Publié",
    EventStatus.REJECTED: "Refusé",
    EventStatus.CANCELLED: "Annulé",
}
REGISTRATION_LABELS = {
    RegistrationStatus.CONFIRMED: "Inscription confirmée",
    RegistrationStatus.WAITLISTED: "En liste d'attente",
    RegistrationStatus.CANCELLED: "Annulée",
}
ATTENDANCE_LABELS = {
    Attendance.PRESENT: "Présent",
    Attendance.ABSENT: "Absent",
    Attendance.EXCUSED: "Excusé",
}
VISIT_NOTICE = (
    "Une visite d'entreprise est une « visite d'information » (Code du travail, L. 4153-1) : "
    "2 jours consécutifs au plus, toujours en groupe avec leurs professeurs, sans utilisation "
    "de machines ni de produits, et gratuite."
)


def paris_to_utc(day: date, at: time) -> datetime:
    """A Paris wall-clock time, stored as naive UTC."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def to_paris(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(PARIS)


@dataclass(frozen=True)
class SessionInput:
    day: date | None
    start: time | None
    end_day: date | None
    end: time | None
    capacity: int | None


def session_problems(kind: EventKind, item: SessionInput, now: datetime) -> dict[str, str]:
    """Field name → French message, for one session typed by an organiser."""
    problems: dict[str, str] = {}
    if item.capacity is None or item.capacity < 1 or item.capacity > MAX_SESSION_CAPACITY:
        problems["capacity"] = (
            f"La capacité d'une séance doit être comprise entre 1 et {MAX_SESSION_CAPACITY} places."
        )
    if item.day is None or item.start is None or item.end is None:
        problems.setdefault("day", "Indiquez la date, l'heure de début et l'heure de fin.")
        return problems
    starts_at = paris_to_utc(item.day, item.start)
    ends_at = paris_to_utc(item.end_day or item.day, item.end)
    if starts_at <= now:
        problems["day"] = "Cette séance serait déjà passée : choisissez une date à venir."
    elif ends_at <= starts_at:
        problems["end"] = "La séance doit finir après son début."
    else:
        span_days = ((item.end_day or item.day) - item.day).days + 1
        if kind == EventKind.VISIT and span_days > VISIT_MAX_DAYS:
            problems["end_day"] = (
                "Une visite d'information dure au plus 2 jours consécutifs "
                "(Code du travail, L. 4153-1)."
            )
        elif span_days > OTHER_MAX_DAYS:
            problems["end_day"] = f"Une séance dure au plus {OTHER_MAX_DAYS} jours."
    return problems


def window_problem(opens_at: datetime, closes_at: datetime, first_start: datetime) -> str | None:
    if closes_at <= opens_at:
        return "Les inscriptions doivent fermer après leur ouverture."
    if closes_at > first_start:
        return "Les inscriptions doivent fermer au plus tard au début de la première séance."
    return None


def cancellation_deadline(starts_at: datetime, cancellation_days: int) -> datetime:
    return starts_at - timedelta(days=cancellation_days)


def names_deadline(starts_at: datetime, names_days: int) -> datetime:
    return starts_at - timedelta(days=names_days)


def audience_levels(audience: EventAudience) -> set[Level]:
    if audience == EventAudience.ALL:
        return {Level.TROISIEME, Level.SECONDE}
    return {Level(audience.value)}


def when_label(starts_at: datetime, ends_at: datetime) -> str:
    """« lundi 16 novembre 2026, 9 h 00 – 12 h 00 » in Paris time (or across two days)."""
    start, end = to_paris(starts_at), to_paris(ends_at)
    start_txt = f"{start:%H:%M}".replace(":", " h ")
    end_txt = f"{end:%H:%M}".replace(":", " h ")
    if start.date() == end.date():
        return f"{french_date(start.date())}, {start_txt} – {end_txt}"
    return f"{french_date(start.date())} {start_txt} – {french_date(end.date())} {end_txt}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 place », « 1 place », « 2 places » (French: 0 and 1 are singular)."""
    return f"{count} {singular if count <= 1 else (plural_form or singular + 's')}"


def initial_name(first_name: str, last_name: str) -> str:
    """What an organiser may see of a pupil: « Inès D. »."""
    initial = (last_name or "").strip()[:1].upper()
    return f"{first_name} {initial}." if initial else first_name
