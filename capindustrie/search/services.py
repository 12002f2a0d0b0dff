"""Offer search by commute distance from a school (DESIGN §5): exact, without a geodesic per offer.

What is shown
- Published offers for the level (offer.for_3e / for_2nde) with at least one *open* period of
  that level: a period with a seat left, overlapping the requested dates when there are any.
  Full periods are hidden, and so are offers with no open period: a pupil cannot apply to them.
- Offers reserved to priority education only for REP/REP+ schools.
- A keyword must match, word by word (every word required), accent- and case-insensitively,
  the title, summary, company name or commune name: in SQL, against `Offer.search_text`, which
  holds `search_key` of those four and their French stems (kept up to date by
  search/indexing.py). A word matches as typed (a substring) or by its stem, so singular and
  plural and the usual inflections match (rule and limits in capindustrie/text.py).
- Order: geodesic distance from the school, then title, then id.
- The radius includes what is shown at it (issue 17): distances are shown to 0.1 km, so an
  offer is within r km when its distance rounds to r,0 km or less (distance < r + 0.05): an
  offer shown « 30,0 km » is in the 30 km search, never only in the 50 km one.

How it stays fast and exact (measured by bench/search.py)
1. Each offer gets, in SQL, the squared chord `a2` between the school and its site through the
   earth: its stored earth-centred coordinates (`site_x_km`…) minus the school's, squared and
   summed. No trigonometry in SQL, six operations a row, the same expression on SQLite and
   PostgreSQL. The chord is shorter than the geodesic by a relative g²/24R², < 6e-6 within
   75 km; EPSILON = 1e-4 leaves a wide margin.
2. One aggregate over the bounding box of the radius, with every filter, counts the offers with
   a <= r(1 - EPSILON): surely inside, never measured. Those with a > r(1 + EPSILON) are surely
   outside. The ids of the thin band between (a ring metres wide) come with the count; only
   they get the geodesic to be counted.
3. For page p, with k = p x per_page and a_k the k-th smallest a among the surely-inside offers,
   every offer among the k nearest by geodesic has a <= a_k (1 + EPSILON) / (1 - EPSILON). They
   are read from a disc sized from the count to hold about 4k offers (a small indexed box),
   grown when needed; only they get the geodesic, then they are sorted by (distance, title, id)
   and sliced.
So about a page of geodesics is computed per request, and the result equals the naive
computation (`search_offers_naive`, compared on random data by tests/test_search.py).
"""

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Float, String, bindparam, case, cast, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from capindustrie.extensions import db
from capindustrie.geo.distance import (
    TravelEstimate,
    bounding_box,
    distance_km,
    earth_centred_km,
    estimate_travel_minutes,
)
from capindustrie.models import (
    Commune,
    Company,
    Filiere,
    Level,
    Offer,
    OfferStatus,
    Period,
    Pupil,
    School,
    SchoolClass,
    SchoolType,
    User,
)
from capindustrie.refdata import cache as school_cache
from capindustrie.text import document_matches, keyword_terms, search_document, search_key

RADII_KM = (5, 10, 20, 30, 50)
DEFAULT_RADIUS_KM = 20
FEW_RESULTS = 5
PER_PAGE = 10
MAX_PAGE = 100
KEYWORD_MAX_LENGTH = 100
EPSILON = 1e-4
# Half the step of the distances shown (km_fr: one decimal), added to the radius searched.
SHOWN_HALF_STEP_KM = 0.05
# From this radius a disc covers a large part of the département (about 100 x 120 km): SQLite
# then reads the open periods once into a set rather than probing them offer by offer, and,
# for a keyword (its text is not in the index), reads the table in one pass rather than
# through the index (measured with bench/search.py; PostgreSQL's planner makes these choices).
WIDE_RADIUS_KM = 20


# Results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    offer: "Offer | OfferRow"
    distance_km: float
    travel: TravelEstimate
    periods: "list[Period] | list[PeriodRow]"

    @property
    def seats_left(self) -> int:
        return sum(period.seats_left for period in self.periods)


