"""Issue 14: axe-core finds nothing, at any impact, on any page a role can reach by links from
the home page — anonymous, pupil, teacher, company and staff — on the demo data plus a season's
applications (the same crawl and data as the 390 px layout test), at desktop width and at 390 px
(the phone layout shows other elements: the menu button, cards instead of tables).

axe-core checks what a program can check (about a third of RGAA's criteria: contrast, names,
labels, landmarks, heading order, ARIA, duplicate ids…); the rest is reviewed by hand and the
accessibility statement says so."""

import pytest

from capindustrie.models import Role
from tests.e2e.helpers import axe_violations, format_violations, login
from tests.e2e.test_phone_layout import PHONE, accounts, crawl, frozen_clock  # noqa: F401 (fixtures)

DESKTOP = {"width": 1366, "height": 900}


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("role", [None, Role.PUPIL, Role.TEACHER, Role.COMPANY, Role.STAFF])
def test_axe_finds_no_violation_on_any_page(page, live_server, accounts, role, width, watch):  # noqa: F811
    page.set_viewport_size(PHONE if width == "phone" else DESKTOP)
    if role is not None:
        login(page, *accounts[role])
    found: dict[str, list[dict]] = {}

    def check(visited):
        violations = axe_violations(visited)
        if violations:
            found[visited.url] = violations

    starts = ["/"] if role else ["/", "/offres?ecole=Bois-le-Roi", "/offres?etablissement=0770002J"]
    measured = crawl(page, live_server.url, starts, on_page=check)

    assert len(measured) >= (8 if role is None else 6), sorted(measured)
    report = "\n".join(f"{url}\n{format_violations(v)}" for url, v in found.items())
    assert found == {}, f"axe-core violations on {len(found)} page(s):\n{report}"


def test_the_axe_check_does_catch_a_violation_under_the_strict_csp(page, live_server, watch):
    """Guards the tests above: axe-core runs in the page despite its CSP (the CSP is the app's,
    unchanged) and reports an image without a text alternative and an unlabelled field."""
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert axe_violations(page) == []
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          const html = '<img src="/static/img/favicon.svg"><input type="text">';
          main.insertAdjacentHTML("beforeend", html);
        }"""
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= found, found
    assert watch.csp_violations() == []
