"""Geocoding (with a fake BAN: never the network), distances, travel estimates, suggestions."""

import logging
import math
import random
import socket

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.distance import geodesic
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.geo import geocoding
from capindustrie.geo.distance import (
    TravelMode,
    bounding_box,
    distance_km,
    estimate_travel_minutes,
    haversine_km,
)
from capindustrie.geo.geocoding import GeocodingError, geocode_site, suggest_addresses
from capindustrie.models import Commune, GeoPrecision, Role, School
from tests import factories

MELUN, MEAUX = "77288", "77284"
UNKNOWN_COMMUNE = "Commune introuvable en Seine-et-Marne : vérifiez le code postal."


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any real connection fails, and the test fails even if the code swallowed the error."""
    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(address):
        attempts.append(address)
        raise OSError(f"network access attempted in a test: {address!r}")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            refuse(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        refuse(host)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert not attempts, f"tests must not reach the network: {attempts}"


def ban_feature(lat, lon, *, score=0.95, kind="housenumber", citycode=MELUN, postcode="77000",
                name="2 Rue de la Gare", city="Melun"):
    """One feature as the BAN / Géoplateforme /search answers it (GeoJSON, lon before lat)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "label": f"{name} {postcode} {city}" if kind != "municipality" else city,
            "score": score, "type": kind, "name": name if kind != "municipality" else city,
            "postcode": postcode, "citycode": citycode, "city": city,
            "context": "77, Seine-et-Marne, Île-de-France",
        },
    }


def ban_location(lat=48.5427, lon=2.6561, **properties) -> Location:
    feature = ban_feature(lat, lon, **properties)
    return Location(feature["properties"]["label"], (lat, lon), feature)


class FakeGeocoder:
    """Stands for BANFrance: records the calls, answers or raises what the test says."""

    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        return self.answer


@pytest.fixture
def fake(monkeypatch):
    geocoder = FakeGeocoder()
    monkeypatch.setattr(geocoding, "_build_geocoder", lambda app: geocoder)
    return geocoder


@pytest.fixture
def online(make_app, fake):
    """An app with the geocoder enabled (the fake one) and no waiting between calls."""
    app = make_app(GEOCODER_ENABLED=True, GEOCODER_MIN_DELAY_SECONDS=0,
                   GEOCODER_ERROR_WAIT_SECONDS=0)
    with app.app_context():
        yield app


def commune(insee: str) -> Commune:
    return db.session.get(Commune, insee)


def assert_town_hall(result, insee):
    town = commune(insee)
    assert (result.latitude, result.longitude) == (town.latitude_townhall, town.longitude_townhall)
    assert result.precision == GeoPrecision.COMMUNE
    assert result.commune_insee == insee
    assert result.score is None


# --- geocoding --------------------------------------------------------------------------------


def test_confident_ban_answer_gives_the_address_point(online, fake):
    fake.answer = ban_location(48.5427, 2.6561)
    result = geocode_site("2 rue de la Gare", "77000", MELUN)
    assert (result.latitude, result.longitude) == (48.5427, 2.6561)
    assert result.precision == GeoPrecision.ADDRESS
    assert result.label == "2 Rue de la Gare 77000 Melun"
    assert result.commune_insee == MELUN
    assert result.score == 0.95
    assert fake.calls == [("2 rue de la Gare 77000 Melun", {})]


@pytest.mark.parametrize(("kind", "precision"), [
    ("street", GeoPrecision.ADDRESS),
    ("locality", GeoPrecision.COMMUNE),
    ("municipality", GeoPrecision.COMMUNE),
])
def test_precision_follows_the_ban_type(online, fake, kind, precision):
    fake.answer = ban_location(48.54, 2.66, kind=kind)
    result = geocode_site("Rue de la Gare", "77000", MELUN)
    assert result.precision == precision
    assert (result.latitude, result.longitude) == (48.54, 2.66)


def test_low_score_falls_back_to_the_town_hall(online, fake):
    fake.answer = ban_location(48.6, 2.7, score=0.42)
    assert_town_hall(geocode_site("zone industrielle", "77000", MELUN), MELUN)
    assert len(fake.calls) == 1


def test_answer_in_another_commune_falls_back_to_the_chosen_commune(online, fake):
    fake.answer = ban_location(48.96, 2.88, citycode=MEAUX, postcode="77100", city="Meaux")
    assert_town_hall(geocode_site("2 rue de la Gare", "77000", MELUN), MELUN)