@dataclass(frozen=True)
class SearchResult:
    items: list[Hit]
    total: int
    page: int
    per_page: int
    radius_km: float

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def past_end(self) -> bool:
        return self.page > 1 and self.page > self.pages

    @property
    def wider_radius(self) -> int | None:
        """The next radius up when too few offers are inside this one (None at 50 km)."""
        if self.total >= FEW_RESULTS:
            return None
        return next((r for r in RADII_KM if r > self.radius_km), None)


@dataclass(frozen=True)
class Filters:
    level: Level | None = None
    filiere: Filiere | None = None
    period_start: date | None = None
    period_end: date | None = None
    priority_school: bool = False
    # (word, stem) for each word of the keyword (text.keyword_terms).
    terms: tuple[tuple[str, str], ...] = ()


def squared_chord(origin: tuple[float, float, float], x, y, z):
    """Squared chord in km² from an earth-centred origin; on floats and SQL columns alike."""
    x0, y0, z0 = origin
    return (x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0)


# The search ------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    id: int
    title: str
    latitude: float
    longitude: float
    a2: float
    distance: float | None = field(default=None)


def search_offers(origin_lat: float, origin_lon: float, level: Level | None, radius_km: float,
                  filiere: Filiere | None = None, period_start: date | None = None,
                  period_end: date | None = None, keyword: str | None = None,
                  priority_school: bool = False, page: int = 1,
                  per_page: int = PER_PAGE) -> SearchResult:
    """The open offers within `radius_km` of the origin, nearest first (rules in the module doc)."""
    if page < 1 or per_page < 1 or radius_km <= 0:
        raise ValueError("page, per_page and radius_km must be positive")
    filters = Filters(level, filiere, period_start, period_end, priority_school,
                      keyword_terms(keyword))
    reach = shown_reach(radius_km)
    query = _Query(filters, origin_lat, origin_lon, reach, (page - 1) * per_page, per_page)
    surely_inside, candidates = _candidates(query)

    for candidate in candidates:
        candidate.distance = _geodesic_km(origin_lat, origin_lon,
                                          candidate.latitude, candidate.longitude)
    inside = [c for c in candidates if c.distance <= reach]
    total = surely_inside + sum(1 for c in inside if c.a2 > query.inner2)
    inside.sort(key=lambda c: (c.distance, c.title, c.id))
    page_rows = inside[query.offset:query.needed]
    hits = _hits(page_rows, filters, (origin_lat, origin_lon))
    return SearchResult(hits, total, page, per_page, radius_km)


def shown_reach(radius_km: float) -> float:
    """The largest distance shown as at most `radius_km` (« 30,0 km » for 30): just below
    r + 0.05, which one decimal would round up."""
    return math.nextafter(radius_km + SHOWN_HALF_STEP_KM, 0)


# The same school–site pairs come back search after search (263 schools, a few thousand
# offers): each geodesic (~70 µs, an iterative solver) is computed once per process. Exact, and
# bounded: 50,000 pairs take about 10 MB.
_geodesic_km = lru_cache(maxsize=50_000)(distance_km)


class _Query:
    """One search: the filters as SQL conditions and the squared chord `a2` to each site."""

    def __init__(self, filters: Filters, lat: float, lon: float, radius_km: float,
                 offset: int, per_page: int):
        self.filters = filters
        self.lat, self.lon = lat, lon
        self.radius_km = radius_km
        self.offset = offset
        self.needed = offset + per_page
        self.a2 = _squared_chord_to_origin()
        self.params = dict(zip(("x0", "y0", "z0"), earth_centred_km(lat, lon), strict=True))
        self.inner2 = (radius_km * (1 - EPSILON)) ** 2
        self.outer2 = (radius_km * (1 + EPSILON)) ** 2
        self.columns = (Offer.id, Offer.title, Offer.latitude, Offer.longitude, self.a2)
        # PostgreSQL's planner picks well from its statistics (hash semi-join, sequential or
        # index scan); SQLite's needs the query shaped (see _offer_conditions).
        self.shaped = db.session.get_bind().dialect.name == "sqlite"

    def within(self, radius_km: float, a2_max: float) -> list:
        """Every filter, and a <= sqrt(a2_max) inside the bounding box of `radius_km`."""
        box = bounding_box(self.lat, self.lon, radius_km)
        wide = self.shaped and radius_km >= WIDE_RADIUS_KM
        return [*_offer_conditions(self.filters, box, wide), self.a2 <= a2_max]

    def fetch(self, *conditions, order: bool = False, limit: int | None = None) -> list[_Candidate]:
        statement = select(*self.columns).where(*conditions)
        if order:
            statement = statement.order_by(self.a2, Offer.id).limit(limit)
        return [_Candidate(*row) for row in db.session.execute(statement, self.params)]


