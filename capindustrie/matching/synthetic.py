"""A synthetic département for the simulation and the benchmark: real schools and communes,
pupils and seats drawn at random (seeded), travel times from the search's model (`geo`).

Offers sit at the centre of their commune, so the travel time is computed once per
school–commune pair (~160 collèges × the communes within reach), not per offer. Communes are
drawn in proportion to their population, three times more for the industrial poles listed
below (an assumption: no open file gives industrial jobs per commune).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from capindustrie.geo import distance as geo
from capindustrie.geo.transit import STATION_WALK_MAX_KM
from capindustrie.matching.solver import (
    DEFAULT_MAX_TRAVEL_MINUTES,
    PeriodSpec,
    PupilSpec,
    Wish,
)

# Industrial poles of Seine-et-Marne (aeronautics at Villaroche, Sénart's parks, Montereau's
# steel and Nemours' plants, the Meaux and Mitry-Mory–Compans zones, Marne-la-Vallée…).
INDUSTRIAL_POLES = {
    "77305": "Montereau-Fault-Yonne",
    "77384": "Réau",
    "77296": "Moissy-Cramayel",
    "77251": "Lieusaint",
    "77288": "Melun",
    "77487": "Vaux-le-Pénil",
    "77152": "Dammarie-les-Lys",
    "77333": "Nemours",
    "77284": "Meaux",
    "77294": "Mitry-Mory",
    "77123": "Compans",
    "77379": "Provins",
    "77131": "Coulommiers",
    "77108": "Chelles",
    "77058": "Bussy-Saint-Georges",
    "77468": "Torcy",
}
POLE_WEIGHT = 3
FILIERES = (
    "agriculture_agroalimentaire",
    "materiaux",
    "logistique",
    "energies_vertes",
    "sante_pharmaceutique",
    "construction_durable",
    "industrie_du_futur",
    "aeronautique",
    "autre_industrie",
)
FIRST_WEEK = date(2027, 1, 11)  # a Monday: the 3e observation weeks of January
WEEKS = 3
CLASS_SIZE = 28


@dataclass(frozen=True)
class SchoolPoint:
    id: int
    latitude: float
    longitude: float
    priority_education: bool
    is_college: bool


@dataclass(frozen=True)
class CommunePoint:
    insee: str
    latitude: float
    longitude: float
    population: int


@dataclass
class Departement:
    pupils: list[PupilSpec]
    periods: list[PeriodSpec]
    reach: dict[int, tuple[np.ndarray, np.ndarray]]
    rep_pupils: set[int] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)


def prefilter_radius_km(max_minutes: int) -> float:
    """The farthest straight line the travel model can cover within `max_minutes`: by train
    (walks to and from stations within STATION_WALK_MAX_KM each), or by bus, or on foot."""
    rail_km = max(
        0.0, (max_minutes - geo.TRAIN_WAIT_MIN) / 60 * geo.TRAIN_SPEED_KMH / geo.RAIL_DETOUR_FACTOR
    )
    bus_km = max(
        0.0, (max_minutes - geo.BUS_FIXED_MIN) / 60 * geo.BUS_SPEED_KMH / geo.DETOUR_FACTOR
    )
    return max(rail_km + 2 * STATION_WALK_MAX_KM, bus_km, geo.WALK_MAX_KM) * 1.01


def haversine_km_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi, dlambda = phi2 - phi1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * geo.EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def commune_minutes(
    schools: list[SchoolPoint], communes: list[CommunePoint], max_minutes: int
) -> dict[int, list[tuple[int, int]]]:
    """For each school, (commune index, estimated minutes) of the communes within the limit.
    Pre-filtered by a straight-line radius (vectorised), then the travel model per pair."""
    lats = np.array([c.latitude for c in communes])
    lons = np.array([c.longitude for c in communes])
    radius = prefilter_radius_km(max_minutes)
    result = {}
    for school in schools:
        km = haversine_km_many(school.latitude, school.longitude, lats, lons)
        within = []
        for c in np.flatnonzero(km <= radius):
            estimate = geo.estimate_travel_minutes(
                float(km[c]),
                (school.latitude, school.longitude),
                (communes[c].latitude, communes[c].longitude),
            )
            if estimate.minutes <= max_minutes:
                within.append((int(c), estimate.minutes))
        result[school.id] = within
    return result


def build_departement(
    schools: list[SchoolPoint],
    communes: list[CommunePoint],
    *,
    pupils: int = 18_000,
    colleges: int = 160,
    offers: int = 6_000,
    seats_per_offer: int = 3,
    reserved_share: float = 0.1,
    wish_share: float = 0.4,
    star_share: float = 0.1,
    max_minutes: int = DEFAULT_MAX_TRAVEL_MINUTES,
    seed: int = 2026,
) -> Departement:
    import time

    rng = random.Random(seed)
    timings = {}
    chosen = [s for s in schools if s.is_college][:colleges]
    weeks = [
        (FIRST_WEEK + timedelta(weeks=w), FIRST_WEEK + timedelta(weeks=w, days=4))
        for w in range(WEEKS)
    ]

    weights = [
        c.population * (POLE_WEIGHT if c.insee in INDUSTRIAL_POLES else 1) or 1 for c in communes
    ]
    offer_communes = rng.choices(range(len(communes)), weights=weights, k=offers)
    periods = []
    periods_of_commune: dict[int, list[int]] = {}
    for o, c in enumerate(offer_communes):
        week = rng.choice(weeks)
        periods_of_commune.setdefault(c, []).append(len(periods))
        periods.append(
            PeriodSpec(
                id=o + 1,
                offer_id=o + 1,
                level="3e",
                start_date=week[0],
                end_date=week[1],
                seats_left=seats_per_offer,
                reserved_priority_education=rng.random() < reserved_share,
                filiere=rng.choice(FILIERES),
            )
        )

    started = time.perf_counter()
    minutes = commune_minutes(chosen, communes, max_minutes)
    reach = {}
    for school_id, pairs in minutes.items():
        indexes = [p for c, _m in pairs for p in periods_of_commune.get(c, ())]
        mins = [m for c, m in pairs for _p in periods_of_commune.get(c, ())]
        reach[school_id] = (np.asarray(indexes, dtype=np.int64), np.asarray(mins, np.int64))
    timings["travel_s"] = time.perf_counter() - started

    specs, rep = [], set()
    per_school = [
        pupils // len(chosen) + (1 if i < pupils % len(chosen) else 0) for i in range(len(chosen))
    ]
    next_id = 1
    for school, count in zip(chosen, per_school, strict=True):
        school_reach = reach[school.id][0]
        for first in range(0, count, CLASS_SIZE):
            week = rng.choice(weeks)
            for _ in range(min(CLASS_SIZE, count - first)):
                wishes: list[Wish] = []
                if rng.random() < wish_share:
                    wishes += [Wish(filiere=f) for f in rng.sample(FILIERES, rng.randint(1, 3))]
                if rng.random() < star_share and len(school_reach):
                    for _ in range(rng.randint(1, 2)):
                        starred = periods[int(rng.choice(school_reach))].offer_id
                        wishes.insert(rng.randint(0, len(wishes)), Wish(offer_id=starred))
                specs.append(
                    PupilSpec(
                        next_id,
                        school.id,
                        "3e",
                        school.priority_education,
                        week[0],
                        week[1],
                        tuple(wishes[:5]),
                    )
                )
                if school.priority_education:
                    rep.add(next_id)
                next_id += 1
    return Departement(specs, periods, reach, rep, timings)


def reference_from_files() -> tuple[list[SchoolPoint], list[CommunePoint]]:
    """The shipped reference files (no database): for the benchmark."""
    from capindustrie.refdata.services import commune_values, read_csv, school_values

    communes = {row["code_insee"]: commune_values(row) for row in read_csv("communes_77.csv")}
    schools = []
    for i, row in enumerate(read_csv("schools_77.csv"), start=1):
        values = school_values(row, communes)
        if not values["open"]:
            continue
        schools.append(
            SchoolPoint(
                i,
                values["latitude"],
                values["longitude"],
                values["priority_education"] is not None,
                values["kind"].value == "college",
            )
        )
    return schools, [
        CommunePoint(v["insee"], v["latitude_center"], v["longitude_center"], v["population"] or 0)
        for v in communes.values()
    ]


def reference_from_database() -> tuple[list[SchoolPoint], list[CommunePoint]]:
    """The reference data loaded in the database (`flask refdata load`): for the simulation."""
    from sqlalchemy import select

    from capindustrie.extensions import db
    from capindustrie.models import Commune, School, SchoolType

    schools = [
        SchoolPoint(s.id, s.latitude, s.longitude, s.is_priority, s.kind == SchoolType.COLLEGE)
        for s in db.session.scalars(select(School).where(School.open.is_(True)).order_by(School.id))
    ]
    communes = [
        CommunePoint(c.insee, c.latitude_center, c.longitude_center, c.population or 0)
        for c in db.session.scalars(select(Commune).order_by(Commune.insee))
    ]
    return schools, communes
