"""Automatic checks shown to staff on a submitted offer: each one « conforme » or « à vérifier ».

They help the reading, they decide nothing: publishing stays the staff's call. The hours reuse
the legal rules of `offers.rules.check_schedule` and the programme length the wizard's
`offers.services.days_for`; only the words suggesting productive work are new here (no
other rule looks at the programme's wording).
"""

import re
from dataclasses import dataclass, field

from capindustrie.models import Offer
from capindustrie.offers import rules
from capindustrie.offers.services import days_for
from capindustrie.text import plural as plural_count
from capindustrie.text import search_key

# An observation internship forbids any productive work (DESIGN §4). These words, in the
# accent-free lower-case form of `search_key`, describe a pupil doing a task rather than watching
# it; none of them occurs in the programme templates, so an offer left as templated shows no
# warning. A match only asks the moderator to read the day: « charger » may be a battery.
PRODUCTIVE_WORK_WORDS = (
    "assembler",
    "souder",
    "usiner",
    "percer",
    "emballer",
    "conditionner",
    "charger",
    "decharger",
    "manutentionner",
    "porter des charges",
    "conduire",
    "regler",
    "tenir le poste",
    "tenir un poste",
    "renfort",
    "en autonomie",
    "remplacer",
    "participer a la production",
    "participe a la production",
    "travail productif",
    "manipuler",
    "utiliser la machine",
    "utiliser les machines",
)
_WORDS_PATTERN = re.compile(r"\b(" + "|".join(re.escape(w) for w in PRODUCTIVE_WORK_WORDS) + r")\b")


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    details: list[str] = field(default_factory=list)


def productive_words(*texts: str | None) -> list[str]:
    """The productive-work words found in the texts, each once, in order of appearance."""
    found: list[str] = []
    for match in _WORDS_PATTERN.finditer(search_key(*texts)):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def automatic_checks(offer: Offer) -> list[Check]:
    return [
        _hours_check(offer),
        _programme_length_check(offer),
        _activities_check(offer),
        _safety_check(offer),
        _productive_work_check(offer),
    ]


def _hours_check(offer: Offer) -> Check:
    label = "Horaires (règles pour les mineurs)"
    if offer.day_start is None or offer.day_end is None:
        return Check(label, False, ["Les horaires de la journée ne sont pas renseignés."])
    result = rules.check_schedule(
        offer.day_start, offer.day_end, offer.break_start, offer.break_end
    )
    if not result.ok:
        return Check(label, False, result.errors + result.warnings)
    summary = (
        f"{rules.format_duration(result.daily_minutes)} par jour, "
        f"{rules.format_duration(result.weekly_minutes)} par semaine."
    )
    return Check(label, not result.warnings, [summary, *result.warnings])


def _programme_length_check(offer: Offer) -> Check:
    expected = days_for(offer.for_2nde)
    found = len(offer.program_days)
    level = "la 2nde" if offer.for_2nde else "la 3e"
    detail = f"{plural_count(found, 'jour')} décrits ; {expected} attendus pour {level}."
    return Check("Durée du programme", found == expected, [detail])


def _activities_check(offer: Offer) -> Check:
    empty = [d.day_number for d in offer.program_days if not (d.activities or "").strip()]
    if not offer.program_days:
        return Check("Activités de chaque jour", False, ["Aucun jour de programme."])
    if empty:
        days = ", ".join(f"jour {n}" for n in empty)
        return Check("Activités de chaque jour", False, [f"Sans activité : {days}."])
    return Check("Activités de chaque jour", True, ["Chaque jour décrit ce que l'élève observe."])


def _safety_check(offer: Offer) -> Check:
    missing = [
        label
        for label, value in (
            ("la tenue", offer.dress_code),
            ("les équipements de protection", offer.protective_equipment),
        )
        if not (value or "").strip()
    ]
    if missing:
        return Check("Consignes de sécurité", False, [f"Non renseigné : {' ; '.join(missing)}."])
    return Check("Consignes de sécurité", True, ["Tenue et équipements de protection indiqués."])


def _productive_work_check(offer: Offer) -> Check:
    details = []
    for day in offer.program_days:
        words = productive_words(day.title, day.activities, day.with_whom)
        if words:
            quoted = ", ".join(f"« {w} »" for w in words)
            details.append(f"Jour {day.day_number} : {quoted}.")
    if details:
        return Check("Observation uniquement (aucun travail productif)", False, details)
    return Check(
        "Observation uniquement (aucun travail productif)",
        True,
        ["Aucun mot évoquant un travail productif dans le programme."],
    )
