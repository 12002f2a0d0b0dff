"""Helpers for browser tests: import them with `from tests.e2e.helpers import login, screenshot`."""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page

from capindustrie.refdata.demo import DEMO_STAFF_TOTP_SECRET

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
            url
            for url in self.requests
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


def wait_until(page: Page, expression: str, timeout_s: float = 10.0) -> None:
    """Poll a JavaScript expression from here until it is truthy. Not `page.wait_for_function`:
    when its first try fails, Playwright re-evaluates the text in the page, which our strict CSP
    (no 'unsafe-eval') refuses — the test then failed only when the page was slow to settle
    (microsoft/playwright#36986). `page.evaluate` goes through the DevTools protocol."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(20)


def htmx_settled(page: Page) -> None:
    """Wait until htmx has made what it last swapped in live. New elements are visible at once
    but their hx-* attributes are processed at settle time (20 ms later, more on a loaded
    machine); they carry `htmx-added` until then. Typing into such a field earlier sends no
    request — a person cannot type that fast, a test can."""
    wait_until(
        page,
        "Boolean(window.htmx) && !document.querySelector('.htmx-added, .htmx-settling, "
        ".htmx-request')",
    )


def login(page: Page, login: str, password: str) -> None:
    """Log in through the real form at /connexion and wait for the page that follows.

    For a login expected to succeed; a refused login is not a navigation (test those by hand)."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail ou identifiant", exact=True).fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    pass_second_factor(page, login)


# The TOTP key each account enrolled with in this browser test run, by login.
_TOTP_SECRETS: dict[str, str] = {}


def pass_second_factor(page: Page, login: str) -> None:
    """Staff sign in with two factors (issue 14): enrol on the first login (reading the key shown
    beside the QR code, as a person would type it into an authenticator app), then type the
    code. A code is accepted once: two logins within one 30-second step wait for the next."""
    path = urlsplit(page.url).path
    if path == "/compte/double-authentification":
        _TOTP_SECRETS[login] = page.locator("#totp-secret").inner_text().strip()
        _type_code(page, login, "Activer")
        with page.expect_navigation():
            page.get_by_role("link", name="Continuer").click()
    elif path == "/connexion/code":
        _type_code(page, login, "Valider le code")


def _type_code(page: Page, login: str, button: str) -> None:
    # Accounts enrolled outside the browser: the demo agent, enrolled by `flask demo load`.
    totp = pyotp.TOTP(_TOTP_SECRETS.get(login, DEMO_STAFF_TOTP_SECRET))
    for _attempt in range(2):
        page.get_by_label("Code à 6 chiffres (ou code de secours)").fill(totp.now())
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
        if "Code refusé" not in page.content():
            return
        time.sleep(totp.interval - time.time() % totp.interval + 0.5)
    raise AssertionError("the second factor was refused twice")


# axe-core 4.10.3 (npm `axe-core`, MPL-2.0, licence beside it), vendored for the tests only: the
# app never serves it. It goes in through Playwright's `evaluate`, which runs over the DevTools
# protocol and is not subject to the page's Content-Security-Policy, so the app's strict CSP
# (`script-src 'self'`, no inline script) stays exactly as served; an injected <script> tag
# (`page.add_script_tag(content=…)`) would be refused by that CSP, as it should be.
AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
# Every rule axe-core runs by default (WCAG 2.0/2.1 A and AA, and its best practices), at every
# impact: minor and moderate findings fail the test as much as serious ones.
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — "
      + n.failureSummary.split("\\n").slice(1).join(" ").trim()),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it stands now (after an HTMX swap too): its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN)


def format_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n" + "\n".join(f"      {n}" for n in v["nodes"])
        for v in violations
    )


def assert_accessible(page: Page, state: str = "") -> None:
    """Fail with every axe-core violation of the page (any impact), naming the page and state."""
    violations = axe_violations(page)
    where = f"{page.url}{' (' + state + ')' if state else ''}"
    assert violations == [], f"axe-core: {len(violations)} violation(s) on {where}\n" + (
        format_violations(violations)
    )
