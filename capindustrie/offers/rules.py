"""Pure domain rules for offers: legal hours for minors, internship periods, seats, tutor
phone, free text. No Flask request, no database: callers pass `today` and the config mapping.

Every message is French and names the rule it enforces (DESIGN §4), so a company knows why its
input was refused.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from capindustrie.config import seconde_period
from capindustrie.filters import french_date
from capindustrie.models.offers import Level

# --- Hours for minors --------------------------------------------------------------------------

MAX_DAILY_MINUTES = 7 * 60
MAX_WEEKLY_MINUTES = 35 * 60
MAX_CONTINUOUS_MINUTES = 4 * 60 + 30
MIN_BREAK_MINUTES = 30
MAX_DAYS_PER_WEEK = 5
# Night (Code du travail L. 3163-1 and L. 3163-2): 20 h–6 h under 16, 22 h–6 h from 16 to 18.
# 3e pupils are 14–15 and many 2nde pupils are 15, so an offer is checked with the under-16
# window unless the caller knows every pupil is 16 or more.
EARLIEST_START = time(6, 0)
LATEST_END = time(20, 0)
LATEST_END_FROM_16 = time(22, 0)
# Daily rest (L. 3164-1): 14 consecutive hours under 16, 12 hours from 16. With the same
# schedule every day, the rest is what remains of 24 hours after the span arrival–departure.
MIN_DAILY_REST_MINUTES = 14 * 60
MIN_DAILY_REST_MINUTES_FROM_16 = 12 * 60

NIGHT_RULE = (
    "aucune présence la nuit : entre 20 h et 6 h pour un élève de moins de 16 ans, entre 22 h "
    "et 6 h de 16 à 18 ans (Code du travail, L. 3163-1 et L. 3163-2)"
)
BREAK_RULE = (
    "au-delà de 4 h 30 de présence continue, une pause d'au moins 30 minutes consécutives "
    "est obligatoire (Code du travail, L. 3162-3)"
)
DAILY_RULE = (
    "la convention nationale de la séquence d'observation limite la présence d'un élève à "
    "7 h par jour (le Code du travail, L. 3162-1, fixe 8 h pour les jeunes travailleurs)"
)
WEEKLY_RULE = "la limite pour un mineur est de 35 h par semaine (Code du travail, L. 3162-1)"
REST_RULE = (
    "un élève de moins de 16 ans a droit à 14 heures consécutives de repos entre deux "
    "journées, 12 heures à partir de 16 ans (Code du travail, L. 3164-1)"
)


# The schedule's fields, as the wizard names them: each refusal names the field to correct.
ARRIVAL, DEPARTURE, BREAK_START, BREAK_END = "day_start", "day_end", "break_start", "break_end"


@dataclass
class ScheduleCheck:
    errors: list[str] = field(default_factory=list)
    # No hours rule only warns today (the « 30 h under 15 » advice had no source); callers
    # still show warnings when a rule adds one.
    warnings: list[str] = field(default_factory=list)
    daily_minutes: int = 0
    weekly_minutes: int = 0
    # message -> the field it concerns; a message absent from it is about the whole schedule.
    error_fields: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, field_name: str | None, message: str) -> None:
        """Record a refusal and the field to correct (None: no single field is at fault)."""
        self.errors.append(message)
        if field_name is not None:
            self.error_fields[message] = field_name

    def errors_by_field(self) -> dict[str | None, list[str]]:
        """The errors grouped by field, in order; key None for the schedule as a whole."""
        grouped: dict[str | None, list[str]] = {}
        for message in self.errors:
            grouped.setdefault(self.error_fields.get(message), []).append(message)
        return grouped


def _minutes(t: time) -> int:
    # Forms give hours and minutes; seconds are not part of a schedule.
    return t.hour * 60 + t.minute


def format_duration(minutes: int) -> str:
    """`7 h`, `7 h 05`, `29 min`."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def format_clock(t: time) -> str:
    """`6 h`, `5 h 59`, `20 h 01`."""
    return f"{t.hour} h" if t.minute == 0 else f"{t.hour} h {t.minute:02d}"