def test_answer_outside_seine_et_marne_falls_back(online, fake):
    fake.answer = ban_location(48.85, 2.35, citycode="75104", postcode="75004", city="Paris")
    assert_town_hall(geocode_site("2 rue de la Gare", "77000", None), MELUN)


def test_answer_outside_the_postcode_falls_back_when_no_commune_was_chosen(online, fake):
    fake.answer = ban_location(48.96, 2.88, citycode=MEAUX, postcode="77100", city="Meaux")
    assert_town_hall(geocode_site("2 rue de la Gare", "77000", None), MELUN)


def test_timeout_falls_back_to_that_communes_town_hall_after_one_retry(online, fake):
    fake.error = GeocoderTimedOut("Service timed out")
    result = geocode_site("2 rue de la Gare", "77100", MEAUX)
    assert_town_hall(result, MEAUX)
    assert result.label == "Meaux (77100)"
    assert len(fake.calls) == 2  # max_retries=1


@pytest.mark.parametrize("error", [
    GeocoderUnavailable("down"), GeocoderServiceError("HTTP 500"), ValueError("bad JSON"),
])
def test_any_geocoder_failure_falls_back(online, fake, error):
    fake.error = error
    assert_town_hall(geocode_site("2 rue de la Gare", "77000", MELUN), MELUN)


def test_no_answer_falls_back(online, fake):
    fake.answer = None
    assert_town_hall(geocode_site("lieu-dit inconnu", "77000", MELUN), MELUN)


def test_disabled_geocoder_is_never_called(app, fake):
    assert app.config["GEOCODER_ENABLED"] is False
    assert_town_hall(geocode_site("2 rue de la Gare", "77100", MEAUX), MEAUX)
    assert fake.calls == []


@pytest.mark.parametrize(("postcode", "insee"), [("75001", None), (None, None), ("", "99999")])
def test_unknown_commune_is_a_french_error(app, postcode, insee):
    with pytest.raises(GeocodingError) as caught:
        geocode_site("2 rue de la Gare", postcode, insee)
    assert caught.value.message == UNKNOWN_COMMUNE
    assert str(caught.value) == UNKNOWN_COMMUNE


def test_unknown_commune_is_an_error_even_when_the_ban_finds_paris(online, fake):
    fake.answer = ban_location(48.85, 2.35, citycode="75104", postcode="75001", city="Paris")
    with pytest.raises(GeocodingError):
        geocode_site("2 rue de Rivoli", "75001", None)


@pytest.mark.parametrize(("address", "expected"), [
    ("3 place du Marché, La Ferté-Gaucher", "La Ferté-Gaucher"),
    ("Grande Rue CHEVRU", "Chevru"),
    ("ZA des Champs, Saint-Martin-des-Champs", "Saint-Martin-des-Champs"),
])
def test_shared_postcode_is_disambiguated_by_the_commune_named(app, address, expected):
    assert len(geocoding.communes_for_postcode("77320")) > 10
    result = geocode_site(address, "77320", None)
    assert commune(result.commune_insee).name == expected
    assert_town_hall(result, result.commune_insee)


def test_shared_postcode_without_a_name_takes_the_first_commune(app):
    candidates = geocoding.communes_for_postcode("77320")
    populations = [c.population or 0 for c in candidates]
    assert populations == sorted(populations, reverse=True)
    result = geocode_site("1 rue de l'Église", "77 320", None)
    assert result.commune_insee == candidates[0].insee
    assert result.label == f"{candidates[0].name} (77320)"


def test_chosen_commune_wins_over_the_postcode(app):
    assert geocode_site("1 rue de l'Église", "77320", "77131").commune_insee == "77131"


def test_logs_carry_the_outcome_but_not_the_address(online, fake, caplog):
    caplog.set_level(logging.INFO, logger="capindustrie.geo")
    fake.answer = ban_location(48.5427, 2.6561)
    geocode_site("17 allée des Tilleuls", "77000", MELUN)
    fake.answer = ban_location(48.5427, 2.6561, score=0.1)
    geocode_site("17 allée des Tilleuls", "77000", MELUN)
    messages = [r.getMessage() for r in caplog.records if r.name == "capindustrie.geo"]
    assert len(messages) == 2
    assert "accepted" in messages[0] and MELUN in messages[0]
    assert "low_score" in messages[1]
    assert not any("Tilleuls" in m for m in messages)


