from datetime import timedelta

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Role
from tests import factories
from tests.e2e.helpers import login, screenshot
from tests.test_companies import NEXT_WEEK, make_offer


def test_dashboard_in_browser(live_server, page, watch):
    with live_server.app.app_context():
        user = factories.user(Role.COMPANY, email="nadia@exemple.fr")
        make_offer(user.company, periods=((NEXT_WEEK, 5, 3), (NEXT_WEEK + timedelta(days=7), 4, 0)))
        make_offer(user.company, title="Logistique du froid", status=OfferStatus.CLOSED,
                   periods=((NEXT_WEEK, 2, 2),))
        db.session.commit()
    login(page, "nadia@exemple.fr", factories.PASSWORD)
    page.goto("/entreprise/")
    field = page.locator("input.input-seats").first
    row = page.locator("tr", has=field)
    field.fill("2")
    row.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_selector("text=Impossible de descendre sous les 3 places")
    assert page.url.endswith("/entreprise/")  # swapped, no navigation
    screenshot(page, "companies-seats-error")
    page.locator("input.input-seats").first.fill("9")
    page.locator("tr", has=page.locator("input.input-seats").first).get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_selector("text=Places restantes : 6")
    page.get_by_role("button", name="Rouvrir").click()
    page.wait_for_selector("text=Aucune place n'est libre")
    page.get_by_role("button", name="Fermer").first.click()
    page.wait_for_selector("text=Offre fermée")
    screenshot(page, "companies-dashboard")
    page.goto("/entreprise/profil")
    page.get_by_label("Code postal", exact=True).fill("77100")
    page.wait_for_selector("select#commune")
    screenshot(page, "companies-profile")
    assert watch.console_errors == [] and watch.csp_violations() == []
