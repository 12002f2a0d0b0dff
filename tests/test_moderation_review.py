"""Issue 17 point 10, staff side: the automatic checks on an offer under review, the SIRET linked
to the public company register, and the offer list's places, applications, text search and CSV
export (staff only)."""

import csv
import io
import itertools
import json
import re
from datetime import time

import pytest
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    Company,
    CompanyStatus,
    Filiere,
    Level,
    OfferStatus,
    OfferTransition,
    ProgramDay,
    Role,
)
from capindustrie.moderation.changes import Change, changes
from capindustrie.moderation.checks import automatic_checks, productive_words
from capindustrie.offers.program_templates import program_template
from tests import factories as f
from tests.factories import login
from tests.placement_helpers import QueryCounter
from tests.test_moderation import company_with_user, make_offer, result_titles

S = OfferStatus
REGISTER = "https://annuaire-entreprises.data.gouv.fr/etablissement/"


@pytest.fixture
def staff_client(client, app):
    login(client, f.user(Role.STAFF))
    return client


def with_safety(offer):
    offer.dress_code = "Pantalon long, chaussures fermées."
    offer.protective_equipment = "Lunettes et chaussures de sécurité prêtées sur place."
    return offer


def checks_section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="verifications".*?</section>', html, re.S)
    assert match, "no automatic checks section"
    return " ".join(match.group(0).split())


# --- Automatic checks ----------------------------------------------------------------------------


def test_a_compliant_offer_shows_every_check_as_conforming(staff_client):
    company, _ = company_with_user()
    offer = with_safety(make_offer(company))
    db.session.commit()

    html = checks_section(staff_client.get(f"/moderation/offres/{offer.id}").get_data(True))

    assert "Tous les points sont conformes" in html and "À vérifier" not in html
    assert html.count("Conforme —") == 5
    assert "6 h par jour, 30 h par semaine." in html  # 9 h–16 h with a one-hour break
    assert "5 jours décrits ; 5 attendus pour la 3e." in html


def test_each_problem_is_listed_as_to_check_with_its_reason(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)  # no dress code nor protective equipment
    offer.day_end = time(18)  # 8 h a day: above the 7 h of the observation sequence
    offer.program_days[1].activities = "   "
    offer.program_days[2].activities = "L'élève aide à emballer les colis puis à souder."
    db.session.commit()

    html = checks_section(staff_client.get(f"/moderation/offres/{offer.id}").get_data(True))

    assert "4 points à vérifier" in html
    assert "À vérifier — Horaires (règles pour les mineurs)" in html
    assert "Durée de présence de 8 h par jour" in html  # the message of offers.rules
    assert "Sans activité : jour 2." in html
    assert "Non renseigné : la tenue ; les équipements de protection." in html
    assert "Jour 3 : « emballer », « souder »." in html
    assert "Conforme — Durée du programme" in html


def test_programme_length_is_ten_days_for_a_seconde_offer(app):
    company, _ = company_with_user()
    offer = with_safety(make_offer(company))
    offer.for_2nde = True
    db.session.flush()

    length = next(c for c in automatic_checks(offer) if c.label == "Durée du programme")
    assert not length.ok and length.details == ["5 jours décrits ; 10 attendus pour la 2nde."]

    offer.program_days.extend(
        ProgramDay(day_number=n, title=f"Jour {n}", activities="Visite.") for n in range(6, 11)
    )
    length = next(c for c in automatic_checks(offer) if c.label == "Durée du programme")
    assert length.ok


def test_missing_hours_are_to_check(app):
    company, _ = company_with_user()
    offer = with_safety(make_offer(company))
    offer.day_start = offer.day_end = None
    hours = automatic_checks(offer)[0]
    assert not hours.ok and hours.details == ["Les horaires de la journée ne sont pas renseignés."]