class RecordingAdapter(BaseSyncAdapter):
    """geopy's transport replaced: what the real BANFrance would send, and a canned answer."""

    requests = []

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url, *, timeout, headers):
        self.requests.append((url, timeout, headers))
        feature = ban_feature(48.9584, 2.878, citycode=MEAUX, postcode="77100", city="Meaux",
                              name="Rue du Général Leclerc", kind="street", score=0.81)
        return {"type": "FeatureCollection", "features": [feature]}

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - BANFrance reads JSON
        raise NotImplementedError


def test_real_ban_geocoder_asks_the_geoplateforme(make_app, monkeypatch):
    from geopy.geocoders import options

    RecordingAdapter.requests = []
    monkeypatch.setattr(options, "default_adapter_factory", RecordingAdapter)
    app = make_app(GEOCODER_ENABLED=True, GEOCODER_TIMEOUT=5)
    with app.app_context():
        result = geocode_site("rue du Général Leclerc", "77100", MEAUX)
    assert result.precision == GeoPrecision.ADDRESS and result.commune_insee == MEAUX
    ((url, timeout, headers),) = RecordingAdapter.requests
    assert url.startswith("https://data.geopf.fr/geocodage/search?q=rue+du+G")
    assert timeout == 5
    assert headers["User-Agent"] == "cap-industrie/0.1 (Département de Seine-et-Marne)"


# --- distances --------------------------------------------------------------------------------


def test_meaux_to_melun_is_about_forty_nine_km(app):
    meaux, melun = commune(MEAUX), commune(MELUN)
    points = (meaux.latitude_townhall, meaux.longitude_townhall,
              melun.latitude_townhall, melun.longitude_townhall)
    km = distance_km(*points)
    # Straight line, not road: the latitude difference alone (0.419°) is 46.5 km.
    assert 47 <= km <= 51
    assert haversine_km(*points) == pytest.approx(km, rel=0.005)
    assert distance_km(*points[2:], *points[:2]) == pytest.approx(km)


@pytest.mark.parametrize("radius_km", [0.5, 5, 20, 60])
def test_bounding_box_keeps_every_point_within_the_radius(app, radius_km):
    rng = random.Random(77)
    schools = db.session.scalars(select(School).order_by(School.uai)).all()
    for school in rng.sample(schools, 25):
        min_lat, max_lat, min_lon, max_lon = bounding_box(school.latitude, school.longitude,
                                                         radius_km)
        # Not a useless box either: at most 3 % larger than the radius.
        assert (max_lat - min_lat) / 2 * 111.2 <= radius_km * 1.03
        for _ in range(40):
            bearing = rng.uniform(0, 360)
            # Half the points exactly on the circle, where a too-small box would fail.
            km = radius_km if rng.random() < 0.5 else radius_km * rng.random()
            point = geodesic(kilometers=km).destination((school.latitude, school.longitude),
                                                        bearing)
            assert distance_km(school.latitude, school.longitude, point.latitude,
                               point.longitude) <= radius_km + 1e-6
            assert min_lat <= point.latitude <= max_lat
            assert min_lon <= point.longitude <= max_lon


def test_bounding_box_is_tight_in_longitude_too():
    min_lat, max_lat, min_lon, max_lon = bounding_box(48.54, 2.66, 10)
    east = geodesic(kilometers=10).destination((48.54, 2.66), 90).longitude
    assert east <= max_lon <= 2.66 + (east - 2.66) * 1.04


# --- travel estimates -------------------------------------------------------------------------


def test_short_distances_are_walked():
    estimate = estimate_travel_minutes(0.5)
    assert estimate.mode == TravelMode.WALK
    assert estimate.minutes == 10  # 0.5 × 1.3 ÷ 4.5 km/h = 8.7 min
    assert estimate_travel_minutes(0.0).minutes == 5
    assert estimate.mode.label == "à pied"


def test_longer_distances_go_by_bus():
    estimate = estimate_travel_minutes(5)
    assert estimate.mode == TravelMode.BUS
    assert estimate.minutes == 40  # 12 + 5 × 1.3 ÷ 16.6 km/h = 35.5 min
    assert estimate_travel_minutes(1.5).mode == TravelMode.BUS
    assert estimate_travel_minutes(3).mode == TravelMode.BUS


def test_egt_sanity_check_eight_point_nine_km():
    estimate = estimate_travel_minutes(8.9)
    assert 35 <= estimate.minutes <= 55  # EGT 2010: 48 min door to door
    assert estimate.mode == TravelMode.BUS


