"""The convention PDF of a validated placement: its content (read back with pypdf), its headers,
and the three people who may download it."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Placement, Role
from capindustrie.placements.services import format_siret
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import application_in, published_period


@pytest.fixture
def teacher():
    return f.user(Role.TEACHER, first_name="Anne", last_name="Lefèvre")


@pytest.fixture
def klass(teacher):
    return f.school_class(teacher, name="3e B")


@pytest.fixture
def company_user():
    company = f.company("Mécanique de la Brie")
    company.address = "12 avenue de la Gare"
    company.postcode = "77000"
    return f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)


@pytest.fixture
def placement(klass, company_user):
    pupil = f.pupil(klass, "Léa", "Durand", birth_date=date(2012, 5, 3))
    application_in(pupil, published_period(company_user.company), S.VALIDATED)
    db.session.commit()
    return db.session.scalar(select(Placement))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def download(client, user, placement_id: int):
    login(client, user)
    return client.get(f"/stages/{placement_id}/convention.pdf")


def test_the_convention_is_prefilled(client, teacher, company_user, placement):
    response = download(client, teacher, placement.id)

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    company = company_user.company
    school = klass_school = placement.pupil.school_class.school
    for expected in [
        "Convention relative à l'organisation de la séquence d'observation en milieu "
        "professionnel",
        # the pupil, their class and birth date
        "Léa", "Durand", "3e B", "3 mai 2012",
        # the company, its SIRET as printed on a Kbis, its address
        "Mécanique de la Brie", format_siret(company.siret), "12 avenue de la Gare, 77000",
        # the school and the referent teacher (the one who validated)
        school.name, f"UAI {school.uai}", klass_school.postcode, "Anne Lefèvre",
        "Le chef d'établissement",
        # tutor, site, dates and schedule
        "Sam Leroy, Technicien", "tuteur@exemple.fr", "01 23 45 67 89",
        "1 rue de l'Industrie",
        "du lundi 11 janvier 2027 au vendredi 15 janvier 2027",
        "de 09 h 00 à 16 h 30, pause de 12 h 00 à 13 h 00",
        # the program, day by day
        "Jour 1 — Jour 1", "Jour 5 — Jour 5", "Observation de l'atelier.",
        # observation only, safety, status, insurance, accidents, pay, hours
        "L'entreprise s'engage à accueillir l'élève en stage d'observation uniquement",
        "D. 4153-15 à D. 4153-37",
        "sous l'autorité et la responsabilité du chef d'établissement",
        "responsabilité civile", "La déclaration d'accident est faite par le chef d'établissement",
        "aucune rémunération", "7 heures par jour et 35 heures par semaine",
        # signatures; the legal representatives are not known to the platform
        "Le représentant de l'entreprise", "Le ou les représentants légaux",
        "Nom : Léa Durand",
        "Page 1 sur",
    ]:
        assert expected in text, expected


def test_the_siret_is_grouped_as_on_a_kbis():
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert format_siret("123") == "123"


def test_headers_make_it_a_private_download(client, teacher, placement):
    response = download(client, teacher, placement.id)

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="convention-{placement.id}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unknown_birth_date_is_left_blank(client, teacher, klass, company_user):
    application_in(f.pupil(klass, "Noé", "Petit"), published_period(company_user.company),
                   S.VALIDATED)
    db.session.commit()
    placement = db.session.scalar(select(Placement))

    text = pdf_text(download(client, teacher, placement.id).data)

    assert "Date de naissance / /" in text
    assert "Noé" in text


def test_a_seconde_fortnight_cites_its_own_texts(client, company_user):
    # The 2nde sequence is for a lycée général et technologique's classes.
    teacher = f.user(Role.TEACHER, school_obj=f.school("0772908T"))
    klass = f.school_class(teacher, level="2nde", name="2nde 4")
    offer = f.complete_offer(company_user.company, status="published", levels=("2nde",),
                             periods=((date(2027, 6, 14), date(2027, 6, 25), 2),))
    application_in(f.pupil(klass, "Inès", "Moreau"), offer.periods[0], S.VALIDATED)
    db.session.commit()
    placement = db.session.scalar(select(Placement))

    text = pdf_text(download(client, teacher, placement.id).data)

    assert "D. 333-3-1" in text and "D. 332-14" not in text
    assert "Jour 10 — Jour 10" in text
    assert "du lundi 14 juin 2027 au vendredi 25 juin 2027" in text


# --- Who may download it -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "second_teacher", "company_user", "colleague",
                                 "pupil"])
def test_teacher_company_and_pupil_download_it(client, teacher, klass, company_user, placement,
                                               who):
    user = {
        "teacher": lambda: teacher,
        "second_teacher": lambda: _second_teacher(klass),
        "company_user": lambda: company_user,
        "colleague": lambda: f.user(Role.COMPANY, company_obj=company_user.company),
        "pupil": lambda: placement.pupil.user,
    }[who]()

    response = download(client, user, placement.id)

    assert response.status_code == 200
    assert "Léa" in pdf_text(response.data)


def _second_teacher(klass):
    colleague = f.user(Role.TEACHER)
    klass.teachers.append(colleague)
    return colleague


@pytest.mark.parametrize("who", ["other_pupil", "classmate", "other_company", "other_teacher"])
def test_anyone_else_gets_not_found(client, klass, placement, who):
    user = {
        "other_pupil": lambda: f.pupil(f.school_class(f.user(Role.TEACHER), name="3e Z")).user,
        "classmate": lambda: f.pupil(klass, "Tom", "Voisin").user,
        "other_company": lambda: f.user(Role.COMPANY),
        "other_teacher": lambda: f.user(Role.TEACHER),
    }[who]()

    assert download(client, user, placement.id).status_code == 404


def test_staff_is_refused_and_anonymous_sent_to_login(client, placement):
    assert client.get(f"/stages/{placement.id}/convention.pdf").status_code == 302
    assert download(client, f.user(Role.STAFF), placement.id).status_code == 403


def test_an_unknown_placement_is_not_found(client, teacher):
    assert download(client, teacher, 999999).status_code == 404


# --- Links to it ---------------------------------------------------------------------------------


def test_the_class_dashboard_links_to_it(client, teacher, klass, placement):
    login(client, teacher)
    html = client.get(f"/classes/{klass.id}/suivi").get_data(as_text=True)

    assert f'href="/stages/{placement.id}/convention.pdf"' in html
    pupil_page = client.get(
        f"/classes/{klass.id}/eleves/{placement.pupil_id}/candidatures"
    ).get_data(as_text=True)
    assert f'href="/stages/{placement.id}/convention.pdf"' in pupil_page


def test_the_pupils_and_the_companys_pages_link_to_it(client, company_user, placement):
    url = f'href="/stages/{placement.id}/convention.pdf"'
    login(client, placement.pupil.user)
    assert url in client.get("/candidatures").get_data(as_text=True)
    assert url in client.get(f"/candidatures/{placement.application_id}").get_data(as_text=True)

    company_client = client.application.test_client()
    login(company_client, company_user)
    assert url in company_client.get("/entreprise/candidatures").get_data(as_text=True)


def test_no_link_before_validation(client, klass, company_user):
    application = application_in(f.pupil(klass), published_period(company_user.company),
                                 S.CONFIRMED)
    login(client, application.pupil.user)
    html = client.get("/candidatures").get_data(as_text=True)

    assert "Choisie — en attente du professeur" in html
    assert "convention.pdf" not in html