def test_the_programme_templates_raise_no_productive_work_warning():
    """An offer left as templated must not cry wolf: none of the words occurs in any template."""
    for filiere in Filiere:
        for level in Level:
            for day in program_template(filiere, level):
                texts = day.values() if isinstance(day, dict) else day
                assert productive_words(*(str(t) for t in texts)) == [], (filiere, level, day)


def test_productive_words_are_found_whatever_the_case_and_accents():
    assert productive_words("Il RÉGLERA… non : il va Régler la presse, puis conduire.") == [
        "regler",
        "conduire",
    ]
    assert productive_words("Décharger ? Non : observer le déchargement.") == ["decharger"]
    assert productive_words("Observer la conduite de ligne.") == []


# --- SIRET linked to the public register ---------------------------------------------------------


def register_links(html: str) -> list[str]:
    return re.findall(r'<a href="' + re.escape(REGISTER) + r"[^>]*>", html)


def test_siret_links_to_the_public_register_on_offer_and_company_pages(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    db.session.commit()

    for url in (f"/moderation/offres/{offer.id}", f"/moderation/entreprises/{company.id}"):
        links = register_links(staff_client.get(url).get_data(True))
        assert links == [f'<a href="{REGISTER}{company.siret}" rel="noopener noreferrer">'], url


def test_a_malformed_siret_is_shown_as_text_without_a_link(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    company.siret = "12345"
    db.session.commit()

    html = staff_client.get(f"/moderation/offres/{offer.id}").get_data(True)
    assert register_links(html) == [] and "<dd>12345</dd>" in html


# --- The list: places, applications, text search -------------------------------------------------


_classes = itertools.count(1)


def apply(offer, statuses):
    teacher = f.user(Role.TEACHER)
    klass = f.school_class(teacher, name=f"3e {next(_classes)}")
    for n, status in enumerate(statuses):
        pupil = f.pupil(klass, first_name=f"Élève{n}")
        db.session.add(
            Application(pupil=pupil, period=offer.periods[0], message="Bonjour.", status=status)
        )
    db.session.flush()


def row_of(html: str, title: str) -> str:
    match = re.search(r"<tr>\s*<td[^>]*><a [^>]*>" + re.escape(title) + r"</a>.*?</tr>", html, re.S)
    assert match, title
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_list_shows_places_and_applications_of_each_offer(staff_client):
    company, _ = company_with_user()
    busy = make_offer(company, title="Offre demandée", status=S.PUBLISHED)
    busy.periods[0].seats_taken = 1
    apply(
        busy,
        [ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.PROPOSED],
    )
    quiet = make_offer(company, title="Offre tranquille", status=S.PUBLISHED)
    apply(quiet, [ApplicationStatus.REFUSED])
    make_offer(company, title="Offre sans candidature", status=S.PUBLISHED)
    db.session.commit()

    html = staff_client.get("/moderation/offres").get_data(True)

    assert "Places (attribuées / total)" in html and ">Candidatures</th>" in html
    # A teacher's proposal (issue 15) is not a pupil's application.
    assert row_of(html, "Offre demandée").endswith("1 / 3 2 candidatures")
    assert row_of(html, "Offre tranquille").endswith("0 / 3 1 candidature")
    assert row_of(html, "Offre sans candidature").endswith("0 / 3 0 candidature")


def test_list_counts_take_the_same_number_of_queries_for_3_or_20_offers(app, staff_client):
    company, _ = company_with_user()
    company_id = company.id

    def queries_for_list() -> int:
        db.session.commit()
        db.session.expunge_all()
        with QueryCounter(db.engine) as counter:
            assert staff_client.get("/moderation/offres").status_code == 200
        return len(counter)

    for n in range(3):
        apply(
            make_offer(company, title=f"Petite {n}", status=S.PUBLISHED),
            [ApplicationStatus.SUBMITTED],
        )
    few = queries_for_list()
    company = db.session.get(Company, company_id)
    for n in range(17):
        apply(
            make_offer(company, title=f"Grande {n}", status=S.PUBLISHED),
            [ApplicationStatus.SUBMITTED],
        )
    many = queries_for_list()

    assert many == few


@pytest.fixture
def searchable(app):
    acme, _ = company_with_user(name="Forges de Meaux")
    other, _ = company_with_user(name="Laboratoire Melun")
    make_offer(acme, title="Découvrir la chaudronnerie", status=S.PUBLISHED)
    make_offer(other, title="Contrôle qualité 100% garanti", status=S.PUBLISHED)
    make_offer(other, title="Maintenance des lignes", status=S.DRAFT)
    db.session.commit()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("chaudron", {"Découvrir la chaudronnerie"}),
        ("FORGES", {"Découvrir la chaudronnerie"}),  # the company's name, any case
        ("laboratoire melun", {"Contrôle qualité 100% garanti", "Maintenance des lignes"}),
        ("100%", {"Contrôle qualité 100% garanti"}),  # % is a character, not a wildcard
        ("_", set()),
        ("introuvable", set()),
    ],
)
def test_text_search_on_title_and_company(staff_client, searchable, q, expected):
    html = staff_client.get("/moderation/offres", query_string={"q": q}).get_data(True)
    assert result_titles(html) == expected


