"""Accounts over HTTP: registration, login, rate limit, logout, password change and
reset, CSRF, and the create-staff command. CSRF stays on: the client sends the page's token."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from argon2 import PasswordHasher
from flask import url_for
from sqlalchemy import func, select

from capindustrie.auth import routes, services
from capindustrie.auth.throttle import ThrottlePolicy
from capindustrie.extensions import db
from capindustrie.models import (
    Company,
    CompanyStatus,
    Filiere,
    OutboxMessage,
    Role,
    School,
    User,
    utcnow,
)
from tests import factories as f

NEW_PASSWORD = "Verger-Lune-47-Perceuse"
CONFIRM_LINK = re.compile(r"(http://127\.0\.0\.1:5000/inscription/confirmer/\S+)")
CSRF_VALUES = re.compile(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+')


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def login(client, identifier, password=f.PASSWORD, **kwargs):
    return client.post(
        "/connexion", data={"identifier": identifier, "password": password}, **kwargs
    )


def is_logged_in(client) -> bool:
    return client.get("/mot-de-passe").status_code == 200


def page(response) -> str:
    return response.get_data(as_text=True)


def home_path(app, role: Role) -> str:
    """Where a role lands after login: its own area once a later piece has added it."""
    with app.test_request_context():
        return url_for(routes.home_endpoint(SimpleNamespace(role=role)))


def company_form(**overrides) -> dict:
    data = {
        "company_name": "Ateliers de la Brie",
        "siret": "732 829 320 00074",
        "filiere": Filiere.FUTURE_INDUSTRY.value,
        "first_name": "Claire",
        "last_name": "Dubois",
        "email": "Claire.Dubois@Ateliers-Brie.fr",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    return {**data, **overrides}


def teacher_form(school, **overrides) -> dict:
    data = {
        "first_name": "Karim",
        "last_name": "Benali",
        "email": "Karim.Benali@ac-creteil.fr",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "school_id": str(school),
    }
    return {**data, **overrides}


@pytest.fixture
def denecourt(app) -> School:
    return f.school("0770002J")


# Company registration ----------------------------------------------------------------------


def confirmation_link(address: str) -> str:
    """The latest confirmation link e-mailed to `address`."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == address, OutboxMessage.subject.contains("confirmez"))
        .order_by(OutboxMessage.id.desc())
    ).first()
    return CONFIRM_LINK.search(message.body).group(1)


def test_company_registration_creates_the_company_and_its_first_user(app, client):
    response = client.post("/inscription/entreprise", data=company_form())

    assert response.status_code == 303
    assert response.headers["Location"] == "/inscription/envoyee"
    assert "Vérifiez votre messagerie" in page(client.get("/inscription/envoyee"))
    company = db.session.scalar(select(Company))
    user = db.session.scalar(select(User))
    assert company.siret == "73282932000074" and company.name == "Ateliers de la Brie"
    assert company.status == CompanyStatus.PENDING
    assert company.filiere == Filiere.FUTURE_INDUSTRY
    assert user.company_id == company.id and user.role == Role.COMPANY
    assert user.email == "claire.dubois@ateliers-brie.fr"
    assert user.password_hash.startswith("$argon2id$") and NEW_PASSWORD not in user.password_hash
    # Not active before the address is confirmed: the right password opens no session.
    assert user.awaiting_confirmation and not is_logged_in(client)
    waiting = login(client, user.email, NEW_PASSWORD)
    assert waiting.status_code == 422 and "pas encore activé" in page(waiting)
    assert not is_logged_in(client)

    confirmed = client.get(confirmation_link(user.email).removeprefix("http://127.0.0.1:5000"))
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/connexion"
    assert "Votre adresse e-mail est confirmée" in page(client.get("/connexion"))
    assert login(client, user.email, NEW_PASSWORD).headers["Location"] == home_path(
        app, Role.COMPANY
    )
    assert is_logged_in(client)


def test_forged_or_expired_confirmation_links_are_refused(app, client):
    client.post("/inscription/entreprise", data=company_form())
    user = db.session.scalar(select(User))
    secret = app.config["SECRET_KEY"]
    with time_machine.travel(datetime.now(UTC) - timedelta(days=3, seconds=1), tick=False):
        expired = services.confirmation_token(user, secret)
    for token in (expired, services.confirmation_token(user, "another-secret"), "x"):
        response = client.get(f"/inscription/confirmer/{token}")
        assert response.status_code == 400 and "pas valable" in page(response)
    db.session.refresh(user)
    assert user.awaiting_confirmation


