"""Timers of the applications, run by the scheduler (hourly) or by hand; plain functions of `now`.

An unanswered application (submitted) expires APPLICATION_EXPIRY_DAYS after it was sent, with a
reminder to the company at APPLICATION_REMINDER_DAYS; so does a placement proposal the company
has not answered (state proposed), which frees its seat. An acceptance the pupil has not confirmed
expires ACCEPTANCE_EXPIRY_DAYS after it, freeing the seat, with a reminder to the class teachers
at ACCEPTANCE_REMINDER_DAYS (pupils have no e-mail: their dashboard shows the deadline).

Idempotent: a reminder is claimed with one UPDATE on reminder_sent_at (reset by every transition,
so each waiting state gets its own), an expiry goes through the state machine's compare-and-set;
each application is committed on its own, with its e-mails, so a second run changes nothing more.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from capindustrie.applications import services
from capindustrie.applications.states import S, TransitionError, transition
from capindustrie.extensions import db
from capindustrie.models import Application, utcnow
from capindustrie.text import plural

logger = logging.getLogger("capindustrie.applications")

EXPIRY_MESSAGES = {
    S.SUBMITTED: "Expirée : l'entreprise n'a pas répondu dans un délai de {days}.",
    S.ACCEPTED: "Expirée : l'élève n'a pas confirmé son choix dans un délai de {days}.",
    S.PROPOSED: "Expirée : l'entreprise n'a pas répondu à la proposition dans un délai de {days}.",
}


@dataclass
class TimerReport:
    reminders: int = 0
    expired_submitted: int = 0
    expired_accepted: int = 0
    expired_proposed: int = 0

    def __str__(self) -> str:
        parts = [
            plural(self.reminders, "relance"),
            plural(self.expired_submitted, "candidature sans réponse expirée",
                   "candidatures sans réponse expirées"),
            plural(self.expired_accepted, "acceptation non confirmée expirée",
                   "acceptations non confirmées expirées"),
        ]
        if self.expired_proposed:
            parts.append(
                plural(self.expired_proposed, "proposition sans réponse expirée",
                       "propositions sans réponse expirées")
            )
        return ", ".join(parts)


def expire_stale_applications(now: datetime | None = None) -> TimerReport:
    now = _naive_utc(now or utcnow())
    config = current_app.config
    report = TimerReport()
    for status in (S.SUBMITTED, S.PROPOSED, S.ACCEPTED):
        reminder_days, expiry_days = services.waiting_days(status, config)
        expire_before = now - timedelta(days=expiry_days)
        for application_id in _ids(status, Application.status_changed_at <= expire_before):
            if _expire(application_id, status, expiry_days, now):
                if status == S.SUBMITTED:
                    report.expired_submitted += 1
                elif status == S.PROPOSED:
                    report.expired_proposed += 1
                else:
                    report.expired_accepted += 1
        remind_before = now - timedelta(days=reminder_days)
        due = (
            Application.status_changed_at <= remind_before,
            Application.status_changed_at > expire_before,
            Application.reminder_sent_at.is_(None),
        )
        for application_id in _ids(status, *due):
            if _remind(application_id, status, now):
                report.reminders += 1
    return report


def _ids(status: S, *conditions) -> list[int]:
    ids = list(
        db.session.scalars(
            select(Application.id)
            .where(Application.status == status, *conditions)
            .order_by(Application.id)
        )
    )
    db.session.commit()
    return ids


def _expire(application_id: int, status: S, days: int, now: datetime) -> bool:
    application = db.session.get(Application, application_id)
    if application is None or application.status != status:
        db.session.rollback()
        return False
    try:
        message = EXPIRY_MESSAGES[status].format(days=plural(days, "jour"))
        transition(application, S.EXPIRED, None, message, now)
        services.notify_expired(application, was_accepted=status == S.ACCEPTED)
    except TransitionError:
        # Changed by someone else meanwhile (the pupil withdrew, the company answered).
        db.session.rollback()
        return False
    db.session.commit()
    logger.info("application %s expired (was %s)", application_id, status.value)
    return True


def _remind(application_id: int, status: S, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.status == status,
            Application.reminder_sent_at.is_(None),
        )
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    services.notify_reminder(application, current_app.config)
    db.session.commit()
    logger.info("application %s reminder sent (%s)", application_id, status.value)
    return True


def _naive_utc(value: datetime) -> datetime:
    """Stored datetimes are naive UTC; accept an aware `now` too."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