def test_text_search_combines_with_filters_and_is_kept_in_page_links(staff_client, searchable):
    html = staff_client.get(
        "/moderation/offres", query_string={"q": "laboratoire", "statut": "draft"}
    ).get_data(True)
    assert result_titles(html) == {"Maintenance des lignes"}
    assert "/moderation/offres.csv?statut=draft&amp;q=laboratoire" in html


@pytest.mark.parametrize("q", ["x" * 101, "abc\x00def", "a\x1bb"])
def test_a_bad_search_is_reported_in_french_and_ignored(staff_client, searchable, q):
    response = staff_client.get("/moderation/offres", query_string={"q": q})
    html = response.get_data(True)
    assert response.status_code == 200
    assert "Ce texte dépasse 100 caractères." in html or "caractère de contrôle" in html
    assert len(result_titles(html)) == 3


# --- CSV export ----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_export_has_the_filtered_list_with_french_headers(staff_client, searchable):
    offer = make_offer(company_with_user()[0], title='=HYPERLINK("x")')
    db.session.commit()
    everything = read_csv(staff_client.get("/moderation/offres.csv"))
    assert len(everything) == 1 + 4
    assert ['\'=HYPERLINK("x")'] == [r[1] for r in everything if r[0] == str(offer.id)]

    response = staff_client.get("/moderation/offres.csv?q=laboratoire&statut=published")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="offres-cap-industrie.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "N° d'offre",
        "Offre",
        "Entreprise",
        "SIRET",
        "Filière",
        "Commune",
        "EPCI",
        "Statut",
        "Places",
        "Places attribuées",
        "Candidatures",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Offre"] == "Contrôle qualité 100% garanti"
    assert row["Entreprise"] == "Laboratoire Melun" and re.fullmatch(r"\d{14}", row["SIRET"])
    assert row["Commune"] == "Meaux" and row["Statut"] == "Publiée"
    assert (row["Places"], row["Places attribuées"], row["Candidatures"]) == ("3", "0", "0")


def test_csv_export_counts_applications(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company, status=S.PUBLISHED)
    apply(offer, [ApplicationStatus.SUBMITTED, ApplicationStatus.EXPIRED])
    db.session.commit()
    rows = read_csv(staff_client.get("/moderation/offres.csv"))
    assert rows[1][-3:] == ["3", "0", "2"]


@pytest.mark.parametrize("query", ["statut=bogus", "q=" + "x" * 101, "epci=999999999"])
def test_csv_export_refuses_a_bad_filter_in_french(staff_client, searchable, query):
    response = staff_client.get(f"/moderation/offres.csv?{query}")
    assert response.status_code == 400
    html = response.get_data(True)
    assert "Export impossible, filtre non valide" in html
    assert "text/csv" not in response.headers["Content-Type"]


