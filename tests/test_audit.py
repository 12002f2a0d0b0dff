"""The audit log of staff actions (issue 14): each action writes its entry, the log is
append-only, and only staff read it, filtered and paginated."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from capindustrie.audit.services import AppendOnlyError, record
from capindustrie.extensions import db
from capindustrie.models import AuditEntry, CompanyStatus, EventStatus, Role, User
from tests import factories as f
from tests.event_helpers import event
from tests.factories import login
from tests.test_moderation import company_with_user, make_offer

REASON = "Le descriptif promet un emploi, pas un stage d'observation."


@pytest.fixture
def app(make_app, tmp_path):
    """Exports run inline here, into a temporary directory."""
    app = make_app(EXPORT_DIR=str(tmp_path / "exports"), EXPORT_ASYNC=False)
    with app.app_context():
        yield app


@pytest.fixture
def staff(app):
    return f.user(Role.STAFF, first_name="Dominique", last_name="Agent")


@pytest.fixture
def staff_client(client, staff):
    login(client, staff)
    return client


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def only_entry() -> AuditEntry:
    found = entries()
    assert len(found) == 1, [(e.action, e.object_id) for e in found]
    return found[0]


def test_publishing_and_refusing_offers_are_logged_with_actor_and_reason(staff_client, staff):
    company, _ = company_with_user()
    published, refused = make_offer(company), make_offer(company, title="Autre offre")

    assert staff_client.post(f"/moderation/offres/{published.id}/publier").status_code == 303
    response = staff_client.post(
        f"/moderation/offres/{refused.id}/refuser", data={"reject-reason": REASON}
    )
    assert response.status_code == 303

    first, second = entries()
    assert (first.action, first.object_type, first.object_id) == (
        "offer.publish",
        "offer",
        published.id,
    )
    assert first.actor_id == staff.id and first.actor_label == staff.email
    assert first.reason is None
    assert (second.action, second.object_id, second.reason) == ("offer.reject", refused.id, REASON)


def test_a_refused_decision_writes_no_entry(staff_client):
    company, _ = company_with_user()
    offer = make_offer(company)
    too_short = staff_client.post(
        f"/moderation/offres/{offer.id}/refuser", data={"reject-reason": "non"}
    )
    assert too_short.status_code == 422
    assert entries() == []


def test_company_validation_and_refusal_are_logged(staff_client, staff):
    approved, _ = company_with_user(status=CompanyStatus.PENDING)
    refused, _ = company_with_user(status=CompanyStatus.PENDING)

    assert staff_client.post(f"/moderation/entreprises/{approved.id}/valider").status_code == 303
    staff_client.post(
        f"/moderation/entreprises/{refused.id}/refuser", data={"reject-reason": REASON}
    )

    first, second = entries()
    assert (first.action, first.object_type, first.object_id) == (
        "company.approve",
        "company",
        approved.id,
    )
    assert first.details["siret"] == approved.siret
    assert (second.action, second.object_id, second.reason) == (
        "company.reject",
        refused.id,
        REASON,
    )


def test_event_moderation_is_logged(staff_client):
    published = event(status=EventStatus.SUBMITTED)
    refused = event(status=EventStatus.SUBMITTED)
    db.session.commit()

    assert staff_client.post(f"/evenements/moderation/{published.id}/publier").status_code == 303
    staff_client.post(
        f"/evenements/moderation/{refused.id}/refuser", data={"reject-reason": REASON}
    )

    first, second = entries()
    assert (first.action, first.object_type, first.object_id) == (
        "event.publish",
        "event",
        published.id,
    )
    assert (second.action, second.object_id, second.reason) == ("event.reject", refused.id, REASON)


def test_an_export_triggered_by_staff_or_the_cli_is_logged(app, staff_client, staff):
    response = staff_client.post("/export/lancer", data={"kind": "full"})
    assert response.status_code == 303
    entry = only_entry()
    assert (entry.action, entry.object_type, entry.actor_id) == (
        "export.run",
        "export_run",
        staff.id,
    )
    assert entry.details == {"kind": "full", "trigger": "staff"}

    result = app.test_cli_runner().invoke(args=["export", "run", "--incremental"])
    assert result.exit_code == 0, result.output
    cli_entry = entries()[-1]
    assert cli_entry.actor_id is None and cli_entry.actor_label == "ligne de commande"
    assert cli_entry.details["trigger"] == "cli" and cli_entry.details["kind"] == "incremental"


def test_creating_a_staff_account_is_logged(runner):
    result = runner.invoke(
        args=[
            "users",
            "create-staff",
            "--email",
            "alex.morel@seine-et-marne.fr",
            "--first-name",
            "Alex",
            "--last-name",
            "Morel",
            "--password",
            "Verger-Lune-47-Perceuse",
        ]
    )
    assert result.exit_code == 0, result.output
    created = db.session.scalar(select(User).where(User.email == "alex.morel@seine-et-marne.fr"))
    entry = only_entry()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "user.create_staff",
        "user_account",
        created.id,
    )
    assert entry.details == {"email": "alex.morel@seine-et-marne.fr"}


def test_entries_cannot_be_changed_or_deleted(staff):
    entry = record(staff, "offer.publish", None)
    db.session.commit()

    entry.reason = "réécrit après coup"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1
    assert db.session.get(AuditEntry, entry.id).reason is None


def test_staff_read_the_log_filtered_by_action_actor_and_dates(staff_client, staff):
    other = f.user(Role.STAFF, first_name="Jo", last_name="Autre")
    record(staff, "offer.publish", None, now=datetime(2026, 3, 10, 9))
    record(other, "company.approve", None, now=datetime(2026, 3, 12, 9))
    record(staff, "export.run", None, now=datetime(2026, 4, 2, 9))
    db.session.commit()

    page = staff_client.get("/journal/").get_data(as_text=True)
    assert "<strong>3</strong> entrées" in page and "conservé\n    5 ans" in page

    by_action = staff_client.get("/journal/?action=company.approve").get_data(as_text=True)
    assert "<strong>1</strong> entrée<" in by_action and other.email in by_action
    by_actor = staff_client.get(f"/journal/?actor={staff.id}").get_data(as_text=True)
    assert "<strong>2</strong> entrées" in by_actor and f"<td>{other.email}</td>" not in by_actor
    assert f"<td>{staff.email}</td>" in by_actor
    march = staff_client.get(
        "/journal/?since=2026-03-11&until=2026-03-31", headers={"HX-Request": "true"}
    )
    html = march.get_data(as_text=True)
    assert html.startswith('<div id="audit-results">') and "<strong>1</strong> entrée<" in html


def test_bad_filters_are_explained_and_ignored(staff_client, staff):
    record(staff, "offer.publish", None)
    db.session.commit()
    response = staff_client.get("/journal/?action=tout&until=hier&page=-3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valeur inconnue" in html and "<strong>1</strong> entrée<" in html
    reversed_dates = staff_client.get("/journal/?since=2026-12-31&until=2026-01-01")
    assert "La date de fin précède la date de début." in reversed_dates.get_data(as_text=True)


def test_the_log_is_paginated(staff_client, staff):
    for _ in range(51):
        record(staff, "offer.publish", None)
    db.session.commit()
    first = staff_client.get("/journal/?action=offer.publish").get_data(as_text=True)
    assert "page 1 sur 2" in first and "page=2" in first and "action=offer.publish" in first
    second = staff_client.get("/journal/?action=offer.publish&page=2").get_data(as_text=True)
    assert "page 2 sur 2" in second


@pytest.mark.parametrize("role", [Role.COMPANY, Role.TEACHER, Role.PUPIL])
def test_other_roles_are_refused(client, role):
    login(client, f.user(role))
    assert client.get("/journal/").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/journal/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
