"""The home page in a real Chromium: French, keyboard-usable, htmx loaded locally, CSP clean."""

import gc
import re
import socket
import struct
import time

from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screenshot, wait_until


def test_home_page_is_french_and_titled(page, watch):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Accueil — Cap Industrie, Seine-et-Marne")
    expect(page.get_by_role("heading", level=1)).to_contain_text("stages clé en main")
    expect(page.get_by_role("main")).to_be_visible()
    assert_accessible(page, "home")
    screenshot(page, "home")


def test_skip_link_is_first_on_tab_and_moves_focus_to_main(page, watch):
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    # Off-screen until focused: a sighted keyboard user must see it.
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert_accessible(page, "home-skip-link-focused")
    screenshot(page, "home-skip-link-focused", full_page=False)

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/#contenu$"))
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_htmx_2_0_11_is_served_from_our_own_static_folder(page, watch):
    page.goto("/")
    wait_until(page, "typeof window.htmx !== 'undefined'")

    assert page.evaluate("htmx.version") == "2.0.11"
    htmx_urls = [url for url in watch.requests if url.endswith("htmx.min.js")]
    assert htmx_urls and all("/static/vendor/htmx/" in url for url in htmx_urls)
    # The configuration from <meta name="htmx-config"> is the one htmx applies.
    assert page.evaluate("htmx.config.historyCacheSize") == 0
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.selfRequestsOnly") is True


def test_home_page_has_no_console_error_no_csp_violation_and_stays_local(page, watch):
    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert watch.console_errors == []
    assert watch.csp_violations() == []
    assert watch.requests, "the page made no request at all: the watcher is not working"
    assert watch.external_requests() == []


def test_csp_watcher_does_catch_an_inline_script(page, watch):
    """Guards the test above: an inline script is blocked and reported by our watcher."""
    page.goto("/")
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__inline_ran = true";
            document.body.appendChild(s);
        }"""
    )
    wait_until(page, "window.__cspViolations.length > 0")

    assert page.evaluate("window.__inline_ran === undefined")
    assert any("script-src" in v for v in watch.csp_violations())
    assert watch.console_errors, "Chromium logs a CSP refusal as a console error"


def test_live_server_closes_static_files_when_the_browser_drops_the_connection(live_server):
    # A browser that navigates away resets the connection mid-font; a file left open there failed
    # an unrelated test through pytest's ResourceWarning check (a CI run was lost to it).
    host, port = live_server.url.removeprefix("http://").split(":")
    font = "/static/fonts/source-sans-3/source-sans-3-latin-700-normal.woff2"
    for attempt in range(60):
        connection = socket.create_connection((host, int(port)))
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.sendall(f"GET {font} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        time.sleep(0.002 * (attempt % 5))
        connection.close()  # linger 0: a reset, as a browser's abandoned request
    time.sleep(0.5)
    gc.collect()  # an unclosed file would raise its ResourceWarning here, failing this test