def test_csv_export_is_for_staff_only(client, app):
    company, member = company_with_user(status=CompanyStatus.APPROVED)
    make_offer(company, status=S.PUBLISHED)
    db.session.commit()

    assert client.get("/moderation/offres.csv").status_code == 302  # to the login page
    for user in (member, f.user(Role.TEACHER), f.user(Role.PUPIL)):
        login(client, user)
        response = client.get("/moderation/offres.csv")
        assert response.status_code == 403 and b";" not in response.get_data()[:200]


# --- What changed since the last publication -----------------------------------------------------


def changes_section(html: str) -> str | None:
    match = re.search(r'<section aria-labelledby="modifications">.*?</section>', html, re.S)
    return " ".join(match.group(0).split()) if match else None


def resubmit(offer):
    """The company's substantive edit sends the published offer back to review."""
    db.session.add(OfferTransition(offer=offer, from_status=S.PUBLISHED, to_status=S.SUBMITTED))
    offer.status = S.SUBMITTED


def test_a_resubmitted_offer_shows_the_fields_changed_since_its_publication(staff_client):
    company, _ = company_with_user()
    offer = with_safety(make_offer(company, title="Découvrir la forge"))
    db.session.commit()
    assert staff_client.post(f"/moderation/offres/{offer.id}/publier").status_code == 303

    offer = db.session.get(type(offer), offer.id)
    offer.title = "Découvrir la forge et l'usinage"
    offer.program_days[1].activities = "L'élève aide à emballer les pièces."
    offer.dress_code = ""
    resubmit(offer)
    db.session.commit()

    html = staff_client.get(f"/moderation/offres/{offer.id}").get_data(True)
    section = changes_section(html)

    assert section is not None and "3 champs modifiés" in section
    rows = re.findall(r'<th scope="row">([^<]+)</th>', section)
    assert rows == ["Titre", "Tenue", "Programme, jour 2"]  # the page's order
    assert '<td class="pre-line">Découvrir la forge</td>' in section
    assert '<td class="pre-line">Découvrir la forge et l&#39;usinage</td>' in section
    assert "Pantalon long, chaussures fermées." in section and "<em>(vide)</em>" in section


def test_no_change_section_for_a_first_submission_or_an_unchanged_resubmission(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    db.session.commit()
    html = staff_client.get(f"/moderation/offres/{offer.id}").get_data(True)
    assert changes_section(html) is None  # never published

    staff_client.post(f"/moderation/offres/{offer.id}/publier")
    offer = db.session.get(type(offer), offer.id)
    assert changes_section(staff_client.get(f"/moderation/offres/{offer.id}").get_data(True)) is (
        None
    )  # published: nothing to review
    resubmit(offer)
    db.session.commit()
    section = changes_section(staff_client.get(f"/moderation/offres/{offer.id}").get_data(True))
    assert "Aucun champ n'a changé depuis la dernière publication." in section


def test_the_published_content_is_kept_in_the_audit_entry_but_not_shown_in_the_log(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company, title="Offre suivie")
    db.session.commit()
    staff_client.post(f"/moderation/offres/{offer.id}/publier")

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "offer.publish"))
    assert json.loads(entry.details["_contenu"])["Titre"] == "Offre suivie"
    log = staff_client.get("/journal/").get_data(True)
    assert "title : Offre suivie" in log and "_contenu" not in log and "Programme, jour" not in log


def test_changes_list_removed_days_after_the_current_ones():
    before = {"Titre": "A", "Programme, jour 6": "Visite"}
    after = {"Titre": "B", "Tenue": ""}
    assert changes(before, after) == [
        Change("Titre", "A", "B"),
        Change("Programme, jour 6", "Visite", ""),
    ]
