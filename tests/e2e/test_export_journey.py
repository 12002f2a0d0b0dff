"""Issue 11's journey in a real browser: staff trigger an export, watch its progress update by
itself (htmx polling), download the CSV; the public offer page's JSON-LD breaks no CSP rule."""

import csv
import io
import re
import threading
from pathlib import Path

from playwright.sync_api import expect

from capindustrie.exports import runs
from capindustrie.extensions import db
from capindustrie.models import Role
from tests import factories as f
from tests.e2e.helpers import assert_accessible, login, screenshot
from tests.export_helpers import published_offer


def test_staff_trigger_an_export_watch_it_and_download_the_csv(
    page, live_server, watch, tmp_path, monkeypatch
):
    app = live_server.app
    app.config.update(EXPORT_DIR=str(tmp_path / "exports"), EXPORT_ASYNC=True, EXPORT_BATCH_SIZE=1)
    with app.app_context():
        f.user(Role.STAFF, email="agent@seine-et-marne.fr")
        first = published_offer(title="Découvrir la maintenance d'une usine")
        published_offer(title="Élaborer des crèmes glacées", levels=("3e", "2nde"))
        db.session.commit()
        first_id = first.id

    # Hold the run after its first batch until the test has seen the progress.
    release = threading.Event()
    real_batches = runs.iter_offer_batches

    def held_batches(*args, **kwargs):
        for number, batch in enumerate(real_batches(*args, **kwargs)):
            if number == 1:
                release.wait(20)
            yield batch

    monkeypatch.setattr(runs, "iter_offer_batches", held_batches)

    login(page, "agent@seine-et-marne.fr", f.PASSWORD)
    page.goto("/export/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Export des offres")
    page.get_by_label("Complet : toutes les offres publiées").check()
    page.get_by_role("button", name="Lancer l'export").click()

    expect(page).to_have_url(re.compile(r"/export/executions/\d+$"))
    progress = page.locator("#progression")
    expect(progress).to_contain_text("Statut : En cours")
    expect(progress).to_contain_text("Offres traitées : 1 sur 2")
    assert_accessible(page, "export-progress")
    screenshot(page, "export-progress")
    url_while_running = page.url

    release.set()
    # No reload: htmx polls the fragment and swaps the outcome in.
    expect(progress).to_contain_text("Statut : Réussi", timeout=15000)
    expect(progress).to_contain_text("3 lignes exportées")
    assert page.url == url_while_running
    assert_accessible(page, "export-done")
    screenshot(page, "export-done")

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le CSV").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r["Titre"] for r in rows] == [
        "Découvrir la maintenance d'une usine",
        "Élaborer des crèmes glacées",
        "Élaborer des crèmes glacées",
    ]
    assert [r["Niveau"] for r in rows] == ["troisieme", "troisieme", "seconde"]

    # The history lists the run with its files.
    page.goto("/export/")
    expect(page.get_by_role("link", name="CSV")).to_be_visible()

    # The public offer page's JSON-LD data block is no CSP violation.
    page.goto(f"/offres/{first_id}")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert watch.csp_violations() == []
    assert watch.console_errors == []


def test_export_pages_fit_a_390_px_phone(page, live_server, watch, tmp_path):
    app = live_server.app
    app.config.update(EXPORT_DIR=str(tmp_path / "exports"), EXPORT_ASYNC=False)
    with app.app_context():
        f.user(Role.STAFF, email="agent@seine-et-marne.fr")
        published_offer(title="Découvrir la maintenance d'une usine")
        run_id = runs.run_export(runs.ExportKind.FULL, "cli").id
        db.session.commit()
    login(page, "agent@seine-et-marne.fr", f.PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    for url in ("/export/", f"/export/executions/{run_id}", "/export/envois"):
        page.goto(url)
        assert page.evaluate(fits), url
        assert_accessible(page, "export-390px-")
        screenshot(page, "export-390px-" + url.strip("/").replace("/", "-"))
    assert watch.csp_violations() == []
