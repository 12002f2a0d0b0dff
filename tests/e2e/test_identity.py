"""Issue 17 point 11: the home page looks like the Département's service — its logo and the
Cap Industrie wordmark in the header, the vendored open font actually in use, « Comment ça
marche » in four steps, one pictogram per filière — at 1366 px and 390 px, with no sideways
scroll and nothing for axe-core to report. Screenshots under screenshots/ for a human to look."""

import pytest
from playwright.sync_api import expect

from capindustrie.models import FILIERE_LABELS
from tests.e2e.helpers import assert_accessible, screenshot

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_home_page_identity(page, live_server, width, watch):
    page.set_viewport_size(WIDTHS[width])
    page.goto("/")
    page.wait_for_load_state("networkidle")

    header = page.get_by_role("banner")
    expect(header.get_by_role("img", name="Département de Seine-et-Marne")).to_be_visible()
    expect(header.get_by_role("link", name="Cap Industrie, accueil")).to_be_visible()
    # The font is ours, loaded from our static folder, and the text is set in it.
    assert page.evaluate("document.fonts.check('1em \"Source Sans 3\"')")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Source Sans 3') && f.status === 'loaded')"
    )
    assert any("/static/fonts/source-sans-3/" in url for url in watch.requests)
    assert "Source Sans 3" in page.evaluate("getComputedStyle(document.body).fontFamily")

    steps = page.get_by_role("region", name="Comment ça marche").get_by_role("listitem")
    expect(steps).to_have_count(4)
    filieres = page.get_by_role("region", name="Neuf filières à découvrir").get_by_role("listitem")
    expect(filieres).to_have_count(len(FILIERE_LABELS))
    for label in FILIERE_LABELS.values():
        expect(filieres.filter(has_text=label).locator("svg.filiere-icon")).to_have_count(1)

    footer = page.get_by_role("contentinfo")
    legal = ("Mentions légales", "Politique de confidentialité", "Accessibilité : non conforme")
    for name in legal:
        expect(footer.get_by_role("link", name=name)).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    assert watch.csp_violations() == [] and watch.external_requests() == []
    assert_accessible(page, f"home, {width}")
    screenshot(page, f"identity-home-{width}")
    screenshot(page, f"identity-home-{width}-first-screen", full_page=False)


@pytest.mark.parametrize("path", ["/mentions-legales", "/confidentialite", "/accessibilite"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_legal_pages_read_well_and_pass_axe(page, live_server, path, width, watch):
    page.set_viewport_size(WIDTHS[width])
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    assert_accessible(page, width)
    if path == "/confidentialite":
        screenshot(page, f"identity-privacy-{width}")