def check_schedule(
    day_start: time,
    day_end: time,
    break_start: time | None,
    break_end: time | None,
    days_per_week: int = 5,
    under_16: bool = True,
) -> ScheduleCheck:
    """Check one daily schedule (the same every day of the period) against the legal limits
    for minors. Presence = departure − arrival − break; a single break is modelled.
    `under_16` (the default: offers are open to 14- and 15-year-olds) picks the night window
    and the daily rest."""
    result = ScheduleCheck()
    start, end = _minutes(day_start), _minutes(day_end)

    if end <= start:
        result.refuse(DEPARTURE, "L'heure de départ doit être après l'heure d'arrivée.")
        return result
    if day_start < EARLIEST_START:
        result.refuse(ARRIVAL, f"Arrivée à {format_clock(day_start)} : {NIGHT_RULE}.")
    if day_end > (LATEST_END if under_16 else LATEST_END_FROM_16):
        result.refuse(DEPARTURE, f"Départ à {format_clock(day_end)} : {NIGHT_RULE}.")
    rest = 24 * 60 - (end - start)
    if rest < (MIN_DAILY_REST_MINUTES if under_16 else MIN_DAILY_REST_MINUTES_FROM_16):
        # A day spread too wide is corrected by arriving later or leaving earlier.
        result.refuse(
            DEPARTURE,
            f"De {format_clock(day_start)} à {format_clock(day_end)}, il ne reste que "
            f"{format_duration(rest)} de repos avant le lendemain : {REST_RULE}.",
        )
    if days_per_week < 1:
        result.refuse(None, "Indiquez au moins un jour de présence par semaine.")
        return result
    if days_per_week > MAX_DAYS_PER_WEEK:
        result.refuse(
            None,
            f"{days_per_week} jours de présence par semaine : un mineur a droit à deux jours "
            "de repos consécutifs par semaine, soit au plus 5 jours de présence "
            "(Code du travail, L. 3164-2).",
        )

    breaks = _break_problems(start, end, break_start, break_end)
    if breaks:
        for field_name, message in breaks:
            result.refuse(field_name, message)
        return result

    pause = _minutes(break_end) - _minutes(break_start) if break_start is not None else 0
    result.daily_minutes = end - start - pause
    result.weekly_minutes = result.daily_minutes * days_per_week

    _check_durations(result, days_per_week)
    _check_break_rule(result, start, end, break_start, break_end)
    return result


def _break_problems(
    start: int, end: int, break_start: time | None, break_end: time | None
) -> list[tuple[str, str]]:
    """(field, message) pairs: the break's own shape, before any duration is computed."""
    if (break_start is None) != (break_end is None):
        missing = BREAK_END if break_end is None else BREAK_START
        return [(missing, "Indiquez le début et la fin de la pause, ou aucun des deux.")]
    if break_start is None:
        return []
    b_start, b_end = _minutes(break_start), _minutes(break_end)
    if b_end <= b_start:
        return [(BREAK_END, "La fin de la pause doit être après son début.")]
    if b_start <= start or b_end >= end:
        outside = BREAK_START if b_start <= start else BREAK_END
        return [(outside, "La pause doit commencer après l'arrivée et finir avant le départ.")]
    return []


