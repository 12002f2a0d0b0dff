"""Staff's irreversible actions ask first in a real browser (issue 17): hiding a reported offer
states how many waiting applications close and which chosen internships stay; cancelling an
event uses the same confirmation panel, its reason field inside."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import Application, EventStatus, OfferStatus, Role
from capindustrie.models import Event as EventModel
from capindustrie.reports import services as reports
from tests import factories as f
from tests.e2e.helpers import assert_accessible, htmx_settled, login, screenshot
from tests.event_helpers import event
from tests.placement_helpers import NOW, application_in, published_period

MESSAGE = "Offre signalée : il s'agit d'un emploi saisonnier, pas d'une observation."


@pytest.fixture(autouse=True)
def frozen_clock():
    # Before the events' sessions (17 November 2026): they can still be cancelled.
    with time_machine.travel(datetime(2026, 11, 3, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        teacher = f.user(Role.TEACHER, email="prof@ac-creteil.fr")
        klass = f.school_class(teacher)
        period = published_period(f.company(name="Forges de Brie"), title="Forge et fonderie")
        waiting = application_in(f.pupil(klass, "Zoé", "Témoin"), period, S.SUBMITTED)
        application_in(f.pupil(klass, "Inès", "Aubert"), period, S.CONFIRMED)
        reports.create_report(period.offer, "disguised_job", None, None, NOW)
        cancelled = event(company=f.company(name="Usine de Meaux"))
        f.user(Role.STAFF, email="agent@seine-et-marne.fr")
        db.session.commit()
        return {"offer": period.offer_id, "waiting": waiting.id, "event": cancelled.id}


def test_hiding_a_reported_offer_asks_first_then_closes_the_waiting_application(
    page, live_server, world, watch
):
    login(page, "agent@seine-et-marne.fr", f.PASSWORD)
    page.goto(f"/moderation/signalements/{world['offer']}")
    htmx_settled(page)
    page.get_by_label(re.compile("^Retirer l'offre")).check()
    page.get_by_label("Message", exact=True).fill(MESSAGE)
    page.get_by_role("button", name="Enregistrer la décision").click()

    heading = page.get_by_role("heading", name="Retirer l'offre « Forge et fonderie » ?")
    expect(heading).to_be_focused()
    panel = page.locator(".confirm-panel")
    expect(panel).to_contain_text("1 candidature en attente")
    expect(panel).to_contain_text("1 stage déjà choisi ou validé reste en place")
    expect(panel.get_by_label(re.compile("^Motif du retrait"))).to_have_value(MESSAGE)
    assert_accessible(page, "hide confirmation panel")
    screenshot(page, "staff-confirm-hide-offer")
    panel.get_by_role("button", name="Retirer l'offre").click()

    expect(page).to_have_url(re.compile("/moderation/signalements$"))
    expect(page.get_by_text(re.compile("1 candidature en attente close"))).to_be_visible()
    with live_server.app.app_context():
        assert db.session.get(Application, world["waiting"]).status == S.WITHDRAWN
        offer = db.session.get(Application, world["waiting"]).period.offer
        assert offer.status == OfferStatus.REJECTED
    assert watch.console_errors == [] and watch.csp_violations() == []


def test_cancelling_an_event_uses_the_shared_confirmation_panel(page, live_server, world, watch):
    login(page, "agent@seine-et-marne.fr", f.PASSWORD)
    page.goto("/evenements/gestion")
    htmx_settled(page)
    opener = page.get_by_role("link", name=re.compile("^Annuler l'événement"))
    opener.click()
    panel = page.locator(".confirm-panel")
    expect(panel.get_by_role("heading", name=re.compile("^Annuler « "))).to_be_focused()
    assert "/annuler" not in page.url  # swapped in place
    expect(panel).to_contain_text("L'entreprise organisatrice est prévenue aussi.")
    assert_accessible(page, "event cancellation panel")
    # « Annuler » puts the link back, nothing changed.
    panel.get_by_role("link", name="Annuler").click()
    expect(panel).to_have_count(0)
    expect(opener).to_be_focused()
    opener.click()
    panel.get_by_label(re.compile("^Motif de l'annulation")).fill(
        "La visite est reportée : travaux dans l'atelier."
    )
    panel.get_by_role("button", name="Annuler l'événement et prévenir les inscrits").click()
    expect(page.get_by_text(re.compile("est annulé ; 0 inscription annulée"))).to_be_visible()
    with live_server.app.app_context():
        assert db.session.get(EventModel, world["event"]).status == EventStatus.CANCELLED
    assert watch.console_errors == [] and watch.csp_violations() == []
