"""Issue 2's first journey in a real browser: a company registers, logs out and logs in again;
a teacher registers and finds their school by typing part of its commune."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Company, CompanyStatus, OutboxMessage, Role, User
from tests.e2e.helpers import assert_accessible, login, screenshot
from tests.factories import luhn_siret

PASSWORD = "Une phrase de passe solide 42"
CONFIRM_PATH = re.compile(r"https?://[^/\s]+(/inscription/confirmer/\S+)")


def confirmation_path(live_server, address: str) -> str:
    """The link of the confirmation e-mail (the outbox row), as a path of the live server."""
    with live_server.app.app_context():
        body = db.session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.to_address == address)
        )
    return CONFIRM_PATH.search(body).group(1)


def test_company_registers_logs_out_and_logs_in_again(page, live_server, watch):
    siret = luhn_siret("4123456780001")
    page.goto("/inscription/entreprise")
    page.get_by_label("Nom de l'entreprise").fill("Fonderie de la Marne")
    page.get_by_label("Numéro SIRET de l'établissement").fill(
        siret[:3] + " " + siret[3:6] + " " + siret[6:]
    )
    page.get_by_label("Filière").select_option(label="Industrie des matériaux")
    page.get_by_label("Votre prénom").fill("Inès")
    page.get_by_label("Votre nom").fill("Garnier")
    page.get_by_label("Votre adresse e-mail professionnelle").fill("ines.garnier@fonderie-marne.fr")
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_label("Confirmez le mot de passe").fill("court")
    page.get_by_role("button", name="Créer le compte de l'entreprise").click()
    expect(page.get_by_text(re.compile("au moins 10 caractères")).first).to_be_visible()

    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer le compte de l'entreprise").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.goto(confirmation_path(live_server, "ines.garnier@fonderie-marne.fr"))
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()
    login(page, "ines.garnier@fonderie-marne.fr", PASSWORD)
    expect(page.get_by_role("heading", name="Fonderie de la Marne")).to_be_visible()
    expect(page.get_by_text(re.compile("en cours de validation"))).to_be_visible()
    assert_accessible(page, "company-registered")
    screenshot(page, "company-registered")

    with live_server.app.app_context():
        company = db.session.scalar(select(Company).where(Company.siret == siret))
        assert company.status == CompanyStatus.PENDING
        user = db.session.scalar(select(User).where(User.company_id == company.id))
        assert user.email == "ines.garnier@fonderie-marne.fr" and user.password_hash.startswith(
            "$argon2id$"
        )

    page.get_by_role("button", name=re.compile("Se déconnecter")).click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.goto("/entreprise/")
    expect(page).to_have_url(re.compile("/connexion"))

    login(page, "INES.GARNIER@fonderie-marne.fr", PASSWORD)
    expect(page.get_by_role("heading", name="Fonderie de la Marne")).to_be_visible()
    assert watch.csp_violations() == []


def test_teacher_registers_and_finds_the_school_by_its_commune(page, live_server, watch):
    page.goto("/inscription/professeur")
    page.get_by_label("Votre établissement").fill("bois-le")
    choice = page.get_by_role("button", name=re.compile("Denecourt"))
    expect(choice).to_be_visible()
    assert_accessible(page, "teacher-school-autocomplete")
    screenshot(page, "teacher-school-autocomplete")
    choice.click()
    expect(page.get_by_label("Votre établissement")).to_have_value(re.compile("Denecourt"))
    page.get_by_label("Prénom", exact=True).fill("Marc")
    page.get_by_label("Nom", exact=True).fill("Lemaire")
    page.get_by_label("Adresse e-mail académique").fill("marc.lemaire@ac-creteil.fr")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.goto(confirmation_path(live_server, "marc.lemaire@ac-creteil.fr"))
    login(page, "marc.lemaire@ac-creteil.fr", PASSWORD)
    expect(page.get_by_role("button", name=re.compile("Se déconnecter"))).to_be_visible()

    with live_server.app.app_context():
        teacher = db.session.scalar(select(User).where(User.email == "marc.lemaire@ac-creteil.fr"))
        assert teacher.role == Role.TEACHER and teacher.school.uai == "0770002J"
    assert watch.csp_violations() == []
