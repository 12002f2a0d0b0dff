"""Issue 14 point 2: the legal pages — public, in every page's footer, their facts from
configuration, the retention periods from the one table, the accessibility status by the RGAA
rules."""

import html
import re

import pytest

from capindustrie.legal.retention_rules import retention_rows
from capindustrie.legal.services import compliance
from capindustrie.models import Role
from tests import factories as f

PAGES = ["/mentions-legales", "/confidentialite", "/accessibilite"]

CONFIGURED = {
    "PUBLISHER_NAME": "Département de Test-sur-Marne",
    "PUBLISHER_ADDRESS": "1 place de l'Essai, 77999 Testville",
    "PUBLISHER_PHONE": "01 23 45 67 89",
    "PUBLICATION_DIRECTOR": "Mme Camille Directrice",
    "HOST_NAME": "Hébergeur Exemple SAS",
    "HOST_ADDRESS": "42 rue des Serveurs, 75000 Paris",
    "DPO_EMAIL": "dpo-test@example.org",
    "DPO_ADDRESS": "DPO, boîte postale 12, 77000 Melun",
    "ACCESSIBILITY_CONTACT_EMAIL": "a11y-test@example.org",
    "ACCESSIBILITY_STATEMENT_DATE": "2027-03-15",
}


def text_of(response) -> str:
    """The page's text as read (tags dropped; links' targets and mailto kept as attributes)."""
    body = response.get_data(as_text=True)
    return html.unescape(re.sub(r"</?(span|strong|p|li|a)\b[^>]*>", "", body) + body)


@pytest.fixture
def configured_client(make_app):
    return make_app(**CONFIGURED).test_client()


@pytest.mark.parametrize("path", PAGES)
def test_legal_pages_are_public(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PUPIL, Role.TEACHER, Role.COMPANY, Role.STAFF])
def test_every_role_reads_the_legal_pages_and_finds_them_in_the_footer(client, role):
    f.login(client, f.user(role))
    for path in PAGES:
        page = client.get(path).get_data(as_text=True)
        footer = page.split('<footer class="site-footer"')[1]
        for link in PAGES:
            assert f'href="{link}"' in footer


def test_every_page_footer_links_the_three_legal_pages(client):
    for path in ["/", "/offres", "/connexion", "/evenements"]:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        footer = response.get_data(as_text=True).split('<footer class="site-footer"')[1]
        assert 'href="/mentions-legales">Mentions légales' in footer
        assert 'href="/confidentialite">Politique de confidentialité' in footer
        assert 'href="/accessibilite">Accessibilité : non conforme' in footer


def test_legal_notice_shows_publisher_director_and_host_from_configuration(configured_client):
    page = text_of(configured_client.get("/mentions-legales"))
    for key in (
        "PUBLISHER_NAME",
        "PUBLISHER_ADDRESS",
        "PUBLISHER_PHONE",
        "PUBLICATION_DIRECTOR",
        "HOST_NAME",
        "HOST_ADDRESS",
        "DPO_EMAIL",
    ):
        assert CONFIGURED[key] in page, key
    assert "Seine-et-Marne" not in page.split("<main")[1].split("</main>")[0]


def test_privacy_page_shows_controller_and_dpo_from_configuration(configured_client):
    page = text_of(configured_client.get("/confidentialite"))
    assert f"Le responsable du traitement est le {CONFIGURED['PUBLISHER_NAME']}" in page
    assert CONFIGURED["PUBLISHER_ADDRESS"] in page
    assert f'href="mailto:{CONFIGURED["DPO_EMAIL"]}"' in page
    assert CONFIGURED["DPO_ADDRESS"] in page
    assert CONFIGURED["HOST_NAME"] in page


