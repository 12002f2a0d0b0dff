"""Organisers change a session's capacity and cancel an event: seats, waitlist, e-mails, audit,
and nobody else's event."""

import html
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from capindustrie.events import registrations as regs
from capindustrie.extensions import db
from capindustrie.models import AuditEntry, EventStatus, OutboxMessage, RegistrationStatus, Role
from tests import factories
from tests.event_helpers import NOW, event
from tests.factories import login

R = RegistrationStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW.replace(tzinfo=UTC), tick=False):
        yield


def _two_groups(teacher, klass, capacity=26):
    """A confirmed group of 26 and a waiting one of 22 on one session of `capacity` seats."""
    session = event(capacity=capacity).sessions[0]
    other = factories.school_class(teacher, name="3e C")
    db.session.commit()
    first = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    second = regs.register_class(session.id, other, 20, 2, teacher, NOW)
    db.session.commit()
    return session, first, second


def _mails_to(address):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).all()


def test_more_seats_confirm_the_waiting_group_at_once(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    response = client.post(
        f"/evenements/gestion/seances/{session.id}/capacite", data={"capacity": 48}
    )
    assert response.status_code == 303
    db.session.refresh(second)
    db.session.refresh(session)
    assert second.status == R.CONFIRMED and session.seats_taken == 48 and session.capacity == 48
    assert any("Place libérée" in m.subject for m in _mails_to(teacher.email))
    page = html.unescape(
        client.get(f"/evenements/gestion/seances/{session.id}").get_data(as_text=True)
    )
    assert "48 places" in page and "1 inscription confirmée depuis la liste d'attente" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.capacity"))
    assert entry is not None and entry.details["capacity"] == 48


def test_capacity_never_drops_below_the_seats_taken(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    response = client.post(
        f"/evenements/gestion/seances/{session.id}/capacite", data={"capacity": 20}
    )
    assert response.status_code == 422
    assert "26 places sont déjà prises" in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.capacity == 26


@pytest.mark.parametrize("value", ["0", "501", "", "dix", "99999999999999999999"])
def test_bad_capacities_get_a_french_message_and_change_nothing(client, teacher, klass, value):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    response = client.post(
        f"/evenements/gestion/seances/{session.id}/capacite", data={"capacity": value}
    )
    assert response.status_code == 422
    db.session.refresh(session)
    assert session.capacity == 26


def test_a_company_changes_only_its_own_sessions(app, teacher, klass):
    organiser, intruder = factories.user(Role.COMPANY), factories.user(Role.COMPANY)
    session = event(company=organiser.company, capacity=30).sessions[0]
    db.session.commit()
    client = app.test_client()
    login(client, intruder)
    url = f"/evenements/gestion/seances/{session.id}/capacite"
    assert client.post(url, data={"capacity": 40}).status_code == 404
    for role in (Role.TEACHER, Role.PUPIL):
        other = app.test_client()
        login(other, teacher if role == Role.TEACHER else factories.pupil(klass).user)
        assert other.post(url, data={"capacity": 40}).status_code in (403, 404)
    login(client, organiser)
    assert client.post(url, data={"capacity": 40}).status_code == 303
    db.session.refresh(session)
    assert session.capacity == 40


def test_cancelling_an_event_frees_every_seat_and_tells_every_registrant(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    page = html.unescape(
        client.get(f"/evenements/gestion/{session.event_id}/annuler").get_data(as_text=True)
    )
    # The confirmation says what will be undone before anything happens.
    assert "1 inscription confirmée (26 personnes)" in page and "1 inscription en liste" in page
    assert session.event.status == EventStatus.PUBLISHED
    reason = "Travaux imprévus dans l'atelier : la visite est reportée au printemps."
    response = client.post(
        f"/evenements/gestion/{session.event_id}/annuler", data={"reason": reason}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert session.event.status == EventStatus.CANCELLED and session.seats_taken == 0
    assert {first.status, second.status} == {R.CANCELLED}
    cancelled_mails = [m for m in _mails_to(teacher.email) if "Événement annulé" in m.subject]
    assert len(cancelled_mails) == 2 and all(reason in m.body for m in cancelled_mails)
    assert client.get(f"/evenements/{session.event_id}").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.cancel"))
    assert entry is not None and entry.reason == reason
    # Twice: a French message, nothing more sent.
    again = client.post(f"/evenements/gestion/{session.event_id}/annuler", data={"reason": reason})
    assert again.status_code == 422 and "Seul un événement publié" in again.get_data(as_text=True)
    assert len([m for m in _mails_to(teacher.email) if "Événement annulé" in m.subject]) == 2


def test_a_cancellation_needs_a_reason_and_only_the_organiser_or_staff(app, teacher, klass):
    organiser, intruder = factories.user(Role.COMPANY), factories.user(Role.COMPANY)
    session = event(company=organiser.company).sessions[0]
    db.session.commit()
    url = f"/evenements/gestion/{session.event_id}/annuler"
    client = app.test_client()
    login(client, intruder)
    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "Je veux annuler cet événement."}).status_code == 404
    login(client, teacher)
    assert client.post(url, data={"reason": "Je veux annuler cet événement."}).status_code in (
        403,
        404,
    )
    login(client, organiser)
    response = client.post(url, data={"reason": " "})
    assert response.status_code == 422 and "Indiquez le motif" in response.get_data(as_text=True)
    db.session.refresh(session.event)
    assert session.event.status == EventStatus.PUBLISHED
    assert (
        client.post(url, data={"reason": "Machine en panne, visite impossible."}).status_code == 303
    )
    db.session.refresh(session.event)
    assert session.event.status == EventStatus.CANCELLED
    # The company cancelled it itself: it is not e-mailed about its own decision.
    assert not any("est annulé" in m.subject for m in _mails_to(organiser.email))


def test_an_event_that_has_ended_cannot_be_cancelled(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=False):
        login(client, factories.user(Role.STAFF))
        response = client.post(
            f"/evenements/gestion/{session.event_id}/annuler",
            data={"reason": "Trop tard pour annuler, en principe."},
        )
    assert response.status_code == 422 and "terminé" in response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.status == R.CONFIRMED


# --- The shared confirmation (issue 17) ----------------------------------------------------------


def test_cancelling_uses_the_shared_confirmation_with_and_without_htmx(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    url = f"/evenements/gestion/{session.event_id}/annuler"

    manage = client.get("/evenements/gestion").get_data(as_text=True)
    assert f'hx-get="{url}"' in manage and 'class="confirm-action"' in manage

    page = html.unescape(client.get(url).get_data(as_text=True))
    assert '<section class="confirm-panel confirm-panel-danger"' in page
    assert '<h1 class="confirm-title"' in page and "Annuler « " in page
    assert 'name="reason"' in page and 'name="csrf_token"' in page
    assert "Annuler l'événement et prévenir les inscrits" in page
    assert 'href="/evenements/gestion"' in page and "data-confirm-cancel" in page

    panel = client.get(url, headers={"HX-Request": "true"})
    fragment = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<section class="confirm-panel')
    assert "1 inscription confirmée (26 personnes)" in html.unescape(fragment)
    db.session.refresh(session.event)
    assert session.event.status == EventStatus.PUBLISHED  # asking changes nothing


def test_a_refused_cancellation_answers_the_confirmation_with_its_message(client, teacher, klass):
    session, first, second = _two_groups(teacher, klass)
    login(client, factories.user(Role.STAFF))
    url = f"/evenements/gestion/{session.event_id}/annuler"

    short = client.post(url, data={"reason": "Non"})
    text = html.unescape(short.get_data(as_text=True))
    assert short.status_code == 422 and "confirm-panel" in text
    assert "Le motif doit faire au moins 10 caractères." in text

    reason = "La salle est inondée : l'événement ne peut pas avoir lieu."
    assert client.post(url, data={"reason": reason}).status_code == 303
    again = client.post(url, data={"reason": reason})
    text = html.unescape(again.get_data(as_text=True))
    assert again.status_code == 422 and "confirm-panel" in text
    assert "Seul un événement publié ou en attente peut être annulé." in text
