"""Issue 5's journey in a real browser: the company accepts an application, the pupil chooses the
internship, the teacher validates it on the class dashboard and downloads the convention."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from capindustrie.applications import services as applying
from capindustrie.extensions import db
from capindustrie.models import Application, ApplicationStatus, OfferStatus, Placement, Role
from tests import factories as f
from tests.e2e.helpers import login, screenshot


@pytest.fixture(autouse=True)
def frozen_clock():
    # The server thread reads the same clock: the offer's January week is still ahead.
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def test_company_accepts_pupil_chooses_teacher_validates_and_prints(page, live_server, watch,
                                                                    tmp_path):
    with live_server.app.app_context():
        company = f.company("Mécanique de la Brie")
        f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)
        offer = f.complete_offer(company, status=OfferStatus.PUBLISHED,
                                 title="Découvrir la maintenance industrielle",
                                 periods=((date(2027, 1, 11), date(2027, 1, 15), 2),))
        teacher = f.user(Role.TEACHER, email="anne.prof@ac-creteil.fr", first_name="Anne",
                         last_name="Prof")
        klass = f.school_class(teacher, name="3e B")
        pupil = f.pupil(klass, "Léa", "Durand")
        f.pupil(klass, "Zoé", "Aubert")  # a classmate with no application yet
        pupil.user.username = "lea.durand"
        application = applying.apply(
            pupil, offer.periods[0],
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
    card.get_by_role("button", name="Accepter").click()
    expect(page.locator(f"#candidature-{application_id}")).to_contain_text(
        "Acceptée par l'entreprise"
    )

    # The pupil logs in with their username and chooses the internship.
    page.context.clear_cookies()
    login(page, "lea.durand", f.PASSWORD)
    page.goto("/candidatures")
    page.get_by_role("button", name="Je choisis ce stage").click()
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
    screenshot(page, "class-dashboard-to-validate")

    # Live filter (htmx): only the pupil with no application, and the URL follows.
    page.get_by_label("Situation").select_option(label="Aucune candidature")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("AUBERT Zoé")
    expect(page).to_have_url(re.compile(r"etat=aucune"))
    page.get_by_label("Situation").select_option(label="Tous les élèves")
    expect(rows).to_have_count(2)

    row = page.locator("tr.pupil-row").filter(has_text="DURAND Léa")
    row.get_by_role("button", name="Valider le stage").click()
    expect(row).to_contain_text("Stage validé pour Léa Durand")
    expect(page.locator('[data-state="stage-valide"]')).to_have_text("1")
    expect(page.locator('[data-state="a-valider"]')).to_have_text("0")
    screenshot(page, "class-dashboard-validated")

    with page.expect_download() as download_info:
        row.get_by_role("link", name="Convention (PDF)").click()
    download = download_info.value
    with live_server.app.app_context():
        placement = db.session.scalar(db.select(Placement))
        assert placement.application_id == application_id
        assert db.session.get(Application, application_id).status == ApplicationStatus.VALIDATED
        assert download.suggested_filename == f"convention-{placement.id}.pdf"

    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Léa" in text and "Durand" in text
    assert "Mécanique de la Brie" in text
    assert "du lundi 11 janvier 2027 au vendredi 15 janvier 2027" in text

    assert watch.console_errors == [] and watch.csp_violations() == []