def test_privacy_page_states_legal_basis_purposes_roles_recipients_and_rights(client):
    page = text_of(client.get("/confidentialite"))
    assert "article 6-1-e" in page and "mission d'intérêt public" in page
    for role in ("Élèves", "Professeurs", "Personnes des entreprises", "Agents du Département"):
        assert f"<dt>{role}</dt>" in page
    assert "Qui les voit ?" in page and "MyStage77" in page
    assert "Vos droits" in page and "CNIL" in page
    # The defaults: the Département of Seine-et-Marne and its data protection officer.
    assert "Département de Seine-et-Marne" in page and "dpo@departement77.fr" in page


def test_privacy_page_lists_every_retention_rule_of_the_table(client):
    page = text_of(client.get("/confidentialite"))
    table = page.split('<table class="retention">')[1].split("</table>")[0]
    rows = retention_rows()
    assert table.count("<tr>") == len(rows) + 1  # the header row, then one per rule
    for row in rows:
        assert row.what in table and row.duration in table and row.reason in table
    assert "jusqu'au 31 juillet qui suit la fin de leur année scolaire" in table
    assert "2 ans après la dernière connexion" in table
    assert "6 mois" in table and "5 ans" in table
    assert "anonymisé en même temps que l'élève" in table


def test_privacy_page_follows_the_retention_table(client, monkeypatch):
    """The page has no duration of its own: change the table, the page changes."""
    from capindustrie.legal import routes
    from capindustrie.legal.retention_rules import RetentionRow

    monkeypatch.setattr(
        routes, "retention_rows", lambda: [RetentionRow("Cartes postales", "3 jours", "Essai")]
    )
    table = text_of(client.get("/confidentialite")).split('<table class="retention">')[1]
    assert "Cartes postales" in table and "3 jours" in table
    assert "2 ans après" not in table


def test_accessibility_statement_from_configuration(configured_client):
    page = text_of(configured_client.get("/accessibilite"))
    assert CONFIGURED["PUBLISHER_NAME"] in page
    assert f'href="mailto:{CONFIGURED["ACCESSIBILITY_CONTACT_EMAIL"]}"' in page
    assert "établie le 15 mars 2027" in page
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page
    assert "Contenus non accessibles" in page and "axe-core" in page


def test_accessibility_statement_without_audit_says_non_conforme(client):
    page = text_of(client.get("/accessibilite"))
    assert "Cap Industrie est <strong>non conforme</strong>" in page
    assert "il n'a pas encore été audité" in page
    # An automated tool covers part of the criteria only, and the page says so.
    assert "ne vérifie qu'une partie des critères" in page


def test_accessibility_statement_with_an_audit_shows_its_rate_and_status(make_app):
    client = make_app(
        ACCESSIBILITY_AUDIT_RATE="87.5",
        ACCESSIBILITY_AUDIT_DATE="2027-02-01",
        ACCESSIBILITY_AUDITOR="Cabinet Exemple",
    ).test_client()
    page = text_of(client.get("/accessibilite"))
    assert "Cap Industrie est <strong>partiellement conforme</strong>" in page
    assert "réalisé par Cabinet Exemple le 1er février 2027" in page
    assert "87,5 % des critères du RGAA 4.1 sont respectés" in page
    footer = page.split('<footer class="site-footer"')[1]
    assert "Accessibilité : partiellement conforme" in footer


@pytest.mark.parametrize(
    ("rate", "status"),
    [
        (None, "non conforme"),
        ("", "non conforme"),
        ("abc", "non conforme"),
        (120, "non conforme"),
        (-1, "non conforme"),
        (49.9, "non conforme"),
        (50, "partiellement conforme"),
        ("99", "partiellement conforme"),
        (100, "totalement conforme"),
    ],
)
def test_compliance_status_follows_the_rgaa_thresholds(rate, status):
    assert compliance(rate).status == status


def test_a_malformed_statement_date_is_left_out_not_a_500(make_app):
    client = make_app(ACCESSIBILITY_STATEMENT_DATE="pas une date").test_client()
    response = client.get("/accessibilite")
    assert response.status_code == 200
    assert "Elle a été établie le" not in text_of(response)
