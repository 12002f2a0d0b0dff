"""Issue 17, « Pupils, on a phone first », in a real browser at 390×844: the first result and the
offer's primary button are on the first screen, nothing scrolls sideways, the sticky apply bar
never hides the end of the page, the message counter counts live; the same pages at 1366 px.
Screenshots: /tmp/ux-pupil-*.png."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Role, School, SchoolType
from tests import factories as f
from tests.e2e.helpers import assert_accessible, htmx_settled, login

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
WEEK = (date(2027, 1, 11), date(2027, 1, 15))
OTHER_WEEK = (date(2027, 2, 1), date(2027, 2, 5))
SHOTS = Path("/tmp")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def pupil_login(live_server):
    """A pupil of a collège in Meaux (internship week WEEK) and three offers around it."""
    with live_server.app.app_context():
        college = db.session.scalar(
            select(School)
            .where(School.commune_insee == "77284", School.kind == SchoolType.COLLEGE)
            .order_by(School.uai)
        )
        teacher = f.user(Role.TEACHER, school_obj=college)
        klass = f.school_class(teacher, start=WEEK[0], end=WEEK[1])
        pupil = f.pupil(klass, first_name="Léa", last_name="Durand")
        company = f.company("Atelier de Meaux")
        company.presentation = (
            "Atelier d'usinage de précision : 40 personnes fabriquent des pièces pour "
            "l'aéronautique et le ferroviaire."
        )
        f.complete_offer(
            company,
            status=OfferStatus.PUBLISHED,
            commune_insee="77284",
            title="Usinage à Meaux",
            periods=((*WEEK, 2), (*OTHER_WEEK, 1)),
        )
        f.complete_offer(
            status=OfferStatus.PUBLISHED,
            commune_insee="77288",
            title="Logistique à Melun",
            periods=((*WEEK, 2),),
        )
        f.complete_offer(
            status=OfferStatus.PUBLISHED,
            commune_insee="77284",
            title="Contrôle qualité dans une usine de fromage",
            periods=((*WEEK, 3),),
        )
        db.session.commit()
        return pupil.user.username, college.uai


def shot(page: Page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"ux-pupil-{name}.png"), full_page=full_page)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def in_first_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (selector, box)


def test_search_on_a_phone_shows_the_first_result_on_the_first_screen(
    page, live_server, pupil_login, watch
):
    page.set_viewport_size(PHONE)
    login(page, pupil_login[0], f.PASSWORD)
    page.goto("/recherche")

    expect(page.locator("#filtres-actifs")).to_have_text(
        re.compile(r"^Près du collège .+, 20 km, ma semaine de stage$")
    )
    expect(page.locator("summary.filters-button")).to_have_text(re.compile(r"^Filtres\b"))
    # The whole first card (title, company, commune, distance, places, week) without scrolling.
    in_first_screen(page, ".search-hit")
    first = page.locator(".search-hit").first
    expect(first).to_contain_text("Contrôle qualité dans une usine de fromage")
    expect(first.locator(".chip-distance")).to_have_text(re.compile(r"\d+,\d\s*km"))
    expect(first).to_contain_text("places libres")
    expect(first).to_contain_text("semaine du 11 janvier 2027")
    expect(page.get_by_label("Jusqu'à quelle distance ?")).to_be_hidden()
    no_sideways_scroll(page)
    shot(page, "search-390")
    assert_accessible(page, "search, filters folded")

    # « Filtres » opens the filters; a change updates the results and the count.
    page.locator("summary.filters-button").click()
    htmx_settled(page)
    page.get_by_label("Jusqu'à quelle distance ?").select_option("50")
    expect(page.locator("summary.filters-button")).to_contain_text("Filtres (1)")
    expect(page.locator("#filtres-actifs")).to_contain_text("50 km, ma semaine de stage")
    expect(page.locator(".search-hit")).to_have_count(3)
    no_sideways_scroll(page)
    shot(page, "search-390-filters", full_page=True)
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_offer_on_a_phone_keeps_the_apply_button_on_screen_without_hiding_content(
    page, live_server, pupil_login, watch
):
    page.set_viewport_size(PHONE)
    login(page, pupil_login[0], f.PASSWORD)
    page.goto("/recherche")
    page.get_by_role("link", name="Usinage à Meaux").click()

    bar = page.locator(".apply-bar")
    button = bar.get_by_role("link", name="Candidater")
    expect(button).to_be_visible()
    in_first_screen(page, ".apply-bar a")
    in_first_screen(page, ".offer-summary .chip-distance")
    expect(page.locator(".offer-summary")).to_contain_text("(estimé) depuis Collège")
    expect(page.get_by_role("link", name="Voir l'itinéraire")).to_be_visible()
    expect(page.locator(".apply-top")).to_be_hidden()  # one primary button at a time
    no_sideways_scroll(page)
    shot(page, "offer-390")
    assert_accessible(page, "offer page, apply bar")

    # The programme: one line per day, opened on demand.
    day = page.locator("details.program-day").first
    expect(day).not_to_have_attribute("open", "")
    day.locator("summary").click()
    expect(day.locator("p").first).to_be_visible()

    # At the end of the page the bar rests in its place: the last facts are not under it.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator("#offre-pratique ~ dl dd, .offer-section dl.facts dd").last
    last_box, bar_box = last.bounding_box(), bar.bounding_box()
    assert last_box["y"] + last_box["height"] <= bar_box["y"] + 1
    expect(button).to_be_in_viewport()
    shot(page, "offer-390-end")

    # Two open periods: the button leads to the choice of dates, then to the form.
    button.click()
    expect(page.locator("#offre-candidater")).to_be_in_viewport()
    page.locator(".apply-links").get_by_role("link", name="Candidater à cette période").last.click()
    expect(page.locator("#hors-dates")).to_contain_text("ne sont pas celles du stage de ta classe")
    counter = page.locator("#message-compteur")
    page.get_by_label("Ton message à l'entreprise").fill("Bonjour")
    expect(counter).to_have_text("7 caractères : encore 13 caractères au moins.")
    page.get_by_label("Ton message à l'entreprise").press_sequentially(", j'adore l'usinage.")
    expect(counter).to_contain_text(re.compile(r"27 caractères sur 1\s000 au plus\."))
    no_sideways_scroll(page)
    shot(page, "apply-390", full_page=True)
    assert_accessible(page, "apply form, warning and counter")
    assert watch.console_errors == [] and watch.csp_violations() == []
    assert watch.external_requests() == []


def test_anonymous_offer_page_on_a_phone_signs_in_and_returns(page, live_server, pupil_login):
    page.set_viewport_size(PHONE)
    page.goto(f"/offres?etablissement={pupil_login[1]}")
    in_first_screen(page, ".search-hit")
    no_sideways_scroll(page)
    shot(page, "search-390-anonymous")
    page.get_by_role("link", name="Usinage à Meaux").click()
    offer_url = re.sub(r"\?.*", "", page.url)
    link = page.locator(".apply-bar").get_by_role("link", name="Se connecter pour candidater")
    expect(link).to_be_in_viewport()
    shot(page, "offer-390-anonymous")
    link.click()
    page.get_by_label("Adresse e-mail ou identifiant", exact=True).fill(pupil_login[0])
    page.get_by_label("Mot de passe", exact=True).fill(f.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    assert page.url == offer_url
    expect(page.locator(".apply-bar").get_by_role("link", name="Candidater")).to_be_visible()


def test_the_same_pages_on_a_wide_screen(page, live_server, pupil_login, watch):
    page.set_viewport_size(WIDE)
    login(page, pupil_login[0], f.PASSWORD)
    page.goto("/recherche?rayon=50")
    expect(page.get_by_label("Jusqu'à quelle distance ?")).to_be_visible()
    expect(page.locator(".search-hit").first).to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "search-1366")
    page.get_by_role("link", name="Usinage à Meaux").click()
    expect(page.locator(".apply-bar")).to_be_hidden()
    expect(page.locator(".apply-top").get_by_role("link", name="Candidater")).to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "offer-1366")
    page.goto("/candidatures")
    shot(page, "dashboard-1366")
    assert watch.console_errors == [] and watch.csp_violations() == []
