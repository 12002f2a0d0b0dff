"""Accounts under attack (issue 10): server-side sessions that logging out ends, throttled
logins, no account enumeration. CSRF stays on: the client sends the page's token."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import time_machine
from sqlalchemy import event, func, select

from capindustrie.auth.throttle import ThrottlePolicy
from capindustrie.extensions import db
from capindustrie.models import (
    Company,
    LoginThrottle,
    OutboxMessage,
    Role,
    User,
    UserSession,
    utcnow,
)
from tests import factories as f

CSRF_VALUES = re.compile(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+')


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _without_tokens(html: str, *typed: str) -> str:
    html = CSRF_VALUES.sub(r"\1TOKEN", html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


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
    # A teacher: a staff login is only complete after the second factor (test_two_factor.py).
    user = f.user(Role.TEACHER)
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


# --- Login throttling per client address and account ------------------------------------------

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
WRONG = "Pas-Le-Bon-Mot-De-Passe"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def throttled_app(make_app, **overrides):
    settings = {"LOGIN_THROTTLE_FREE_FAILURES": 3, "LOGIN_THROTTLE_MAX_DELAY_SECONDS": 60}
    return make_app(**{**settings, **overrides})


def test_delays_grow_from_the_free_failures_up_to_the_cap():
    policy = ThrottlePolicy(
        free_failures=5, max_delay_seconds=900, forget_seconds=86400, secret="s"
    )
    delays = [policy.delay_after(n) for n in range(1, 18)]
    assert delays == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert policy.delay_after(10**9) == 900


def test_an_attacker_is_slowed_while_the_owner_logs_in_from_another_address(make_app):
    app = throttled_app(make_app)
    with app.app_context(), time_machine.travel(T0, tick=False):
        owner = f.user(Role.PUPIL, username="lea.durand")
        db.session.commit()
        attacker = app.test_client()
        for _ in range(3):
            assert login(attacker, "lea.durand", WRONG, environ_base=ATTACKER).status_code == 422

        # Not even the right password is checked from that address for now.
        slowed = login(attacker, "lea.durand", environ_base=ATTACKER)
        assert slowed.status_code == 429
        assert slowed.headers["Retry-After"] == "1"
        text = unescape(slowed.get_data(as_text=True))
        assert "Réessayez dans 1 seconde," in text and '<html lang="fr">' in text
        assert not is_logged_in(attacker)

        # The owner, at school or at home, gets in at once.
        browser = app.test_client()
        assert login(browser, "lea.durand", environ_base=OWNER).status_code == 303
        assert is_logged_in(browser)
        assert owner.last_login_at is not None


def test_each_failure_past_the_free_ones_doubles_the_wait(make_app):
    app = throttled_app(make_app)
    with app.app_context(), time_machine.travel(T0, tick=False) as clock:
        f.user(Role.COMPANY, email="rh@usine.example")
        db.session.commit()
        attacker = app.test_client()
        for _ in range(3):
            login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER)
        waits = []
        for _ in range(4):
            refused = login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER)
            assert refused.status_code == 429
            wait = int(refused.headers["Retry-After"])
            waits.append(wait)
            clock.shift(wait)
            # Due again: the password is checked (and wrong).
            assert (
                login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER).status_code == 422
            )
        assert waits == [1, 2, 4, 8]
        later = login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER)
        assert "Réessayez dans 16 secondes" in unescape(later.get_data(as_text=True))


def test_the_wait_is_capped_and_said_in_minutes(make_app):
    app = throttled_app(make_app, LOGIN_THROTTLE_MAX_DELAY_SECONDS=900)
    with app.app_context(), time_machine.travel(T0, tick=False) as clock:
        f.user(Role.COMPANY, email="rh@usine.example")
        db.session.commit()
        attacker = app.test_client()
        for _ in range(14):
            clock.shift(3600)
            assert (
                login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER).status_code == 422
            )
        refused = login(attacker, "rh@usine.example", WRONG, environ_base=ATTACKER)
        assert refused.headers["Retry-After"] == "900"
        assert "Réessayez dans 15 minutes" in unescape(refused.get_data(as_text=True))


def test_a_successful_login_resets_the_counter_of_that_address(make_app):
    app = throttled_app(make_app)
    with app.app_context(), time_machine.travel(T0, tick=False) as clock:
        f.user(Role.COMPANY, email="rh@usine.example")
        db.session.commit()
        typo_prone = app.test_client()
        for _ in range(3):
            login(typo_prone, "rh@usine.example", WRONG, environ_base=OWNER)
        clock.shift(1)
        assert login(typo_prone, "rh@usine.example", environ_base=OWNER).status_code == 303
        assert count(LoginThrottle) == 0
        typo_prone.post("/deconnexion")
        # Three free failures again before any wait.
        codes = [
            login(typo_prone, "rh@usine.example", WRONG, environ_base=OWNER).status_code
            for _ in range(4)
        ]
        assert codes == [422, 422, 422, 429]


def test_the_counter_is_shared_by_every_worker(make_app):
    """Two apps (two gunicorn workers) over one database count the same failures."""
    first, second = throttled_app(make_app), throttled_app(make_app)
    with first.app_context():
        f.user(Role.COMPANY, email="rh@usine.example")
        db.session.commit()
    with time_machine.travel(T0, tick=False):
        for worker in (first, second, first):
            with worker.app_context():
                client = worker.test_client()
                assert (
                    login(client, "rh@usine.example", WRONG, environ_base=ATTACKER).status_code
                    == 422
                )
        with second.app_context():
            client = second.test_client()
            assert login(client, "rh@usine.example", environ_base=ATTACKER).status_code == 429
            db.session.remove()
            db.engine.dispose()  # the fixture disposes the first app's pool only


def test_unknown_and_known_logins_are_slowed_alike(make_app):
    app = throttled_app(make_app)
    with app.app_context(), time_machine.travel(T0, tick=False):
        f.user(Role.PUPIL, username="lea.durand")
        db.session.commit()
        answers = {}
        for typed in ("lea.durand", "zoe.personne"):
            client = app.test_client()
            codes = [
                login(client, typed, WRONG, environ_base=ATTACKER).status_code for _ in range(4)
            ]
            last = login(client, typed, WRONG, environ_base=ATTACKER)
            answers[typed] = (
                codes,
                last.status_code,
                last.headers["Retry-After"],
                _without_tokens(last.get_data(as_text=True), typed),
            )
        assert answers["lea.durand"] == answers["zoe.personne"]


def test_the_throttle_table_holds_no_address_nor_login(make_app):
    app = throttled_app(make_app)
    with app.app_context():
        login(app.test_client(), "lea.durand", WRONG, environ_base=ATTACKER)
        [row] = db.session.scalars(select(LoginThrottle)).all()
        assert "203.0.113.66" not in row.key_hash and "lea" not in row.key_hash
        assert row.failures == 1


# --- No account enumeration -------------------------------------------------------------------

PASSWORD = "Verger-Lune-47-Perceuse"


def company_form(email: str, siret: str) -> dict:
    return {
        "company_name": "Ateliers de la Brie",
        "siret": siret,
        "filiere": "industrie_du_futur",
        "first_name": "Claire",
        "last_name": "Dubois",
        "email": email,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }


def teacher_form(email: str) -> dict:
    return {
        "first_name": "Karim",
        "last_name": "Benali",
        "email": email,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "school_id": str(f.school().id),
    }


def answer(response) -> tuple:
    """What a visitor sees of a response, apart from tokens: status, where it leads, the page."""
    return (
        response.status_code,
        response.headers.get("Location"),
        _without_tokens(response.get_data(as_text=True)),
    )


def follow(client, response) -> tuple:
    return answer(client.get(response.headers["Location"]))


def outbox_to(address: str) -> list:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).all()


def test_company_registration_answers_the_same_for_a_known_address(app):
    owner = f.user(Role.COMPANY, email="claire.dubois@ateliers-brie.fr", first_name="Claire")
    db.session.commit()
    users_before = count(User)
    known_client, unknown_client = app.test_client(), app.test_client()

    known = known_client.post(
        "/inscription/entreprise",
        data=company_form("Claire.Dubois@Ateliers-Brie.fr", f.luhn_siret("4123456780001")),
    )
    unknown = unknown_client.post(
        "/inscription/entreprise",
        data=company_form("nouvelle@ateliers-brie.fr", f.luhn_siret("4123456780002")),
    )

    assert answer(known) == answer(unknown)
    assert known.status_code == 303
    assert follow(known_client, known) == follow(unknown_client, unknown)
    # Known: nothing created, the owner is told by e-mail, with the way to a new password.
    assert count(User) == users_before + 1 and count(Company) == 2
    [told] = outbox_to(owner.email)
    assert told.subject == "Cap Industrie — vous avez déjà un compte"
    assert "http://127.0.0.1:5000/mot-de-passe/oubli" in told.body
    assert "http://127.0.0.1:5000/connexion" in told.body
    assert "aucun autre n'a été créé" in told.body
    # Unknown: an account waiting for its address to be confirmed.
    [confirm] = outbox_to("nouvelle@ateliers-brie.fr")
    assert "/inscription/confirmer/" in confirm.body


def test_teacher_registration_answers_the_same_for_a_known_address(app):
    owner = f.user(Role.TEACHER, email="karim.benali@ac-creteil.fr")
    db.session.commit()
    known_client, unknown_client = app.test_client(), app.test_client()

    known = known_client.post(
        "/inscription/professeur", data=teacher_form("karim.benali@ac-creteil.fr")
    )
    unknown = unknown_client.post(
        "/inscription/professeur", data=teacher_form("k.benali@ac-creteil.fr")
    )

    assert answer(known) == answer(unknown) and known.status_code == 303
    assert follow(known_client, known) == follow(unknown_client, unknown)
    assert [m.subject for m in outbox_to(owner.email)] == [
        "Cap Industrie — vous avez déjà un compte"
    ]
    assert [m.subject for m in outbox_to("k.benali@ac-creteil.fr")] == [
        "Cap Industrie — confirmez votre adresse e-mail"
    ]
    # The owner's account is untouched: their own password still works.
    assert login(app.test_client(), owner.email).status_code == 303


def test_reset_request_does_the_same_work_for_an_unknown_address(app):
    f.user(Role.COMPANY, email="camille@exemple.fr")
    db.session.commit()
    written = []

    def remember(_mapper, _connection, message):
        written.append(message.to_address)

    event.listen(OutboxMessage, "after_insert", remember)
    try:
        known_client, unknown_client = app.test_client(), app.test_client()
        known = known_client.post("/mot-de-passe/oubli", data={"email": "camille@exemple.fr"})
        unknown = unknown_client.post("/mot-de-passe/oubli", data={"email": "personne@exemple.fr"})
    finally:
        event.remove(OutboxMessage, "after_insert", remember)

    assert answer(known) == answer(unknown) and known.status_code == 303
    assert follow(known_client, known) == follow(unknown_client, unknown)
    # A message was written to the outbox both times; only the real account's is kept.
    assert len(written) == 2
    assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == [
        "camille@exemple.fr"
    ]
