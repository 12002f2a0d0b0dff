"""« Tu » for pupils, « vous » for adults in the first-login and password-change flow (issue 17,
point 4): each reader goes through it with the real login form and reads their own words."""

import html

import pytest

from capindustrie.extensions import db
from capindustrie.models import Role
from capindustrie.voice import Wording, is_pupil
from tests import factories as f

NEW_PASSWORD = "Verger-Lune-47-Perceuse"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def sign_in(client, identifier):
    return client.post("/connexion", data={"identifier": identifier, "password": f.PASSWORD})


def first_login(client, role):
    if role == Role.PUPIL:
        user = f.user(Role.PUPIL, username="tom.petit", first_name="Tom", last_name="Petit")
    else:
        user = f.user(Role.TEACHER, first_name="Alice", last_name="Moreau")
    user.must_change_password = True
    db.session.commit()
    response = sign_in(client, user.username or user.email)
    assert response.status_code == 303 and response.headers["Location"] == "/mot-de-passe"
    return user


PUPIL_FIRST_LOGIN = [
    "Choisis ton mot de passe personnel pour continuer.",  # the flash after login
    "Choisis ton mot de passe",
    "Ton mot de passe est provisoire : choisis ton mot de passe personnel pour continuer.",
    "Ton mot de passe doit :",
    "ne pas contenir ton prénom, ton nom, ton identifiant ni le nom du service.",
    "Le changement ferme tes sessions ouvertes sur les autres appareils.",
    "Confirme le mot de passe",
]
TEACHER_FIRST_LOGIN = [
    "Choisissez votre mot de passe personnel pour continuer.",
    "Choisissez votre mot de passe",
    "Votre mot de passe est provisoire : choisissez votre mot de passe personnel pour continuer.",
    "Votre mot de passe doit :",
    "ne pas contenir votre prénom, votre nom, votre e-mail ni le nom du service.",
    "Le changement ferme vos sessions ouvertes sur les autres appareils.",
    "Confirmez le mot de passe",
]


@pytest.mark.parametrize(
    ("role", "expected", "foreign"),
    [
        (Role.PUPIL, PUPIL_FIRST_LOGIN, ["votre", "Choisissez", "Confirmez", "vos sessions"]),
        (Role.TEACHER, TEACHER_FIRST_LOGIN, ["Choisis ton", "Ton mot de passe", "tes sessions"]),
    ],
)
def test_first_login_page_speaks_to_its_reader(client, role, expected, foreign):
    first_login(client, role)

    page = text(client.get("/mot-de-passe"))

    for sentence in expected:
        assert sentence in page
    main = page.split("<main", 1)[1]
    for word in foreign:
        assert word not in main


@pytest.mark.parametrize(
    ("role", "too_short", "missing", "changed"),
    [
        (
            Role.PUPIL,
            "Le mot de passe doit contenir au moins 10 caractères.",
            "Indique à nouveau le mot de passe.",
            "Ton mot de passe est modifié. Tes autres sessions ont été fermées.",
        ),
        (
            Role.TEACHER,
            "Le mot de passe doit contenir au moins 10 caractères.",
            "Indiquez à nouveau le mot de passe.",
            "Votre mot de passe est modifié. Vos autres sessions ont été fermées.",
        ),
    ],
)
def test_first_login_refusal_then_success_in_the_readers_words(
    client, role, too_short, missing, changed
):
    user = first_login(client, role)

    refused = client.post("/mot-de-passe", data={"password": "court", "password_confirm": ""})

    assert refused.status_code == 422
    page = text(refused)
    assert too_short in page and missing in page
    db.session.refresh(user)
    assert user.must_change_password

    done = client.post(
        "/mot-de-passe", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert done.status_code == 303
    assert changed in text(client.get(done.headers["Location"]))


@pytest.mark.parametrize(
    ("role", "messages"),
    [
        (
            Role.PUPIL,
            [
                "Indique ton mot de passe actuel.",
                "Ce mot de passe est trop courant ou trop simple : choisis-en un autre.",
            ],
        ),
        (
            Role.TEACHER,
            [
                "Indiquez votre mot de passe actuel.",
                "Ce mot de passe est trop courant ou trop simple : choisissez-en un autre.",
            ],
        ),
    ],
)
def test_change_password_refusals_in_the_readers_words(client, role, messages):
    user = f.user(role, first_name="Tom", last_name="Petit")
    db.session.commit()
    f.login(client, user)

    response = client.post(
        "/mot-de-passe",
        data={"current_password": "", "password": "azertyuiop", "password_confirm": "azertyuiop"},
    )

    assert response.status_code == 422
    page = text(response)
    for message in messages:
        assert message in page


def test_own_name_in_the_password_is_refused_in_the_readers_words(client):
    pupil = f.user(Role.PUPIL, first_name="Tom", last_name="Petitjean")
    db.session.commit()
    f.login(client, pupil)

    response = client.post(
        "/mot-de-passe",
        data={
            "current_password": f.PASSWORD,
            "password": "petitjean-2026-velo",
            "password_confirm": "petitjean-2026-velo",
        },
    )

    assert response.status_code == 422
    assert (
        "Le mot de passe ne doit pas contenir le nom du service, ton prénom, ton nom ni ton "
        "identifiant." in text(response)
    )


def test_pages_before_sign_in_keep_vous(client):
    """Login and reset request: nobody is signed in yet, the page says « vous »."""
    login_page = text(client.post("/connexion", data={"identifier": "", "password": ""}))
    assert "Indiquez votre mot de passe." in login_page
    reset_page = text(client.post("/mot-de-passe/oubli", data={"email": ""}))
    assert "Indiquez votre adresse e-mail." in reset_page


def test_close_account_password_message_follows_the_reader(client):
    teacher = f.user(Role.TEACHER)
    db.session.commit()
    f.login(client, teacher)

    response = client.post(
        "/mes-donnees/fermer-mon-compte", data={"understood": "y", "password": ""}
    )

    assert response.status_code == 422
    assert "Saisissez votre mot de passe pour confirmer." in text(response)


def test_wording_picks_tu_only_for_a_signed_in_pupil(app):
    wording = Wording("Choisis", "Choisissez")
    pupil, teacher = f.user(Role.PUPIL), f.user(Role.TEACHER)
    assert is_pupil(pupil) and not is_pupil(teacher) and not is_pupil(None)
    assert wording.to(pupil) == "Choisis"
    assert wording.to(teacher) == wording.to(None) == "Choisissez"
