"""Coverage of every school of the reference data: the seats still open to its level within
10 km, 20 km and 45 minutes (estimated), and a map of the département in SVG.

Computed by one grouped SQL query (bench/indicators.py), then kept until the catalogue
changes (`coverage`: the page cache's catalogue version, bumped after any write to offers,
periods or reference data). The query joins the 263 schools (an inline VALUES table of their
earth-centred coordinates, as the search does) to the open seats of published offers, inside a
latitude/longitude box of 20 km, and sums the seats by squared chord — the chord is shorter than
the geodesic by less than 6e-6 (0.06 m at 10 km), so it decides « within r km » exactly enough.

« 45 minutes » is the search's travel model (capindustrie/geo/distance.py), train included:
- walking or bus is monotone in the distance, so « ≤ 45 min » there is « ≤ D km » with D found
  by bisection from the model itself (about 7 km), summed in the SQL query;
- the train (a station within 2 km of each end, on the same line) adds, in Python after the
  query, the offers beyond D km that a school reaches by a direct line: from each station near
  the school, along its line, the open offers near each station whose whole trip (walk, wait,
  ride, walk) the model rounds to 45 minutes or less. The trip is computed by the model's own
  function (`rail_trip_minutes`), so an offer counts exactly when the search would show it at
  45 minutes or less.

Open seats: published offers, periods of the school's level (collège → 3e, lycée → 2nde) not yet
over, seats minus seats taken; offers reserved to priority education count only for REP/REP+.
"""

import json
import math
from collections import defaultdict
from dataclasses import astuple, dataclass, field, replace
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy import and_, case, func, literal, or_, select

from capindustrie.cache_store import catalogue_memo
from capindustrie.extensions import db
from capindustrie.geo.distance import (
    bounding_box,
    distance_km,
    earth_centred_km,
    estimate_travel_minutes,
    haversine_km,
    rail_trip_minutes,
    train_within,
    within_minutes,
)
from capindustrie.geo.transit import (
    KM_PER_DEGREE,
    STATION_WALK_MAX_KM,
    Station,
    stations,
    stations_near,
)
from capindustrie.indicators.sql import chord2, school_points_table
from capindustrie.models import (
    Commune,
    Epci,
    Level,
    Offer,
    OfferStatus,
    Period,
    School,
    SchoolType,
)

RADII_KM = (10, 20)
TRAVEL_LIMIT_MIN = 45
# Northernmost latitude of the département, rounded up: sizes the longitude span of the box.
NORTH_LAT = 49.2


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int | None
    label: str
    colour: str


# Colour-blind-safe diverging scale (ColorBrewer RdYlBu), by the seats within 10 km.
BUCKETS = (
    Bucket(0, 0, "Aucune place à 10 km", "#d73027"),
    Bucket(1, 9, "1 à 9 places", "#fc8d59"),
    Bucket(10, 49, "10 à 49 places", "#91bfdb"),
    Bucket(50, None, "50 places ou plus", "#4575b4"),
)


@dataclass(frozen=True)
class SchoolCoverage:
    school_id: int
    uai: str
    name: str
    kind: str
    commune: str
    epci: str
    priority: str | None
    latitude: float
    longitude: float
    seats_10km: int
    seats_20km: int
    seats_45min: int

    @property
    def level(self) -> str:
        return level_of(self.kind).value

    @property
    def bucket(self) -> Bucket:
        return bucket_of(self.seats_10km)


def level_of(kind) -> Level:
    return Level.TROISIEME if kind == SchoolType.COLLEGE else Level.SECONDE


def bucket_of(seats: int) -> Bucket:
    for bucket in BUCKETS:
        if seats >= bucket.low and (bucket.high is None or seats <= bucket.high):
            return bucket
    return BUCKETS[-1]


@lru_cache(maxsize=1)
def travel_limit_km() -> float:
    """The largest distance whose estimated walk/bus time is ≤ 45 minutes (the model is
    monotone), to 1 m."""
    low, high = 0.0, 100.0
    while high - low > 0.001:
        middle = (low + high) / 2
        if estimate_travel_minutes(middle).minutes <= TRAVEL_LIMIT_MIN:
            low = middle
        else:
            high = middle
    return low


