"""Issue 4's journey in a real browser: a pupil of a real collège in Meaux finds the nearest
offers first and applies; the company accepts; the pupil chooses the internship."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    OfferStatus,
    Role,
    School,
    SchoolType,
)
from tests import factories as f
from tests.e2e.helpers import assert_accessible, login, screenshot

WEEK = (date(2027, 1, 11), date(2027, 1, 15))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def test_pupil_finds_the_nearest_offer_applies_company_accepts_pupil_chooses(
    page, live_server, watch
):
    with live_server.app.app_context():
        college = db.session.scalar(
            select(School)
            .where(School.commune_insee == "77284", School.kind == SchoolType.COLLEGE)
            .order_by(School.uai)
        )
        teacher = f.user(Role.TEACHER, school_obj=college)
        klass = f.school_class(teacher, start=WEEK[0], end=WEEK[1])
        pupil = f.pupil(klass, first_name="Léa", last_name="Durand")
        pupil_login = pupil.user.username
        near_company = f.user(
            Role.COMPANY, email="meaux@exemple.fr", company_obj=f.company("Atelier de Meaux")
        )
        f.complete_offer(
            near_company.company,
            status=OfferStatus.PUBLISHED,
            commune_insee="77284",
            title="Usinage à Meaux",
            periods=((*WEEK, 2),),
        )
        f.complete_offer(
            status=OfferStatus.PUBLISHED,
            commune_insee="77288",
            title="Logistique à Melun",
            periods=((*WEEK, 2),),
        )
        db.session.commit()

    login(page, pupil_login, f.PASSWORD)
    page.goto("/recherche?rayon=50")
    titles = page.locator(".search-hit h3, .search-hit h2").all_inner_texts()
    assert [t for t in titles if "à Meaux" in t or "à Melun" in t][:2] == [
        "Usinage à Meaux",
        "Logistique à Melun",
    ]
    expect(page.get_by_text(re.compile("estimé")).first).to_be_visible()
    assert_accessible(page, "pupil-search")
    screenshot(page, "pupil-search")

    page.get_by_role("link", name="Usinage à Meaux").click()
    assert_accessible(page, "offer page, signed-in pupil")
    page.get_by_role("link", name="Candidater à cette période").click()
    assert_accessible(page, "application form")
    page.get_by_label("Ton message à l'entreprise").fill("Trop court")
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text(re.compile("au moins 20 caractères")).first).to_be_visible()
    assert_accessible(page, "application refused")
    page.get_by_label("Ton message à l'entreprise").fill(
        "Bonjour, j'aime comprendre comment les machines fabriquent les pièces et je voudrais "
        "découvrir les métiers de l'usinage."
    )
    page.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.get_by_text("Envoyée").first).to_be_visible()
    assert_accessible(page, "application sent")

    page.context.clear_cookies()
    login(page, "meaux@exemple.fr", f.PASSWORD)
    page.goto("/entreprise/candidatures")
    expect(page.get_by_text("Léa D.").first).to_be_visible()
    expect(page.get_by_text("Durand")).to_have_count(0)  # the last name never reaches the company
    assert_accessible(page, "company applications")
    page.get_by_role("link", name=re.compile("^Accepter")).click()
    page.get_by_role("button", name="Oui, accepter").click()
    expect(
        page.locator("article, .application-card, [id^=candidature-]")
        .filter(has_text="Léa D.")
        .first
    ).to_contain_text("Acceptée")
    assert_accessible(page, "application accepted, HTMX swap")

    page.context.clear_cookies()
    login(page, pupil_login, f.PASSWORD)
    page.goto("/candidatures")
    page.get_by_role("link", name="Je choisis ce stage").click()
    page.get_by_role("button", name="Oui, je choisis ce stage").click()
    expect(page.get_by_text(re.compile("en attente du professeur")).first).to_be_visible()
    assert_accessible(page, "pupil-dashboard-confirmed")
    screenshot(page, "pupil-dashboard-confirmed")

    with live_server.app.app_context():
        application = db.session.scalar(select(Application))
        assert application.status == ApplicationStatus.CONFIRMED
        assert [t.to_status for t in application.transitions] == [
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.CONFIRMED,
        ]
    assert watch.csp_violations() == []
