"""Pupil accounts: one by one, generated usernames and temporary passwords, the login slips PDF
(the only place the passwords appear), first login, reset, move and removal."""

import html
import io
import re
from datetime import UTC, date, datetime

import pypdf
import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.auth.passwords import verify_password
from capindustrie.classes import services
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    LoginSlipBatch,
    OfferStatus,
    OutboxMessage,
    Period,
    Placement,
    Pupil,
    Role,
    User,
)
from tests import factories
from tests.factories import login

PAYLOAD = re.compile(r'name="payload" type="hidden" value="([^"]+)"')
SLIPS_URL = re.compile(r'action="(/classes/\d+/fiches/\d+)"')
TEMPORARY_PASSWORD = re.compile(r"\b[a-z]+-[a-z]+-[a-z]+-[2-9]{2}\b")
USERNAME = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield




def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def payload_of(response) -> str:
    match = PAYLOAD.search(response.get_data(as_text=True))
    assert match, "no roster payload on the page"
    return match.group(1)


def slips_url_of(response) -> str:
    """The one-time download of the slips offered by an « accounts created » page."""
    [url] = SLIPS_URL.findall(response.get_data(as_text=True))
    return url


def download_slips(client, response) -> str:
    """The text of the slips PDF offered by an « accounts created » page."""
    return pdf_text(client.post(slips_url_of(response)))


def passwords_in(content: str) -> list[str]:
    return TEMPORARY_PASSWORD.findall(content)


def password_of(content: str, user: User) -> str:
    """The temporary password printed on the slips for `user` (the one its hash accepts)."""
    [password] = [p for p in passwords_in(content) if verify_password(user.password_hash, p)]
    return password


def pdf_text(response) -> str:
    assert response.status_code == 200, text(response)
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def add_pupil(client, klass, last="Durand", first="Léa", born=""):
    return client.post(f"/classes/{klass.id}/eleves/nouveau",
                       data={"last_name": last, "first_name": first, "birth_date": born})


