"""Distances between a school and an offer's site, and an *estimated* travel time (DESIGN §5).

Distances: `distance_km` is the geodesic distance on the WGS-84 ellipsoid (geopy), used for what
pupils see; `haversine_km` (a sphere, < 1 µs a call against ~70 µs) and `bounding_box` (an
indexed latitude/longitude pre-filter for SQL) with `earth_centred_km` (stored
coordinates whose chord SQL compares cheaply) keep searches fast as offers grow.

Travel-time model (an estimate; label it « estimé » wherever it is shown). Inputs: the straight-line
distance d in km only; no timetable is available.
- Detour: real paths are d × 1.3 (the usual road/straight-line ratio for short urban and
  suburban trips).
- On foot: d × 1.3 ÷ 4.5 km/h — a 14–15-year-old's walking pace; a candidate below 1.5 km
  only (nobody sends a pupil on a longer walk to an internship).
- By bus, at any distance: a fixed allowance of 12 minutes — 3 min on foot to the stop near the
  school, 3 min from the stop near the site (about 225 m each at 4.5 km/h), 6 min of waiting
  (an assumption: pupils time their departure on the timetable) — plus d × 1.3 ÷ 16.6 km/h in
  the bus (16.6 km/h: average commercial speed of the grande-couronne bus networks of
  Île-de-France, 2015).
- The fastest candidate is kept (walking wins below ~0.95 km), rounded *up* to 5 minutes (never
  promise less). The estimate therefore never decreases as the distance grows.
- By train, RER or tram, when both ends are given and each lies within 2 km of a station of the
  same line (Île-de-France Mobilités stations, `capindustrie/geo/transit.py`): the walks to and
  from the stations (× 1.3 ÷ 4.5 km/h) + 10 minutes of waiting (an assumption: no timetables) +
  the distance between the stations × 1.2 ÷ 45 km/h (an assumed commercial speed of Transilien
  and RER trains in the grande couronne, stops included).
Sanity check: the Île-de-France household travel survey (EGT 2010) gives 48 minutes door to
door for the average public-transport trip of 8.9 km; the bus leg gives 12 + 41.8 → 55 minutes
(tests keep it within 35–55). A routing provider can replace `estimate_travel_minutes` behind
the same signature.

Display: above LONG_TRIP_MINUTES (1 h 30) the estimate is shown as « plus d'1 h 30 », never as
« ≈ 3 h 55 »: without timetables a long trip's minutes are false precision, and the message
that matters is that the trip is too long for a daily commute (`TravelEstimate.shown`).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from geopy.distance import geodesic

from capindustrie.filters import french_duration

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = 111.195  # on that sphere
# The ellipsoid's degrees differ from the sphere's by < 0.7 % in France: 2 % leaves room.
BOUNDING_BOX_MARGIN = 1.02

DETOUR_FACTOR = 1.3
WALK_SPEED_KMH = 4.5
WALK_MAX_KM = 1.5
BUS_SPEED_KMH = 16.6
BUS_WALK_TO_STOP_MIN = 3
BUS_WALK_FROM_STOP_MIN = 3
BUS_WAIT_MIN = 6
BUS_FIXED_MIN = BUS_WALK_TO_STOP_MIN + BUS_WALK_FROM_STOP_MIN + BUS_WAIT_MIN
ROUND_TO_MIN = 5


TRAIN_WAIT_MIN = 10
TRAIN_SPEED_KMH = 45
RAIL_DETOUR_FACTOR = 1.2


class TravelMode(StrEnum):
    WALK = "walk"
    BUS = "bus"
    TRAIN = "train"

    @property
    def label(self) -> str:
        return {"walk": "à pied", "bus": "en bus", "train": "en train"}[self.value]


LONG_TRIP_MINUTES = 90


@dataclass(frozen=True)
class TravelEstimate:
    minutes: int
    mode: TravelMode

    @property
    def is_long(self) -> bool:
        return self.minutes > LONG_TRIP_MINUTES

    @property
    def shown(self) -> str:
        """What pupils read: « 55 min », « 1 h 25 », or « plus d'1 h 30 » beyond it."""
        if self.is_long:
            return f"plus d'{french_duration(LONG_TRIP_MINUTES)}"
        return french_duration(self.minutes)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in km (WGS-84)."""
    return geodesic((lat1, lon1), (lat2, lon2)).km


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere: within ~0.5 % of the geodesic, for bulk use."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within `radius_km` (geodesic)
    of (lat, lon); slightly larger, never smaller. For `BETWEEN` on indexed columns."""
    dlat = radius_km * BOUNDING_BOX_MARGIN / KM_PER_DEGREE_LATITUDE
    # A degree of longitude shrinks towards the pole: size it at the box's poleward edge.
    poleward = min(89.0, abs(lat) + dlat)
    dlon = dlat / math.cos(math.radians(poleward))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