def _open_seats(today: date):
    """Open seats per offer and level (published offers, periods not over, seats left)."""
    return (
        select(
            Period.offer_id.label("offer_id"),
            Period.level.label("level"),
            func.sum(Period.seats - Period.seats_taken).label("seats"),
        )
        .join(Offer, Offer.id == Period.offer_id)
        .where(
            Offer.status == OfferStatus.PUBLISHED,
            Period.seats_taken < Period.seats,
            Period.end_date >= today,
        )
        .group_by(Period.offer_id, Period.level)
        .subquery()
    )


def coverage(today: date) -> list[SchoolCoverage]:
    """Every school, worst covered first (seats within 10 km, then 20 km, then name). It reads
    only offers, their periods and the reference data: kept until one of them changes (the
    catalogue version of the page cache: an accepted application, which takes a seat, changes
    it too), computed again otherwise."""
    return catalogue_memo(
        current_app,
        f"coverage:{today.isoformat()}",
        lambda: compute_coverage(today),
        _encode_rows,
        _decode_rows,
    )


def _encode_rows(rows: list[SchoolCoverage]) -> bytes:
    return json.dumps([astuple(row) for row in rows]).encode()


def _decode_rows(body: bytes) -> list[SchoolCoverage]:
    rows = []
    for values in json.loads(body):
        row = SchoolCoverage(*values)
        rows.append(replace(row, kind=SchoolType(row.kind)))
    return rows


def compute_coverage(today: date) -> list[SchoolCoverage]:
    """The coverage computed now: one SQL query, then the train in Python."""
    point = school_points_table()
    seats = _open_seats(today)
    radius = max(max(RADII_KM), travel_limit_km())
    min_lat, max_lat, _, _ = bounding_box(0, 0, radius)
    dlat = max_lat
    _, _, min_lon, max_lon = bounding_box(NORTH_LAT, 0, radius)
    dlon = max_lon
    chord = chord2(point, Offer.site_x_km, Offer.site_y_km, Offer.site_z_km)
    school_level = case(
        (School.kind == SchoolType.COLLEGE, literal(Level.TROISIEME.value)),
        else_=literal(Level.SECONDE.value),
    )

    def within(limit_km: float):
        return func.coalesce(
            func.sum(case((chord <= limit_km * limit_km, seats.c.seats), else_=0)), 0
        )

    # The school's own columns: selected, and grouped by (one row per school).
    school_columns = (
        School.id,
        School.uai,
        School.name,
        School.kind,
        Commune.name,
        Epci.name,
        School.priority_education,
        School.latitude,
        School.longitude,
    )
    statement = (
        select(
            *school_columns,
            within(RADII_KM[0]),
            within(RADII_KM[1]),
            within(travel_limit_km()),
        )
        .join(point, point.c.school_id == School.id)
        .join(Commune, Commune.insee == School.commune_insee)
        .join(Epci, Epci.siren == Commune.epci_siren)
        .outerjoin(
            Offer,
            and_(
                Offer.latitude.between(point.c.lat - dlat, point.c.lat + dlat),
                Offer.longitude.between(point.c.lon - dlon, point.c.lon + dlon),
                Offer.status == OfferStatus.PUBLISHED,
                or_(
                    Offer.reserved_priority_education.is_(False),
                    School.priority_education.is_not(None),
                ),
            ),
        )
        .outerjoin(seats, and_(seats.c.offer_id == Offer.id, seats.c.level == school_level))
        .group_by(*school_columns)
    )
    by_train = _RailReach(_open_offers(today))
    rows = [
        SchoolCoverage(*row[:9], int(row[9]), int(row[10]), int(row[11]) + by_train.seats(row))
        for row in db.session.execute(statement)
    ]
    rows.sort(key=lambda r: (r.seats_10km, r.seats_20km, r.seats_45min, r.name, r.uai))
    return rows


@dataclass
class _OpenOffer:
    id: int
    latitude: float
    longitude: float
    point: tuple[float, float, float]  # earth-centred km, as stored for the SQL chord
    reserved: bool
    seats: dict[str, int] = field(default_factory=dict)  # open seats by level


def _open_offers(today: date) -> list[_OpenOffer]:
    seats = _open_seats(today)
    offers: dict[int, _OpenOffer] = {}
    for row in db.session.execute(
        select(
            Offer.id,
            Offer.latitude,
            Offer.longitude,
            Offer.site_x_km,
            Offer.site_y_km,
            Offer.site_z_km,
            Offer.reserved_priority_education,
            seats.c.level,
            seats.c.seats,
        )
        .join(seats, seats.c.offer_id == Offer.id)
        .where(Offer.latitude.is_not(None), Offer.site_x_km.is_not(None))
    ):
        offer = offers.setdefault(
            row[0], _OpenOffer(row[0], row[1], row[2], (row[3], row[4], row[5]), bool(row[6]))
        )
        offer.seats[str(row[7])] = offer.seats.get(str(row[7]), 0) + int(row[8])
    return list(offers.values())