@lru_cache(maxsize=1)
def _squared_chord_to_origin():
    """The SQL of `a2`, built once: the origin comes as the parameters x0, y0, z0 (building
    the expression again on each request cost more than running it)."""
    origin = tuple(bindparam(name, type_=Float) for name in ("x0", "y0", "z0"))
    return squared_chord(origin, Offer.site_x_km, Offer.site_y_km, Offer.site_z_km)


def _period_conditions(filters: Filters) -> list:
    conditions = [Period.seats_taken < Period.seats]
    if filters.level is not None:
        conditions.append(Period.level == filters.level)
    if filters.period_start is not None:
        conditions.append(Period.end_date >= filters.period_start)
    if filters.period_end is not None:
        conditions.append(Period.start_date <= filters.period_end)
    return conditions


def _offer_conditions(filters: Filters, box: tuple[float, float, float, float], wide: bool) -> list:
    """The filters as SQL, cheapest first. For a wide disc on SQLite (module constant):
    - the open periods are read once into a set (`id + 0 IN (…)`, which SQLite does not turn
      back into a probe per offer) rather than probed through their index for each offer;
    - with a keyword, `latitude + 0` keeps the index out: its range would be a strip across
      the département, each row costing a random read of the table for the text."""
    min_lat, max_lat, min_lon, max_lon = box
    open_periods = _period_conditions(filters)
    latitude = Offer.latitude + 0 if wide and filters.terms else Offer.latitude
    if wide:
        with_open_period = (Offer.id + 0).in_(select(Period.offer_id).where(*open_periods))
    else:
        with_open_period = exists().where(Period.offer_id == Offer.id, *open_periods)
    conditions = [
        Offer.status == OfferStatus.PUBLISHED,
        latitude.between(min_lat, max_lat),
        Offer.longitude.between(min_lon, max_lon),
    ]
    if filters.level == Level.TROISIEME:
        conditions.append(Offer.for_3e.is_(True))
    elif filters.level == Level.SECONDE:
        conditions.append(Offer.for_2nde.is_(True))
    if filters.filiere is not None:
        conditions.append(Offer.filiere == filters.filiere)
    if not filters.priority_school:
        conditions.append(Offer.reserved_priority_education.is_(False))
    # search_key keeps letters, digits and spaces only (stems too): no LIKE wildcard comes in.
    conditions.extend(
        or_(Offer.search_text.contains(word), Offer.search_text.contains(f" {stem} "))
        for word, stem in filters.terms
    )
    conditions.append(with_open_period)
    return conditions


def _widened(a2_kth: float) -> float:
    return a2_kth * ((1 + EPSILON) / (1 - EPSILON)) ** 2


def _candidates(query: _Query) -> tuple[int, list[_Candidate]]:
    """(offers surely inside, candidates to measure): the band, and the surely-inside offers
    that may rank among the first `needed`.

    One aggregate scans the whole radius for the counts and the ids of the band's offers (a
    ring a few metres wide: often empty). The nearest are then looked for in a disc just large
    enough to hold `needed` of them, sized from the count (a small, indexed box)."""
    a2, inner2 = query.a2, query.inner2
    band_id = case((a2 > inner2, cast(Offer.id, String)), else_=None)
    surely_inside, band_ids = db.session.execute(
        select(func.coalesce(func.sum(case((a2 <= inner2, 1), else_=0)), 0),
               func.aggregate_strings(band_id, ","))
        .where(*query.within(query.radius_km, query.outer2)),
        query.params,
    ).one()
    band = query.fetch(Offer.id.in_([int(i) for i in band_ids.split(",")])) if band_ids else []
    if not surely_inside or query.offset >= surely_inside + len(band):
        return surely_inside, band  # nothing to rank, or a page past the end
    return surely_inside, _nearest(query, surely_inside) + band