def _check_durations(result: ScheduleCheck, days_per_week: int) -> None:
    daily, weekly = result.daily_minutes, result.weekly_minutes
    # A week that only exceeds 35 h because each day exceeds 7 h is the daily rule's
    # fault: name the weekly rule only if the week stays too long once the days are fixed.
    too_long_anyway = min(daily, MAX_DAILY_MINUTES) * days_per_week > MAX_WEEKLY_MINUTES
    # A day or a week too long is corrected by leaving earlier: the departure is at fault.
    if daily > MAX_DAILY_MINUTES:
        result.refuse(
            DEPARTURE, f"Durée de présence de {format_duration(daily)} par jour : {DAILY_RULE}."
        )
    if weekly > MAX_WEEKLY_MINUTES and too_long_anyway:
        result.refuse(
            DEPARTURE,
            f"Durée de présence de {format_duration(weekly)} par semaine : {WEEKLY_RULE}.",
        )


def _check_break_rule(
    result: ScheduleCheck, start: int, end: int, break_start: time | None, break_end: time | None
) -> None:
    daily = result.daily_minutes
    if break_start is None:
        if daily > MAX_CONTINUOUS_MINUTES:
            result.refuse(
                BREAK_START, f"Présence de {format_duration(daily)} sans pause : {BREAK_RULE}."
            )
        return
    b_start, b_end = _minutes(break_start), _minutes(break_end)
    # A short break is legal on a short day; it only fails the rule once 4 h 30 is reached.
    if daily > MAX_CONTINUOUS_MINUTES and b_end - b_start < MIN_BREAK_MINUTES:
        result.refuse(BREAK_END, f"Pause de {format_duration(b_end - b_start)} : {BREAK_RULE}.")
    # Too long before the break: it should start earlier; after it: it should end later.
    for label, stretch, field_name in (
        ("avant", b_start - start, BREAK_START),
        ("après", end - b_end, BREAK_END),
    ):
        if stretch > MAX_CONTINUOUS_MINUTES:
            result.refuse(
                field_name,
                f"Présence continue de {format_duration(stretch)} {label} la pause : {BREAK_RULE}.",
            )


# --- School years, public holidays, periods ----------------------------------------------------


def school_year_of(d: date) -> int:
    """The school year is named by the calendar year of its September."""
    return d.year if d.month >= 9 else d.year - 1


def school_year_label(school_year: int) -> str:
    return f"{school_year}-{school_year + 1}"