def test_estimates_are_multiples_of_five_and_never_decrease():
    distances = [i / 10 for i in range(0, 400)]
    minutes = [estimate_travel_minutes(d).minutes for d in distances]
    assert all(m % 5 == 0 and m >= 5 for m in minutes)
    assert minutes == sorted(minutes)


def test_negative_distance_is_refused():
    with pytest.raises(ValueError):
        estimate_travel_minutes(-1)


# --- address suggestions ----------------------------------------------------------------------


def log_in(client, user):
    db.session.commit()
    factories.login(client, user)


def test_company_gets_offline_commune_suggestions(client):
    log_in(client, factories.user(Role.COMPANY))
    response = client.get("/geo/adresses?q=melun")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Melun (77000)" in html
    assert 'data-insee="77288"' in html and 'data-postcode="77000"' in html
    assert 'data-address=""' in html and 'data-label="Melun (77000)"' in html


def test_suggestions_understand_accents_postcodes_and_full_addresses(app):
    labels = [s.label for s in suggest_addresses("FERTE gaucher")]
    assert labels == ["La Ferté-Gaucher (77320)"]
    assert "Meaux (77100)" in [s.label for s in suggest_addresses("77100")]
    full = suggest_addresses("12 rue de la République 77100 Meaux")
    assert full[0].label == "Meaux (77100)"
    assert len(suggest_addresses("saint")) == 5


@pytest.mark.parametrize("query", ["", "me", " é ", "--"])
def test_short_queries_give_an_empty_list(client, query):
    log_in(client, factories.user(Role.COMPANY))
    html = client.get("/geo/adresses", query_string={"q": query}).get_data(as_text=True)
    assert "<button" not in html and "<li" not in html
    assert suggest_addresses(query) == []


def test_nothing_found_says_so(client):
    log_in(client, factories.user(Role.COMPANY))
    html = client.get("/geo/adresses?q=zzzzqqq").get_data(as_text=True)
    assert "<button" not in html and "Aucune adresse trouvée" in html


def test_the_address_input_itself_can_ask(client):
    log_in(client, factories.user(Role.COMPANY))
    html = client.get("/geo/adresses?site_address=Meaux").get_data(as_text=True)
    assert "Meaux (77100)" in html


def test_ban_suggestions_keep_seine_et_marne_only(online, fake):
    fake.answer = [
        ban_location(48.54, 2.66, name="2 Rue de la Gare", score=0.9),
        ban_location(48.85, 2.35, citycode="75104", postcode="75004", city="Paris"),
        ban_location(48.96, 2.88, citycode=MEAUX, postcode="77100", city="Meaux",
                     kind="municipality"),
    ]
    client = online.test_client()
    log_in(client, factories.user(Role.COMPANY))
    html = client.get("/geo/adresses?q=2 rue de la gare").get_data(as_text=True)
    assert fake.calls == [("2 rue de la gare", {"exactly_one": False, "limit": 5})]
    assert 'data-address="2 Rue de la Gare"' in html
    assert 'data-label="2 Rue de la Gare 77000 Melun"' in html
    assert 'data-insee="77284"' in html and 'data-address=""' in html  # the municipality
    assert "Paris" not in html


def test_ban_failure_falls_back_to_the_communes(online, fake):
    fake.error = GeocoderTimedOut("Service timed out")
    assert [s.label for s in suggest_addresses("melun")][0] == "Melun (77000)"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/geo/adresses?q=melun")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.STAFF])
def test_other_roles_are_refused(client, role):
    log_in(client, factories.user(role))
    assert client.get("/geo/adresses?q=melun").status_code == 403


def test_suggestion_text_is_escaped(online, fake):
    fake.answer = [ban_location(48.54, 2.66, name='<script>alert("x")</script>')]
    client = online.test_client()
    log_in(client, factories.user(Role.COMPANY))
    html = client.get("/geo/adresses?q=script").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_haversine_agrees_with_geodesic_around_the_departement():
    rng = random.Random(1)
    for _ in range(200):
        a = (rng.uniform(48.1, 49.1), rng.uniform(2.4, 3.6))
        b = (rng.uniform(48.1, 49.1), rng.uniform(2.4, 3.6))
        assert math.isclose(haversine_km(*a, *b), distance_km(*a, *b), rel_tol=0.005,
                            abs_tol=1e-9)
