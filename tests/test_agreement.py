"""The convention PDF, printed from a frozen version: every field and clause of the national
model read back with pypdf (3e, 2nde, an offer open to both levels), the same bytes at every
download whatever is edited afterwards, and who may download it."""

from datetime import date, time

import pytest
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import AgreementVersion, Placement, Role
from capindustrie.placements.services import format_siret
from tests import factories as f
from tests.convention_helpers import complete, issue, pdf_text
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
    return f.user(
        Role.COMPANY,
        email="atelier@exemple.fr",
        company_obj=company,
        first_name="Hugo",
        last_name="Bernard",
    )


def validated(klass, period, first_name="Léa", last_name="Durand") -> Placement:
    pupil = f.pupil(klass, first_name, last_name, birth_date=date(2012, 5, 3))
    application = application_in(pupil, period, S.VALIDATED)
    db.session.commit()
    return db.session.scalar(select(Placement).where(Placement.application_id == application.id))


@pytest.fixture
def placement(klass, company_user):
    period = published_period(company_user.company)
    period.offer.meals = "Restaurant d'entreprise, repas à 3,50 €"
    period.offer.transport_access = "Bus ligne 10, arrêt Zone industrielle"
    placement = validated(klass, period)
    complete(placement)
    issue(placement)
    return placement


def download(client, user, placement_id: int, version=None):
    login(client, user)
    query = f"?version={version}" if version else ""
    return client.get(f"/stages/{placement_id}/convention.pdf{query}")


def test_every_field_and_clause_of_the_national_model(client, teacher, company_user, placement):
    response = download(client, teacher, placement.id)

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    school = placement.pupil.school_class.school
    version = db.session.scalar(select(AgreementVersion))
    expected = [
        # number, version, hash
        "Convention n° CI-2026-",
        "version 1",
        version.content_hash,
        # visas: exact circulaire title and NOR, the codes, the board's deliberation
        "Convention relative à l'organisation de la séquence d'observation en milieu "
        "professionnel des élèves de collège",
        "Code du travail, notamment son article L. 4153-1",
        "L. 124-1",
        "D. 331-1 à D. 331-9",
        "D. 332-14",
        "circulaire du 12 juillet 2024 « Séquences d'observation, visites d'information et "
        "stages pour les élèves de collège » (NOR MENE2407449C)",
        "délibération du conseil d'administration en date du 22 septembre 2026",
        # school: status, address, phone, e-mail, head, referent with phone
        school.name,
        school.uai,
        "établissement public local d'enseignement",
        school.postcode,
        "01 64 00 00 01",
        "ce.0770002j@ac-creteil.fr",
        "Claire Morel, chef d'établissement",
        "Anne Lefèvre",
        "06 11 22 33 44",
        # host: SIRET, address, representative prefilled from the account, tutor, site
        "Mécanique de la Brie",
        format_siret(company_user.company.siret),
        "12 avenue de la Gare, 77000",
        "Hugo Bernard, Directeur du site",
        "atelier@exemple.fr · 01 60 00 00 02",
        "Sam Leroy, Technicien",
        "tuteur@exemple.fr · 01 23 45 67 89",
        "1 rue de l'Industrie",
        # pupil: class, school year, birth date, two legal representatives, PAI, insurance
        "Durand",
        "Léa",
        "3e B (3e), année scolaire 2026-2027",
        "3 mai 2012",
        "Représentant légal 1 Nadia Durand · nadia.durand@exemple.fr · 06 12 34 56 78",
        "Représentant légal 2 Marc Durand · marc.durand@exemple.fr · 06 98 76 54 32",
        "PAI non",
        "attestation d'assurance responsabilité civile remise à l'établissement",
        # dates, place, hours
        "du lundi 11 janvier 2027 au vendredi 15 janvier 2027 (5 jours de présence)",
        "de 09 h 00 à 16 h 30, pause déjeuner de 12 h 00 à 13 h 00",
        "Jours fériés aucun",
        # the nine articles
        "Article 1 — Objet",
        "Article 2 — Annexes",
        "Article 3 — Organisation",
        "Article 4 — Statut de l'élève",
        "sous l'autorité et la responsabilité du chef d'établissement",
        "aucune rémunération",
        "Article 5 — Observation uniquement",
        "D. 331-8",
        "D. 4153-15 à D. 4153-37",
        "machines, produits ou appareils de production",
        "travaux légers",
        "7 heures par jour et 35 heures par semaine",
        "30 minutes consécutives",
        "14 heures consécutives s'il a moins de 16 ans (12 heures à partir de 16 ans)",
        "deux jours consécutifs de repos hebdomadaire",
        "entre 20 heures et 6 heures s'il a moins de 16 ans, entre 22 heures et 6 heures",
        "Il n'est pas présent les jours fériés",
        "la trousse d'urgence",
        "Article 6 — Assurances",
        "responsabilité civile entreprise",
        "assurance responsabilité civile couvrant l'élève pendant la séquence et en remet "
        "l'attestation",
        "Article 7 — Accident",
        "alerte sans délai le chef d'établissement par tout moyen",
        "dans la journée où l'accident s'est produit",
        "Article 8 — Difficultés",
        "Toute absence de l'élève est signalée sans délai",
        "violences sexistes et sexuelles",
        "désigne les personnes à contacter",
        "Article 9 — Durée",
        "5 jours, consécutifs ou non",
        # the annexes, before the signatures
        "Annexe pédagogique",
        "Découvrir l'environnement technologique, économique et professionnel",
        "Jour 1 — Jour 1",
        "Jour 5 — Jour 5",
        "Compétences visées",
        "Préparation et exploitation",
        "Concertation entre le tuteur et le professeur référent",
        "Annexe financière",
        "Hébergement : sans objet",
        "Restauration : Restaurant d'entreprise, repas à 3,50 €.",
        "conditions du personnel",
        "Transport : Bus ligne 10, arrêt Zone industrielle.",
        "trajet habituel entre le domicile et l'établissement",
        "Assurance : voir l'article 6",
        # every signatory
        "Le chef d'établissement Nom : Claire Morel",
        "Le représentant de l'organisme d'accueil Nom : Hugo Bernard, Directeur du site",
        "Nom : Léa Durand",
        "Nom : Nadia Durand",
        "Nom : Marc Durand",
        "Le professeur référent Nom : Anne Lefèvre",
        "Le tuteur, référent de l'élève dans l'organisme d'accueil Nom : Sam Leroy",
        "Page 1 sur",
    ]
    for fragment in expected:
        assert fragment in text, fragment
    assert text.index("Annexe financière") < text.index("Signatures")
    assert text.index("Annexe pédagogique") < text.index("Signatures")
    assert "Jour 6" not in text


