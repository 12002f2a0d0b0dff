"""Issue 12's journey in a real browser: staff create an event with two sessions, a teacher
registers a class of 24, another class goes to the waitlist, the first cancels, the second is
promoted and e-mailed, and the organiser takes attendance on a 390 px wide phone."""

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Event, OutboxMessage, Registration, RegistrationStatus, Role
from tests import factories as f
from tests.e2e.helpers import assert_accessible, htmx_settled, login, screenshot

BEFORE = datetime(2026, 11, 2, 9, tzinfo=UTC)
ON_THE_DAY = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # 9:30 in Paris


def _fill_event_form(page):
    page.goto("/evenements/gestion/nouveau")
    page.get_by_label("Type d'événement").select_option(label="Visite d'entreprise")
    page.get_by_label("Titre").fill("Visite de la fonderie de Meaux")
    page.get_by_label("Description").fill("Découverte du moulage et du contrôle qualité.")
    page.get_by_label("Public").select_option(label="Élèves de 3e")
    page.get_by_label("Adresse du lieu").fill("2 rue de la Fonderie")
    page.get_by_label("Code postal").fill("77100")
    for n, (day, start, end) in enumerate(
        (("2026-11-24", "09:00", "12:00"), ("2026-11-25", "14:00", "17:00"))
    ):
        page.locator(f"#sessions-{n}-day").fill(day)
        page.locator(f"#sessions-{n}-start").fill(start)
        page.locator(f"#sessions-{n}-end").fill(end)
        page.locator(f"#sessions-{n}-capacity").fill("30")
    page.get_by_label("Ouverture des inscriptions").fill("2026-11-02")
    page.get_by_label("Clôture des inscriptions").fill("2026-11-20")
    page.get_by_role("button", name="Publier l'événement").click()


def test_staff_creates_classes_register_waitlist_promotion_and_attendance_on_a_phone(
    page, live_server, watch
):
    with live_server.app.app_context():
        f.user(Role.STAFF, email="agent@seine-et-marne.fr", first_name="Paul")
        anne = f.user(Role.TEACHER, email="anne.prof@ac-creteil.fr", first_name="Anne")
        bruno = f.user(Role.TEACHER, email="bruno.prof@ac-creteil.fr", first_name="Bruno")
        f.school_class(anne, name="3e B")
        f.school_class(bruno, name="3e D")
        db.session.commit()

    with time_machine.travel(BEFORE, tick=True):
        login(page, "agent@seine-et-marne.fr", f.PASSWORD)
        _fill_event_form(page)
        expect(page.get_by_text("est publié")).to_be_visible()
        with live_server.app.app_context():
            event = db.session.scalar(select(Event))
            event_id, first_session = event.id, event.sessions[0].id
            assert len(event.sessions) == 2

        # Anne registers her class of 24 with 2 adults: 26 of the 30 seats.
        page.context.clear_cookies()
        login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
        page.goto(f"/evenements/{event_id}")
        expect(page.get_by_text("30 places libres sur 30").first).to_be_visible()
        page.get_by_role("link", name="S'inscrire à cette séance").first.click()
        page.get_by_label("Nombre d'élèves").fill("24")
        page.get_by_label("Adultes accompagnateurs").fill("2")
        page.get_by_role("button", name="Inscrire la classe").click()
        expect(page.get_by_text("Inscription confirmée").first).to_be_visible()

        # Bruno's class of 20 + 2 does not fit in the 4 seats left: it waits, whole.
        page.context.clear_cookies()
        login(page, "bruno.prof@ac-creteil.fr", f.PASSWORD)
        page.goto(f"/evenements/seances/{first_session}/inscrire")
        page.get_by_label("Nombre d'élèves").fill("0")
        page.get_by_role("button", name="Inscrire la classe").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()  # swapped in by htmx, then focused
        expect(summary).to_contain_text("entre 1 et 60")
        htmx_settled(page)
        page.get_by_label("Nombre d'élèves").fill("20")
        page.get_by_label("Adultes accompagnateurs").fill("2")
        page.get_by_role("button", name="Inscrire la classe").click()
        expect(page.get_by_text("position 1 dans la liste d'attente")).to_be_visible()

        # Anne cancels: Bruno's class is promoted and told by e-mail.
        page.context.clear_cookies()
        login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
        page.goto("/evenements/mes-inscriptions")
        page.get_by_role("link", name="Visite de la fonderie de Meaux").click()
        page.get_by_role("button", name="Annuler l'inscription").click()
        expect(page.get_by_text("Inscription annulée")).to_be_visible()
        with live_server.app.app_context():
            promoted = db.session.scalar(
                select(Registration).where(Registration.status == RegistrationStatus.CONFIRMED)
            )
            assert promoted.school_class.name == "3e D"
            mail = db.session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == "bruno.prof@ac-creteil.fr")
                .order_by(OutboxMessage.id.desc())
            )
            assert mail.subject.startswith("Place libérée")
            assert "BEGIN:VCALENDAR" in mail.attachment_content

    # On the day, the organiser takes attendance on a phone.
    with time_machine.travel(ON_THE_DAY, tick=True):
        page.context.clear_cookies()
        page.set_viewport_size({"width": 390, "height": 844})
        login(page, "agent@seine-et-marne.fr", f.PASSWORD)
        page.goto(f"/evenements/gestion/seances/{first_session}")
        row = page.locator(".attendance-row").filter(has_text="3e D")
        expect(row).to_contain_text("20 élèves, 2 accompagnateurs")
        row.get_by_role("radio", name="Présent").check()
        expect(page.locator(".attendance-row").filter(has_text="3e D")).to_contain_text(
            "Enregistré : Présent, 20 présents"
        )
        htmx_settled(page)
        row = page.locator(".attendance-row").filter(has_text="3e D")
        row.get_by_label("Nombre présents").fill("19")
        row.get_by_label("Nombre présents").press("Tab")
        expect(page.locator(".attendance-row").filter(has_text="3e D")).to_contain_text(
            "Enregistré : Présent, 19 présents"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page, "event-attendance-390px")
        screenshot(page, "event-attendance-390px")
        with live_server.app.app_context():
            db.session.expire_all()
            assert (
                db.session.scalar(
                    select(Registration.present_count).where(Registration.id == promoted.id)
                )
                == 19
            )
    # The browser logs the refused form's 422 (the error summary swapped in): expected.
    assert [e for e in watch.console_errors if "status of 422" not in e] == []
    assert watch.csp_violations() == []
    assert watch.external_requests() == []