def _nearest(query: _Query, surely_inside: int) -> list[_Candidate]:
    """The surely-inside offers that may rank among the first `needed` (module doc, step 3).

    The disc of radius rho holds about `needed` x 4 offers if they are spread evenly; when it
    holds too few, or the bound reaches its edge, it grows and the query runs again."""
    needed, limit = query.needed, query.needed + max(query.needed, 20)
    radius = query.radius_km
    rho = radius if surely_inside <= limit else radius * math.sqrt(4 * needed / surely_inside)
    while True:
        rho = min(rho, radius)
        edge2 = min(rho * rho, query.inner2)
        whole = edge2 >= query.inner2
        rows = query.fetch(*query.within(rho, edge2), order=True, limit=limit)
        if len(rows) < needed:
            if whole:
                return rows
            rho *= 2
            continue
        bound = _widened(rows[needed - 1].a2)
        if bound > edge2 and not whole:
            rho = math.sqrt(bound) * 1.01
            continue
        if len(rows) == limit and rows[-1].a2 <= bound:
            # More offers than `limit` within 0.02 % of the k-th distance: many on one point.
            rows = query.fetch(*query.within(rho, min(bound, edge2)))
        return [row for row in rows if row.a2 <= bound]


# The columns the results read (templates/search/_results.html, the school's RSS feed
# templates/exports/school_feed.xml and its Last-Modified); a new one shown there is added here.
OFFER_COLUMNS = ("id", "title", "summary", "filiere", "for_3e", "for_2nde",
                 "reserved_priority_education", "latitude", "longitude", "site_commune_insee",
                 "created_at", "published_at", "updated_at")
PERIOD_COLUMNS = ("id", "offer_id", "level", "start_date", "end_date", "seats", "seats_taken")


@dataclass(frozen=True, slots=True)
class _Named:
    name: str


class OfferRow:
    """An offer as the results list shows it, read as a plain row (no ORM object, identity map
    or lazy load): the `OFFER_COLUMNS`, `company.name`, `site_commune.name`, and the model's
    `filiere_label` and `levels`."""

    def __init__(self, values: dict, company_name: str, commune_name: str | None):
        self.__dict__.update(values)
        self.company = _Named(company_name)
        self.site_commune = _Named(commune_name) if commune_name is not None else None

    filiere_label = Offer.filiere_label
    levels = Offer.levels


