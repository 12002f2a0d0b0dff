"""Header values are one line, built in one place; a poison message never stops the outbox
(issue 10: a company name with CR/LF reached a subject and crashed `flask outbox send` forever)."""

import smtplib
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from capindustrie.applications import jobs as application_jobs
from capindustrie.applications.states import S
from capindustrie.auth import services as auth_services
from capindustrie.classes import services as class_services
from capindustrie.companies import services as company_services
from capindustrie.emails.services import build_email, queue_email, send_pending
from capindustrie.extensions import db
from capindustrie.headers import attachment, email_subject, one_line
from capindustrie.models import CompanyStatus, OfferStatus, OutboxMessage, OutboxStatus, Role
from capindustrie.moderation import services as moderation
from tests import factories as f
from tests.placement_helpers import NOW, application_in

HOSTILE_NAME = "Usinor\r\nBcc: victime@exemple.fr\u2028X-Nom: oui"
HOSTILE_TITLE = "Soudure\nX-Injected: oui\x0b\rfin"
LINE_BREAKS = ("\r", "\n", "\u2028", "\u2029", "\x00", "\x85")


class RecordingSMTP:
    """Stands in for smtplib.SMTP: records what it sends; `poison` recipients make the message
    itself fail (as an e-mail the library refuses to serialise), not the connection."""

    sent: list = []
    poison: set[str] = set()
    connections = 0

    def __init__(self, host, port, timeout=None):
        type(self).connections += 1

    def starttls(self):
        pass

    def login(self, username, password):
        pass

    def send_message(self, email):
        if email["To"] in self.poison:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        email.as_bytes()  # what smtplib does: serialise, which refuses broken headers
        self.sent.append(email)

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    fake = type("Fake", (RecordingSMTP,), {"sent": [], "poison": set(), "connections": 0})
    monkeypatch.setattr(smtplib, "SMTP", fake)
    app.config.update(
        MAIL_SERVER="smtp.test", MAIL_PORT=2525, MAIL_USE_TLS=False, MAIL_MAX_ATTEMPTS=3
    )
    return fake


def one_line_everywhere(email) -> None:
    raw = email.as_bytes()
    parsed = message_from_bytes(raw, policy=default_policy)
    for name in ("Subject", "To", "From"):
        value = parsed[name]
        assert value is not None and not any(c in str(value) for c in LINE_BREAKS), (name, value)
    # No header was smuggled in through a name or a title.
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None and parsed["X-Nom"] is None


def test_one_line_makes_a_single_trimmed_line():
    assert one_line(" a\r\nb\tc\u2028d\x00e  ") == "a b c d e"
    assert one_line(None) == ""
    assert one_line("x" * 10, max_length=5) == "xxxx…"
    assert "\n" not in email_subject("a\n" * 500) and len(email_subject("a\n" * 500)) <= 250


def test_attachment_file_names_are_one_safe_line():
    assert attachment("convention-12.pdf") == 'attachment; filename="convention-12.pdf"'
    hostile = attachment('fiches "3e B"\r\nSet-Cookie: x=1/../é.pdf')
    assert "\r" not in hostile and "\n" not in hostile
    assert 'filename="fiches -3e B- Set-Cookie: x=1-..-e.pdf"' in hostile
    assert "filename*=UTF-8''fiches%20%223e%20B%22%20Set-Cookie%3A%20x%3D1%2F..%2F%C3%A9.pdf" in (
        hostile
    )


def test_queue_email_stores_one_line_subject_and_recipient(app):
    message = queue_email("contact@exemple.fr\r\n", f"Offre « {HOSTILE_TITLE} »", "Corps")
    assert message.to_address == "contact@exemple.fr"
    assert message.subject == "Offre « Soudure X-Injected: oui fin »"


def every_kind_of_email_with_hostile_names() -> set[str]:
    """Drive every service that queues an e-mail, with a hostile company name and offer title
    saved as they could have been before the input rule (straight into the database)."""
    company_user = f.user(Role.COMPANY)
    company = company_user.company
    company.name = HOSTILE_NAME
    offer = f.complete_offer(
        company,
        status=OfferStatus.PUBLISHED,
        title=HOSTILE_TITLE,
        periods=[
            (NOW.date() + timedelta(days=47 + 7 * n), NOW.date() + timedelta(days=51 + 7 * n), 4)
            for n in range(4)
        ],
    )
    teacher = f.user(Role.TEACHER)
    klass = f.school_class(teacher)
    pupils = [f.pupil(klass, first_name=f"Élève{n}", last_name="Test") for n in range(5)]
    # Applications: new, accepted, chosen, validated (company and teacher told)…
    application_in(pupils[0], offer.periods[0], S.VALIDATED, teacher)
    application_in(pupils[1], offer.periods[1], S.REFUSED)
    application_in(pupils[2], offer.periods[1], S.REFUSED_BY_TEACHER, teacher)
    accepted = application_in(pupils[3], offer.periods[2], S.ACCEPTED)
    application_in(pupils[4], offer.periods[3], S.SUBMITTED)
    # …a pupil removed from the class (« Stage annulé »), reminders and expiries…
    class_services.remove_pupil(accepted.pupil, teacher, NOW)
    db.session.flush()
    application_jobs.expire_stale_applications(NOW + timedelta(days=6))
    application_jobs.expire_stale_applications(NOW + timedelta(days=30))
    # …moderation of offers and companies…
    submitted = f.complete_offer(company, status=OfferStatus.SUBMITTED, title=HOSTILE_TITLE)
    moderation.publish_offer(submitted, f.user(Role.STAFF), "https://cap.test/offres/1", NOW)
    rejected = f.complete_offer(company, status=OfferStatus.SUBMITTED, title=HOSTILE_TITLE)
    moderation.reject_offer(
        rejected, f.user(Role.STAFF), "Motif détaillé du refus.", "https://cap.test/entreprise/"
    )
    for decide in (
        moderation.approve_company,
        lambda c, url: moderation.reject_company(c, "Motif du refus.", url),
    ):
        pending = f.company(name=HOSTILE_NAME, status=CompanyStatus.PENDING)
        f.user(Role.COMPANY, company_obj=pending)
        decide(pending, "https://cap.test/entreprise/")
    # …an invitation and a password reset.
    company_services.invite_colleague(
        company,
        company_user,
        "collegue@exemple.fr",
        lambda token: f"https://cap.test/invitation/{token}",
    )
    auth_services.request_password_reset(
        company_user.email,
        secret_key="k",
        max_age=3600,
        link_for=lambda token: f"https://cap.test/{token}",
    )
    db.session.commit()
    return set(db.session.scalars(select(OutboxMessage.subject)))


