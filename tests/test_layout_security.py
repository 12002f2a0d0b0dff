"""The layout's promises: security headers, French error pages (fragments for HTMX), CSRF on every
unsafe request, htmx vendored and configured, page-or-fragment decided in one place."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.htmx import is_fragment_request, render
from capindustrie.models import Company, Role
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
HTMX_CONFIG = re.compile(r"<meta name=\"htmx-config\" content='([^']*)'>")
BODY_HX_HEADERS = re.compile(r"<body hx-headers='([^']*)'>")


def log_in(client, user) -> None:
    factories.login(client, user)


# --- Security headers -------------------------------------------------------------------


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")

    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


def test_error_pages_carry_the_security_headers_too(client):
    response = client.get("/page-qui-n-existe-pas")

    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_only_when_cookies_are_https_only(make_app):
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()

    assert "max-age=" in client.get("/sante").headers["Strict-Transport-Security"]


def test_pages_are_not_stored_by_the_browser_only_when_logged_in(make_app):
    # No app context pushed around the requests: Flask-Login caches the user in `g`, which
    # would otherwise outlive the first request and keep the visitor anonymous.
    app = make_app()
    client = app.test_client()
    anonymous = client.get("/sante")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")

    with app.app_context():
        user = factories.user(Role.STAFF)
        db.session.commit()
        log_in(client, user)
    logged_in = client.get("/sante")

    assert logged_in.status_code == 200
    assert logged_in.headers["Cache-Control"] == "no-store"


# --- French error pages -----------------------------------------------------------------


def test_missing_page_is_a_french_404_page(client):
    response = client.get("/page-qui-n-existe-pas")
    html = response.get_data(as_text=True)

    assert response.status_code == 404
    assert '<html lang="fr">' in html
    assert "Page introuvable" in html
    assert "Retour à l'accueil" in html
    assert "Not Found" not in html


def test_wrong_method_is_a_french_405_page(client):
    response = client.post("/sante")
    html = response.get_data(as_text=True)

    assert response.status_code == 405
    assert "Action impossible" in html
    assert "Method Not Allowed" not in html


@pytest.mark.parametrize(
    ("status", "french"),
    [
        (400, "Requête invalide"),
        (403, "Accès refusé"),
        (404, "Page introuvable"),
        (413, "Fichier trop volumineux"),
        (429, "Trop de demandes"),
    ],
)
def test_aborted_requests_get_a_french_page_with_their_status(make_app, status, french):
    app = make_app()
    app.add_url_rule("/test-abort", "test_abort", lambda: abort(status))

    response = app.test_client().get("/test-abort")

    assert response.status_code == status
    assert french in response.get_data(as_text=True)


def test_unexpected_error_is_a_french_500_page_and_the_session_is_rolled_back(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    seen_by_error_page: list[int] = []

    def half_done():
        company = factories.company(name="Jamais enregistrée")  # flushed, not committed
        assert company.id is not None
        raise RuntimeError("boom")

    def count_companies(response):
        seen_by_error_page.append(db.session.scalar(select(func.count(Company.id))))
        return response

    app.add_url_rule("/test-boom", "test_boom", half_done)
    app.after_request(count_companies)

    response = app.test_client().get("/test-boom")
    html = response.get_data(as_text=True)

    assert response.status_code == 500
    assert '<html lang="fr">' in html and "Erreur du service" in html
    assert "boom" not in html and "Traceback" not in html
    # Rolled back before the page was rendered, not merely at the end of the request.
    assert seen_by_error_page == [0]
    with app.app_context():
        assert db.session.scalar(select(func.count(Company.id))) == 0


def test_htmx_request_for_a_missing_page_gets_a_fragment(client):
    response = client.get("/page-qui-n-existe-pas", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)

    assert response.status_code == 404
    assert "Page introuvable" in html
    assert "<html" not in html and "<body" not in html


def test_boosted_navigation_to_a_missing_page_gets_the_whole_page(client):
    response = client.get(
        "/page-qui-n-existe-pas", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )

    assert response.status_code == 404
    assert '<html lang="fr">' in response.get_data(as_text=True)


# --- Page or fragment, decided in one place ---------------------------------------------


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
)
def test_fragment_only_for_a_real_htmx_swap(app, headers, fragment):
    with app.test_request_context("/", headers=headers):
        assert is_fragment_request() is fragment


@pytest.mark.parametrize(("headers", "whole_page"), [({}, True), ({"HX-Request": "true"}, False)])
def test_render_picks_page_or_fragment_and_says_it_varies(app, headers, whole_page):
    with app.test_request_context("/", headers=headers):
        response = render(
            "errors/error.html", "errors/_error.html", status=404,
            title="Titre d'essai", message="Message d'essai",
        )
    html = response.get_data(as_text=True)

    assert response.status_code == 404
    assert "Titre d&#39;essai" in html
    assert ("<html" in html) is whole_page
    assert "HX-Request" in response.headers["Vary"]


# --- htmx vendored, configured, and carrying the CSRF token -----------------------------


def test_htmx_2_0_11_is_vendored_with_its_licence():
    vendored = ROOT / "static" / "vendor" / "htmx"

    assert 'version:"2.0.11"' in (vendored / "htmx.min.js").read_text(encoding="utf-8")
    assert "Zero-Clause BSD" in (vendored / "LICENSE").read_text(encoding="utf-8")


def test_no_template_loads_anything_from_another_site():
    remote = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"']?(https?:)?//", re.I)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if remote.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_no_template_has_inline_script_or_style():
    # A JSON-LD data block (<script type="application/ld+json">) is never executed: allowed.
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/ld\+json\")[^>]*>"
        r"|<style\b|\sstyle=|\son[a-z]+=",
        re.I,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_base_template_configures_htmx_safely(client):
    html = client.get("/").get_data(as_text=True)
    config = json.loads(unescape(HTMX_CONFIG.search(html).group(1)))

    assert config["historyCacheSize"] == 0
    assert config["allowEval"] is False
    assert config["selfRequestsOnly"] is True
    assert config["includeIndicatorStyles"] is False
    rule_422 = next(r for r in config["responseHandling"] if r["code"] == "422")
    assert rule_422["swap"] is True
    # htmx applies the first matching rule: 422 must come before the generic 4xx/5xx rule.
    codes = [r["code"] for r in config["responseHandling"]]
    assert codes.index("422") < codes.index("[45]..")


def test_body_sends_the_csrf_token_with_every_htmx_request(client):
    html = client.get("/").get_data(as_text=True)
    headers = json.loads(unescape(BODY_HX_HEADERS.search(html).group(1)))

    assert len(headers["X-CSRFToken"]) > 20


@pytest.fixture
def post_app(make_app):
    app = make_app()
    app.add_url_rule("/test-post", "test_post", lambda: "ok", methods=["POST"])
    return app


def test_post_without_csrf_token_is_refused_with_a_french_page(post_app):
    response = post_app.test_client().post("/test-post", csrf=False)
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert '<html lang="fr">' in html
    assert "jeton de sécurité manquant" in html


def test_htmx_post_without_csrf_token_is_refused_and_the_page_reloaded(post_app):
    response = post_app.test_client().post(
        "/test-post", headers={"HX-Request": "true"}, csrf=False
    )

    assert response.status_code == 400
    assert response.headers["HX-Refresh"] == "true"
    assert response.get_data(as_text=True) != "ok"


def test_post_with_a_forged_csrf_token_is_refused(post_app):
    response = post_app.test_client().post(
        "/test-post", headers={"X-CSRFToken": "forged"}, csrf=False
    )

    assert response.status_code == 400


def test_post_with_the_page_token_in_the_header_is_accepted(post_app):
    client = post_app.test_client()

    response = client.post("/test-post", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
