"""The e-mail outbox: nothing is lost while SMTP is down, retries are bounded, no double send."""

import logging
import smtplib
from datetime import datetime, timedelta

import pytest

from capindustrie.emails import services
from capindustrie.emails.services import claim, queue_email, send_pending
from capindustrie.extensions import db
from capindustrie.models import OutboxMessage, OutboxStatus

T0 = datetime(2025, 11, 17, 8, 0)


class FakeSMTP:
    """Stands in for smtplib.SMTP: refuses connections while `down`, records what it sends."""

    down = False
    refused: set[str] = set()
    sent: list = []
    connections = 0
    calls: list[str] = []

    def __init__(self, host, port, timeout=None):
        type(self).connections += 1
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.calls.append(f"connect {host}:{port}")

    def starttls(self):
        self.calls.append("starttls")

    def login(self, username, password):
        self.calls.append(f"login {username}")

    def send_message(self, email):
        if email["To"] in self.refused:
            raise smtplib.SMTPRecipientsRefused({email["To"]: (550, b"unknown user")})
        self.sent.append(email)

    def quit(self):
        self.calls.append("quit")

    def close(self):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    fake = type("Fake", (FakeSMTP,), {"down": False, "refused": set(), "sent": [],
                                       "connections": 0, "calls": []})
    monkeypatch.setattr(smtplib, "SMTP", fake)
    app.config.update(MAIL_SERVER="smtp.test", MAIL_PORT=2525, MAIL_USE_TLS=True,
                      MAIL_USERNAME="capi", MAIL_PASSWORD="secret", MAIL_MAX_ATTEMPTS=3,
                      MAIL_RETRY_MINUTES=10)
    return fake


def queue(to: str = "prof.martin@ac-creteil.fr", subject: str = "Votre candidature a été acceptée",
          body: str = "Bonjour,\nLa société a accepté votre candidature.") -> int:
    message = queue_email(to, subject, body)
    message.created_at = message.next_attempt_at = T0
    db.session.commit()
    return message.id


def reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_nothing_is_lost_while_smtp_is_down(smtp):
    first, second = queue(subject="Premier"), queue(subject="Deuxième")
    smtp.down = True

    report = send_pending(now=T0)
    assert (report.sent, report.retried, report.failed, report.interrupted) == (0, 1, 0, True)
    row = reload(first)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == T0 + timedelta(minutes=10)
    assert "ConnectionRefusedError" in row.last_error and row.claimed_at is None
    # The server is down: the second row was not even tried, it waits untouched.
    assert reload(second).attempts == 0

    report = send_pending(now=T0 + timedelta(minutes=1))
    assert (report.sent, report.retried) == (0, 1)
    assert reload(second).next_attempt_at == T0 + timedelta(minutes=11)
    assert send_pending(now=T0 + timedelta(minutes=5)).retried == 0  # nothing due yet

    smtp.down = False
    report = send_pending(now=T0 + timedelta(minutes=11))
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert [m["Subject"] for m in smtp.sent] == ["Premier", "Deuxième"]
    for message_id in (first, second):
        row = reload(message_id)
        assert row.status == OutboxStatus.SENT and row.sent_at == T0 + timedelta(minutes=11)
    # Sent once: a later run sends nothing again.
    assert send_pending(now=T0 + timedelta(hours=1)).sent == 0
    assert len(smtp.sent) == 2


def test_one_refused_recipient_does_not_stop_the_others(smtp):
    refused, fine = queue(to="inconnu@exemple.fr"), queue(to="contact@exemple.fr")
    smtp.refused = {"inconnu@exemple.fr"}
    report = send_pending(now=T0)
    assert (report.sent, report.retried, report.interrupted) == (1, 1, False)
    assert reload(refused).status == OutboxStatus.PENDING
    assert "SMTPRecipientsRefused" in reload(refused).last_error
    assert reload(fine).status == OutboxStatus.SENT
    assert [m["To"] for m in smtp.sent] == ["contact@exemple.fr"]


def test_failed_after_max_attempts_and_kept(smtp, runner):
    message_id = queue()
    smtp.down = True
    now = T0
    for attempt in (1, 2, 3):
        report = send_pending(now=now)
        row = reload(message_id)
        assert row.attempts == attempt
        now = row.next_attempt_at
    assert (report.failed, report.retried) == (1, 0)
    assert row.status == OutboxStatus.FAILED and row.sent_at is None
    # Backoff grows with the attempts: 10 then 20 minutes.
    assert now == T0 + timedelta(minutes=30)

    smtp.down = False
    connections = smtp.connections
    assert send_pending(now=now + timedelta(days=1)).sent == 0
    assert smtp.connections == connections and smtp.sent == []

    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.rsplit(None, 1)[0]: int(line.rsplit(None, 1)[1]) for line in
             result.output.splitlines()}
    assert lines == {"En attente": 0, "Envoyés": 0, "En échec": 1}


def test_a_row_claimed_by_another_sender_is_not_sent_twice(smtp, monkeypatch):
    taken = queue(subject="Pris par un autre")
    row = reload(taken)
    row.claimed_at = T0 - timedelta(minutes=1)
    db.session.commit()

    assert send_pending(now=T0).sent == 0
    # Even when this sender read the row before the other claimed it, the claim refuses it.
    monkeypatch.setattr(services, "due_message_ids", lambda now, limit: [taken])
    assert send_pending(now=T0).sent == 0
    assert smtp.sent == [] and reload(taken).status == OutboxStatus.PENDING


def test_claim_is_exclusive_and_a_stale_claim_is_taken_back(smtp):
    message_id = queue()
    assert claim(message_id, T0) is True
    assert claim(message_id, T0 + timedelta(minutes=9)) is False
    # A sender that died mid-send leaves a claim older than 10 minutes: it may be retaken.
    report = send_pending(now=T0 + timedelta(minutes=11))
    assert report.sent == 1 and len(smtp.sent) == 1


def test_smtp_message_is_utf8_with_starttls_and_login(smtp):
    queue(subject="Rappel : visite de l'usine à Meaux", body="Élève accepté — à lundi.")
    send_pending(now=T0)
    email = smtp.sent[0]
    assert email["Subject"] == "Rappel : visite de l'usine à Meaux"
    assert email["From"] == "Cap Industrie <no-reply@capindustrie.seine-et-marne.fr>"
    assert email.get_content_charset() == "utf-8"
    assert email.get_content() == f"Élève accepté — à lundi.\n\n-- \n{services.SIGNATURE}\n"
    assert smtp.calls == ["connect smtp.test:2525", "starttls", "login capi", "quit"]


def test_without_mail_server_the_message_is_logged_not_its_body(app, caplog):
    message_id = queue(to="lea.durand@exemple.fr", subject="Bienvenue sur Cap Industrie",
                       body="Votre lien secret : https://x/reset/abc123")
    with caplog.at_level(logging.INFO, logger="capindustrie.emails"):
        report = send_pending(now=T0)
    assert report.sent == 1
    row = reload(message_id)
    assert row.status == OutboxStatus.SENT and row.sent_at == T0
    assert f"outbox message {message_id}" in caplog.text
    assert "Bienvenue sur Cap Industrie" in caplog.text and "@exemple.fr" in caplog.text
    assert "abc123" not in caplog.text and "lea.durand" not in caplog.text


def test_cli_send_prints_counts_in_french(app, runner):
    queue()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 envoyé, 0 à réessayer, 0 en échec définitif" in result.output