def test_every_kind_of_email_is_sent_with_one_line_headers(smtp):
    subjects = every_kind_of_email_with_hostile_names()
    assert len(subjects) >= 10, subjects  # the kinds above, each with its own subject
    assert any("Usinor Bcc: victime@exemple.fr X-Nom: oui" in s for s in subjects), subjects
    assert any("Soudure X-Injected: oui fin" in s for s in subjects), subjects
    for subject in subjects:
        assert not any(c in subject for c in LINE_BREAKS), subject

    report = send_pending(now=datetime(2027, 6, 1))
    assert report.failed == 0 and report.retried == 0 and not report.interrupted
    assert report.sent == db.session.query(OutboxMessage).count() == len(smtp.sent)
    for email in smtp.sent:
        one_line_everywhere(email)


def test_a_row_saved_with_line_breaks_is_sent_on_one_line(smtp):
    """Rows queued before the rule (or written by hand) are made one line when built."""
    row = OutboxMessage(
        to_address="contact@exemple.fr\r\n", subject=f"Offre {HOSTILE_TITLE}", body="Corps"
    )
    db.session.add(row)
    db.session.commit()
    one_line_everywhere(build_email(row, "Cap Industrie\n <no-reply@cap.test>"))

    report = send_pending(now=datetime(2027, 6, 1))
    assert (report.sent, report.failed) == (1, 0)
    assert smtp.sent[0]["Subject"] == "Offre Soudure X-Injected: oui fin"


def test_a_poison_message_is_failed_and_never_stops_the_run(smtp):
    good = [queue_email(f"eleve{n}@exemple.fr", f"Message {n}", "Corps") for n in range(3)]
    bad = queue_email("poison@exemple.fr", "Message empoisonné", "Corps")
    later = queue_email("dernier@exemple.fr", "Message après", "Corps")
    db.session.commit()
    smtp.poison = {"poison@exemple.fr"}

    report = send_pending(now=datetime(2027, 6, 1))

    assert (report.sent, report.failed, report.retried, report.interrupted) == (4, 1, 0, False)
    assert sorted(m["To"] for m in smtp.sent) == sorted(
        [m.to_address for m in good] + [later.to_address]
    )
    db.session.expire_all()
    poisoned = db.session.get(OutboxMessage, bad.id)
    assert poisoned.status == OutboxStatus.FAILED
    assert poisoned.claimed_at is None and poisoned.sent_at is None
    assert "ValueError: Header values may not contain linefeed" in poisoned.last_error

    # The next runs, even after the claim timeout, do not try it again.
    for minutes in (1, 60, 24 * 60):
        again = send_pending(now=datetime(2027, 6, 1) + timedelta(minutes=minutes))
        assert (again.sent, again.failed, again.retried) == (0, 0, 0)
    assert len(smtp.sent) == 4


def test_a_poison_message_fails_without_a_mail_server_too(app, monkeypatch):
    """Only logged (no MAIL_SERVER): the message is still built, and a broken one fails alone."""
    import capindustrie.emails.services as outbox

    app.config["MAIL_SERVER"] = None
    real_build = outbox.build_email

    def build(message, sender):
        if message.to_address == "poison@exemple.fr":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real_build(message, sender)

    monkeypatch.setattr(outbox, "build_email", build)
    queue_email("poison@exemple.fr", "Message empoisonné", "Corps")
    queue_email("bon@exemple.fr", "Bon message", "Corps")
    db.session.commit()

    report = send_pending(now=datetime(2027, 6, 1))
    assert (report.sent, report.failed) == (1, 1)
    rows = db.session.execute(select(OutboxMessage.to_address, OutboxMessage.status)).all()
    statuses = dict(rows)
    assert statuses == {
        "poison@exemple.fr": OutboxStatus.FAILED,
        "bon@exemple.fr": OutboxStatus.SENT,
    }
