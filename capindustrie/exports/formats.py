"""The export format, version 1 (docs/export-format.md; JSON Schema in schema/offers-v1.json).

One record per published offer *and level*: the national partner API (1élève1stage, API v2)
refuses `seconde` mixed with other grades, so an offer open to 3e and 2nde gives two records.
The national API's fields come first, with its names and length limits; Cap Industrie's own
fields follow. Texts over a limit are shortened at a word boundary with « … »; the full text
stays on the page `permalink` points to.

Records are built from plain `OfferData` (read in batches by runs.py), never from ORM objects:
the benchmark exports 20,000 offers in bounded memory.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from capindustrie.models import FILIERE_LABELS, Filiere, Level

FORMAT_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).parent / "schema" / "offers-v1.json"

# Limits of the national partner API (betagouv/monstagedeseconde doc/api/v2). The description's
# limit is a setting (EXPORT_DESCRIPTION_MAX_LENGTH): 500 in the published doc, 1,500 in the code.
LIMITS = {
    "title": 150,
    "employer_name": 150,
    "employer_description": 275,
    "employer_website": 560,
    "street": 500,
    "city": 50,
    "permalink": 200,
    "lunch_break": 500,
}
LUNCH_BREAK_MIN = 11
MAX_CANDIDATES = 6000
ELLIPSIS = "…"

# The one filière → national sector table (sector ids s1…s51 of the partner API).
SECTOR_BY_FILIERE: dict[Filiere, tuple[str, str]] = {
    Filiere.AGRI_FOOD: ("s28", "Industrie alimentaire"),
    Filiere.MATERIALS: ("s50", "Verre, béton, céramique"),
    Filiere.LOGISTICS: ("s34", "Logistique et transport"),
    Filiere.GREEN_ENERGY: ("s21", "Énergie"),
    Filiere.HEALTH_PHARMA: ("s43", "Santé"),
    Filiere.SUSTAINABLE_BUILDING: ("s10", "BTP"),
    Filiere.FUTURE_INDUSTRY: ("s30", "Industrie, ingénierie industrielle"),
    Filiere.AERONAUTICS: ("s16", "Construction aéronautique, ferroviaire et navale"),
    Filiere.OTHER: ("s30", "Industrie, ingénierie industrielle"),
}
FALLBACK_SECTOR = ("s30", "Industrie, ingénierie industrielle")

GRADE_BY_LEVEL = {Level.TROISIEME: "troisieme", Level.SECONDE: "seconde"}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

ACTION_UPSERT = "upsert"
ACTION_DELETE = "delete"


@dataclass
class PeriodData:
    level: str
    start_date: date
    end_date: date
    seats: int
    seats_taken: int

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken


@dataclass
class OfferData:
    """Everything one offer's records need, read without the ORM."""

    id: int
    status: str
    title: str
    summary: str | None
    filiere: str
    for_3e: bool
    for_2nde: bool
    latitude: float | None
    longitude: float | None
    site_address: str | None
    site_postcode: str | None
    commune_name: str | None
    commune_postcodes: str | None
    commune_latitude: float | None
    commune_longitude: float | None
    epci_siren: str | None
    epci_name: str | None
    pmr_access: bool
    reserved_priority_education: bool
    day_start: time | None
    day_end: time | None
    break_start: time | None
    break_end: time | None
    meals: str | None
    published_at: datetime | None
    updated_at: datetime
    company_name: str
    company_presentation: str | None
    company_website: str | None
    siret: str
    periods: list[PeriodData] = field(default_factory=list)
    program: list[tuple[int, str, str]] = field(default_factory=list)

    def live_levels(self) -> list[Level]:
        if self.status != "published":
            return []
        return [
            lvl
            for lvl, on in ((Level.TROISIEME, self.for_3e), (Level.SECONDE, self.for_2nde))
            if on
        ]


def remote_id(offer_id: int, level: Level | str) -> str:
    """Stable per offer and level: the partner API updates and unpublishes by this id."""
    return f"capindustrie-{offer_id}-{Level(level).value}"


