"""The rail leg of the travel estimate: only when both ends are near stations of one line."""

from capindustrie.geo.distance import TravelMode, distance_km, estimate_travel_minutes, haversine_km
from capindustrie.geo.transit import STATION_WALK_MAX_KM, stations, stations_near

# Town halls (communes_77.csv).
CHELLES = (48.8788, 2.5903)
MEAUX = (48.9603, 2.8788)
MELUN = (48.5394, 2.6603)
NANGIS = (48.5556, 3.0147)


def estimate(a, b):
    return estimate_travel_minutes(distance_km(*a, *b), a, b)


def test_stations_are_rail_only_and_the_77_is_covered():
    lines = {s.line for s in stations()}
    assert "TRAIN P" in lines and "RER A" in lines
    assert not any(line.startswith("METRO") for line in lines)


def test_stations_near_a_point_are_within_walking_distance_nearest_first():
    near = stations_near(*MEAUX)
    assert near and near[0][0].name == "Meaux"
    assert all(km <= STATION_WALK_MAX_KM for _s, km in near)
    assert [km for _s, km in near] == sorted(km for _s, km in near)
    assert all(
        haversine_km(*MEAUX, s.latitude, s.longitude) > STATION_WALK_MAX_KM
        for s in stations() if s not in {st for st, _ in near}
    )


def test_two_towns_on_one_line_go_by_train_faster_than_by_bus():
    by_train = estimate(CHELLES, MEAUX)
    by_bus = estimate_travel_minutes(distance_km(*CHELLES, *MEAUX))
    assert by_train.mode == TravelMode.TRAIN and by_bus.mode == TravelMode.BUS
    assert by_train.minutes < by_bus.minutes
    assert by_train.mode.label == "en train"


def test_no_common_line_means_no_train():
    # Melun (RER D, line R) and Nangis (line P) share no line: no change of train is assumed.
    assert estimate(MELUN, NANGIS).mode == TravelMode.BUS


def test_the_train_is_never_considered_without_both_ends():
    km = distance_km(*CHELLES, *MEAUX)
    assert estimate_travel_minutes(km, origin=CHELLES).mode == TravelMode.BUS
    assert estimate_travel_minutes(km).mode == TravelMode.BUS
