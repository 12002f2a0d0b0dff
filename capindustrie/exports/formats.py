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
    # isoformat(timespec="seconds") drops the microseconds as replace(microsecond=0) would,
    # without building a second datetime (two per offer in an export).
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


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
        """The values both levels' records share, as record values."""
        common = self._shared_values(offer)
        common["daily_hours"] = daily_hours(offer)
        common["programme"] = [
            {"day": day, "title": day_title, "activities": activities}
            for day, day_title, activities in offer.program
        ]
        return common

    def _shared_values(self, offer: OfferData) -> dict:
        """The shared values, warning about each fallback used; the day-by-day programme and
        the daily hours are left to the caller (encoded() formats them without dicts)."""
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
            "lunch_break": lunch_break(offer),
            "published_at": iso_utc(offer.published_at),
            "siret": offer.siret,
            "filiere": offer.filiere,
            "epci": (
                {"siren": offer.epci_siren, "name": offer.epci_name} if offer.epci_siren else None
            ),
            "updated_at": iso_utc(offer.updated_at),
        }

    def _level_parts(self, offer: OfferData, level: Level):
        """(periods, weeks, max_candidates) of one level, warning when no seat is left."""
        value = level.value
        periods = [p for p in offer.periods if p.level == value]
        open_periods = [p for p in periods if p.seats > p.seats_taken]
        if not open_periods:
            self._warn(offer, f"aucune période de {value} avec une place libre.")
        spans = open_periods or periods
        if len(spans) == 1:
            # One period (most offers): its weeks are already distinct and in order.
            weeks = list(_iso_weeks(spans[0].start_date, spans[0].end_date))
        else:
            weeks = sorted({w for p in spans for w in _iso_weeks(p.start_date, p.end_date)})
        seats_left = sum(p.seats - p.seats_taken for p in open_periods)
        return periods, weeks, min(MAX_CANDIDATES, seats_left)

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

    def encoded(self, offer: OfferData) -> list[tuple[str, str]]:
        """The offer's records as (JSON text, CSV line): the same bytes as encoding each dict of
        `records()` (compact JSON; csv.writer with `;` and CRLF over csv_row), built without the
        dicts. The parts both levels share are formatted once per offer (strings through the
        json module's own C string escaper, CSV cells quoted as csv.writer quotes them); the
        level's own parts (ASCII dates, numbers, fixed words) directly. The full export's hot
        path (bench/export.py)."""
        levels = offer.live_levels()
        if not levels:
            return []
        shared = _SharedParts(offer, self._shared_values(offer))
        return [self._encoded_level(offer, level, shared) for level in levels]

    def _encoded_level(self, offer: OfferData, level: Level, shared) -> tuple[str, str]:
        periods, weeks, max_candidates = self._level_parts(offer, level)
        value = level.value
        rid = f"capindustrie-{offer.id}-{value}"
        grade = GRADE_BY_LEVEL[level]
        spans = [(p.start_date.isoformat(), p.end_date.isoformat(), p) for p in periods]
        weeks_json = ",".join(f'"{week}"' for week in weeks)
        periods_json = ",".join(
            f'{{"start":"{start}","end":"{end}",'
            f'"seats":{int(p.seats)},"seats_left":{int(p.seats - p.seats_taken)}}}'
            for start, end, p in spans
        )
        text = (
            f'{{"remote_id":"{rid}",{shared.head_json},"grades":["{grade}"],'
            f'"weeks":[{weeks_json}],{shared.permalink_json},'
            f'"max_candidates":{int(max_candidates)},{shared.middle_json},'
            f'"level":"{value}","epci":{shared.epci_json},"periods":[{periods_json}],'
            f'{shared.tail_json},"action":"{ACTION_UPSERT}"}}'
        )
        # Dates, numbers and fixed words: nothing csv.writer would quote.
        periods_cell = " | ".join(
            f"du {start} au {end} : {p.seats - p.seats_taken} place(s) libre(s) sur {p.seats}"
            for start, end, p in spans
        )
        line = (
            f"{rid};publication;{shared.head_csv};{grade};{', '.join(weeks)};"
            f"{shared.permalink_csv};{max_candidates};{shared.middle_csv};"
            f"{periods_cell};{shared.tail_csv}\r\n"
        )
        return text, line


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

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# The escaping JSONEncoder(ensure_ascii=False) applies to every string (the C function).
_json_string = json.encoder.encode_basestring


def _json(value) -> str:
    """`value` exactly as the compact encoder writes it, strings and null without its
    per-call setup."""
    if value is None:
        return "null"
    if type(value) is str:
        return _json_string(value)
    return _compact(value)