WGS84_EQUATORIAL_RADIUS_KM = 6378.137
WGS84_FLATTENING = 1 / 298.257223563
_WGS84_E2 = WGS84_FLATTENING * (2 - WGS84_FLATTENING)


def earth_centred_km(lat: float, lon: float) -> tuple[float, float, float]:
    """The point of the WGS-84 ellipsoid at (lat, lon) in earth-centred Cartesian coordinates, km.

    The straight chord between two such points differs from their geodesic by a relative
    g²/24R² (R ≥ 6,335 km): < 6e-6 within 75 km. SQL can compare squared chords with three
    subtractions and three products on stored coordinates, where the geodesic needs an
    iterative solver."""
    phi, lam = math.radians(lat), math.radians(lon)
    sin_phi = math.sin(phi)
    normal = WGS84_EQUATORIAL_RADIUS_KM / math.sqrt(1 - _WGS84_E2 * sin_phi * sin_phi)
    return (
        normal * math.cos(phi) * math.cos(lam),
        normal * math.cos(phi) * math.sin(lam),
        normal * (1 - _WGS84_E2) * sin_phi,
    )


def _round_up(minutes: float) -> int:
    return max(ROUND_TO_MIN, math.ceil(minutes / ROUND_TO_MIN - 1e-9) * ROUND_TO_MIN)


def _walk_minutes(km: float) -> float:
    return km * DETOUR_FACTOR / WALK_SPEED_KMH * 60


def _bus_minutes(km: float) -> float:
    return BUS_FIXED_MIN + km * DETOUR_FACTOR / BUS_SPEED_KMH * 60


def rail_trip_minutes(start_km: float, rail_km: float, end_km: float) -> float:
    """A train trip, unrounded: the walk to the station, the wait, the ride, the last walk."""
    return (
        _walk_minutes(start_km) + TRAIN_WAIT_MIN
        + rail_km * RAIL_DETOUR_FACTOR / TRAIN_SPEED_KMH * 60 + _walk_minutes(end_km)
    )


def within_minutes(minutes: float, limit: int) -> bool:
    """Whether an unrounded time is shown as at most `limit` minutes (it is rounded up)."""
    return _round_up(minutes) <= limit


def _train_minutes(origin: tuple[float, float], destination: tuple[float, float]) -> float | None:
    from capindustrie.geo.transit import direct_rail_pairs

    best = None
    for start, start_km, end, end_km in direct_rail_pairs(origin, destination):
        rail_km = haversine_km(start.latitude, start.longitude, end.latitude, end.longitude)
        minutes = rail_trip_minutes(start_km, rail_km, end_km)
        best = minutes if best is None else min(best, minutes)
    return best


def train_within(
    origin: tuple[float, float], destination: tuple[float, float], limit: int
) -> bool:
    """Whether the train leg alone is estimated at most `limit` minutes."""
    minutes = _train_minutes(origin, destination)
    return minutes is not None and within_minutes(minutes, limit)


def estimate_travel_minutes(
    distance_km: float,
    origin: tuple[float, float] | None = None,
    destination: tuple[float, float] | None = None,
) -> TravelEstimate:
    """Estimated door-to-door time (model in the module doc); the train is considered only when
    both ends (latitude, longitude) are given."""
    if distance_km < 0:
        raise ValueError("distance_km must be >= 0")
    candidates = {TravelMode.BUS: _bus_minutes(distance_km)}
    if distance_km < WALK_MAX_KM:
        candidates[TravelMode.WALK] = _walk_minutes(distance_km)
    if origin is not None and destination is not None:
        train = _train_minutes(origin, destination)
        if train is not None:
            candidates[TravelMode.TRAIN] = train
    mode = min(candidates, key=candidates.get)
    return TravelEstimate(_round_up(candidates[mode]), mode)
