"""Jinja filters: French dates, Europe/Paris times, elision and plurals."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from capindustrie.text import elide, french_size, plural, plural_word

PARIS = ZoneInfo("Europe/Paris")
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(value: date | None, weekday: bool = True) -> str:
    """`lundi 2 février 2026`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value).date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]} {text}" if weekday else text


def to_paris(value: datetime) -> datetime:
    """Stored datetimes are naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS)


def french_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_paris(value)
    return f"{french_date(local.date())} à {local:%H:%M}".replace(":", " h ", 1)


def french_time(value) -> str:
    # Non-breaking spaces: « 09 h 00 » is never split across two lines.
    return "" if value is None else f"{value:%H:%M}".replace(":", "\u00a0h\u00a0")


def french_duration(minutes: int) -> str:
    """« 35 min », « 1 h », « 1 h 05 »: hours read faster than « 95 min »."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest}\u00a0min"
    return f"{hours}\u00a0h" + (f"\u00a0{rest:02d}" if rest else "")


def init_app(app: Flask) -> None:
    app.add_template_filter(french_duration, "duration_fr")
    app.add_template_filter(french_date, "date_fr")
    app.add_template_filter(french_datetime, "datetime_fr")
    app.add_template_filter(french_time, "time_fr")
    # {{ pupil.first_name|elide("de") }} → « d'Inès »; {{ n|plural("offre") }} → « 0 offre »;
    # {{ n|plural_word("place libre", "places libres") }} → the words alone.
    app.add_template_filter(elide, "elide")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(plural_word, "plural_word")
    app.add_template_filter(french_size, "size_fr")
