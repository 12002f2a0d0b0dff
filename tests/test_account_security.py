"""Accounts under attack (issue 10): server-side sessions that logging out ends, throttled
logins, no account enumeration. CSRF stays on: the client sends the page's token."""

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import Role, UserSession, utcnow
from tests import factories as f


def login(client, identifier, password=f.PASSWORD, **kwargs):
    return client.post(
        "/connexion", data={"identifier": identifier, "password": password}, **kwargs
    )


def is_logged_in(client) -> bool:
    return client.get("/mot-de-passe").status_code == 200


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """Another browser (the attacker's) sending a captured session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def sessions_of(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


# --- Logout ends the session on the server ------------------------------------------------------


def test_a_cookie_captured_before_logout_no_longer_works(app, client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    assert login(client, user.email).status_code == 303
    captured = session_cookie(client)
    assert is_logged_in(replay(app, captured))  # the copy works while the session lives

    assert client.post("/deconnexion").status_code == 303

    thief = replay(app, captured)
    response = thief.get("/mot-de-passe")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    assert "Se déconnecter" not in thief.get("/").get_data(as_text=True)
    assert sessions_of(user) == 0


def test_logging_out_ends_only_that_browser_s_session(app, client):
    user = f.user(Role.TEACHER)
    db.session.commit()
    login(client, user.email)
    other_browser = app.test_client()
    login(other_browser, user.email)
    assert sessions_of(user) == 2

    client.post("/deconnexion")

    assert not is_logged_in(client)
    assert is_logged_in(other_browser)
    assert sessions_of(user) == 1


def test_the_server_side_session_expires_after_the_session_lifetime(app, client):
    user = f.user(Role.STAFF)
    db.session.commit()
    login(client, user.email)
    assert is_logged_in(client)
    lifetime = app.permanent_session_lifetime
    with time_machine.travel(utcnow() + lifetime + timedelta(minutes=1), tick=False):
        assert not is_logged_in(client)


def test_a_password_change_ends_every_session_on_the_server(app, client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    login(client, user.email)
    elsewhere = app.test_client()
    login(elsewhere, user.email)
    captured = session_cookie(elsewhere)
    new = "Verger-Lune-47-Perceuse"
    response = client.post(
        "/mot-de-passe",
        data={
            "current_password": f.PASSWORD,
            "password": new,
            "password_confirm": new,
        },
    )
    assert response.status_code == 303
    assert is_logged_in(client)  # this browser gets a new session
    assert not is_logged_in(replay(app, captured))
    assert sessions_of(user) == 1


def test_forged_or_malformed_session_ids_are_anonymous(app, client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    for forged in (
        f"{user.id}",
        f"{user.id}:1",
        f"{user.id}:1:guess",
        "x:1:y",
        f"{user.id}:²:z",
        f"{user.id}:1:" + "a" * 5000,
    ):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not is_logged_in(client), forged
