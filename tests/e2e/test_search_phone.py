"""Issue 9: on a phone the search shows its results first, the filters folded under a summary of
those in force; on a wide screen the filters are shown as before. With and without JavaScript;
the live (HTMX) results keep working and keep the summary up to date."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from capindustrie.models import Role
from capindustrie.refdata import demo
from tests.e2e.helpers import assert_accessible, htmx_settled, login, screenshot
from tests.placement_helpers import NOW

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
PUPIL = ("lea.durand", demo.PASSWORDS[Role.PUPIL])


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def demo_data(live_server):
    with live_server.app.app_context():
        demo.load_demo(now=NOW)


def results_top(page: Page) -> float:
    return page.locator("#resultats-titre").bounding_box()["y"]


def test_pupil_search_on_a_phone_results_first_filters_folded(page, live_server, demo_data, watch):
    page.set_viewport_size(PHONE)
    login(page, *PUPIL)
    page.goto("/recherche")

    panel = page.locator("details.filters-panel")
    summary = panel.locator("summary:has(#filtres-nombre)")
    line = page.locator("#filtres-actifs")
    expect(summary).to_be_visible()
    expect(summary).to_have_text(re.compile(r"^Filtres\b"))
    expect(line).to_contain_text("20 km, ma semaine de stage")
    expect(page.get_by_label("Filière")).to_be_hidden()
    # The results start on the first screen, the first offer with them.
    assert results_top(page) < PHONE["height"] * 0.75
    expect(page.locator(".search-hit").first).to_be_in_viewport()
    assert_accessible(page, "search-pupil-390-folded")
    screenshot(page, "search-pupil-390-folded", full_page=False)

    # Unfolded, a filter change updates the results live and the summary with them.
    summary.click()
    htmx_settled(page)
    page.get_by_label("Filière").select_option(label="Santé et pharmaceutique")
    expect(line).to_contain_text("20 km, Santé et pharmaceutique, ma semaine de stage")
    expect(summary).to_contain_text("Filtres (1)")
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hits")).to_contain_text("Fabriquer un médicament")
    expect(page).to_have_url(re.compile(r"filiere="))
    assert_accessible(page, "search-pupil-390-open")
    screenshot(page, "search-pupil-390-open", full_page=False)
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_pupil_search_on_a_wide_screen_shows_the_filters_as_before(page, live_server, demo_data):
    page.set_viewport_size(WIDE)
    login(page, *PUPIL)
    page.goto("/recherche")
    expect(page.locator("summary:has(#filtres-nombre)")).to_be_hidden()
    expect(page.locator("#filtres-actifs")).to_be_visible()
    expect(page.get_by_label("Filière")).to_be_visible()
    expect(page.get_by_label("Mot-clé")).to_be_visible()
    assert_accessible(page, "search-pupil-wide")
    screenshot(page, "search-pupil-wide", full_page=False)


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_public_search_without_javascript(browser, live_server, demo_data, viewport):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=viewport, locale="fr-FR"
    )
    page = context.new_page()
    page.goto("/offres?etablissement=0770002J&filiere=agriculture_agroalimentaire")
    summary = page.locator("summary:has(#filtres-nombre)")
    line = page.locator("#filtres-actifs")
    if viewport is PHONE:
        expect(line).to_contain_text("3e, 20 km, Agriculture et agroalimentaire")
        expect(summary).to_contain_text("Filtres (1)")
        expect(page.get_by_label("Mot-clé")).to_be_hidden()
        assert results_top(page) < PHONE["height"]
        summary.click()  # a native <details>: no script needed
        page.get_by_label("Mot-clé").fill("fromage")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"q=fromage"))
        expect(page.locator("#filtres-actifs")).to_contain_text("« fromage »")
        expect(page.locator("summary:has(#filtres-nombre)")).to_contain_text("Filtres (2)")
        # No axe here: axe-core needs the page's scripting, switched off in this context (the
        # same search page with scripts is checked by test_accessibility's crawl).
        screenshot(page, "search-public-390-nojs", full_page=False)
    else:
        expect(summary).to_be_hidden()
        expect(page.locator("details.filters-panel > summary").nth(0)).to_be_hidden()
        expect(page.get_by_label("Mot-clé")).to_be_visible()
        expect(page.get_by_label("Changer d'établissement")).to_be_visible()
    context.close()
