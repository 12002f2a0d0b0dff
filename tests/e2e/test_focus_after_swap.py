"""Issue 9: one rule for every form answer, in a real browser on a phone-sized screen. A refused
form brings its error summary into view and focuses it, each entry linking to a field that
exists; a successful HTMX step focuses the new content's heading, in view."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Role
from tests import factories as f
from tests.e2e.helpers import assert_accessible, htmx_settled, login, screenshot
from tests.placement_helpers import application_in, published_period

PHONE = {"width": 390, "height": 844}

FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    classes: el.className || "",
    text: (el.innerText || "").trim(),
    top: box.top,
    bottom: box.bottom,
    viewport: window.innerHeight,
  };
}"""

# Every link of the summary goes to an element that exists (href="#id").
DANGLING_LINKS = """() => Array.from(document.querySelectorAll(".error-summary a"))
  .map(a => a.getAttribute("href"))
  .filter(href => !href || !href.startsWith("#") || href.length < 2
                  || !document.getElementById(decodeURIComponent(href.slice(1))))"""


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def assert_in_view(state: dict) -> None:
    # Its top within the screen: a sighted keyboard user sees where the focus went.
    assert 0 <= state["top"] < state["viewport"], state


def summary_links(page: Page) -> list[str]:
    return page.locator(".error-summary a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_wizard_step_5_refused_focuses_the_summary_then_success_focuses_step_6(
    page, live_server, watch
):
    page.set_viewport_size(PHONE)
    with live_server.app.app_context():
        company_user = f.user(Role.COMPANY, email="atelier@exemple.fr")
        offer = f.complete_offer(company_user.company)
        offer.wizard_step = 6
        db.session.commit()
        offer_id = offer.id

    login(page, "atelier@exemple.fr", f.PASSWORD)
    page.goto(f"/entreprise/offres/{offer_id}/etape/5")
    htmx_settled(page)
    # 08:00–16:30 with a one-hour break: 7 h 30 of presence, over the 7 h a day for minors.
    page.get_by_label("Arrivée").fill("08:00")
    page.get_by_label("Départ").fill("16:30")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    state = focused(page)
    assert "error-summary" in state["classes"]
    assert "7 h par jour" in state["text"]
    assert_in_view(state)
    assert page.evaluate(DANGLING_LINKS) == []
    assert summary_links(page), "the summary has no link to the field at fault"
    assert_accessible(page, "focus-wizard-step5-refused-390")
    screenshot(page, "focus-wizard-step5-refused-390", full_page=False)

    # Following the summary's link lands on the field.
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.tagName") == "INPUT"

    page.get_by_label("Départ").fill("15:30")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    heading = page.get_by_role("heading", name=re.compile("Étape 6 sur 6"))
    expect(heading).to_be_focused()
    state = focused(page)
    assert state["tag"] == "h2" and state["text"].startswith("Étape 6 sur 6")
    assert_in_view(state)
    assert_accessible(page, "focus-wizard-step6-success-390")
    screenshot(page, "focus-wizard-step6-success-390", full_page=False)

    # Moving between steps through the step links follows the same rule.
    page.get_by_role("link", name="2. Programme").click()
    expect(page.get_by_role("heading", name=re.compile("Étape 2 sur 6"))).to_be_focused()
    assert_in_view(focused(page))
    unexpected = [e for e in watch.console_errors if "status of 422" not in e]
    assert unexpected == [] and watch.csp_violations() == []


def test_refused_registration_page_focuses_its_summary_with_links_to_the_fields(page, watch):
    page.set_viewport_size(PHONE)
    page.goto("/inscription/entreprise")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer le compte de l'entreprise").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert_in_view(focused(page))
    links = summary_links(page)
    assert "#email" in links and "#siret" in links
    assert page.evaluate(DANGLING_LINKS) == []
    assert_accessible(page, "focus-registration-refused-390")
    screenshot(page, "focus-registration-refused-390", full_page=False)