def test_registration_pages_are_french_accessible_forms(client):
    for url in ("/inscription/entreprise", "/inscription/professeur", "/connexion",
                "/mot-de-passe/oubli"):
        html = page(client.get(url))
        assert 'method="post"' in html and f'action="{url}"' in html and "novalidate" in html
        assert 'name="csrf_token"' in html
        assert 'autocomplete="' in html and "<label" in html
    html = page(client.get("/inscription/entreprise"))
    assert "Industrie du futur" in html and "Aéronautique" in html
    assert 'autocomplete="new-password"' in html and 'inputmode="numeric"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"siret": "732 829 320 00075"}, "clé de contrôle est fausse"),
        ({"siret": "7328293200007"}, "exactement 14 chiffres"),
        ({"siret": "ABCDEFGHIJKLMN"}, "exactement 14 chiffres"),
        ({"siret": ""}, "Indiquez le numéro SIRET"),
        ({"company_name": "  "}, "Indiquez le nom de l&#39;entreprise"),
        ({"filiere": ""}, "Indiquez la filière"),
        ({"filiere": "nucleaire"}, "Choisissez une filière dans la liste"),
        ({"email": "claire.dubois@"}, "Saisissez une adresse e-mail valide"),
        ({"email": "claire dubois@ateliers-brie.fr"}, "Saisissez une adresse e-mail valide"),
        ({"email": ""}, "Indiquez votre adresse e-mail"),
        ({"first_name": ""}, "Indiquez votre prénom"),
        ({"password": "court", "password_confirm": "court"}, "au moins 10 caractères"),
        ({"password": "azertyuiop", "password_confirm": "azertyuiop"}, "trop courant"),
        ({"password": "Dubois-2026-atelier", "password_confirm": "Dubois-2026-atelier"},
         "votre nom"),
        ({"password_confirm": NEW_PASSWORD + "x"}, "Les deux mots de passe ne sont pas identiques"),
    ],
)
def test_company_registration_refuses_bad_input_and_saves_nothing(client, overrides, message):
    response = client.post("/inscription/entreprise", data=company_form(**overrides))

    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert 'class="error-message"' in html and 'aria-invalid="true"' in html
    assert count(Company) == 0 and count(User) == 0
    assert not is_logged_in(client)


def test_duplicate_siret_is_refused_with_a_french_message(client):
    db.session.add(Company(siret="73282932000074", name="Déjà là", filiere=Filiere.LOGISTICS))
    db.session.commit()

    response = client.post("/inscription/entreprise", data=company_form())

    assert response.status_code == 422
    assert "Cette entreprise a déjà un compte sur Cap Industrie" in page(response)
    assert count(Company) == 1 and count(User) == 0


def test_a_race_on_the_siret_is_caught_by_the_constraint(app):
    """Two registrations pass the form check at once: the unique constraint refuses the second."""
    db.session.add(Company(siret="73282932000074", name="Première", filiere=Filiere.LOGISTICS))
    db.session.commit()
    person = services.PersonDetails("Claire", "Dubois", "claire@ateliers-brie.fr", NEW_PASSWORD)

    with pytest.raises(services.AccountConflict) as conflict:
        services.register_company(
            company_name="Seconde", siret="73282932000074", filiere=Filiere.LOGISTICS,
            person=person, secret_key="k",
            links=services.AccountLinks(confirm=str, login="/connexion", reset="/oubli"),
        )

    assert conflict.value.field == "siret"
    assert count(Company) == 1 and count(User) == 0


# Teacher registration ----------------------------------------------------------------------


