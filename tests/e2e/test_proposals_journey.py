"""Issue 15's journey in a real browser: a teacher asks for proposals for 5 pupils without a
placement, removes one, sends the others; the company accepts two and declines one; a pupil
confirms the internship."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Application, ApplicationStatus, OfferStatus, Role
from tests import factories as f
from tests.e2e.helpers import assert_accessible, login, screenshot
from tests.test_matching_routes import NEAR, WEEK

S = ApplicationStatus
PUPILS = [
    ("Inès", "Adam"),
    ("Hugo", "Bernard"),
    ("Léa", "Colin"),
    ("Noé", "Dupont"),
    ("Zoé", "Etienne"),
]


@pytest.fixture(autouse=True)
def frozen_clock():
    # The server thread reads the same clock: the class's January week is still ahead.
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=True):
        yield


def test_teacher_sends_company_answers_pupil_confirms(page, live_server, watch):
    with live_server.app.app_context():
        company = f.company("Usinage du Roi")
        f.user(Role.COMPANY, email="rh@usinage.example", company_obj=company)
        f.complete_offer(
            company,
            status=OfferStatus.PUBLISHED,
            commune_insee=NEAR,
            title="Découvrir l'usinage",
            levels=("3e",),
            periods=((WEEK[0], WEEK[1], 5),),
        )
        teacher = f.user(
            Role.TEACHER, email="anne.prof@ac-creteil.fr", first_name="Anne", last_name="Prof"
        )
        klass = f.school_class(teacher, name="3e B", start=WEEK[0], end=WEEK[1])
        pupils = [f.pupil(klass, first, last) for first, last in PUPILS]
        pupils[0].user.username = "ines.adam"
        db.session.commit()
        class_id, removed_id = klass.id, pupils[4].id
        pupil_ids = [p.id for p in pupils]

    # The teacher gets 5 proposals, unchecks Zoé's, sends the 4 others (htmx swap).
    login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
    page.goto(f"/propositions/classes/{class_id}")
    expect(page.get_by_role("heading", name="5 propositions")).to_be_visible()
    page.locator(f"#proposition-{removed_id}").uncheck()
    page.get_by_role("button", name="Envoyer les propositions cochées").click()
    expect(page.get_by_role("status")).to_contain_text("4 propositions envoyées aux entreprises")
    expect(page.get_by_role("heading", name="1 proposition")).to_be_visible()
    assert_accessible(page, "proposals-sent")
    screenshot(page, "proposals-sent")
    with live_server.app.app_context():
        sent = db.session.scalars(
            select(Application).where(Application.status == S.PROPOSED).order_by(Application.id)
        ).all()
        assert sorted(a.pupil_id for a in sent) == sorted(pupil_ids[:4])
        by_pupil = {a.pupil_id: a.id for a in sent}
        ines_app, hugo_app, lea_app = (by_pupil[i] for i in pupil_ids[:3])

    # The company accepts Inès and Hugo, declines Léa.
    page.context.clear_cookies()
    login(page, "rh@usinage.example", f.PASSWORD)
    page.goto("/entreprise/propositions")
    expect(page.get_by_role("heading", name="4 propositions en attente de réponse")).to_be_visible()
    card = page.locator(f"#proposition-{ines_app}")
    card.get_by_role("link", name=re.compile("^Accepter")).click()
    card.get_by_role("button", name="Oui, accepter").click()
    expect(page.get_by_role("heading", name="3 propositions en attente de réponse")).to_be_visible()
    card = page.locator(f"#proposition-{hugo_app}")
    card.get_by_role("link", name=re.compile("^Accepter")).click()
    card.get_by_role("button", name="Oui, accepter").click()
    expect(page.get_by_role("heading", name="2 propositions en attente de réponse")).to_be_visible()
    card = page.locator(f"#proposition-{lea_app}")
    card.get_by_role("link", name=re.compile("^Refuser")).click()
    card.get_by_role("button", name="Oui, refuser").click()
    expect(page.get_by_role("heading", name="1 proposition en attente de réponse")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("la place est de nouveau libre")
    assert_accessible(page, "company-proposals")
    screenshot(page, "company-proposals")

    # Inès confirms the internship.
    page.context.clear_cookies()
    login(page, "ines.adam", f.PASSWORD)
    page.goto("/candidatures")
    page.get_by_role("link", name="Je choisis ce stage").click()
    page.get_by_role("button", name="Oui, je choisis ce stage").click()
    expect(page.get_by_text("Choisie — en attente du professeur").first).to_be_visible()

    with live_server.app.app_context():
        statuses = {a.id: a.status for a in db.session.scalars(select(Application))}
        assert statuses[ines_app] == S.CONFIRMED
        assert statuses[hugo_app] == S.ACCEPTED
        assert statuses[lea_app] == S.REFUSED
    assert watch.console_errors == [] and watch.csp_violations() == []