def import_pupils(client, klass, csv_text: str):
    preview = client.post(
        f"/classes/{klass.id}/import",
        data={"roster": (io.BytesIO(csv_text.encode()), "classe.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, text(preview)
    return client.post(f"/classes/{klass.id}/import/confirmer",
                       data={"payload": payload_of(preview)})


def pupil_named(username: str) -> Pupil:
    return db.session.scalar(select(Pupil).join(User, User.id == Pupil.user_id)
                             .where(User.username == username))


# --- Usernames and temporary passwords -------------------------------------------------------


def test_usernames_are_ascii_lowercase_and_unique_across_the_platform(app):
    factories.user(Role.PUPIL, username="lea.durand")
    db.session.flush()
    people = [
        services.PupilDetails("Durand", "Léa"),
        services.PupilDetails("DURAND", "Lea"),
        services.PupilDetails("N'Diaye", "Zoë-Anaïs"),
        services.PupilDetails("Le  Goff", "Maël"),
        services.PupilDetails("Øster", "Ærwan"),
        services.PupilDetails("李", "小龙"),
    ]
    names = services.unique_usernames(people)
    assert names == ["lea.durand2", "lea.durand3", "zoe-anais.n-diaye", "mael.le-goff",
                     "aerwan.oster", "eleve"]
    assert len(set(names)) == len(names)
    assert all(USERNAME.fullmatch(n) and n.isascii() for n in names), names


def test_temporary_passwords_are_readable_long_enough_and_random():
    passwords = [services.temporary_password() for _ in range(200)]
    for password in passwords:
        assert re.fullmatch(r"[a-z]+-[a-z]+-[a-z]+-[2-9]{2}", password), password
        assert len(password) >= 12
        # Lower-case words and digits 2–9: no 0/O nor 1/l/I to confuse.
        assert not set(password) & set("01OI")
    assert len(set(passwords)) == len(passwords)


# --- Adding one pupil ------------------------------------------------------------------------


def test_add_one_pupil_creates_a_hashed_temporary_account(teacher_client, klass, app):
    form = teacher_client.get(f"/classes/{klass.id}/eleves/nouveau")
    assert "ne sert qu'à la remplir sur la convention de stage" in text(form)
    assert "âge" not in text(form) and "14 ans" not in text(form)

    response = add_pupil(teacher_client, klass, born="2012-03-14")

    assert response.status_code == 200
    page = text(response)
    assert "Télécharger les fiches de connexion (PDF)" in page and "lea.durand" in page
    pupil = pupil_named("lea.durand")
    assert pupil.class_id == klass.id and pupil.birth_date == date(2012, 3, 14)
    user = pupil.user
    assert user.role == Role.PUPIL and user.must_change_password and user.email is None
    assert user.password_hash.startswith("$argon2id$")
    password = password_of(download_slips(teacher_client, response), user)
    assert password not in page  # shown on the slip only


@pytest.mark.parametrize("data, field_message", [
    ({"last_name": "", "first_name": "Léa"}, "Indiquez le nom de l'élève."),
    ({"last_name": "Durand", "first_name": " "}, "Indiquez le prénom de l'élève."),
    ({"last_name": "Durand", "first_name": "Léa", "birth_date": "2027-01-01"},
     "Date de naissance dans le futur."),
    ({"last_name": "Durand", "first_name": "Léa", "birth_date": "2020-01-01"},
     "moins de 10 ans"),
    ({"last_name": "Durand", "first_name": "Léa", "birth_date": "14/03/2012x"},
     "Date invalide : écrivez-la JJ/MM/AAAA"),
    ({"last_name": "MARTIN", "first_name": "camille"},
     "MARTIN est déjà dans la classe « 3e B »"),
])
def test_add_pupil_refusals(teacher_client, klass, data, field_message):
    factories.pupil(klass, first_name="Camille", last_name="Martin")
    db.session.commit()
    response = teacher_client.post(f"/classes/{klass.id}/eleves/nouveau", data=data)
    assert response.status_code == 422
    assert field_message in text(response)
    assert db.session.scalar(select(func.count(Pupil.id))) == 1


# --- The slips PDF ---------------------------------------------------------------------------


def test_slips_pdf_holds_every_pupil_s_name_username_and_password(teacher_client, klass, app):
    created = import_pupils(teacher_client, klass,
                            "nom;prénom\nDurand;Léa\nBenali;Yanis\nDupré;Élodie\n")
    assert created.status_code == 200

    response = teacher_client.post(slips_url_of(created))

    content = pdf_text(response)
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="fiches-connexion-3e-b.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    pupils = db.session.scalars(select(Pupil)).all()
    assert len(pupils) == 3 and len(passwords_in(content)) == 3
    for pupil in pupils:
        password = password_of(content, pupil.user)
        for value in (pupil.user.first_name, pupil.user.last_name, pupil.user.username, password):
            assert value in content
    assert "http://127.0.0.1:5000/connexion" in content
    assert klass.school.name in content and "3e B" in content
    first_login = (
        "À ta première connexion, tu choisiras ton propre mot de passe (10 caractères au moins)."
    )
    assert content.count(first_login) == 3


def test_the_page_carries_nothing_that_decodes_into_a_password(teacher_client, klass, app):
    created = import_pupils(teacher_client, klass, "nom;prénom\nDurand;Léa\nBenali;Yanis\n")
    page = created.get_data(as_text=True)
    stored = db.session.scalar(select(LoginSlipBatch.sealed))
    passwords = passwords_in(download_slips(teacher_client, created))
    assert len(passwords) == 2
    # The only hidden fields are CSRF tokens (slips and logout forms); the download URL holds
    # only a row id.
    hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', page)
    assert hidden and all('name="csrf_token"' in field for field in hidden)
    for password in passwords:
        assert password not in page and password not in html.unescape(page)
        assert password.encode() not in stored  # encrypted at rest
    # Every long opaque value of the page (tokens) decoded: no password inside either.
    for token in re.findall(r"[A-Za-z0-9_.-]{20,}", page):
        for decoded in _decodings(token):
            assert not any(p.encode() in decoded for p in passwords)


def _decodings(token: str) -> list[bytes]:
    import base64
    import zlib

    found = []
    for part in token.split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found.append(raw)
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            pass
    return found


def test_slips_download_once(teacher_client, klass):
    created = add_pupil(teacher_client, klass)
    assert teacher_client.post(slips_url_of(created)).status_code == 200
    again = teacher_client.post(slips_url_of(created))
    assert again.status_code == 400 and again.mimetype == "text/html"
    assert "déjà été téléchargées" in text(again)
    assert db.session.scalar(select(func.count(LoginSlipBatch.id))) == 0


def test_slips_expire_after_fifteen_minutes(teacher_client, klass):
    first = add_pupil(teacher_client, klass)
    with time_machine.travel(datetime(2026, 11, 25, 9, 14, tzinfo=UTC)):
        assert teacher_client.post(slips_url_of(first)).status_code == 200
    late = add_pupil(teacher_client, klass, last="Benali", first="Yanis")
    with time_machine.travel(datetime(2026, 11, 25, 9, 16, tzinfo=UTC)):
        response = teacher_client.post(slips_url_of(late))
    assert response.status_code == 400
    assert "dans les 15 minutes" in text(response)
    assert db.session.scalar(select(func.count(LoginSlipBatch.id))) == 0


def test_slips_of_another_teacher_or_class_are_refused(teacher_client, klass, app, teacher):
    url = slips_url_of(add_pupil(teacher_client, klass))
    batch_id = url.rsplit("/", 1)[1]
    other_class = factories.school_class(teacher, name="3e C")
    stranger = factories.user(Role.TEACHER)
    stranger_class = factories.school_class(stranger, name="3e D")
    colleague = factories.user(Role.TEACHER)
    klass.teachers.append(colleague)
    db.session.commit()

    # Same teacher, another of their classes: the batch belongs to its class.
    assert teacher_client.post(f"/classes/{other_class.id}/fiches/{batch_id}").status_code == 400
    # A teacher who does not teach the pupils cannot print them.
    stranger_client = app.test_client()
    login(stranger_client, stranger)
    assert stranger_client.post(f"/classes/{stranger_class.id}/fiches/{batch_id}"
                                ).status_code == 400
    assert stranger_client.post(url).status_code == 404
    # Nor can a colleague of the class: only the teacher who made the passwords.
    colleague_client = app.test_client()
    login(colleague_client, colleague)
    assert colleague_client.post(url).status_code == 400
    # None of these tries used the batch up.
    assert "Léa" in pdf_text(teacher_client.post(url))


def test_slips_die_once_the_password_changes(teacher_client, klass):
    created = add_pupil(teacher_client, klass)
    pupil = pupil_named("lea.durand")
    services.reset_password(pupil)
    db.session.commit()
    response = teacher_client.post(slips_url_of(created))
    assert response.status_code == 400
    assert "plus valables" in text(response)


# --- First login -----------------------------------------------------------------------------


def test_first_login_forces_the_pupil_to_choose_a_password(teacher_client, klass, app):
    content = download_slips(teacher_client, add_pupil(teacher_client, klass))
    pupil_id = pupil_named("lea.durand").id
    temporary = password_of(content, pupil_named("lea.durand").user)
    pupil_client = app.test_client()

    response = pupil_client.post("/connexion",
                                 data={"identifier": "lea.durand", "password": temporary})
    assert response.status_code == 303
    assert response.headers["Location"] == "/mot-de-passe"
    # Nothing else is reachable before the new password.
    search = pupil_client.get("/recherche")
    assert search.status_code == 302 and search.headers["Location"] == "/mot-de-passe"
    page = pupil_client.get("/mot-de-passe")
    assert page.status_code == 200
    assert "Ton mot de passe est provisoire" in text(page)
    # Issue 17: the rules are stated before typing, not only after a refusal.
    assert "Ton mot de passe doit" in text(page) and "au moins 10 caractères" in text(page)
    assert "error-summary" not in page.get_data(as_text=True)
    assert 'name="current_password"' not in page.get_data(as_text=True)

    new_password = "Ma-Super-Fusee-2027"
    changed = pupil_client.post("/mot-de-passe",
                                data={"password": new_password, "password_confirm": new_password})
    assert changed.status_code == 303
    home = pupil_client.get(changed.headers["Location"])
    assert home.status_code == 200
    assert "Mot de passe" in text(home)
    user = db.session.get(Pupil, pupil_id).user
    db.session.refresh(user)
    assert not user.must_change_password
    assert verify_password(user.password_hash, new_password)
    assert not verify_password(user.password_hash, temporary)


# --- Reset, move, remove ---------------------------------------------------------------------


def test_reset_password_ends_the_pupil_s_sessions_and_gives_one_slip(teacher_client, klass, app):
    pupil = factories.pupil(klass)
    other = factories.pupil(klass, first_name="Yanis", last_name="Benali")
    db.session.commit()
    pupil_client = app.test_client()
    login(pupil_client, pupil.user)
    assert pupil_client.get("/recherche").status_code == 200

    confirm = teacher_client.get(f"/classes/eleves/{pupil.id}/mot-de-passe")
    assert confirm.status_code == 200 and "Léa Durand" in text(confirm)
    response = teacher_client.post(f"/classes/eleves/{pupil.id}/mot-de-passe")

    assert response.status_code == 200
    db.session.refresh(pupil.user)
    assert pupil.user.must_change_password and pupil.user.session_version == 2
    assert not verify_password(pupil.user.password_hash, factories.PASSWORD)
    ended = pupil_client.get("/recherche")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/connexion")
    content = download_slips(teacher_client, response)
    password_of(content, pupil.user)
    assert "Léa Durand" in content and other.user.username not in content


def test_renew_slips_for_pupils_who_never_logged_in(teacher_client, klass, app):
    import_pupils(teacher_client, klass, "nom;prénom\nDurand;Léa\nBenali;Yanis\n")
    settled = pupil_named("yanis.benali").user
    settled.must_change_password = False
    db.session.commit()

    page = teacher_client.get(f"/classes/{klass.id}/fiches/nouvelles")
    assert "Léa Durand" in text(page) and "Yanis Benali" not in text(page)
    assert "pour l'élève qui ne s'est pas encore connecté" in text(page)
    assert "les 1 élève" not in text(page)
    response = teacher_client.post(f"/classes/{klass.id}/fiches/nouvelles")

    content = download_slips(teacher_client, response)
    assert len(passwords_in(content)) == 1
    password_of(content, pupil_named("lea.durand").user)


def test_move_pupil_to_another_of_the_teacher_s_classes(teacher_client, klass, teacher):
    pupil = factories.pupil(klass)
    target = factories.school_class(teacher, name="3e C")
    factories.school_class(teacher, name="3e Z")  # another school year: not offered
    later = db.session.scalar(select(type(klass)).where(type(klass).name == "3e Z"))
    later.school_year = 2027
    stranger = factories.user(Role.TEACHER)
    foreign = factories.school_class(stranger, name="3e D")
    db.session.commit()

    page = teacher_client.get(f"/classes/eleves/{pupil.id}/classe")
    assert "3e C (2026-2027)" in text(page) and "3e Z" not in text(page)
    for refused in (foreign.id, later.id, klass.id):
        response = teacher_client.post(f"/classes/eleves/{pupil.id}/classe",
                                       data={"target": refused})
        assert response.status_code == 422
    db.session.refresh(pupil)
    assert pupil.class_id == klass.id

    response = teacher_client.post(f"/classes/eleves/{pupil.id}/classe", data={"target": target.id})
    assert response.status_code == 303
    db.session.refresh(pupil)
    assert pupil.class_id == target.id


def test_move_refuses_a_namesake_in_the_target_class(teacher_client, klass, teacher):
    pupil = factories.pupil(klass)
    target = factories.school_class(teacher, name="3e C")
    factories.pupil(target, first_name="LEA", last_name="durand")
    db.session.commit()
    response = teacher_client.post(f"/classes/eleves/{pupil.id}/classe", data={"target": target.id})
    assert response.status_code == 422
    assert "Léa Durand est déjà dans la classe « 3e C »" in text(response)


def _application(pupil, status, offer=None):
    offer = offer or factories.complete_offer(status=OfferStatus.PUBLISHED)
    period = offer.periods[0]
    application = Application(pupil=pupil, period=period, status=status, message="Bonjour")
    db.session.add(application)
    if status in (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
                  ApplicationStatus.VALIDATED):
        period.seats_taken += 1
    db.session.flush()
    db.session.add(ApplicationTransition(application=application, actor_id=pupil.user_id,
                                         from_status=None, to_status=ApplicationStatus.SUBMITTED))
    return application


def test_remove_pupil_deletes_the_account_and_frees_the_seats(teacher_client, klass):
    pupil = factories.pupil(klass)
    keeper = factories.pupil(klass, first_name="Yanis", last_name="Benali")
    offer = factories.complete_offer(status=OfferStatus.PUBLISHED)
    factories.user(Role.COMPANY, company_obj=offer.company, email="rh@usine.example")
    accepted = _application(pupil, ApplicationStatus.ACCEPTED, offer)
    _application(pupil, ApplicationStatus.SUBMITTED)
    confirmed = _application(pupil, ApplicationStatus.CONFIRMED)
    kept = _application(keeper, ApplicationStatus.SUBMITTED, offer)
    db.session.commit()
    user_id, period_ids = pupil.user_id, (accepted.period_id, confirmed.period_id)

    page = teacher_client.get(f"/classes/eleves/{pupil.id}/supprimer")
    assert page.status_code == 200 and "Supprimer définitivement le compte" in text(page)
    response = teacher_client.post(f"/classes/eleves/{pupil.id}/supprimer")

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(select(func.count(Pupil.id))) == 1
    assert db.session.scalars(select(Application.id)).all() == [kept.id]
    assert all(db.session.get(Period, pid).seats_taken == 0 for pid in period_ids)
    assert db.session.scalar(select(func.count(ApplicationTransition.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.to_address == "rh@usine.example")) >= 1


def test_pupil_with_a_validated_placement_cannot_be_removed(teacher_client, klass):
    pupil = factories.pupil(klass)
    application = _application(pupil, ApplicationStatus.VALIDATED)
    db.session.add(Placement(application=application, pupil=pupil, period=application.period))
    db.session.commit()

    page = teacher_client.get(f"/classes/eleves/{pupil.id}/supprimer")
    assert "a un stage validé" in text(page)
    response = teacher_client.post(f"/classes/eleves/{pupil.id}/supprimer")

    assert response.status_code == 422
    assert "31 juillet" in text(response)
    db.session.expire_all()
    assert db.session.get(Pupil, pupil.id) is not None
    assert db.session.scalar(select(func.count(Placement.id))) == 1