def test_refused_moderation_swap_focuses_its_summary(page, live_server, watch):
    page.set_viewport_size(PHONE)
    with live_server.app.app_context():
        f.user(Role.STAFF, email="agent@seine-et-marne.fr")
        offer = f.complete_offer(status=OfferStatus.SUBMITTED)
        db.session.commit()
        offer_id = offer.id

    login(page, "agent@seine-et-marne.fr", f.PASSWORD)
    page.goto(f"/moderation/offres/{offer_id}")
    htmx_settled(page)
    page.get_by_label(re.compile("Motif")).fill("court")
    page.get_by_role("button", name="Refuser").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert_in_view(focused(page))
    assert page.evaluate(DANGLING_LINKS) == []
    assert summary_links(page) == ["#reject-reason"]
    assert_accessible(page, "moderation refusal refused, HTMX swap")
    unexpected = [e for e in watch.console_errors if "status of 422" not in e]
    assert unexpected == [] and watch.csp_violations() == []


def test_step6_refused_focuses_the_single_list_of_what_is_missing(page, live_server, watch):
    page.set_viewport_size(PHONE)
    with live_server.app.app_context():
        company_user = f.user(Role.COMPANY, email="atelier@exemple.fr")
        offer = f.complete_offer(company_user.company)
        offer.day_start = offer.day_end = None
        offer.wizard_step = 6
        db.session.commit()
        offer_id = offer.id

    login(page, "atelier@exemple.fr", f.PASSWORD)
    page.goto(f"/entreprise/offres/{offer_id}/etape/6")
    htmx_settled(page)
    page.get_by_role("button", name="Envoyer l'offre au Département").click()
    summary = page.locator("#offre-incomplete.error-summary")
    expect(summary).to_be_focused()
    assert_in_view(focused(page))
    expect(page.get_by_text("L'offre est incomplète")).to_have_count(1)
    assert_accessible(page, "focus-wizard-step6-refused-390")
    screenshot(page, "focus-wizard-step6-refused-390", full_page=False)

    summary.get_by_role("link", name="Étape 5 : les horaires de la journée.").click()
    expect(page.get_by_role("heading", name=re.compile("Étape 5 sur 6"))).to_be_focused()
    assert_in_view(focused(page))


def test_row_swaps_focus_the_field_at_fault_then_the_confirmation(page, live_server, watch):
    """A table row answered in place (teacher's class follow-up): a refused refusal focuses its
    reason field; a validation focuses the row's confirmation message."""
    page.set_viewport_size(PHONE)
    with live_server.app.app_context():
        teacher = f.user(Role.TEACHER, email="prof@ac-creteil.fr")
        klass = f.school_class(teacher)
        first = f.pupil(klass, first_name="Inès", last_name="Bernard")
        second = f.pupil(klass, first_name="Noah", last_name="Martin")
        application_in(first, published_period(), S.CONFIRMED)
        application_in(second, published_period(), S.CONFIRMED)
        db.session.commit()
        class_id, first_id = klass.id, first.id

    login(page, "prof@ac-creteil.fr", f.PASSWORD)
    page.goto(f"/classes/{class_id}/suivi")
    htmx_settled(page)
    row = page.locator(f"#eleve-{first_id}")
    row.get_by_text("Refuser ce stage…").click()
    row.get_by_label(re.compile("Motif")).fill("Trop")
    row.get_by_role("button", name="Refuser le stage").click()
    expect(page.locator(f"#eleve-{first_id} textarea")).to_be_focused()
    assert focused(page)["tag"] == "textarea"
    assert_in_view(focused(page))
    assert_accessible(page, "row refusal refused, HTMX swap")

    page.locator(f"#eleve-{first_id}").get_by_role(
        "link", name=re.compile("^Valider le stage")
    ).click()
    expect(page.locator(f"#eleve-{first_id} .confirm-panel h2")).to_be_focused()
    page.locator(f"#eleve-{first_id}").get_by_role("button", name="Confirmer la validation").click()
    status = page.locator(f"#eleve-{first_id} [role=status]")
    expect(status).to_be_focused()
    assert_in_view(focused(page))
    assert_accessible(page, "row validated, HTMX swap")
    unexpected = [e for e in watch.console_errors if "status of 422" not in e]
    assert unexpected == [] and watch.csp_violations() == []