def test_a_seconde_convention_cites_its_own_texts(client, company_user):
    teacher = f.user(Role.TEACHER, school_obj=f.school("0772908T"))  # a lycée GT
    klass = f.school_class(teacher, level="2nde", name="2nde 4")
    offer = f.complete_offer(
        company_user.company,
        status="published",
        levels=("2nde",),
        periods=((date(2027, 6, 14), date(2027, 6, 25), 2),),
    )
    placement = validated(klass, offer.periods[0], "Inès", "Moreau")
    complete(placement)
    issue(placement)

    text = pdf_text(download(client, teacher, placement.id).data)

    assert "des élèves de seconde générale et technologique" in text
    assert "D. 333-3-1" in text and "D. 332-14" not in text
    assert (
        "circulaire du 28 mars 2024 « Séquence d'observation de la classe de seconde du "
        "lycée général et technologique » (NOR MENE2400643C)"
    ) in text
    assert "du lundi 14 juin 2027 au vendredi 25 juin 2027 (10 jours de présence)" in text
    assert "Jour 10 — Jour 10" in text
    assert "une ou deux semaines consécutives, dans un ou deux lieux d'accueil" in text


def test_an_offer_open_to_both_levels_gives_each_pupil_their_own_programme(client, company_user):
    offer = f.complete_offer(
        company_user.company,
        status="published",
        levels=("3e", "2nde"),
        periods=(
            (date(2027, 1, 11), date(2027, 1, 15), 2),
            (date(2027, 6, 14), date(2027, 6, 25), 2),
        ),
    )
    for day in offer.program_days:
        day.title = f"Programme jour {day.day_number}"
    college_teacher = f.user(Role.TEACHER)
    troisieme = validated(f.school_class(college_teacher), offer.periods[0])
    lycee_teacher = f.user(Role.TEACHER, school_obj=f.school("0772908T"))
    seconde = validated(
        f.school_class(lycee_teacher, level="2nde", name="2nde 1"),
        offer.periods[1],
        "Inès",
        "Moreau",
    )
    for placement in (troisieme, seconde):
        complete(placement)
        issue(placement)

    text_3e = pdf_text(download(client, college_teacher, troisieme.id).data)
    text_2nde = pdf_text(download(client, lycee_teacher, seconde.id).data)

    assert "Programme de la séquence de 3e" in text_3e
    assert "Jour 5 — Programme jour 5" in text_3e and "Programme jour 6" not in text_3e
    assert "Programme de la séquence de 2nde" in text_2nde
    assert "Jour 10 — Programme jour 10" in text_2nde


