"""Issue 17, points 5–7 in a real browser at 390 × 844: each adult sees on arrival what waits
for them, with the menu folded under « Menu »; irreversible actions ask first, in a panel that
htmx swaps in with the focus on its heading (and back on the button when cancelled), or on a
page of their own without JavaScript."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Application, CompanyStatus, Offer, OfferStatus, Role
from tests import factories as f
from tests.e2e.helpers import assert_accessible, htmx_settled, login, screenshot
from tests.placement_helpers import application_in, company_user_of, published_period

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def within_first_screen(page: Page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert page.evaluate(NO_SIDEWAYS)


@pytest.fixture
def season(live_server):
    """A company with pending applications, a teacher whose class's week is near, an agent with
    moderation waiting; returns the logins and ids the tests need."""
    with live_server.app.app_context():
        teacher = f.user(Role.TEACHER, email="anne.prof@ac-creteil.fr")
        klass = f.school_class(
            teacher, name="3e B", start=date(2026, 12, 14), end=date(2026, 12, 18)
        )
        company = f.company(name="Mécanique de Précision du Pays de Meaux")
        company_user = f.user(Role.COMPANY, email="atelier@exemple.fr", company_obj=company)
        first = published_period(
            company, title="Découvrir la maintenance", start=date(2026, 12, 14)
        )
        second = published_period(
            f.company(name="Chaudronnerie de l'Ourcq"),
            title="Chaudronnerie",
            start=date(2026, 12, 14),
        )
        lea = f.pupil(klass, "Léa", "Durand")
        lea.user.username = "lea.durand"
        chosen = application_in(lea, first, S.ACCEPTED)
        other = application_in(lea, second, S.SUBMITTED)
        for name in ("Inès", "Noah"):
            application_in(f.pupil(klass, name, "Martin"), first, S.SUBMITTED)
        application_in(f.pupil(klass, "Zoé", "Aubert"), second, S.CONFIRMED)
        f.pupil(klass, "Tom", "Petit")  # nothing yet, three weeks before the week
        staff = f.user(Role.STAFF, email="agent@seine-et-marne.fr")
        waiting = f.complete_offer(status=OfferStatus.SUBMITTED, title="Offre à modérer")
        waiting.created_at = datetime(2026, 11, 22, 9)
        f.company(name="Usine en attente", status=CompanyStatus.PENDING)
        db.session.commit()
        assert company_user_of(company) is company_user
        return {
            "offer": first.offer_id,
            "chosen": chosen.id,
            "other": other.id,
            "class": klass.id,
            "staff": staff.email,
            "teacher": teacher.email,
        }


# --- What waits, within the first screen ------------------------------------------------------


def test_company_sees_what_waits_and_its_main_action_on_arrival(page, live_server, season, watch):
    page.set_viewport_size(PHONE)
    login(page, "atelier@exemple.fr", f.PASSWORD)
    expect(page).to_have_url(re.compile("/entreprise/$"))
    work = page.locator("section.worklist")
    within_first_screen(page, work.get_by_role("link", name=re.compile("2 candidatures")))
    expect(work).to_contain_text("la plus ancienne expire le")
    within_first_screen(page, page.get_by_role("link", name="Créer une offre"))
    # The menu is folded: its links show only once « Menu » is opened.
    menu = page.locator("summary.site-menu-button")
    within_first_screen(page, menu)
    expect(menu).to_contain_text("2")
    candidatures = page.locator("nav.user-nav").get_by_role(
        "link", name=re.compile("^Candidatures")
    )
    expect(candidatures).to_be_hidden()
    menu.click()
    expect(candidatures).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)
    screenshot(page, "adults-company-dashboard-390", full_page=False)
    assert_accessible(page, "company dashboard, menu open")
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_teacher_sees_what_waits_on_arrival(page, live_server, season, watch):
    page.set_viewport_size(PHONE)
    login(page, season["teacher"], f.PASSWORD)
    work = page.locator("section.worklist")
    within_first_screen(page, work.get_by_role("link", name=re.compile("1 stage choisi attend")))
    expect(work).to_contain_text("1 élève n'a encore aucune candidature")
    screenshot(page, "adults-teacher-classes-390", full_page=False)
    assert_accessible(page, "teacher classes")
    # The follow-up table reads as cards, its actions visible without sideways scroll.
    work.get_by_role("link", name=re.compile("1 stage choisi attend")).click()
    validate = page.get_by_role("link", name=re.compile("^Valider le stage"))
    expect(validate).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS)
    box = validate.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "adults-teacher-follow-up-390")
    # Validating asks first (it starts the convention): a panel in the row, focus on its title.
    htmx_settled(page)
    validate.click()
    heading = page.get_by_role(
        "heading", name=re.compile("^Valider le stage de Zoé chez Chaudronnerie de l'Ourcq du ")
    )
    expect(heading).to_be_focused()
    assert "/valider" not in page.url
    assert page.evaluate(NO_SIDEWAYS)
    assert_accessible(page, "teacher validation confirmation panel")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_text("Stage validé pour Zoé Aubert")).to_be_visible()
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_staff_sees_moderation_waiting_with_its_age_on_arrival(page, live_server, season, watch):
    page.set_viewport_size(PHONE)
    login(page, season["staff"], f.PASSWORD)
    expect(page).to_have_url(re.compile("/moderation/$"))
    work = page.locator("section.worklist")
    within_first_screen(page, work.get_by_role("link", name=re.compile("1 offre à modérer")))
    expect(work).to_contain_text("la plus ancienne depuis 3 jours")
    expect(work).to_contain_text("1 entreprise à valider")
    screenshot(page, "adults-staff-queue-390", full_page=False)
    assert_accessible(page, "moderation queue")
    assert watch.console_errors == [] and watch.csp_violations() == []


# --- Confirmations with htmx ---------------------------------------------------------------------


def test_choose_confirmation_panel_takes_the_focus_and_gives_it_back(
    page, live_server, season, watch
):
    page.set_viewport_size(PHONE)
    login(page, "lea.durand", f.PASSWORD)
    page.goto("/candidatures")
    htmx_settled(page)
    opener = page.get_by_role("link", name="Je choisis ce stage")
    opener.click()
    panel = page.locator(".confirm-panel")
    heading = panel.get_by_role("heading", name="Choisir ce stage ?")
    expect(heading).to_be_focused()
    expect(panel).to_contain_text(
        "Ton autre candidature pour la semaine du lundi 14 décembre 2026 sera retirée : "
        "« Chaudronnerie » (Chaudronnerie de l'Ourcq)"
    )
    assert "/choisir" not in page.url  # swapped in place, no navigation
    screenshot(page, "adults-confirm-choose-390", full_page=False)
    assert_accessible(page, "choose confirmation panel")
    # « Annuler » puts the button back and focuses it; nothing changed.
    panel.get_by_role("link", name="Annuler").click()
    expect(panel).to_have_count(0)
    expect(page.get_by_role("link", name="Je choisis ce stage")).to_be_focused()
    page.get_by_role("link", name="Je choisis ce stage").click()
    expect(page.locator(".confirm-panel h2")).to_be_focused()
    page.get_by_role("button", name="Oui, je choisis ce stage").click()
    expect(page.get_by_text("Choisie — en attente du professeur").first).to_be_visible()
    with live_server.app.app_context():
        statuses = {a.id: a.status for a in db.session.scalars(select(Application))}
    assert statuses[season["chosen"]] == S.CONFIRMED
    assert statuses[season["other"]] == S.WITHDRAWN
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_close_offer_confirmation_panel_then_the_row_answers(page, live_server, season, watch):
    page.set_viewport_size(PHONE)
    login(page, "atelier@exemple.fr", f.PASSWORD)
    row = page.locator(f"#offre-{season['offer']}")
    htmx_settled(page)
    row.get_by_role("link", name=re.compile("^Fermer")).click()
    heading = row.get_by_role("heading", name=re.compile("Fermer l'offre"))
    expect(heading).to_be_focused()
    expect(row.locator(".confirm-panel")).to_contain_text("Ne plus recevoir de candidatures")
    expect(row.locator(".confirm-panel")).to_contain_text(
        "2 candidatures déjà reçues attendent votre réponse"
    )
    assert page.evaluate(NO_SIDEWAYS)
    screenshot(page, "adults-confirm-close-390", full_page=False)
    assert_accessible(page, "close confirmation panel")
    # Escape cancels too, focus back on the button.
    page.keyboard.press("Escape")
    expect(row.locator(".confirm-panel")).to_have_count(0)
    expect(row.get_by_role("link", name=re.compile("^Fermer"))).to_be_focused()
    row.get_by_role("link", name=re.compile("^Fermer")).click()
    expect(heading).to_be_focused()
    row.get_by_role("button", name="Fermer l'offre").click()
    status = page.locator(f"#offre-{season['offer']} [role=status]")
    expect(status).to_contain_text("Offre fermée")
    expect(status).to_be_focused()
    with live_server.app.app_context():
        assert db.session.get(Offer, season["offer"]).status == OfferStatus.CLOSED
    assert watch.console_errors == [] and watch.csp_violations() == []


# --- Without JavaScript --------------------------------------------------------------------------


def test_confirmations_work_without_javascript(browser, live_server, season):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="fr-FR"
    )
    page = context.new_page()
    try:
        login(page, "atelier@exemple.fr", f.PASSWORD)
        page.locator(f"#offre-{season['offer']}").get_by_role(
            "link", name=re.compile("^Fermer")
        ).click()
        expect(page).to_have_url(re.compile(f"/entreprise/offres/{season['offer']}/fermer$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fermer l'offre")
        expect(page.get_by_text(re.compile("Ne plus recevoir de candidatures"))).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS)
        page.get_by_role("button", name="Fermer l'offre").click()
        expect(page).to_have_url(re.compile("/entreprise/#offre-"))
        expect(
            page.get_by_text("Offre fermée : les élèves ne peuvent plus y candidater.")
        ).to_be_visible()
        # The pupil's choice, likewise through its page.
        context.clear_cookies()
        login(page, "lea.durand", f.PASSWORD)
        page.goto("/candidatures")
        page.get_by_role("link", name="Je choisis ce stage").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Choisir ce stage ?")
        page.get_by_role("button", name="Oui, je choisis ce stage").click()
        expect(page.get_by_text("Choisie — en attente du professeur").first).to_be_visible()
        # The teacher's validation, likewise through its page; « Annuler » first changes nothing.
        context.clear_cookies()
        login(page, season["teacher"], f.PASSWORD)
        page.goto(f"/classes/{season['class']}/suivi")
        row = page.locator("tr.pupil-row").filter(has_text="AUBERT Zoé")
        row.get_by_role("link", name=re.compile("^Valider le stage")).click()
        expect(page).to_have_url(re.compile(r"/candidatures/\d+/valider$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Valider le stage de Zoé chez Chaudronnerie de l'Ourcq"
        )
        page.get_by_role("link", name="Annuler").click()
        expect(page).to_have_url(re.compile(f"/classes/{season['class']}/suivi#eleve-"))
        row.get_by_role("link", name=re.compile("^Valider le stage")).click()
        page.get_by_role("button", name="Confirmer la validation").click()
        expect(page.get_by_text("Stage validé pour Zoé Aubert")).to_be_visible()
    finally:
        context.close()
    with live_server.app.app_context():
        assert db.session.get(Application, season["chosen"]).status == S.CONFIRMED
