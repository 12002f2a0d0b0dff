"""Issue 9: no page scrolls sideways on a 390 px phone. For each role (anonymous, pupil,
teacher, company, staff), a crawler follows every link from the home page, on the demo data
plus applications in every state, a long pupil name, a pending company and offers in every
status, and measures each page at 390 × 844: the document must be no wider than the screen.
Wide tables scroll inside their own box instead."""

import re
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import time_machine
from playwright.sync_api import Page
from sqlalchemy import select

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Application, Offer, OfferStatus, Pupil, Role
from capindustrie.refdata import demo
from tests import factories as f
from tests.e2e.helpers import login, screenshot
from tests.placement_helpers import NOW

PHONE = {"width": 390, "height": 844}
# Files, not pages: PDFs, exports, feeds.
NOT_PAGES = re.compile(
    r"\.(pdf|csv|xlsx|ics|json|xml|rss|png|svg|ico)$|/static/|/convention|/fiches"
)

MEASURE = """() => {
  const width = window.innerWidth;
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .filter(el => !el.closest(".table-scroll") || el.matches(".table-scroll"))
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
               + (typeof el.className === "string" && el.className ? "." + el.className : "")
               + " → " + Math.round(el.getBoundingClientRect().right) + " px");
  return {scrollWidth: document.documentElement.scrollWidth, width: width, wide: wide};
}"""

LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter(a => !a.hasAttribute("download"))
  .map(a => a.getAttribute("href"))"""


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def accounts(live_server):
    """The demo at mid-season (applications in every state, items waiting for moderation),
    plus long names and the offer states it lacks; returns {role: (login, password)}."""
    with live_server.app.app_context():
        report = demo.load_demo(now=NOW)
        logins = {a.role: (a.login, a.password) for a in report.accounts}
        pupils = db.session.scalars(select(Pupil).order_by(Pupil.id)).all()
        klass = pupils[0].school_class
        f.pupil(klass, first_name="Marie-Clémentine", last_name="De La Tour-Montmorency-Laval")
        # The company the pupil crawl's Léa was accepted by: its dashboard has real work.
        accepted = db.session.scalar(
            select(Application).where(
                Application.pupil_id == pupils[0].id, Application.status == S.ACCEPTED
            )
        )
        company = accepted.period.offer.company
        draft = f.complete_offer(company, title="Brouillon d'une offre de maintenance préventive")
        draft.wizard_step = 6  # every step of the wizard is linked
        rejected = f.complete_offer(company, status=OfferStatus.REJECTED, title="Offre refusée")
        rejected.rejection_reason = "Le programme du jour 3 décrit une tâche de production."
        db.session.commit()
        company_user = next(u for u in company.users if u.role == Role.COMPANY)
        logins[Role.COMPANY] = (company_user.email, demo.PASSWORDS[Role.COMPANY])
        assert db.session.scalar(select(Offer).where(Offer.status == OfferStatus.SUBMITTED))
    return logins


def crawl(
    page: Page,
    base_url: str,
    starts: list[str],
    limit: int = 120,
    on_page: Callable[[Page], None] | None = None,
) -> dict[str, dict]:
    """Visit every page reachable by links from `start` (one page per URL pattern: the
    same template with other ids or query strings looks the same), measuring each, and
    calling `on_page(page)` on each (the accessibility crawl runs axe-core there)."""
    seen_patterns: set[tuple[str, tuple]] = set()
    queue = deque(urljoin(base_url, start) for start in starts)
    measured: dict[str, dict] = {}
    while queue and len(measured) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        # Ids vary, templates do not; the wizard's step numbers are different templates.
        path = re.sub(r"(?<!etape/)\d+", "N", parts.path)
        pattern = (path, tuple(sorted(parse_qs(parts.query))))
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        measured[url] = page.evaluate(MEASURE) | {"status": response.status}
        if on_page is not None:
            on_page(page)
        for href in page.evaluate(LINKS):
            target = urljoin(page.url, href).split("#")[0]
            if urlsplit(target).netloc == parts.netloc and not NOT_PAGES.search(
                urlsplit(target).path
            ):
                queue.append(target)
    return measured


def too_wide(measured: dict[str, dict]) -> list[str]:
    return [
        f"{url}: {m['scrollWidth']} px > {m['width']} px ({'; '.join(m['wide'])})"
        for url, m in measured.items()
        if m["scrollWidth"] > m["width"]
    ]


@pytest.mark.parametrize("role", [None, Role.PUPIL, Role.TEACHER, Role.COMPANY, Role.STAFF])
def test_no_page_scrolls_sideways_at_390_px(page, live_server, accounts, role, watch):
    page.set_viewport_size(PHONE)
    if role is not None:
        login(page, *accounts[role])
    # Anonymous visitors reach offers through a school's public search.
    starts = ["/"] if role else ["/", "/offres?ecole=Bois-le-Roi", "/offres?etablissement=0770002J"]
    measured = crawl(page, live_server.url, starts)
    # The crawl really went around the role's space, not just the home page.
    assert len(measured) >= (8 if role is None else 6), sorted(measured)
    assert all(m["status"] < 500 for m in measured.values()), measured
    problems = too_wide(measured)
    assert problems == [], "\n".join(problems)
    # For a human to look at: the pages with the widest tables, at phone width.
    name = role.value if role else "anonymous"
    for url in measured:
        path = urlsplit(url).path
        if re.fullmatch(r"/classes/\d+|/moderation/|/entreprise/|/offres/\d+|/candidatures", path):
            page.goto(url)
            screenshot(page, f"phone-{name}-{path.strip('/').replace('/', '-')}")
