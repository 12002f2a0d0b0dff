"""Rail legs for the travel-time estimate, from the stations of Île-de-France Mobilités.

`data/transit/gares_idf.csv` lists one row per station and line (train, RER, tram; the metro is
left out: no pupil of the 77 commutes by metro to an internship). A train trip is considered when
a station lies within walking distance of each end *on the same line* — a change of line through
Paris is never what a 14-year-old should be told is fast. Data: Île-de-France Mobilités, ODbL.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STATIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "transit" / "gares_idf.csv"
RAIL_MODES = frozenset({"TRAIN", "RER", "TRAM"})
# Walking to a station: up to 2 km (about 35 minutes), the pupil's own choice against a bus.
STATION_WALK_MAX_KM = 2.0
KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class Station:
    name: str
    line_id: str
    line: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def stations() -> tuple[Station, ...]:
    with open(STATIONS_FILE, encoding="utf-8", newline="") as handle:
        return tuple(
            Station(row["station_name"], row["line_id"], row["line"],
                    float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
            if row["mode"] in RAIL_MODES
        )


@lru_cache(maxsize=8192)
def stations_near(latitude: float, longitude: float) -> tuple[tuple[Station, float], ...]:
    """Stations within STATION_WALK_MAX_KM of a point, with their distance (km), nearest first.
    Cached: the same schools and sites come back search after search."""
    from capindustrie.geo.distance import haversine_km

    dlat = STATION_WALK_MAX_KM / KM_PER_DEGREE
    dlon = dlat / 0.65  # cos(49.2°), the north of the 77: never too narrow
    near = []
    for station in stations():
        if abs(station.latitude - latitude) > dlat or abs(station.longitude - longitude) > dlon:
            continue
        km = haversine_km(latitude, longitude, station.latitude, station.longitude)
        if km <= STATION_WALK_MAX_KM:
            near.append((station, km))
    return tuple(sorted(near, key=lambda pair: pair[1]))


def direct_rail_pairs(origin: tuple[float, float], destination: tuple[float, float]):
    """(station near origin, km, station near destination, km) on a common line."""
    ends = stations_near(*destination)
    for start, start_km in stations_near(*origin):
        for end, end_km in ends:
            if start.line_id == end.line_id and start.name != end.name:
                yield start, start_km, end, end_km