class _RailReach:
    """The open seats a school reaches by train within 45 minutes and not by bus (beyond the
    bus's D km, which the SQL query already counted)."""

    # Cells of the walking distance to a station: a station's offers are in its 3 × 3 cells.
    CELL_LAT = STATION_WALK_MAX_KM / KM_PER_DEGREE
    CELL_LON = CELL_LAT / 0.65  # as transit.stations_near: never too narrow in the 77

    def __init__(self, offers: list[_OpenOffer]):
        self._cells: dict[tuple[int, int], list[_OpenOffer]] = defaultdict(list)
        for offer in offers:
            self._cells[self._cell(offer.latitude, offer.longitude)].append(offer)
        self._lines: dict[str, list[Station]] = defaultdict(list)
        for station in stations():
            self._lines[station.line_id].append(station)
        self._near: dict[Station, list[tuple[float, _OpenOffer]]] = {}

    def _cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self.CELL_LAT), math.floor(longitude / self.CELL_LON)

    def _offers_near(self, station: Station) -> list[tuple[float, _OpenOffer]]:
        """Open offers within walking distance of the station, nearest first (the distance
        computed as transit.stations_near computes it from the offer's side)."""
        if station not in self._near:
            row, column = self._cell(station.latitude, station.longitude)
            near = []
            for cell in ((row + i, column + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
                for offer in self._cells.get(cell, ()):
                    km = haversine_km(
                        offer.latitude, offer.longitude, station.latitude, station.longitude
                    )
                    if km <= STATION_WALK_MAX_KM:
                        near.append((km, offer))
            near.sort(key=lambda pair: pair[0])
            self._near[station] = near
        return self._near[station]

    def _reachable(self, latitude: float, longitude: float) -> dict[int, _OpenOffer]:
        reached: dict[int, _OpenOffer] = {}
        for start, start_km in stations_near(latitude, longitude):
            for end in self._lines[start.line_id]:
                if end.name == start.name:
                    continue
                rail_km = haversine_km(start.latitude, start.longitude, end.latitude, end.longitude)
                if not within_minutes(rail_trip_minutes(start_km, rail_km, 0.0), TRAVEL_LIMIT_MIN):
                    continue  # even an offer at the station is too far
                for end_km, offer in self._offers_near(end):
                    trip = rail_trip_minutes(start_km, rail_km, end_km)
                    if not within_minutes(trip, TRAVEL_LIMIT_MIN):
                        break  # nearest first: the next ones are farther still
                    reached[offer.id] = offer
        return reached

    def seats(self, school_row) -> int:
        latitude, longitude = school_row[7], school_row[8]
        level, priority = level_of(school_row[3]).value, school_row[6]
        here = earth_centred_km(latitude, longitude)
        by_bus = travel_limit_km() * travel_limit_km()
        total = 0
        for offer in self._reachable(latitude, longitude).values():
            if offer.reserved and priority is None:
                continue
            x, y, z = offer.point
            # The SQL query's own test (same operations): already counted by bus.
            if (here[0] - x) * (here[0] - x) + (here[1] - y) * (here[1] - y) + (here[2] - z) * (
                here[2] - z
            ) <= by_bus:
                continue
            total += offer.seats.get(level, 0)
        return total


def coverage_naive(today: date) -> list[SchoolCoverage]:
    """The naive way, for the benchmark: one query per school, a geodesic per offer and the
    search's own train estimate for each pair."""
    limit = travel_limit_km()
    result = []
    schools = db.session.execute(
        select(School, Commune.name, Epci.name)
        .join(Commune, Commune.insee == School.commune_insee)
        .join(Epci, Epci.siren == Commune.epci_siren)
    ).all()
    for school, commune, epci in schools:
        level = level_of(school.kind)
        rows = db.session.execute(
            select(
                Offer.latitude,
                Offer.longitude,
                Offer.reserved_priority_education,
                Period.seats - Period.seats_taken,
            )
            .join(Offer, Offer.id == Period.offer_id)
            .where(
                Offer.status == OfferStatus.PUBLISHED,
                Period.level == level,
                Period.seats_taken < Period.seats,
                Period.end_date >= today,
                Offer.latitude.is_not(None),
            )
        ).all()
        totals = [0, 0, 0]
        for lat, lon, reserved, left in rows:
            if reserved and school.priority_education is None:
                continue
            km = distance_km(school.latitude, school.longitude, lat, lon)
            for i, limit_km in enumerate(RADII_KM):
                if km <= limit_km:
                    totals[i] += left
            origin = (school.latitude, school.longitude)
            if km <= limit or train_within(origin, (lat, lon), TRAVEL_LIMIT_MIN):
                totals[2] += left
        result.append(
            SchoolCoverage(
                school.id,
                school.uai,
                school.name,
                school.kind,
                commune,
                epci,
                school.priority_education,
                school.latitude,
                school.longitude,
                *totals,
            )
        )
    result.sort(key=lambda r: (r.seats_10km, r.seats_20km, r.seats_45min, r.name, r.uai))
    return result


KIND_LABELS = {
    SchoolType.COLLEGE: "Collège",
    SchoolType.LYCEE: "Lycée",
    SchoolType.LP: "Lycée professionnel",
}


def coverage_table(rows: list[SchoolCoverage]) -> tuple[list[str], list[list]]:
    headers = [
        "UAI",
        "Établissement",
        "Type",
        "Commune",
        "EPCI",
        "Éducation prioritaire",
        "Niveau",
        "Places à 10 km",
        "Places à 20 km",
        f"Places à {TRAVEL_LIMIT_MIN} min (estimé)",
    ]
    body = [
        [
            r.uai,
            r.name,
            KIND_LABELS.get(SchoolType(r.kind), r.kind),
            r.commune,
            r.epci,
            r.priority or "",
            r.level,
            r.seats_10km,
            r.seats_20km,
            r.seats_45min,
        ]
        for r in rows
    ]
    return headers, body


# Map ------------------------------------------------------------------------------------------

MAP_WIDTH = 640
MAP_MARGIN = 12


def coverage_map(rows: list[SchoolCoverage]) -> str:
    """The département as the faint points of its 507 town halls, each school a dot coloured by
    its seats within 10 km. Equirectangular projection at the département's mean latitude
    (distortion < 1 % over 1° of latitude). Inline SVG: no tiles, no request elsewhere."""
    communes = db.session.execute(
        select(Commune.latitude_townhall, Commune.longitude_townhall)
    ).all()
    lats = [lat for lat, _ in communes] + [r.latitude for r in rows]
    lons = [lon for _, lon in communes] + [r.longitude for r in rows]
    if not lats:
        return ""
    mean_lat = (min(lats) + max(lats)) / 2
    x_scale = math.cos(math.radians(mean_lat))
    span_x = (max(lons) - min(lons)) * x_scale or 1
    span_y = max(lats) - min(lats) or 1
    k = (MAP_WIDTH - 2 * MAP_MARGIN) / span_x
    height = int(span_y * k + 2 * MAP_MARGIN)

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (
            round(MAP_MARGIN + (lon - min(lons)) * x_scale * k, 1),
            round(MAP_MARGIN + (max(lats) - lat) * k, 1),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height}" '
        f'class="coverage-map" role="img" aria-labelledby="carte-titre carte-desc">',
        '<title id="carte-titre">Couverture des établissements par les places de stage</title>',
        '<desc id="carte-desc">Chaque point gris est une commune de Seine-et-Marne ; chaque '
        "rond coloré est un établissement, coloré selon les places ouvertes à moins de 10 km. "
        "Le tableau qui suit donne les mêmes informations.</desc>",
        '<g fill="#9a9a9a" fill-opacity="0.45">',
    ]
    for lat, lon in communes:
        x, y = project(lat, lon)
        parts.append(f'<circle cx="{x}" cy="{y}" r="1.6"/>')
    parts.append('</g><g stroke="#222" stroke-width="0.6">')
    # Best covered first, so the worst (the ones to act on) are drawn on top.
    for row in sorted(rows, key=lambda r: -r.seats_10km):
        x, y = project(row.latitude, row.longitude)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="4.2" fill="{row.bucket.colour}">'
            f"<title>{escape(row.name)} ({escape(row.commune)}) : {row.seats_10km} "
            f"place{'s' if row.seats_10km > 1 else ''} à 10 km</title></circle>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