def test_teacher_registration_with_academic_email_and_real_school(client, denecourt):
    response = client.post("/inscription/professeur", data=teacher_form(denecourt.id))

    assert response.status_code == 303
    teacher = db.session.scalar(select(User))
    assert teacher.role == Role.TEACHER and teacher.school_id == denecourt.id
    assert teacher.email == "karim.benali@ac-creteil.fr"
    assert teacher.password_hash.startswith("$argon2id$")
    assert teacher.awaiting_confirmation and not is_logged_in(client)
    client.get(confirmation_link(teacher.email).removeprefix("http://127.0.0.1:5000"))
    assert login(client, teacher.email, NEW_PASSWORD).status_code == 303
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "karim.benali@gmail.com"}, "se termine par @ac-creteil.fr"),
        ({"email": "karim@ac-creteil.fr.example.com"}, "se termine par @ac-creteil.fr"),
        ({"email": "karim@ac-versailles.fr"}, "se termine par @ac-creteil.fr"),
        ({"email": "karim.benali"}, "Saisissez une adresse e-mail valide"),
        ({"school_id": "999999"}, "Cet établissement est inconnu"),
        ({"school_id": "abc"}, "Cet établissement est inconnu"),
        ({"school_id": ""}, "Cherchez votre établissement"),
        ({"password": "0123456789", "password_confirm": "0123456789"}, "trop courant"),
        ({"password_confirm": "autre-chose-encore"}, "ne sont pas identiques"),
    ],
)
def test_teacher_registration_refuses_bad_input_and_saves_nothing(client, denecourt, overrides,
                                                                 message):
    response = client.post("/inscription/professeur", data=teacher_form(denecourt.id, **overrides))

    assert response.status_code == 422
    assert message in page(response)
    assert count(User) == 0


def test_academic_domain_is_configuration(make_app):
    app = make_app(ACADEMIC_EMAIL_DOMAIN="ac-versailles.fr")
    with app.app_context():
        school_id = f.school().id
        client = app.test_client()
        refused = client.post("/inscription/professeur", data=teacher_form(school_id))
        assert refused.status_code == 422 and "@ac-versailles.fr" in page(refused)
        accepted = client.post(
            "/inscription/professeur",
            data=teacher_form(school_id, email="karim.benali@ac-versailles.fr"),
        )
        assert accepted.status_code == 303


def test_school_error_points_at_the_search_box(client, denecourt):
    html = page(client.post("/inscription/professeur", data=teacher_form(denecourt.id,
                                                                         school_id="")))
    assert 'href="#school-query"' in html
    assert 'id="school-query-erreur"' in html
    assert re.search(r'<input type="search" id="school-query"[^>]*aria-invalid="true"', html, re.S)


def test_refused_form_keeps_the_chosen_school(client, denecourt):
    html = page(client.post("/inscription/professeur",
                            data=teacher_form(denecourt.id, password_confirm="non")))
    assert f'name="school_id" value="{denecourt.id}"' in html
    assert "Collège Denecourt — Bois-le-Roi (77590)" in html


