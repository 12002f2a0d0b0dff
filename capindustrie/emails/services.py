"""E-mail outbox: every message is a row first; a job sends the pending rows.

A row is claimed (claimed_at set, committed) before it is sent, so two senders — the scheduler
and a `flask outbox send` typed by hand — never send it twice. A claim older than CLAIM_TIMEOUT
belongs to a sender that died mid-send and may be taken again. A failed send stays pending with a
later next_attempt_at, until MAIL_MAX_ATTEMPTS: then it is marked failed and kept for staff.
A message that cannot be sent for any other reason than the mail server (it cannot be built,
a bug) is a poison message: marked failed at once with its error, and the run goes on.
Every header value is one line, made by capindustrie.headers.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import func, or_, select, update

from capindustrie.extensions import db
from capindustrie.headers import email_subject, file_name, one_line
from capindustrie.models import OutboxMessage, OutboxStatus, utcnow
from capindustrie.text import french_number, plural

logger = logging.getLogger("capindustrie.emails")

CLAIM_TIMEOUT = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30
SEND_ERRORS = (smtplib.SMTPException, OSError)


SIGNATURE = (
    "L'équipe Cap Industrie — Département de Seine-et-Marne\n"
    "Ce message est envoyé automatiquement : merci de ne pas y répondre."
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar"
    content: str


def queue_email(
    to_address: str, subject: str, body: str, attachment: Attachment | None = None
) -> OutboxMessage:
    """Write a message to the outbox, in the caller's transaction (sent or rolled back with it).
    The body is the message itself: the signature is added here, the same for every e-mail."""
    signed = f"{body.rstrip()}\n\n-- \n{SIGNATURE}\n"
    message = OutboxMessage(
        to_address=one_line(to_address), subject=email_subject(subject), body=signed
    )
    if attachment is not None:
        message.attachment_filename = attachment.filename
        message.attachment_content_type = attachment.content_type
        message.attachment_content = attachment.content
    db.session.add(message)
    return message


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    # True when the mail server could not be reached: the rest of the batch waits for next run.
    interrupted: bool = False

    def __str__(self) -> str:
        text = (
            f"{plural(self.sent, 'envoyé')}, {french_number(self.retried)} à réessayer, "
            f"{french_number(self.failed)} en échec définitif"
        )
        if self.interrupted:
            text += " (serveur de messagerie injoignable : envoi interrompu)"
        return text


class _ConnectError(Exception):
    """The SMTP server could not be reached: no point trying the next rows now."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def send_pending(now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send the due pending messages (at most `limit`), committing after each one."""
    now = now or utcnow()
    ids = due_message_ids(now, limit)
    db.session.commit()  # end the read transaction before each row's own claim
    report = SendReport()
    with _Mailer(current_app.config) as mailer:
        for message_id in ids:
            if not claim(message_id, now):
                continue
            try:
                message = db.session.get(OutboxMessage, message_id)
                mailer.send(message)
            except _ConnectError as exc:
                _record_failure(message, exc.cause, now, report)
                report.interrupted = True
                db.session.commit()
                break
            except SEND_ERRORS as exc:
                _record_failure(message, exc, now, report)
            except Exception as exc:  # noqa: BLE001 — any other error is the message's own
                _give_up(message_id, exc, now, report)
            else:
                message.status = OutboxStatus.SENT
                message.sent_at = now
                report.sent += 1
            db.session.commit()
    return report


def due_message_ids(now: datetime, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                _claim_free(now),
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_id: int, now: datetime) -> bool:
    """Take the row for this sender, committed at once; False when another sender holds it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            _claim_free(now),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _claim_free(now: datetime):
    return or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)


def _record_failure(
    message: OutboxMessage, exc: BaseException, now: datetime, report: SendReport
) -> None:
    config = current_app.config
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    message.claimed_at = None
    if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        report.failed += 1
    else:
        message.next_attempt_at = now + timedelta(
            minutes=config["MAIL_RETRY_MINUTES"] * message.attempts
        )
        report.retried += 1
    logger.warning(
        "outbox message %s not sent (attempt %s, %s): %s",
        message.id,
        message.attempts,
        message.status.value,
        type(exc).__name__,
    )


def _give_up(message_id: int, exc: BaseException, now: datetime, report: SendReport) -> None:
    """A poison message: it will never be sent, whatever the number of attempts. Marked failed
    with its error (claim released) so that no later run tries it again or stops on it."""
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.status = OutboxStatus.FAILED
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    message.claimed_at = None
    report.failed += 1
    logger.error(
        "outbox message %s cannot be sent, marked failed: %s", message_id, type(exc).__name__
    )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    # Again here: rows queued before the one-line rule may still hold a line break.
    email["Subject"] = email_subject(message.subject)
    email["From"] = one_line(sender)
    email["To"] = one_line(message.to_address)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    # Tells auto-responders not to answer a robot.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body, charset="utf-8")
    if message.attachment_content is not None:
        maintype, _, subtype = (message.attachment_content_type or "text/plain").partition("/")
        email.add_attachment(
            message.attachment_content.encode("utf-8"),
            maintype=maintype,
            subtype=subtype,
            filename=file_name(message.attachment_filename or "piece-jointe"),
        )
    return email


class _Mailer:
    """One SMTP connection for a batch, opened on the first message; only logs without a server."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> "_Mailer":
        return self

    def __exit__(self, *exc_info) -> None:
        self._close()

    def send(self, message: OutboxMessage) -> None:
        # Built first, even when only logged: a message that cannot be built fails the same way.
        email = build_email(message, self.config["MAIL_SENDER"])
        if not self.config.get("MAIL_SERVER"):
            # Never the body: it may carry a pupil's message or a password-reset link.
            logger.info(
                "outbox message %s to @%s (no MAIL_SERVER, logged only): %s",
                message.id,
                email["To"].rpartition("@")[2],
                email["Subject"],
            )
            return
        if self.connection is None:
            try:
                self.connection = self._connect()
            except SEND_ERRORS as exc:
                raise _ConnectError(exc) from exc
        try:
            self.connection.send_message(email)
        except SEND_ERRORS:
            # The session may be unusable after an error: the next message opens a fresh one.
            self._close()
            raise

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(
            self.config["MAIL_SERVER"], int(self.config["MAIL_PORT"]), timeout=SMTP_TIMEOUT_SECONDS
        )
        try:
            if _truthy(self.config.get("MAIL_USE_TLS")):
                connection.starttls()
            if self.config.get("MAIL_USERNAME"):
                connection.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
        except BaseException:
            _quietly_close(connection)
            raise
        return connection

    def _close(self) -> None:
        if self.connection is not None:
            _quietly_close(self.connection)
            self.connection = None


def _quietly_close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except SEND_ERRORS:
        connection.close()


def _truthy(value) -> bool:
    # From the environment, CAPINDUSTRIE_MAIL_USE_TLS may arrive as a JSON bool or a string.
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "oui"}
    return bool(value)


def status_counts() -> dict[OutboxStatus, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status: 0 for status in OutboxStatus}
    counts.update({status: count for status, count in rows})
    return counts