def troisieme_span(school_year: int) -> tuple[date, date]:
    """When a 3e observation week may take place in `school_year`.

    Source wording (DESIGN §4, after the circulaire du 12-7-2024): « from the first Monday
    after 1 September to the last Friday before 1 June ». "After 1 September" is read as
    "from 1 September on": the first Monday strictly after 31 August, so 1 September itself
    when it is a Monday (as in 2025, the day of the rentrée). "Before 1 June" is strict, and
    1 June being excluded changes nothing for a Friday bound: the last Friday on or before
    31 May.
    """
    sept_first = date(school_year, 9, 1)
    first_monday = sept_first + timedelta(days=(0 - sept_first.weekday()) % 7)
    may_last = date(school_year + 1, 5, 31)
    last_friday = may_last - timedelta(days=(may_last.weekday() - 4) % 7)
    return first_monday, last_friday


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def french_public_holidays(year: int) -> dict[date, str]:
    """The 11 public holidays of metropolitan France (Code du travail L. 3133-1). Alsace-Moselle's
    two extra days do not apply in Seine-et-Marne."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "jour de l'An",
        easter + timedelta(days=1): "lundi de Pâques",
        date(year, 5, 1): "fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter + timedelta(days=39): "Ascension",
        easter + timedelta(days=50): "lundi de Pentecôte",
        date(year, 7, 14): "fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }


def seconde_fortnight(config: Mapping, school_year: int) -> tuple[date, date]:
    """The national 2nde fortnight: configured (SECONDE_PERIODS), else by the national rule."""
    return seconde_period(config, school_year)


def _range_fr(start: date, end: date) -> str:
    return f"du {french_date(start)} au {french_date(end)}"


def check_period(
    level: Level | str, start: date, end: date, today: date, config: Mapping
) -> list[str]:
    """Refusals for one period of an offer; an empty list means it is allowed.

    3e: one Monday–Friday week within the school year's span. The period may start later or
    end earlier than Monday/Friday only around a public holiday: it must hold the 5 working
    days of its week, or 4 when a public holiday falls on a weekday of that week (e.g.
    Monday→Friday or Tuesday→Friday in the week of Easter Monday).
    2nde: exactly the national fortnight, or exactly one of its two Monday–Friday weeks.
    """
    if end < start:
        return ["La date de fin doit être le jour de début ou après."]
    errors = []
    if start <= today:
        errors.append(
            f"La période commence le {french_date(start)} : elle doit commencer après "
            f"aujourd'hui ({french_date(today)})."
        )
    if Level(level) is Level.TROISIEME:
        errors.extend(_troisieme_problems(start, end))
    else:
        errors.extend(_seconde_problems(start, end, config))
    return errors


def _troisieme_problems(start: date, end: date) -> list[str]:
    # The end date names the school year, so that a week straddling 1 September is measured
    # against the year it reaches into.
    span_start, span_end = troisieme_span(school_year_of(end))
    errors = []
    if start < span_start or end > span_end:
        errors.append(
            "Pour la 3e, le stage a lieu entre le premier lundi de septembre et le dernier "
            f"vendredi avant le 1er juin : cette année scolaire, {_range_fr(span_start, span_end)}."
        )
    if start.weekday() > 4 or end.weekday() > 4:
        errors.append(
            "Pour la 3e, la période commence et finit un jour de semaine (lundi à vendredi)."
        )
        return errors
    if start.isocalendar()[:2] != end.isocalendar()[:2]:
        errors.append(
            "Pour la 3e, la période tient dans une seule semaine, du lundi au vendredi : "
            f"le {french_date(start)} et le {french_date(end)} sont dans deux semaines différentes."
        )
        return errors
    errors.extend(_troisieme_days_problems(start, end))
    return errors


def _troisieme_days_problems(start: date, end: date) -> list[str]:
    monday = start - timedelta(days=start.weekday())
    week = [monday + timedelta(days=n) for n in range(5)]
    holidays = french_public_holidays(monday.year) | french_public_holidays(week[-1].year)
    off = [d for d in week if d in holidays]
    worked = sum(1 for d in week if start <= d <= end and d not in holidays)
    off_text = ", ".join(f"{french_date(d)} ({holidays[d]})" for d in off)
    if len(off) > 1:
        return [
            f"Cette semaine compte {len(off)} jours fériés ({off_text}) : il n'y reste pas les "
            "4 jours de stage nécessaires en 3e. Choisissez une autre semaine."
        ]
    if not off and worked != 5:
        return [
            f"Pour la 3e, le stage dure 5 jours, du lundi au vendredi : cette période en compte "
            f"{worked}."
        ]
    if off and worked != 4:
        return [
            f"Pour la 3e, le stage dure 4 jours quand la semaine compte un jour férié "
            f"({off_text}) : cette période en compte {worked}."
        ]
    return []


def _seconde_problems(start: date, end: date, config: Mapping) -> list[str]:
    school_year = school_year_of(start)
    national = seconde_fortnight(config, school_year)
    n_start, n_end = national
    # The first week ends on its Friday, even when a public holiday moved its start.
    first_week = (n_start, n_start + timedelta(days=4 - n_start.weekday()))
    second_week = (n_end - timedelta(days=4), n_end)
    if (start, end) in (national, first_week, second_week):
        return []
    return [
        "Pour la 2nde, la période est la quinzaine nationale, "
        f"{_range_fr(n_start, n_end)}, ou l'une de ses deux semaines : "
        f"{_range_fr(*first_week)}, ou {_range_fr(*second_week)}."
    ]


def check_seats(seats: int | None, max_seats: int = 20, already_taken: int = 0) -> list[str]:
    """Seats of one period: 1 to `max_seats`, never below the seats already given."""
    if seats is None or isinstance(seats, bool) or not isinstance(seats, int):
        return ["Indiquez un nombre de places."]
    errors = []
    if seats < 1:
        errors.append("Une période compte au moins 1 place.")
    elif seats > max_seats:
        errors.append(f"Une période compte au plus {max_seats} places.")
    if already_taken and seats < already_taken:
        taken = (
            "la place déjà attribuée"
            if already_taken == 1
            else f"les {already_taken} places déjà attribuées"
        )
        errors.append(f"Impossible de descendre sous {taken}.")
    return errors


def overlapping_periods(periods: list[tuple[date, date]]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of periods sharing at least one day (bounds included)."""
    return [
        (i, j)
        for i, (start_i, end_i) in enumerate(periods)
        for j, (start_j, end_j) in enumerate(periods)
        if i < j and start_i <= end_j and start_j <= end_i
    ]


