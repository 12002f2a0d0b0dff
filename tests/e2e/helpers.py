"""Helpers for browser tests: import them with `from tests.e2e.helpers import login, screenshot`."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

# Not under test-results/: pytest-playwright empties that folder at every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LOCAL_HOSTS = {"127.0.0.1"}


@dataclass
class PageWatch:
    """What a page did: console errors, CSP violations, and every URL it requested."""

    console_errors: list[str]
    requests: list[str]
    page: Page

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def external_requests(self) -> list[str]:
        return [
            url for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG under screenshots/ (gitignored) for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def htmx_settled(page: Page) -> None:
    """Wait until htmx has made what it last swapped in live. New elements are visible at once
    but their hx-* attributes are processed at settle time (20 ms later, more on a loaded
    machine); they carry `htmx-added` until then. Typing into such a field earlier sends no
    request — a person cannot type that fast, a test can."""
    page.wait_for_function(
        "window.htmx && !document.querySelector('.htmx-added, .htmx-settling, .htmx-request')"
    )


def login(page: Page, login: str, password: str) -> None:
    """Log in through the real form at /connexion and wait for the page that follows.

    For a login expected to succeed; a refused login is not a navigation (test those by hand)."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail ou identifiant", exact=True).fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
