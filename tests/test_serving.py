"""What the production server answers itself: the app's French 414 for long URLs, and the French
pages and neutral `Server` header that gunicorn.conf.py installs in gunicorn (the production
smoke test, .ci/smoke_production.py, checks them through a real gunicorn)."""

import runpy
import socket
from pathlib import Path

import gunicorn.http.wsgi
import gunicorn.util
import pytest

from capindustrie.serving import french_error_response, write_french_error

ROOT = Path(__file__).resolve().parent.parent


def test_a_url_longer_than_the_limit_gets_the_apps_french_414(client):
    response = client.get("/offres?ecole=" + "a" * 5000)

    assert response.status_code == 414
    page = response.get_data(as_text=True)
    assert "Adresse trop longue" in page
    assert 'lang="fr"' in page


def test_a_long_but_allowed_url_is_served(client):
    response = client.get("/offres?ecole=" + "a" * 3000)

    assert response.status_code != 414


def test_the_limit_is_configuration(make_app):
    app = make_app(MAX_URL_LENGTH=100)

    assert app.test_client().get("/offres?ecole=" + "a" * 120).status_code == 414
    assert app.test_client().get("/offres?ecole=" + "a" * 60).status_code != 414


def test_the_raw_uri_gunicorn_passes_is_what_is_measured(client):
    # Percent-encoded bytes count as sent, not decoded: 3 characters each.
    response = client.get("/offres", environ_overrides={"RAW_URI": "/offres?q=" + "%C3%A9" * 700})

    assert response.status_code == 414


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (400, "Requête invalide"),
        (414, "Adresse trop longue"),
        (431, "En-têtes trop volumineux"),
        (500, "Erreur du service"),
    ],
)
def test_gunicorn_refusals_are_french_and_do_not_name_the_server(status, title):
    left, right = socket.socketpair()
    try:
        write_french_error(
            left, status, "English reason", "Request Line is too large (9000 > 8190)"
        )
        left.close()
        answer = b"".join(iter(lambda: right.recv(65536), b""))
    finally:
        right.close()

    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Server: Cap Industrie" in head
    assert int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]) == len(body)
    text = body.decode()
    assert title in text
    assert 'lang="fr"' in text
    assert "gunicorn" not in answer.decode().lower()
    # gunicorn's English detail stays in its log.
    assert "Request Line" not in text


def test_an_unknown_status_gets_a_generic_french_page():
    assert "Requête invalide" in french_error_response(418).decode()


def test_the_gunicorn_configuration_bounds_requests_above_the_apps_own_limit(app):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    # The app's 414 must win: its limit plus "GET " and " HTTP/1.1" fits under gunicorn's.
    assert app.config["MAX_URL_LENGTH"] + len("GET  HTTP/1.1") < settings["limit_request_line"]
    assert settings["limit_request_line"] <= 8190  # gunicorn's maximum; 0 would be unlimited
    assert 0 < settings["limit_request_fields"] <= 100
    assert 0 < settings["limit_request_field_size"] <= 8190
    assert settings["workers"] >= 2
    # Loading it replaced gunicorn's English pages and its Server header.
    assert gunicorn.util.write_error is write_french_error
    assert gunicorn.http.wsgi.SERVER == "Cap Industrie"