def overlap_messages(periods: list[tuple[date, date]]) -> list[str]:
    """One French message per overlapping pair, periods numbered from 1 as on screen."""
    return [
        f"Les périodes n° {i + 1} ({_range_fr(*periods[i])}) et n° {j + 1} "
        f"({_range_fr(*periods[j])}) se chevauchent."
        for i, j in overlapping_periods(periods)
    ]


# --- Tutor phone -------------------------------------------------------------------------------

# Stored form: E.164, "+33XXXXXXXXX" — one unambiguous spelling that fits tel: links and the
# 20-character column; `display_phone` gives the French "0X XX XX XX XX" for pages and PDFs.
PHONE_MESSAGE = (
    "Numéro de téléphone français attendu, par exemple 01 23 45 67 89 ou +33 1 23 45 67 89."
)
_SEPARATORS = re.compile(r"[\s.\-/]")
_NATIONAL = re.compile(r"0([1-9][0-9]{8})")
_INTERNATIONAL = re.compile(r"(?:\+33|0033)(?:\(0\))?([1-9][0-9]{8})")


def _phone_digits(value: str | None) -> str | None:
    """The 9 digits after the leading 0, or None when `value` is not a French number."""
    compact = _SEPARATORS.sub("", value or "")
    match = _NATIONAL.fullmatch(compact) or _INTERNATIONAL.fullmatch(compact)
    return match.group(1) if match else None


def phone_problem(value: str | None) -> str | None:
    """Accepts 0X XX XX XX XX (spaces, dots, dashes or nothing between pairs) and
    +33 X XX XX XX XX (also +33 (0)X…, 0033 X…). Blank is a problem: an optional field
    should not call this."""
    if not (value or "").strip():
        return "Indiquez un numéro de téléphone."
    return None if _phone_digits(value) else PHONE_MESSAGE


def normalize_phone(value: str) -> str:
    """`01.23.45.67.89` → `+33123456789`. Raises ValueError on a number `phone_problem` refuses."""
    digits = _phone_digits(value)
    if digits is None:
        raise ValueError(PHONE_MESSAGE)
    return f"+33{digits}"


def display_phone(value: str | None) -> str:
    """`+33123456789` → `01 23 45 67 89`; anything unrecognised is shown unchanged."""
    digits = _phone_digits(value)
    if digits is None:
        return value or ""
    national = "0" + digits
    return " ".join(national[n : n + 2] for n in range(0, 10, 2))


# --- Free text ---------------------------------------------------------------------------------

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def plain_text_problem(value: str | None, max_length: int) -> str | None:
    """Refuse over-long text and control characters. HTML is kept as typed: Jinja escapes it
    on output, so stripping it would only damage text such as « 5 < 10 »."""
    if not value:
        return None
    # Browsers send a textarea's line breaks as CRLF but count them as one character.
    if len(value.replace("\r\n", "\n")) > max_length:
        return f"Ce texte dépasse {max_length} caractères."
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in value):
        return "Ce texte contient un caractère de contrôle non autorisé."
    return None