class PeriodRow:
    """A period as the results list shows it: the `PERIOD_COLUMNS` and `seats_left`."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    seats_left = Period.seats_left


def _hits(rows: Sequence[_Candidate], filters: Filters,
          origin: tuple[float, float]) -> list[Hit]:
    """The page's offers with company, commune and open periods, in one query of plain rows
    (one row per open period; building ORM objects cost more than the SQL)."""
    if not rows:
        return []
    offer_table, period_table = Offer.__table__, Period.__table__
    statement = (
        select(*(offer_table.c[name].label(f"o_{name}") for name in OFFER_COLUMNS),
               *(period_table.c[name].label(f"p_{name}") for name in PERIOD_COLUMNS),
               Company.name.label("company_name"), Commune.name.label("commune_name"))
        .join(Company, Company.id == offer_table.c.company_id)
        .outerjoin(Commune, Commune.insee == offer_table.c.site_commune_insee)
        .join(period_table, period_table.c.offer_id == offer_table.c.id)
        .where(offer_table.c.id.in_([row.id for row in rows]), *_period_conditions(filters))
        .order_by(period_table.c.start_date, period_table.c.id)
    )
    offers: dict[int, OfferRow] = {}
    periods: dict[int, list[PeriodRow]] = defaultdict(list)
    for found in db.session.execute(statement).mappings():
        offer_id = found["o_id"]
        if offer_id not in offers:
            offers[offer_id] = OfferRow({name: found[f"o_{name}"] for name in OFFER_COLUMNS},
                                        found["company_name"], found["commune_name"])
        periods[offer_id].append(PeriodRow({name: found[f"p_{name}"] for name in PERIOD_COLUMNS}))
    # An offer whose last open period filled since the count (a race of milliseconds) is left
    # out of the page rather than shown without periods.
    return [
        Hit(offers[row.id], row.distance, _travel(row.distance, origin, row), periods[row.id])
        for row in rows
        if row.id in offers
    ]


def _travel(km: float, origin: tuple[float, float], site) -> TravelEstimate:
    """Walk, bus, or a train when both ends are near stations of one line (geo.distance)."""
    return estimate_travel_minutes(km, origin, (site.latitude, site.longitude))


def search_offers_naive(origin_lat: float, origin_lon: float, level: Level | None,
                        radius_km: float, filiere: Filiere | None = None,
                        period_start: date | None = None, period_end: date | None = None,
                        keyword: str | None = None, priority_school: bool = False,
                        page: int = 1, per_page: int = PER_PAGE) -> SearchResult:
    """The reference: every published offer loaded, a geodesic for each, the rules written the
    obvious way. For tests and the benchmark only (far too slow for requests at scale)."""
    terms = keyword_terms(keyword)
    offers = db.session.scalars(
        select(Offer)
        .where(Offer.status == OfferStatus.PUBLISHED)
        .options(selectinload(Offer.periods), selectinload(Offer.company),
                 selectinload(Offer.site_commune))
    ).all()
    found = []
    for offer in offers:
        if offer.latitude is None:
            continue
        if level is not None and level not in offer.levels:
            continue
        if filiere is not None and offer.filiere != filiere:
            continue
        if offer.reserved_priority_education and not priority_school:
            continue
        periods = [
            p for p in sorted(offer.periods, key=lambda p: (p.start_date, p.id))
            if p.seats_left > 0
            and (level is None or p.level == level)
            and (period_start is None or p.end_date >= period_start)
            and (period_end is None or p.start_date <= period_end)
        ]
        if not periods:
            continue
        if terms:
            document = search_document(offer.title, offer.summary, offer.company.name,
                                       offer.site_commune.name if offer.site_commune else None)
            if not document_matches(document, terms):
                continue
        km = distance_km(origin_lat, origin_lon, offer.latitude, offer.longitude)
        if km < radius_km + SHOWN_HALF_STEP_KM:
            found.append((km, offer.title, offer.id, offer, periods))
    found.sort(key=lambda item: item[:3])
    page_items = found[(page - 1) * per_page:page * per_page]
    origin = (origin_lat, origin_lon)
    hits = [Hit(o, km, _travel(km, origin, o), ps) for km, _t, _i, o, ps in page_items]
    return SearchResult(hits, len(found), page, per_page, radius_km)


# Origins ---------------------------------------------------------------------------------------


def pupil_profile(user: User) -> Pupil | None:
    """The pupil row of a pupil account, with class and school (one query)."""
    return db.session.scalar(
        select(Pupil)
        .where(Pupil.user_id == user.id)
        .options(
            joinedload(Pupil.school_class).joinedload(SchoolClass.school).joinedload(School.commune)
        )
    )


UAI = re.compile(r"\d{7}[A-Z]")


def normalise_uai(value: str | None) -> str:
    return (value or "").strip().upper()[:20]


def school_by_uai(uai: str) -> School | None:
    """From the per-process cache of the reference schools (refdata/cache.py): detached rows
    with their commune loaded."""
    if not UAI.fullmatch(uai):
        return None
    return school_cache.school_by_uai(uai)


def default_level(school: School) -> Level:
    """A collège's pupils look for a 3e internship, a lycée's for a 2nde one."""
    return Level.TROISIEME if school.kind == SchoolType.COLLEGE else Level.SECONDE


SCHOOL_RESULTS = 12


def school_query_is_long_enough(query: str | None) -> bool:
    return len(search_key(query).replace(" ", "")) >= 2


def find_schools(query: str | None, limit: int = SCHOOL_RESULTS) -> list[School]:
    """Open schools whose name, commune, postcode or UAI contain every word typed."""
    words = search_key(query).split()
    if not school_query_is_long_enough(query):
        return []
    # search_key keeps only letters, digits and spaces: no LIKE wildcard can slip in.
    return list(
        db.session.scalars(
            select(School)
            .where(School.open.is_(True), *[School.search_key.contains(word) for word in words])
            .options(joinedload(School.commune))
            .order_by(School.name, School.id)
            .limit(limit)
        )
    )