def shorten(text: str | None, limit: int) -> tuple[str | None, bool]:
    """`text` within `limit` characters, cut at a word boundary and ended with « … »."""
    if text is None or len(text) <= limit:
        return text, False
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, False
    head = text[: limit - len(ELLIPSIS)]
    # Cut after the last whole word: the character after `head` must be a space for its last
    # word to be whole; otherwise drop the partial word.
    if text[len(head)] != " ":
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    head = head.rstrip(" ,;:.-–—")
    return head + ELLIPSIS, True


def iso_weeks(start: date, end: date) -> list[str]:
    """ISO 8601 weeks (`2027-W03`) touched by [start, end]; the ISO year may differ from the
    calendar year around 1 January (31 Dec 2024 is in 2025-W01)."""
    return list(_iso_weeks(start, end))


@lru_cache(maxsize=4096)
def _iso_weeks(start: date, end: date) -> tuple[str, ...]:
    # Cached: thousands of offers share the same few school periods.
    weeks: list[str] = []
    day = start - timedelta(days=start.weekday())
    while day <= end:
        year, week, _ = day.isocalendar()
        weeks.append(f"{year}-W{week:02d}")
        day += timedelta(days=7)
    return tuple(weeks)


def _clock(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def daily_hours(offer: OfferData) -> dict[str, list[str]] | None:
    if offer.day_start is None or offer.day_end is None:
        return None
    hours = [_clock(offer.day_start), _clock(offer.day_end)]
    return {day: list(hours) for day in WEEKDAYS}


def lunch_break(offer: OfferData) -> str | None:
    return _lunch_break(offer.break_start, offer.break_end, offer.meals)


@lru_cache(maxsize=1024)
def _lunch_break(break_start: time | None, break_end: time | None, meals: str | None):
    # Cached: most offers share a handful of break times and meal sentences.
    parts = []
    if break_start and break_end:
        parts.append(
            f"Pause déjeuner de {break_start:%H} h {break_start:%M} "
            f"à {break_end:%H} h {break_end:%M}."
        )
    if meals:
        parts.append(meals)
    text, _ = shorten(" ".join(parts), LIMITS["lunch_break"])
    return text if text and len(text) >= LUNCH_BREAK_MIN else None


def iso_utc(value: datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


class RecordBuilder:
    """Builds the records of offers, collecting the fallbacks used as French warnings."""

    def __init__(self, permalink_for, description_limit: int = 500, sectors: dict | None = None):
        self.permalink_for = permalink_for
        self.description_limit = description_limit
        self.sectors = SECTOR_BY_FILIERE if sectors is None else sectors
        self.warnings: list[str] = []

    def _warn(self, offer: OfferData, message: str) -> None:
        self.warnings.append(f"Offre n° {offer.id} : {message}")

    def records(self, offer: OfferData) -> list[dict]:
        levels = offer.live_levels()
        if not levels:
            return []
        common = self._common(offer)
        return [self._record(offer, level, common) for level in levels]

    def _common(self, offer: OfferData) -> dict:
        title, cut = shorten(offer.title, LIMITS["title"])
        if cut:
            self._warn(
                offer, f"titre de {len(offer.title)} caractères raccourci à {LIMITS['title']}."
            )
        description = offer.summary
        if not description or not description.strip():
            description = (
                f"Stage d'observation clé en main chez {offer.company_name} "
                f"({FILIERE_LABELS[Filiere(offer.filiere)]}) : programme jour par jour sur la "
                "page de l'offre."
            )
            self._warn(offer, "pas de résumé : description générique utilisée.")
        description, cut = shorten(description, self.description_limit)
        if cut:
            self._warn(offer, f"description raccourcie à {self.description_limit} caractères.")
        presentation = offer.company_presentation
        if not presentation or not presentation.strip():
            presentation = (
                f"{offer.company_name}, entreprise de la filière "
                f"{FILIERE_LABELS[Filiere(offer.filiere)].lower()} en Seine-et-Marne."
            )
            self._warn(offer, "l'entreprise n'a pas de présentation : texte générique utilisé.")
        presentation, _ = shorten(presentation, LIMITS["employer_description"])
        coordinates = None
        if offer.latitude is not None and offer.longitude is not None:
            coordinates = {"latitude": offer.latitude, "longitude": offer.longitude}
        elif offer.commune_latitude is not None:
            coordinates = {"latitude": offer.commune_latitude, "longitude": offer.commune_longitude}
            self._warn(offer, "pas de coordonnées : point de la mairie de la commune utilisé.")
        else:
            self._warn(offer, "pas de coordonnées ni de commune : coordonnées absentes.")
        sector = self.sectors.get(Filiere(offer.filiere))
        if sector is None:
            sector = FALLBACK_SECTOR
            self._warn(offer, f"filière sans secteur national : {FALLBACK_SECTOR[0]} utilisé.")
        zipcode = offer.site_postcode or (offer.commune_postcodes or "").split(" ")[0] or None
        return {
            "title": title,
            "description": description,
            "employer_name": shorten(offer.company_name, LIMITS["employer_name"])[0],
            "employer_description": presentation,
            "employer_website": shorten(offer.company_website, LIMITS["employer_website"])[0],
            "coordinates": coordinates,
            "street": shorten(offer.site_address, LIMITS["street"])[0],
            "zipcode": zipcode,
            "city": shorten(offer.commune_name, LIMITS["city"])[0],
            "sector_uuid": sector[0],
            "permalink": self.permalink_for(offer.id),
            "is_public": False,
            "handicap_accessible": bool(offer.pmr_access),
            "rep": bool(offer.reserved_priority_education),
            "daily_hours": daily_hours(offer),
            "lunch_break": lunch_break(offer),
            "published_at": iso_utc(offer.published_at),
            "siret": offer.siret,
            "filiere": offer.filiere,
            "epci": (
                {"siren": offer.epci_siren, "name": offer.epci_name} if offer.epci_siren else None
            ),
            "programme": [
                {"day": day, "title": day_title, "activities": activities}
                for day, day_title, activities in offer.program
            ],
            "updated_at": iso_utc(offer.updated_at),
        }

    def _level_parts(self, offer: OfferData, level: Level):
        """(periods, weeks, max_candidates) of one level, warning when no seat is left."""
        periods = [p for p in offer.periods if p.level == level.value]
        open_periods = [p for p in periods if p.seats_left > 0]
        if not open_periods:
            self._warn(offer, f"aucune période de {level.value} avec une place libre.")
        weeks = sorted(
            {w for p in (open_periods or periods) for w in _iso_weeks(p.start_date, p.end_date)}
        )
        return periods, weeks, min(MAX_CANDIDATES, sum(p.seats_left for p in open_periods))

    def _record(self, offer: OfferData, level: Level, common: dict) -> dict:
        periods, weeks, max_candidates = self._level_parts(offer, level)
        record = {"remote_id": remote_id(offer.id, level)}
        for key in NATIONAL_FIELDS[1:]:
            if key == "grades":
                record[key] = [GRADE_BY_LEVEL[level]]
            elif key == "weeks":
                record[key] = weeks
            elif key == "max_candidates":
                record[key] = max_candidates
            else:
                record[key] = common[key]
        record.update(
            siret=common["siret"],
            filiere=common["filiere"],
            level=level.value,
            epci=common["epci"],
            periods=[
                {
                    "start": p.start_date.isoformat(),
                    "end": p.end_date.isoformat(),
                    "seats": p.seats,
                    "seats_left": p.seats_left,
                }
                for p in periods
            ],
            programme=common["programme"],
            updated_at=common["updated_at"],
            action=ACTION_UPSERT,
        )
        return record

    def encoded(self, offer: OfferData) -> list[tuple[str, list]]:
        """The offer's records as (JSON text, CSV cells): the same bytes as encoding each dict of
        `records()` (compact JSON, csv_row), but the parts shared by both levels are encoded
        once per offer, and the level's own parts (ASCII dates, numbers, fixed words) are
        formatted directly. The full export's hot path (bench/export.py)."""
        levels = offer.live_levels()
        if not levels:
            return []
        common = self._common(offer)
        json_parts = _shared_json(common)
        csv_parts = _shared_cells(offer, common)
        return [self._encoded_level(offer, level, json_parts, csv_parts) for level in levels]

    def _encoded_level(self, offer, level: Level, json_parts, csv_parts) -> tuple[str, list]:
        periods, weeks, max_candidates = self._level_parts(offer, level)
        head_json, permalink_json, middle_json, epci_json, tail_json = json_parts
        head_cells, permalink, middle_cells, tail_cells = csv_parts
        rid = remote_id(offer.id, level)
        grade = GRADE_BY_LEVEL[level]
        weeks_json = ",".join(f'"{week}"' for week in weeks)
        periods_json = ",".join(
            f'{{"start":"{p.start_date.isoformat()}","end":"{p.end_date.isoformat()}",'
            f'"seats":{int(p.seats)},"seats_left":{int(p.seats_left)}}}'
            for p in periods
        )
        text = (
            f'{{"remote_id":"{rid}",{head_json},"grades":["{grade}"],"weeks":[{weeks_json}],'
            f'{permalink_json},"max_candidates":{int(max_candidates)},{middle_json},'
            f'"level":"{level.value}","epci":{epci_json},"periods":[{periods_json}],'
            f'{tail_json},"action":"{ACTION_UPSERT}"}}'
        )
        cells = [
            rid,
            "publication",
            *head_cells,
            grade,
            ", ".join(weeks),
            permalink,
            max_candidates,
            *middle_cells,
            " | ".join(
                f"du {p.start_date.isoformat()} au {p.end_date.isoformat()} : "
                f"{p.seats_left} place(s) libre(s) sur {p.seats}"
                for p in periods
            ),
            *tail_cells,
        ]
        return text, cells


NATIONAL_FIELDS = (
    "remote_id",
    "title",
    "description",
    "employer_name",
    "employer_description",
    "employer_website",
    "coordinates",
    "street",
    "zipcode",
    "city",
    "sector_uuid",
    "grades",
    "weeks",
    "permalink",
    "max_candidates",
    "is_public",
    "handicap_accessible",
    "rep",
    "daily_hours",
    "lunch_break",
    "published_at",
)
OWN_FIELDS = ("siret", "filiere", "level", "epci", "periods", "programme", "updated_at", "action")

# The keys of a record shared by its levels, in record order, between the level's own keys.
_HEAD_KEYS = NATIONAL_FIELDS[1:11]  # title … sector_uuid (then grades, weeks)
_MIDDLE_KEYS = NATIONAL_FIELDS[15:] + ("siret", "filiere")  # is_public … (then level, epci)
_TAIL_KEYS = ("programme", "updated_at")  # after periods (then action)
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json_members(common: dict, keys) -> str:
    """`"key":value,…` exactly as in the compact encoding of the whole record."""
    return _compact({key: common[key] for key in keys})[1:-1]


def _shared_json(common: dict) -> tuple[str, str, str, str, str]:
    return (
        _json_members(common, _HEAD_KEYS),
        '"permalink":' + _compact(common["permalink"]),
        _json_members(common, _MIDDLE_KEYS),
        _compact(common["epci"]),
        _json_members(common, _TAIL_KEYS),
    )


def _shared_cells(offer: OfferData, common: dict) -> tuple[list, str, list, list]:
    """The CSV cells shared by the levels, as csv_row() writes them (None as "")."""
    coordinates = common["coordinates"] or {}
    epci = common["epci"] or {}
    head = [
        common["title"],
        common["description"],
        common["employer_name"],
        common["employer_description"],
        common["employer_website"],
        _num(coordinates.get("latitude")),
        _num(coordinates.get("longitude")),
        common["street"],
        common["zipcode"],
        common["city"],
        common["sector_uuid"],
    ]
    middle = [
        _yes_no(common["is_public"]),
        _yes_no(common["handicap_accessible"]),
        _yes_no(common["rep"]),
        _hours_cell(offer.day_start, offer.day_end),
        common["lunch_break"],
        common["published_at"],
        common["siret"],
        common["filiere"],
        epci.get("name"),
    ]
    tail = [_programme(common["programme"]), common["updated_at"]]
    blank = _blank
    return blank(head), common["permalink"] or "", blank(middle), blank(tail)


@lru_cache(maxsize=1024)
def _hours_cell(day_start: time | None, day_end: time | None) -> str:
    # Cached: most offers share a handful of working hours.
    if day_start is None or day_end is None:
        return ""
    return _hours({day: [_clock(day_start), _clock(day_end)] for day in WEEKDAYS})


def _blank(cells: list) -> list:
    return ["" if value is None else value for value in cells]


def deletion_record(offer_id: int, level: Level | str) -> dict:
    return {"remote_id": remote_id(offer_id, level), "action": ACTION_DELETE}


# CSV ------------------------------------------------------------------------------------------


def _yes_no(value) -> str:
    return "" if value is None else ("oui" if value else "non")


def _num(value) -> str:
    return "" if value is None else str(value).replace(".", ",")


def _hours(value: dict | None) -> str:
    if not value:
        return ""
    return "; ".join(f"{day} {start}-{end}" for day, (start, end) in value.items())


def _periods(value: list) -> str:
    return " | ".join(
        f"du {p['start']} au {p['end']} : {p['seats_left']} place(s) libre(s) sur {p['seats']}"
        for p in value
    )


def _programme(value: list) -> str:
    return " | ".join(f"Jour {d['day']} — {d['title']} : {d['activities']}" for d in value)


CSV_HEADER = [
    "Identifiant (remote_id)",
    "Action",
    "Titre",
    "Description",
    "Entreprise",
    "Présentation de l'entreprise",
    "Site web",
    "Latitude",
    "Longitude",
    "Adresse",
    "Code postal",
    "Commune",
    "Secteur national",
    "Niveau",
    "Semaines ISO",
    "Lien",
    "Places",
    "Employeur public",
    "Accessible PMR",
    "Réservée REP/REP+",
    "Horaires",
    "Pause déjeuner",
    "Publiée le",
    "SIRET",
    "Filière",
    "EPCI",
    "Périodes",
    "Programme",
    "Mise à jour le",
]


def csv_row(record: dict) -> list:
    """The record as CSV cells, in the order of CSV_HEADER (the stable column order)."""
    if record["action"] == ACTION_DELETE:
        return [record["remote_id"], "suppression"] + [""] * (len(CSV_HEADER) - 2)
    coordinates = record["coordinates"] or {}
    epci = record["epci"] or {}
    row = [
        record["remote_id"],
        "publication",
        record["title"],
        record["description"],
        record["employer_name"],
        record["employer_description"],
        record["employer_website"],
        _num(coordinates.get("latitude")),
        _num(coordinates.get("longitude")),
        record["street"],
        record["zipcode"],
        record["city"],
        record["sector_uuid"],
        ", ".join(record["grades"]),
        ", ".join(record["weeks"]),
        record["permalink"],
        record["max_candidates"],
        _yes_no(record["is_public"]),
        _yes_no(record["handicap_accessible"]),
        _yes_no(record["rep"]),
        _hours(record["daily_hours"]),
        record["lunch_break"],
        record["published_at"],
        record["siret"],
        record["filiere"],
        epci.get("name"),
        _periods(record["periods"]),
        _programme(record["programme"]),
        record["updated_at"],
    ]
    return ["" if value is None else value for value in row]


def json_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