def test_a_public_holiday_in_the_week_is_printed(client, teacher, klass, company_user):
    # Week of Easter Monday 2027: four days.
    placement = validated(klass, published_period(company_user.company, start=date(2027, 3, 29)))
    complete(placement)
    issue(placement)

    text = pdf_text(download(client, teacher, placement.id).data)

    assert "(4 jours de présence)" in text
    assert "Jours fériés lundi de Pâques (lundi 29 mars 2027)" in text
    assert "Jours fériés pendant la séquence : lundi de Pâques" in text


def test_a_pai_names_who_brings_the_kit(client, teacher, klass, company_user):
    placement = validated(klass, published_period(company_user.company))
    complete(placement, pai=True, two_representatives=False)
    issue(placement)

    text = pdf_text(download(client, teacher, placement.id).data)

    assert "PAI oui — trousse d'urgence apportée par : sa mère, chaque matin" in text
    assert "Représentant légal 2" not in text


# --- Frozen ------------------------------------------------------------------------------------


def test_the_same_bytes_at_every_download_even_after_the_offer_changes(
    client, teacher, company_user, placement
):
    first = download(client, teacher, placement.id).data
    offer = placement.period.offer
    offer.title = "Un tout autre titre"
    offer.tutor_name = "Nouveau Tuteur"
    offer.day_start, offer.day_end = time(8), time(15)
    offer.program_days[0].activities = "Programme réécrit."
    company_user.company.name = "Société renommée"
    db.session.commit()

    again = download(client, teacher, placement.id).data
    by_company = download(client.application.test_client(), company_user, placement.id).data

    assert again == first == by_company
    text = pdf_text(again)
    assert "Sam Leroy" in text and "Mécanique de la Brie" in text
    assert "Nouveau Tuteur" not in text and "Société renommée" not in text
    assert "Programme réécrit." not in text and "de 09 h 00 à 16 h 30" in text


def test_a_tampered_version_is_refused_not_printed(client, teacher, placement):
    version = db.session.scalar(select(AgreementVersion))
    version.content = version.content.replace("Claire Morel", "Quelqu'un d'autre")
    db.session.commit()

    response = download(client, teacher, placement.id)

    assert response.status_code == 409
    assert "ne correspond plus à son empreinte" in response.get_data(as_text=True)


def test_headers_make_it_a_private_download(client, teacher, placement):
    response = download(client, teacher, placement.id)

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="convention-CI-2026-{placement.id:06d}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_no_pdf_before_the_convention_is_issued(client, teacher, klass, company_user):
    placement = validated(klass, published_period(company_user.company))

    response = download(client, teacher, placement.id)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/stages/{placement.id}/convention")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "La convention n&#39;est pas encore établie" in page
    assert "Un représentant légal au moins" in page
    assert download(client, teacher, placement.id, version=1).status_code == 404


# --- Who may download it -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "second_teacher", "company_user", "colleague", "pupil"])
def test_teacher_company_and_pupil_download_it(
    client, teacher, klass, company_user, placement, who
):
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

    assert f'href="/stages/{placement.id}/convention"' in html
    pupil_page = client.get(
        f"/classes/{klass.id}/eleves/{placement.pupil_id}/candidatures"
    ).get_data(as_text=True)
    assert f'href="/stages/{placement.id}/convention"' in pupil_page
    overview = client.get(f"/stages/{placement.id}/convention").get_data(as_text=True)
    assert f'href="/stages/{placement.id}/convention.pdf?version=1"' in overview


def test_the_pupils_and_the_companys_pages_link_to_it(client, company_user, placement):
    url = f'href="/stages/{placement.id}/convention"'
    login(client, placement.pupil.user)
    assert url in client.get("/candidatures").get_data(as_text=True)
    assert url in client.get(f"/candidatures/{placement.application_id}").get_data(as_text=True)

    company_client = client.application.test_client()
    login(company_client, company_user)
    assert url in company_client.get("/entreprise/candidatures").get_data(as_text=True)


def test_no_link_before_validation(client, klass, company_user):
    application = application_in(
        f.pupil(klass), published_period(company_user.company), S.CONFIRMED
    )
    login(client, application.pupil.user)
    html = client.get("/candidatures").get_data(as_text=True)

    assert "Choisie — en attente du professeur" in html
    assert "/convention" not in html