pytestmark = pytest.mark.e2e


def test_event_pages_fit_a_390_px_phone(page, live_server, watch):
    from tests.event_helpers import event

    with live_server.app.app_context():
        f.user(Role.STAFF, email="agent@seine-et-marne.fr", first_name="Paul")
        anne = f.user(Role.TEACHER, email="anne.prof@ac-creteil.fr", first_name="Anne")
        f.school_class(anne, name="3e B")
        session_id = event(sessions=2).sessions[0].id
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    with time_machine.travel(BEFORE, tick=True):
        for name, url in (
            ("list", "/evenements/"),
            ("week", "/evenements/?vue=semaine&semaine=2026-11-16"),
        ):
            page.goto(url)
            assert page.evaluate(fits), url
            assert_accessible(page, f"events-public-{name}")
            screenshot(page, f"events-public-{name}")
        login(page, "anne.prof@ac-creteil.fr", f.PASSWORD)
        for url in (
            "/evenements/",
            f"/evenements/seances/{session_id}/inscrire",
            "/evenements/mes-inscriptions",
        ):
            page.goto(url)
            assert page.evaluate(fits), url
            assert_accessible(page, "events-teacher-")
            screenshot(page, "events-teacher-" + url.strip("/").replace("/", "-"))
        page.get_by_role("button", name="Créer mon lien d'agenda").click()
        expect(page.get_by_text("/evenements/agenda/")).to_be_visible()
        assert page.evaluate(fits)
        page.context.clear_cookies()
        login(page, "agent@seine-et-marne.fr", f.PASSWORD)
        for url in (
            "/evenements/gestion",
            "/evenements/gestion/nouveau",
            f"/evenements/gestion/seances/{session_id}",
        ):
            page.goto(url)
            assert page.evaluate(fits), url
        assert_accessible(page, "event-create-390px")
        screenshot(page, "event-create-390px")
    assert watch.console_errors == []
    assert watch.csp_violations() == []