def _csv(value) -> str:
    """One cell as csv.writer(delimiter=";", lineterminator="\\r\\n") writes it (QUOTE_MINIMAL):
    quoted when it holds the delimiter, a quote or a line-terminator character, quotes
    doubled; None as an empty cell."""
    if value is None:
        return ""
    if type(value) is not str:
        value = str(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if ";" in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


class _SharedParts:
    """The JSON members and CSV cells the levels of one offer share, in record order, between
    the level's own parts: head (title … sector_uuid), then grades and weeks; permalink; then
    max_candidates; middle (is_public … filiere), then level; epci; then periods; tail
    (programme, updated_at), then action."""

    __slots__ = (
        "head_json",
        "permalink_json",
        "middle_json",
        "epci_json",
        "tail_json",
        "head_csv",
        "permalink_csv",
        "middle_csv",
        "tail_csv",
    )

    def __init__(self, offer: OfferData, common: dict):
        coordinates = common["coordinates"]
        if coordinates is None:
            coordinates_json, latitude, longitude = "null", "", ""
        else:
            latitude, longitude = coordinates["latitude"], coordinates["longitude"]
            coordinates_json = (
                f'{{"latitude":{_json_number(latitude)},"longitude":{_json_number(longitude)}}}'
            )
            latitude, longitude = _num(latitude), _num(longitude)
        title, description = common["title"], common["description"]
        employer, presentation = common["employer_name"], common["employer_description"]
        website, street = common["employer_website"], common["street"]
        zipcode, city, sector = common["zipcode"], common["city"], common["sector_uuid"]
        self.head_json = (
            f'"title":{_json(title)},"description":{_json(description)},'
            f'"employer_name":{_json(employer)},"employer_description":{_json(presentation)},'
            f'"employer_website":{_json(website)},"coordinates":{coordinates_json},'
            f'"street":{_json(street)},"zipcode":{_json(zipcode)},"city":{_json(city)},'
            f'"sector_uuid":{_json(sector)}'
        )
        self.head_csv = ";".join(
            (
                _csv(title),
                _csv(description),
                _csv(employer),
                _csv(presentation),
                _csv(website),
                _csv(latitude),
                _csv(longitude),
                _csv(street),
                _csv(zipcode),
                _csv(city),
                _csv(sector),
            )
        )
        permalink = common["permalink"]
        self.permalink_json = '"permalink":' + _json(permalink)
        self.permalink_csv = _csv(permalink)
        public, accessible, rep = common["is_public"], common["handicap_accessible"], common["rep"]
        lunch, published = common["lunch_break"], common["published_at"]
        siret, filiere = common["siret"], common["filiere"]
        self.middle_json = (
            f'"is_public":{_json_bool(public)},"handicap_accessible":{_json_bool(accessible)},'
            f'"rep":{_json_bool(rep)},"daily_hours":{_hours_json(offer.day_start, offer.day_end)},'
            f'"lunch_break":{_json(lunch)},"published_at":{_json(published)},'
            f'"siret":{_json(siret)},"filiere":{_json(filiere)}'
        )
        epci = common["epci"]
        self.epci_json = _compact(epci) if epci is not None else "null"
        self.middle_csv = ";".join(
            (
                _yes_no(public),
                _yes_no(accessible),
                _yes_no(rep),
                _csv(_hours_cell(offer.day_start, offer.day_end)),
                _csv(lunch),
                _csv(published),
                _csv(siret),
                _csv(filiere),
                _csv(epci["name"] if epci is not None else None),
            )
        )
        updated = common["updated_at"]
        program = offer.program
        string = _json_string  # programme_day.title and .activities are NOT NULL
        programme_json = ",".join(
            f'{{"day":{day:d},"title":{string(day_title)},"activities":{string(activities)}}}'
            for day, day_title, activities in program
        )
        self.tail_json = f'"programme":[{programme_json}],"updated_at":{_json(updated)}'
        programme_cell = " | ".join(
            f"Jour {day} — {day_title} : {activities}" for day, day_title, activities in program
        )
        self.tail_csv = _csv(programme_cell) + ";" + _csv(updated)


def _json_bool(value) -> str:
    return "true" if value is True else "false" if value is False else _compact(value)


def _json_number(value) -> str:
    # float.__repr__ is what the encoder writes for finite floats (NaN and infinities aside).
    if type(value) is float and value - value == 0.0:
        return repr(value)
    return _compact(value)


@lru_cache(maxsize=1024)
def _hours_json(day_start: time | None, day_end: time | None) -> str:
    # Cached: most offers share a handful of working hours.
    if day_start is None or day_end is None:
        return "null"
    hours = [_clock(day_start), _clock(day_end)]
    return _compact({day: hours for day in WEEKDAYS})


@lru_cache(maxsize=1024)
def _hours_cell(day_start: time | None, day_end: time | None) -> str:
    # Cached: most offers share a handful of working hours.
    if day_start is None or day_end is None:
        return ""
    return _hours({day: [_clock(day_start), _clock(day_end)] for day in WEEKDAYS})


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
