"""Issues 5 and 16 in a real browser: the company accepts an application, the pupil chooses the
internship, the teacher validates it on the class dashboard, completes what the convention needs
(school profile, family), the company names its signatory, the teacher issues the convention and
the company, the tutor, the referent and a parent sign with codes from the outbox, the pupil
from their account, the head on paper, and everyone downloads the same signed PDF."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from capindustrie.applications import services as applying
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    OfferStatus,
    OutboxMessage,
    Placement,
    Role,
)
from tests import factories as f
from tests.e2e.helpers import assert_accessible, login, screenshot


@pytest.fixture(autouse=True)
def frozen_clock():
    # The server thread reads the same clock: the offer's January week is still ahead.
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def test_company_accepts_pupil_chooses_teacher_validates_and_prints(
    page, live_server, watch, tmp_path
):
    with live_server.app.app_context():
        company = f.company("Mécanique de la Brie")
        f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)
        offer = f.complete_offer(
            company,
            status=OfferStatus.PUBLISHED,
            title="Découvrir la maintenance industrielle",
            periods=((date(2027, 1, 11), date(2027, 1, 15), 2),),
        )
        teacher = f.user(
            Role.TEACHER, email="anne.prof@ac-creteil.fr", first_name="Anne", last_name="Prof"
        )
        klass = f.school_class(teacher, name="3e B")
        pupil = f.pupil(klass, "Léa", "Durand")
        f.pupil(klass, "Zoé", "Aubert")  # a classmate with no application yet
        pupil.user.username = "lea.durand"
        application = applying.apply(
            pupil,
            offer.periods[0],
            "Bonjour, j'aimerais découvrir la maintenance dans votre atelier.",
            datetime(2026, 11, 20, 10),
        )
        db.session.commit()
        class_id, application_id = klass.id, application.id

    # The company accepts the application.
    login(page, "atelier@exemple.fr", f.PASSWORD)
    page.goto("/entreprise/candidatures")
    card = page.locator(f"#candidature-{application_id}")
    expect(card).to_contain_text("Léa D.")
    # Accepting asks first (issue 17): the confirmation panel states the consequence.
    card.get_by_role("link", name=re.compile("^Accepter")).click()
    expect(card.locator(".confirm-panel")).to_contain_text("lui sera réservée")
    card.get_by_role("button", name="Oui, accepter").click()
    expect(page.locator(f"#candidature-{application_id}")).to_contain_text(
        "Acceptée par l'entreprise"
    )

    # The pupil logs in with their username and chooses the internship.
    page.context.clear_cookies()
    login(page, "lea.durand", f.PASSWORD)
    page.goto("/candidatures")
    page.get_by_role("link", name="Je choisis ce stage").click()
    page.get_by_role("button", name="Oui, je choisis ce stage").click()
    expect(page.get_by_text("Choisie — en attente du professeur").first).to_be_visible()

    # The teacher sees it first on the class dashboard and validates it.
    page.context.clear_cookies()
    login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
    page.goto(f"/classes/{class_id}/suivi")
    rows = page.locator("tr.pupil-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("DURAND Léa")
    expect(rows.first).to_contain_text("Choisie — à valider")
    expect(page.locator('[data-state="a-valider"]')).to_have_text("1")
    assert_accessible(page, "class-dashboard-to-validate")
    screenshot(page, "class-dashboard-to-validate")

    # Live filter (htmx): only the pupil with no application, and the URL follows.
    page.get_by_label("Situation").select_option(label="Aucune candidature")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("AUBERT Zoé")
    expect(page).to_have_url(re.compile(r"etat=aucune"))
    page.get_by_label("Situation").select_option(label="Tous les élèves")
    expect(rows).to_have_count(2)

    row = page.locator("tr.pupil-row").filter(has_text="DURAND Léa")
    # Validation asks first, in the row (issue 17), then the row answers.
    row.get_by_role("link", name=re.compile("^Valider le stage")).click()
    expect(
        row.get_by_role("heading", name=re.compile("^Valider le stage de Léa chez "))
    ).to_be_focused()
    row.get_by_role("button", name="Confirmer la validation").click()
    expect(row).to_contain_text("Stage validé pour Léa Durand")
    expect(page.locator('[data-state="stage-valide"]')).to_have_text("1")
    expect(page.locator('[data-state="a-valider"]')).to_have_text("0")
    assert_accessible(page, "class-dashboard-validated")
    screenshot(page, "class-dashboard-validated")

    # The convention: nothing to print yet, a checklist with links instead.
    row.get_by_role("link", name="Convention de stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Convention de stage")
    checklist = page.locator("ul.checklist")
    expect(checklist).to_contain_text("Un représentant légal au moins")
    assert_accessible(page, "convention-checklist")
    screenshot(page, "convention-checklist")

    # The teacher fills the school profile once, then the family.
    page.get_by_role("link", name="compléter le profil de l'établissement").click()
    page.get_by_label("Téléphone de l'établissement").fill("01 64 00 00 01")
    page.get_by_label("E-mail de l'établissement").fill("ce.0770002j@ac-creteil.fr")
    page.get_by_label("Nom du chef d'établissement").fill("Claire Morel")
    page.get_by_label("Date de la délibération", exact=False).fill("2026-09-22")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Profil de l'établissement enregistré")).to_be_visible()
    page.get_by_role("link", name="compléter").first.click()
    page.get_by_label("Date de naissance de l'élève").fill("2012-05-03")
    page.get_by_label("Votre téléphone (professeur référent)").fill("06 11 22 33 44")
    first_rep = page.get_by_role("group", name="Représentant légal 1")
    first_rep.get_by_label("Nom et prénom").fill("Nadia Durand")
    first_rep.get_by_label("E-mail").fill("nadia.durand@exemple.fr")
    first_rep.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Non", exact=True).check()
    page.get_by_label("L'attestation d'assurance responsabilité civile").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Informations de la convention enregistrées.")).to_be_visible()
    expect(checklist).to_have_text(re.compile(r"^\s*Le représentant de l'entreprise"))
    convention_url = page.url

    # The company names its signatory (prefilled from its account).
    page.context.clear_cookies()
    login(page, "atelier@exemple.fr", f.PASSWORD)
    page.goto(convention_url)
    page.get_by_role("link", name="indiquer le signataire").click()
    page.get_by_label("Fonction").fill("Directeur du site")
    page.get_by_label("Téléphone").fill("01 60 00 00 02")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Signataire de l'entreprise enregistré.")).to_be_visible()

    # The teacher issues it: version 1, frozen; teacher and company download the same bytes.
    page.context.clear_cookies()
    login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
    page.goto(convention_url)
    page.get_by_role("button", name="Établir la convention").click()
    expect(page.get_by_role("heading", name="Convention établie")).to_be_visible()
    assert_accessible(page, "convention-issued")
    screenshot(page, "convention-issued")

    # The company, the tutor, the referent and a parent sign through their links, with the
    # codes the outbox holds; the pupil from their account; the head on paper, scan uploaded.
    def sign_by_link(address):
        page.context.clear_cookies()
        with live_server.app.app_context():
            [mail] = db.session.scalars(
                db.select(OutboxMessage).where(
                    OutboxMessage.to_address == address,
                    OutboxMessage.subject.startswith("Signature de"),
                )
            ).all()
            link = re.search(r"/signature/[A-Za-z0-9_-]+", mail.body).group(0)
        page.goto(link)
        page.get_by_role("button", name="Recevoir un code par e-mail").click()
        with live_server.app.app_context():
            code_mail = db.session.scalars(
                db.select(OutboxMessage)
                .where(
                    OutboxMessage.to_address == address,
                    OutboxMessage.subject.startswith("Votre code"),
                )
                .order_by(OutboxMessage.id.desc())
            ).first()
            code = re.search(r"(\d{6})", code_mail.subject).group(1)
        page.get_by_label("Code reçu par e-mail").fill(code)
        page.get_by_role("button", name="Signer la convention").click()
        expect(page.get_by_text("Vous avez signé le")).to_be_visible()

    for address in (
        "atelier@exemple.fr",
        "tuteur@exemple.fr",
        "anne.prof@ac-creteil.fr",
        "nadia.durand@exemple.fr",
    ):
        sign_by_link(address)
    assert_accessible(page, "convention-signed-by-link")
    screenshot(page, "convention-signed-by-link")

    login(page, "lea.durand", f.PASSWORD)
    page.goto(convention_url)
    page.get_by_label("J'ai lu la convention et ses annexes").check()
    page.get_by_role("button", name="Signer la convention").click()
    expect(page.get_by_text("Votre signature est enregistrée.")).to_be_visible()

    page.context.clear_cookies()
    login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
    page.goto(convention_url)
    expect(page.locator("ul.signature-status")).to_contain_text("en attente")
    scan = tmp_path / "signature-chef.pdf"
    scan.write_bytes(b"%PDF-1.4\n% page signee\n")
    page.get_by_label("Signataire").select_option(label="Chef d'établissement — Claire Morel")
    page.get_by_label("Nom de la personne qui a signé").fill("Claire Morel")
    page.get_by_label("Scan de la page signée", exact=False).set_input_files(str(scan))
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("Convention signée")).to_be_visible()
    assert_accessible(page, "convention-signed")
    screenshot(page, "convention-signed")

    # Everyone downloads the same signed PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Convention (version 1), PDF").click()
    download = download_info.value
    with live_server.app.app_context():
        placement = db.session.scalar(db.select(Placement))
        assert placement.application_id == application_id
        assert db.session.get(Application, application_id).status == ApplicationStatus.VALIDATED
        assert download.suggested_filename == f"convention-CI-2026-{placement.id:06d}.pdf"
        told = db.session.scalars(
            db.select(OutboxMessage).where(
                OutboxMessage.to_address == "atelier@exemple.fr",
                OutboxMessage.subject.startswith("Convention signée"),
            )
        ).all()
        assert len(told) == 1

    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    assert "Léa" in text and "Durand" in text and "Nadia Durand" in text
    assert "Mécanique de la Brie" in text and "Directeur du site" in text
    assert "Claire Morel" in text
    assert "du lundi 11 janvier 2027 au vendredi 15 janvier 2027" in text
    assert "Page des signatures" in text and "sur papier" in text

    for login_name in ("atelier@exemple.fr", "lea.durand"):
        page.context.clear_cookies()
        login(page, login_name, f.PASSWORD)
        page.goto(convention_url)
        with page.expect_download() as other_download:
            page.get_by_role("link", name="Convention (version 1), PDF").click()
        copy = tmp_path / f"copie-{login_name}.pdf"
        other_download.value.save_as(copy)
        assert copy.read_bytes() == target.read_bytes()

    assert watch.console_errors == [] and watch.csp_violations() == []
