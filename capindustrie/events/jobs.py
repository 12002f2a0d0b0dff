"""Scheduler jobs of the events area: J-7 and J-2 reminders, then the satisfaction question.

Each message is claimed first (`UPDATE … SET reminder_7_sent_at = now WHERE … IS NULL`, row count
checked) and queued in the same transaction: a job run twice, or by two processes, sends once.
A reminder is skipped when the confirmation itself came inside its window (the group was just
confirmed, or promoted, and already has the date and the .ics).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from capindustrie.events import mail
from capindustrie.extensions import db
from capindustrie.models import (
    Attendance,
    EventSession,
    Registration,
    RegistrationStatus,
    utcnow,
)
from capindustrie.text import plural

REMINDERS = ((7, "reminder_7_sent_at"), (2, "reminder_2_sent_at"))
SATISFACTION_WITHIN = timedelta(days=14)


@dataclass
class ReminderReport:
    reminders: int = 0
    satisfaction: int = 0

    def __str__(self) -> str:
        return f"{plural(self.reminders, 'rappel')}, " + plural(
            self.satisfaction, "demande d'avis", "demandes d'avis"
        )


def _claim(registration_id: int, column: str, now: datetime) -> bool:
    result = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration_id,
            getattr(Registration, column).is_(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _due_reminders(days: int, column: str, now: datetime) -> list[int]:
    """Confirmed registrations whose session starts within `days` (for J-7: not within the
    last two, the J-2 reminder's), confirmed before that window opened."""
    statement = (
        select(Registration.id, Registration.confirmed_at, EventSession.starts_at)
        .join(EventSession)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            getattr(Registration, column).is_(None),
            EventSession.starts_at > now,
            EventSession.starts_at <= now + timedelta(days=days),
        )
    )
    if days == 7:
        statement = statement.where(EventSession.starts_at > now + timedelta(days=2))
    return [
        registration_id
        for registration_id, confirmed_at, starts_at in db.session.execute(statement)
        if confirmed_at is not None and confirmed_at <= starts_at - timedelta(days=days)
    ]


def send_event_reminders(now: datetime | None = None) -> ReminderReport:
    now = now or utcnow()
    report = ReminderReport()
    for days, column in REMINDERS:
        for registration_id in _due_reminders(days, column, now):
            if _claim(registration_id, column, now):
                mail.reminder(db.session.get(Registration, registration_id), days)
                report.reminders += 1
            db.session.commit()
    for registration_id in _due_satisfaction(now):
        if _claim(registration_id, "satisfaction_asked_at", now):
            mail.satisfaction_request(db.session.get(Registration, registration_id))
            report.satisfaction += 1
        db.session.commit()
    return report


def _due_satisfaction(now: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(Registration.id)
            .join(EventSession)
            .where(
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.class_id.is_not(None),
                Registration.attendance == Attendance.PRESENT,
                Registration.satisfaction_asked_at.is_(None),
                EventSession.ends_at <= now,
                EventSession.ends_at > now - SATISFACTION_WITHIN,
            )
        )
    )
