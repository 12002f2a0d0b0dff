"""Validators on the anonymous public pages (a repeat costs a 304), and never a public cache
header on anything personal: signed-in pages, pages carrying a CSRF token, pages setting a
cookie. See capindustrie/caching.py."""

import re

import pytest
from flask import url_for
from sqlalchemy import update

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Period, Role
from tests import factories as f
from tests.factories import login
from tests.test_authz_matrix import dummy_values

SCHOOL = "0770002J"  # Collège Denecourt, Bois-le-Roi
SEARCH = f"/offres?etablissement={SCHOOL}&rayon=20"
HTMX = {"HX-Request": "true"}
CSRF = re.compile(r"X-CSRFToken|name=\"csrf_token\"")


@pytest.fixture
def offer(app):
    offer = f.complete_offer(
        status=OfferStatus.PUBLISHED,
        title="Usinage de précision",
        commune_insee=f.school(SCHOOL).commune_insee,
    )
    db.session.commit()
    return offer


def assert_shared_cacheable(response):
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"].startswith('"')
    assert "Cookie" in response.vary
    assert "Set-Cookie" not in response.headers
    assert not CSRF.search(response.get_data(as_text=True))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx fragment"])
def test_anonymous_search_is_shared_cacheable_and_a_repeat_costs_a_304(client, offer, headers):
    first = client.get(SEARCH, headers=headers)
    assert_shared_cacheable(first)
    assert "Usinage de précision" in first.get_data(as_text=True)
    assert "HX-Request" in first.vary

    repeat = client.get(SEARCH, headers={**headers, "If-None-Match": first.headers["ETag"]})

    assert repeat.status_code == 304
    assert repeat.get_data() == b""
    assert repeat.headers["ETag"] == first.headers["ETag"]


def test_page_and_fragment_have_different_validators(client, offer):
    page = client.get(SEARCH)
    fragment = client.get(SEARCH, headers=HTMX)

    assert page.headers["ETag"] != fragment.headers["ETag"]
    assert (
        client.get(SEARCH, headers={**HTMX, "If-None-Match": page.headers["ETag"]}).status_code
        == 200
    )


def test_a_seat_taken_changes_the_validator(client, offer):
    first = client.get(SEARCH, headers=HTMX)
    db.session.execute(
        update(Period).where(Period.offer_id == offer.id).values(seats_taken=Period.seats_taken + 1)
    )
    db.session.commit()

    again = client.get(SEARCH, headers={**HTMX, "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "3 places libres" in again.get_data(as_text=True)


def test_anonymous_offer_page_and_school_suggestions_are_shared_cacheable(client, offer):
    for url in (
        f"/offres/{offer.id}",
        f"/offres/{offer.id}?etablissement={SCHOOL}",
        "/offres/etablissements?ecole=melun",
    ):
        first = client.get(url)
        assert_shared_cacheable(first)
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_an_unpublished_offer_or_an_error_is_not_cached(client, offer):
    offer.status = OfferStatus.DRAFT
    db.session.commit()

    for response in (
        client.get(f"/offres/{offer.id}"),
        client.get(f"/offres?etablissement={SCHOOL}&rayon=7"),
    ):
        assert response.status_code in (400, 404)
        assert "public" not in response.headers.get("Cache-Control", "")
        assert "ETag" not in response.headers


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_users_never_get_a_cacheable_copy_of_the_public_pages(client, offer, role):
    login(client, f.user(role))

    for url in (SEARCH, f"/offres/{offer.id}", "/offres/etablissements?ecole=melun"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
        # Their pages keep the CSRF token for htmx (the logout form, their own actions).
        assert "X-CSRFToken" in response.get_data(as_text=True)


def test_a_flash_message_makes_the_page_private_to_its_visitor(client, offer):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Vous êtes déconnecté(e).")]

    response = client.get(SEARCH)

    assert "Vous êtes déconnecté(e)." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "public" not in response.headers["Cache-Control"]
    # Shown once: the next visit is the shared page again.
    assert_shared_cacheable(client.get(SEARCH))


def test_the_login_page_keeps_its_token_and_is_never_shared(client):
    response = client.get("/connexion")

    assert CSRF.search(response.get_data(as_text=True))
    assert "public" not in response.headers.get("Cache-Control", "")


def get_routes(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint != "static":
                yield url_for(rule.endpoint, **dummy_values(rule.rule))


@pytest.mark.parametrize("role", [None, *Role], ids=["anonymous", *[r.value for r in Role]])
def test_no_route_serves_anything_personal_with_a_public_cache_header(app, offer, role):
    """Every GET route of the URL map, anonymous and as each role: a `public` response is never
    for a signed-in user, never carries a CSRF token or sets a cookie, and varies on Cookie."""
    # Server errors are other tests' business (the fuzz test): here they are only answers.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    if role is not None:
        login(client, f.user(role))
    public = []
    for url in get_routes(app):
        for headers in ({}, HTMX):
            response = client.get(url, headers=headers)
            # Binary downloads (the indicators' .xlsx) are read as text only to search a token.
            body = response.get_data().decode("utf-8", "replace")
            response.close()  # file downloads (send_file) hold their file open until closed
            cache_control = response.headers.get("Cache-Control", "")
            if role is not None and response.status_code < 300:
                assert cache_control == "no-store", f"{role.value} {url}: {cache_control!r}"
            if "public" in cache_control:
                public.append(url)
                assert role is None, url
                assert "Set-Cookie" not in response.headers, url
                assert "Cookie" in response.vary, url
                assert not CSRF.search(body), url
    if role is None:
        assert "/offres" in public  # the walk did see the public pages
