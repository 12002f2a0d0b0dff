"""How an estimated travel time is shown: « ≈ 55 min », « ≈ 1 h 25 », and beyond 1 h 30 only
« plus d'1 h 30 » (a bus estimate of « ≈ 3 h 55 » for 46 km is false precision)."""

from html import unescape

import pytest

from capindustrie.extensions import db
from capindustrie.geo.distance import (
    LONG_TRIP_MINUTES,
    TravelEstimate,
    TravelMode,
    estimate_travel_minutes,
)
from tests.test_search import MEAUX, MELUN, meaux_college, published

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "minutes, shown",
    [
        (5, f"5{NBSP}min"),
        (55, f"55{NBSP}min"),
        (85, f"1{NBSP}h{NBSP}25"),
        (90, f"1{NBSP}h{NBSP}30"),
        (95, f"plus d'1{NBSP}h{NBSP}30"),
        (235, f"plus d'1{NBSP}h{NBSP}30"),
    ],
)
def test_long_estimates_are_shown_as_more_than_an_hour_and_a_half(minutes, shown):
    estimate = TravelEstimate(minutes, TravelMode.BUS)
    assert estimate.shown == shown
    assert estimate.is_long == (minutes > LONG_TRIP_MINUTES)


def test_46_km_by_bus_is_more_than_an_hour_and_a_half_not_minutes():
    estimate = estimate_travel_minutes(46)
    assert estimate.mode == TravelMode.BUS and estimate.minutes > 200  # the model is unchanged
    assert estimate.shown == f"plus d'1{NBSP}h{NBSP}30"


def test_search_results_show_the_long_trip_without_minutes(client):
    school = meaux_college()
    near = published(MEAUX, title="Atelier de Meaux")
    far = published(MELUN, title="Atelier de Melun")
    db.session.commit()

    html = unescape(
        client.get("/offres", query_string={"etablissement": school.uai, "rayon": "50"}).get_data(
            as_text=True
        )
    )

    far_card = html[html.index("Atelier de Melun") :]
    far_card = far_card[: far_card.index("</article>")] if "</article>" in far_card else far_card
    assert f"plus d'1{NBSP}h{NBSP}30 en bus (estimé)" in far_card
    assert "≈ 2" not in far_card and "≈ 3" not in far_card
    near_card = html[html.index("Atelier de Meaux") :]
    assert "≈ 15" in near_card[:2000]  # a short trip keeps its minutes
    assert near.id != far.id


def test_the_public_offer_page_shows_the_long_trip_without_minutes(client):
    offer = published(MELUN, title="Atelier de Melun")
    db.session.commit()
    html = unescape(
        client.get(
            f"/offres/{offer.id}", query_string={"etablissement": meaux_college().uai}
        ).get_data(as_text=True)
    )
    assert f"plus d'1{NBSP}h{NBSP}30 en bus (estimé) depuis Collège Parc Frot" in html
    assert "trajet d'environ" not in html