# School autocomplete -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["bois-le", "denecourt", "DENECOURT", "Bois le Roi", "77590"])
def test_autocomplete_finds_college_denecourt(client, denecourt, typed):
    response = client.get("/inscription/etablissements", query_string={"q": typed},
                          headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = page(response)
    assert "<html" not in html  # a fragment for htmx
    assert f'data-autocomplete-value="{denecourt.id}"' in html
    assert 'data-autocomplete-label="Collège Denecourt — Bois-le-Roi (77590)"' in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_words_typed_together_come_first(denecourt):
    # "bois" and "le" also occur apart in other schools (Collège la Grange du Bois, Savigny-le-…).
    found = services.search_schools("bois-le")
    assert len(found) > 1 and found[0] == denecourt


def test_autocomplete_returns_ten_results_at_most_open_schools_first(client):
    html = page(client.get("/inscription/etablissements", query_string={"q": "college"},
                           headers={"HX-Request": "true"}))
    assert html.count("<li>") == services.SCHOOL_RESULTS_LIMIT

    closed = db.session.scalars(select(School).where(School.open.is_(False))).all()
    assert closed, "the reference data has closed schools"
    found = services.search_schools(closed[0].name, limit=50)
    assert closed[0] in found
    opens = [s.open for s in found]
    assert opens == sorted(opens, reverse=True)


def test_autocomplete_ignores_one_letter_and_says_when_nothing_matches(client):
    one_letter = client.get("/inscription/etablissements?q=b", headers={"HX-Request": "true"})
    assert page(one_letter).strip() == ""
    nothing = client.get("/inscription/etablissements?q=zzzzzz", headers={"HX-Request": "true"})
    assert "Aucun établissement trouvé pour « zzzzzz »" in page(nothing)


def test_search_box_is_wired_for_htmx(client):
    html = page(client.get("/inscription/professeur"))
    box = re.search(r'<input type="search" id="school-query".*?>', html, re.S).group(0)
    assert 'hx-get="/inscription/etablissements"' in box
    assert 'hx-trigger="input changed delay:250ms, search"' in box
    assert 'hx-target="#school-results"' in box
    assert '<label for="school-query">Votre établissement' in html
    assert re.search(r'<ul id="school-results" class="autocomplete-results"[^>]*></ul>', html)
    assert "data-autocomplete" in html


def test_without_javascript_the_search_returns_the_page_with_radio_buttons(client, denecourt):
    response = client.get("/inscription/etablissements", query_string={"q": "denecourt"})

    html = page(response)
    assert response.status_code == 200 and "<html" in html
    radio = f'<input type="radio" name="school_id" value="{denecourt.id}" form="teacher-form"'
    assert radio in html
    assert 'value="denecourt"' in html  # the search box keeps what was typed
    assert 'action="/inscription/professeur"' in html


def test_without_javascript_the_radio_choice_registers_the_teacher(client, denecourt):
    other = db.session.scalar(select(School).where(School.id != denecourt.id).limit(1))
    # The hidden input (empty, or left from an earlier answer) comes first; the radio wins.
    for hidden in ("", str(other.id)):
        data = teacher_form(denecourt.id)
        data["school_id"] = [hidden, str(denecourt.id)]
        data["email"] = f"karim.{hidden or 'x'}@ac-creteil.fr"
        assert client.post("/inscription/professeur", data=data).status_code == 303
    assert {u.school_id for u in db.session.scalars(select(User))} == {denecourt.id}


# Login and logout --------------------------------------------------------------------------


def test_login_with_email_in_any_case_then_logout(app, client):
    user = f.user(Role.COMPANY, email="camille@exemple.fr")
    db.session.commit()

    response = login(client, "  Camille@Exemple.FR ")

    assert response.status_code == 303
    assert response.headers["Location"] == home_path(app, Role.COMPANY)
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None

    assert client.get("/deconnexion").status_code == 405  # logout is a POST (CSRF-protected)
    logout = client.post("/deconnexion")
    assert logout.status_code == 303 and logout.headers["Location"] == "/"
    assert not is_logged_in(client)


def test_pupil_logs_in_with_a_username(client):
    f.user(Role.PUPIL, username="lea.durand")
    db.session.commit()
    assert login(client, "lea.durand").status_code == 303
    assert is_logged_in(client)


def _without_tokens(html: str, *typed: str) -> str:
    html = CSRF_VALUES.sub(r"\1TOKEN", html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


def test_unknown_account_and_wrong_password_get_the_same_answer(client):
    f.user(Role.TEACHER, email="karim@ac-creteil.fr")
    db.session.commit()

    unknown = login(client, "personne@ac-creteil.fr", "Un-Mot-De-Passe-42")
    wrong = login(client, "karim@ac-creteil.fr", "Un-Mot-De-Passe-42")

    assert unknown.status_code == wrong.status_code == 422
    assert "Connexion impossible" in page(unknown)
    assert _without_tokens(page(unknown), "personne@ac-creteil.fr") == _without_tokens(
        page(wrong), "karim@ac-creteil.fr"
    )
    assert not is_logged_in(client)


def test_unknown_account_still_verifies_a_password_hash(app, monkeypatch):
    """An unknown login costs an argon2 verification too, so timing does not tell it apart."""
    checked = []
    real_verify = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda h, p: checked.append(h) or real_verify(h, p))

    policy = ThrottlePolicy.from_config(app.config)
    assert services.authenticate("personne@exemple.fr", "x", address="192.0.2.1", now=utcnow(),
                                 policy=policy) is None
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_deactivated_account_gets_the_generic_message(client):
    user = f.user(Role.COMPANY)
    user.active = False
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 422 and "Connexion impossible" in page(response)


def test_empty_login_form_names_the_missing_fields(client):
    response = client.post("/connexion", data={"identifier": "", "password": ""})
    assert response.status_code == 422
    html = page(response)
    assert "Indiquez votre adresse e-mail ou votre identifiant" in html
    assert "Indiquez votre mot de passe" in html


def test_login_is_rate_limited_with_a_french_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3/minute")
    with app.app_context():
        client = app.test_client()
        for _ in range(3):
            assert login(client, "x@exemple.fr", "y" * 12).status_code == 422
        limited = login(client, "X@exemple.fr ", "y" * 12)
        assert limited.status_code == 429
        assert "Trop de demandes" in page(limited) and '<html lang="fr">' in page(limited)
        assert client.get("/connexion").status_code == 200  # reading the page is not limited
        # Another account from the same address (a class behind its school's NAT) goes on.
        assert login(client, "autre@exemple.fr", "y" * 12).status_code == 422


def test_one_address_is_limited_across_accounts(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_IP_RATE_LIMIT="4/minute")
    with app.app_context():
        client = app.test_client()
        codes = [login(client, f"eleve.{n}", "y" * 12).status_code for n in range(5)]
        assert codes == [422, 422, 422, 422, 429]


def test_reset_requests_and_password_changes_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2/minute")
    with app.app_context():
        user = f.user(Role.COMPANY)
        db.session.commit()
        client = app.test_client()
        codes = [client.post("/mot-de-passe/oubli", data={"email": user.email}).status_code
                 for _ in range(3)]
        assert codes == [303, 303, 429]
        assert count(OutboxMessage) == 2

        assert login(client, user.email).status_code == 303
        wrong = {"current_password": "devine-devine", "password": NEW_PASSWORD,
                 "password_confirm": NEW_PASSWORD}
        codes = [client.post("/mot-de-passe", data=wrong).status_code for _ in range(3)]
        assert codes == [422, 422, 429]


@pytest.mark.parametrize(
    ("next_url", "local"),
    [
        ("/mot-de-passe", True),
        ("https://pirate.example/", False),
        ("//pirate.example/", False),
        ("/\\pirate.example", False),
        ("mot-de-passe", False),
    ],
)
def test_next_only_leads_to_a_local_path(app, client, next_url, local):
    user = f.user(Role.STAFF)
    db.session.commit()
    response = client.post("/connexion", query_string={"next": next_url},
                           data={"identifier": user.email, "password": f.PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == (next_url if local else home_path(app, Role.STAFF))


def test_anonymous_user_is_sent_to_login_then_back(client):
    user = f.user(Role.TEACHER)
    db.session.commit()
    response = client.get("/mot-de-passe")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/mot-de-passe"
    html = page(client.get(response.headers["Location"]))
    assert 'action="/connexion?next=/mot-de-passe"' in html
    back = client.post("/connexion?next=/mot-de-passe",
                       data={"identifier": user.email, "password": f.PASSWORD})
    assert back.headers["Location"] == "/mot-de-passe"


def test_login_renews_the_session(client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:1:")


def test_login_upgrades_a_weak_hash(client):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(f.PASSWORD)
    user = f.user(Role.COMPANY)
    user.password_hash = weak
    db.session.commit()

    assert login(client, user.email).status_code == 303
    db.session.refresh(user)
    assert user.password_hash != weak and "m=65536" in user.password_hash


def test_temporary_password_must_be_changed_first(client):
    user = f.user(Role.PUPIL, username="tom.petit")
    user.must_change_password = True
    db.session.commit()

    response = login(client, "tom.petit")
    assert response.status_code == 303 and response.headers["Location"] == "/mot-de-passe"
    form = page(client.get("/mot-de-passe"))
    assert "Ton mot de passe est provisoire" in form  # a pupil: « tu »
    assert 'name="current_password"' not in form  # the temporary one was just typed

    changed = client.post("/mot-de-passe", data={"password": NEW_PASSWORD,
                                                 "password_confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    db.session.refresh(user)
    assert not user.must_change_password and user.session_version == 2


# Password change ---------------------------------------------------------------------------


def test_password_change_ends_every_other_session(app):
    user = f.user(Role.TEACHER)
    db.session.commit()
    laptop, phone = app.test_client(), app.test_client()
    assert login(laptop, user.email).status_code == 303
    assert login(phone, user.email).status_code == 303
    assert is_logged_in(phone)

    response = laptop.post("/mot-de-passe", data={
        "current_password": f.PASSWORD, "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    })

    assert response.status_code == 303
    assert is_logged_in(laptop)  # the session that changed it goes on
    assert not is_logged_in(phone)  # every other one is over
    db.session.refresh(user)
    assert user.session_version == 2 and user.password_hash.startswith("$argon2id$")
    assert login(phone, user.email).status_code == 422  # the old password is dead
    assert login(phone, user.email, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "pas-le-bon-mot", "password": NEW_PASSWORD,
          "password_confirm": NEW_PASSWORD}, "Le mot de passe actuel est incorrect"),
        ({"current_password": f.PASSWORD, "password": f.PASSWORD,
          "password_confirm": f.PASSWORD}, "différent de l&#39;actuel"),
        ({"current_password": f.PASSWORD, "password": "court", "password_confirm": "court"},
         "au moins 10 caractères"),
        ({"current_password": f.PASSWORD, "password": NEW_PASSWORD,
          "password_confirm": "autre"}, "ne sont pas identiques"),
    ],
)
def test_password_change_refuses_bad_input(client, data, message):
    user = f.user(Role.COMPANY)
    db.session.commit()
    login(client, user.email)
    old_hash = user.password_hash

    response = client.post("/mot-de-passe", data=data)

    assert response.status_code == 422 and message in page(response)
    db.session.refresh(user)
    assert user.password_hash == old_hash and user.session_version == 1


# Password reset ----------------------------------------------------------------------------

RESET_LINK = re.compile(r"http://127\.0\.0\.1:5000(/mot-de-passe/reinitialiser/\S+)")


def request_reset(client, email):
    return client.post("/mot-de-passe/oubli", data={"email": email}, follow_redirects=True)


def test_reset_flow_through_the_emailed_link(client):
    user = f.user(Role.COMPANY, email="camille@exemple.fr")
    db.session.commit()

    answer = request_reset(client, "Camille@exemple.fr")

    assert answer.status_code == 200 and "Si un compte correspond à cette adresse" in page(answer)
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "camille@exemple.fr"
    link = RESET_LINK.search(message.body).group(1)

    form = client.get(link)
    assert form.status_code == 200 and "Choisir un nouveau mot de passe" in page(form)
    assert form.headers["Cache-Control"] == "no-store"
    done = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/connexion"

    assert login(client, user.email).status_code == 422
    assert login(client, user.email, NEW_PASSWORD).status_code == 303

    again = client.get(link)  # the password changed: the link is dead
    assert again.status_code == 400 and "Ce lien n'est plus valable" in page(again)
    reuse = client.post(link, data={"password": "Encore-Autre-88-Mot", "password_confirm":
                                    "Encore-Autre-88-Mot"})
    assert reuse.status_code == 400
    db.session.refresh(user)
    assert user.session_version == 2


def test_reset_request_answers_the_same_for_an_unknown_address(client):
    f.user(Role.COMPANY, email="camille@exemple.fr")
    db.session.commit()

    known = request_reset(client, "camille@exemple.fr")
    unknown = request_reset(client, "personne@exemple.fr")

    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(page(known), "camille@exemple.fr") == _without_tokens(
        page(unknown), "personne@exemple.fr"
    )
    assert count(OutboxMessage) == 1


def test_reset_request_refuses_a_malformed_address(client):
    response = client.post("/mot-de-passe/oubli", data={"email": "pas-une-adresse"})
    assert response.status_code == 422 and "Saisissez une adresse e-mail valide" in page(response)
    assert count(OutboxMessage) == 0


def test_reset_link_uses_the_configured_address_not_the_host_header(make_app):
    # Without CSRF here: the session cookie of the test client is not sent to another host.
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        f.user(Role.COMPANY, email="camille@exemple.fr")
        db.session.commit()
        response = app.test_client().post("/mot-de-passe/oubli",
                                          data={"email": "camille@exemple.fr"},
                                          headers={"Host": "pirate.example"})
        assert response.status_code == 303
        body = db.session.scalar(select(OutboxMessage)).body
        assert "pirate.example" not in body and RESET_LINK.search(body)


def test_expired_or_forged_reset_tokens_are_refused(client, app):
    user = f.user(Role.COMPANY)
    db.session.commit()
    secret = app.config["SECRET_KEY"]
    with time_machine.travel(datetime.now(UTC) - timedelta(seconds=3601), tick=False):
        expired = services.reset_token(user, secret)
    forged = services.reset_token(user, "another-secret")

    for token in (expired, forged, "n-importe-quoi"):
        response = client.get(f"/mot-de-passe/reinitialiser/{token}")
        assert response.status_code == 400
        assert "Ce lien n'est plus valable" in page(response)
        assert client.post(f"/mot-de-passe/reinitialiser/{token}", data={
            "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 400
    fresh = services.reset_token(user, secret)
    assert client.get(f"/mot-de-passe/reinitialiser/{fresh}").status_code == 200


# CSRF --------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(client):
    user = f.user(Role.STAFF)
    db.session.commit()
    response = client.post("/connexion", data={"identifier": user.email,
                                               "password": f.PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "jeton de sécurité manquant" in page(response)
    refused = client.post("/inscription/entreprise", data=company_form(), csrf=False)
    assert refused.status_code == 400 and count(Company) == 0
    assert not is_logged_in(client)


def test_htmx_post_without_csrf_token_is_refused(client):
    response = client.post("/inscription/entreprise", data=company_form(), csrf=False,
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers.get("HX-Refresh") == "true"
    assert count(Company) == 0 and count(User) == 0


def test_logout_without_csrf_token_is_refused(client):
    user = f.user(Role.COMPANY)
    db.session.commit()
    login(client, user.email)
    assert client.post("/deconnexion", csrf=False).status_code == 400
    assert is_logged_in(client)


# Menu --------------------------------------------------------------------------------------


def main_menu(response) -> str:
    html = page(response)
    return html[html.index('aria-label="Menu principal"'):html.index("</nav>")]


def test_menu_follows_the_login_state(client):
    anonymous = main_menu(client.get("/"))
    assert 'href="/connexion"' in anonymous and 'href="/inscription/entreprise"' in anonymous
    assert 'href="/inscription/professeur"' in anonymous
    user = f.user(Role.TEACHER, first_name="Nadia")
    db.session.commit()
    login(client, user.email)
    menu = main_menu(client.get("/"))
    assert 'action="/deconnexion"' in menu and "Se déconnecter (Nadia)" in menu
    assert 'href="/mot-de-passe"' in menu and 'href="/inscription/entreprise"' not in menu


# Staff accounts ----------------------------------------------------------------------------


def test_create_staff_with_password_option(runner):
    result = runner.invoke(args=[
        "users", "create-staff", "--email", "Alex.Morel@Seine-et-Marne.fr",
        "--first-name", "Alex", "--last-name", "Morel", "--password", NEW_PASSWORD,
    ])

    assert result.exit_code == 0, result.output
    assert "Compte staff créé : alex.morel@seine-et-marne.fr" in result.output
    staff = db.session.scalar(select(User))
    assert staff.role == Role.STAFF and staff.password_hash.startswith("$argon2id$")
    assert staff.company_id is None and staff.school_id is None


def test_create_staff_asks_the_password_twice_without_echo(runner, client):
    result = runner.invoke(
        args=["users", "create-staff", "--email", "alex@seine-et-marne.fr",
              "--first-name", "Alex", "--last-name", "Morel"],
        input=f"{NEW_PASSWORD}\nautre chose\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden input
    assert login(client, "alex@seine-et-marne.fr", NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("pas-une-adresse", NEW_PASSWORD, "Adresse e-mail invalide"),
        ("alex@seine-et-marne.fr", "court", "au moins 10 caractères"),
        ("existe@seine-et-marne.fr", NEW_PASSWORD, "Un compte existe déjà"),
    ],
)
def test_create_staff_refuses_bad_input(runner, email, password, message):
    f.user(Role.STAFF, email="existe@seine-et-marne.fr")
    db.session.commit()
    result = runner.invoke(args=["users", "create-staff", "--email", email, "--first-name",
                                 "Alex", "--last-name", "Morel", "--password", password])
    assert result.exit_code == 1 and message in result.output
    assert count(User) == 1


def test_a_role_sent_with_the_registration_is_ignored(client):
    client.post("/inscription/entreprise", data={**company_form(), "role": "staff"})
    assert [u.role for u in db.session.scalars(select(User))] == [Role.COMPANY]
