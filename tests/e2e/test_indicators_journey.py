"""Issue 13's journey in a real browser: staff open the indicators, filter by an EPCI, read the
figures and download the workbook; the page requests nothing outside the site."""

import io
import re
from datetime import UTC, datetime

import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from capindustrie.extensions import db
from capindustrie.models import Role
from tests import factories as f
from tests import indicator_data
from tests.e2e.helpers import assert_accessible, login, screenshot
from tests.indicator_data import MELUN_EPCI

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_staff_filters_the_dashboard_by_epci_and_downloads_the_workbook(page, live_server, watch):
    with live_server.app.app_context():
        indicator_data.build()
        f.user(Role.STAFF, email="agent@seine-et-marne.fr", first_name="Paul")
        db.session.commit()

    with time_machine.travel(NOW, tick=True):
        login(page, "agent@seine-et-marne.fr", f.PASSWORD)
        page.get_by_role("link", name="Indicateurs").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Indicateurs — année scolaire 2026-2027"
        )
        page.get_by_label("EPCI", exact=True).select_option(MELUN_EPCI)
        page.get_by_role("button", name="Afficher").click()
        expect(page).to_have_url(re.compile(f"annee=2026&epci={MELUN_EPCI}"))
        offers = page.get_by_role("row", name="Offres publiées")
        expect(offers.get_by_role("cell").first).to_have_text("1")  # O1, in Melun
        assert_accessible(page, "indicators-dashboard-melun")
        screenshot(page, "indicators-dashboard-melun")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Classeur Excel (.xlsx)").click()
        download = download_info.value
        assert download.suggested_filename == "indicateurs-2026-2027.xlsx"
        book = load_workbook(io.BytesIO(download.path().read_bytes()))
        figures = {row[0]: row[1] for row in book["Tableau de bord"].iter_rows(values_only=True)}
        assert figures["Offres publiées"] == 1 and figures["Places offertes"] == 6

    assert watch.external_requests() == []
    assert watch.csp_violations() == []
    assert watch.console_errors == []
