"""The scheduler's jobs: plain functions called with `now` (naive UTC), each registered here.

Adding a job is one entry in JOBS, e.g.
    "mystage77_export": Job(export_nightly, daily_at(1, 30), "Export MyStage77"),
Jobs must be idempotent (they keep "what is due" in the app's tables and claim rows atomically),
so a run repeated after a crash or by hand does no harm. Times are Europe/Paris.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from capindustrie.applications.jobs import expire_stale_applications
from capindustrie.conventions.signatures import remind_unsigned
from capindustrie.emails.services import send_pending
from capindustrie.events.jobs import send_event_reminders
from capindustrie.exports.runs import nightly_export
from capindustrie.feedback.jobs import send_feedback_invitations
from capindustrie.offers.lifecycle import archive_past_offers
from capindustrie.privacy.purge import daily_purge_job, purge_job

# On daylight-saving nights 02:00–03:00 is skipped (March) or happens twice (October).
DST_HOUR = 2


@dataclass(frozen=True)
class Trigger:
    """When a job runs, kept as plain data so `list` can describe it before anything starts."""

    kind: str  # "interval" or "cron"
    fields: dict = field(default_factory=dict)
    label: str = ""

    def build(self, timezone: tzinfo) -> BaseTrigger:
        if self.kind == "interval":
            return IntervalTrigger(timezone=timezone, **self.fields)
        return CronTrigger(timezone=timezone, **self.fields)


def every(*, minutes: int) -> Trigger:
    label = "toutes les minutes" if minutes == 1 else f"toutes les {minutes} minutes"
    return Trigger("interval", {"minutes": minutes}, label)


def daily_at(hour: int, minute: int = 0) -> Trigger:
    return cron(f"chaque jour à {hour:02d} h {minute:02d}", hour=hour, minute=minute)


def cron(label: str, **fields) -> Trigger:
    """A cron trigger (fields of APScheduler's CronTrigger), refusing the daylight-saving hour."""
    if str(fields.get("hour")) == str(DST_HOUR):
        raise ValueError("Nightly jobs must not run between 02:00 and 03:00 (daylight saving).")
    return Trigger("cron", fields, label)


def yearly_at(schedule: str) -> Trigger:
    """Once a year, `schedule` being "MM-DD HH:MM" (Paris). Built directly, not by `cron`: the
    default, 31 July 02:00, is no daylight-saving night (those are in March and October)."""
    day, time = schedule.split()
    month, mday = (int(part) for part in day.split("-"))
    hour, minute = (int(part) for part in time.split(":"))
    if month in (3, 10) and hour == DST_HOUR:
        raise ValueError("The purge must not run between 02:00 and 03:00 in March or October.")
    fields = {"month": month, "day": mday, "hour": hour, "minute": minute}
    label = f"chaque année le {mday:02d}/{month:02d} à {hour:02d} h {minute:02d}"
    return Trigger("cron", fields, label)


def purge_schedule() -> str:
    import os

    from capindustrie.config import DEFAULTS

    return os.environ.get("CAPINDUSTRIE_PURGE_SCHEDULE") or DEFAULTS["PURGE_SCHEDULE"]


@dataclass(frozen=True)
class Job:
    func: Callable[..., object]  # called as func(now=<naive UTC datetime>)
    trigger: Trigger
    description: str


JOBS: dict[str, Job] = {
    "outbox": Job(send_pending, every(minutes=1), "Envoi des e-mails en attente"),
    "application_timers": Job(
        expire_stale_applications, every(minutes=60),
        "Relances et expiration des candidatures sans réponse ou non confirmées",
    ),
    "archive_offers": Job(
        archive_past_offers, daily_at(1, 15),
        "Archivage des offres dont toutes les périodes sont passées",
    ),
    "event_reminders": Job(
        send_event_reminders, every(minutes=60),
        "Rappels J-7 et J-2 des inscriptions aux événements, puis demande d'avis",
    ),
    # After the 01:15 archiving, outside the daylight-saving hour: the file MyStage77 picks up.
    "mystage77_export": Job(
        nightly_export, daily_at(4, 15),
        "Export des offres publiées (MyStage77, plateforme nationale)",
    ),
    # Issue 14: the retention rules (capindustrie/privacy/retention.py).
    "privacy_purge": Job(
        purge_job, yearly_at(purge_schedule()),
        "Purge annuelle : élèves de l'année terminée, comptes inactifs, e-mails, journal",
    ),
    "privacy_accounts": Job(
        daily_purge_job, daily_at(4, 45),
        "Comptes inactifs (avertis à J-30, puis supprimés), comptes jamais confirmés, "
        "e-mails de plus de 6 mois, journal de plus de 5 ans",
    ),
    "convention_reminders": Job(
        remind_unsigned, daily_at(9, 0),
        "Rappel aux signataires d'une convention qui n'ont pas encore signé",
    ),
    # The morning after a placement's last day: the pupil and the company are asked once.
    "feedback_invitations": Job(
        send_feedback_invitations, daily_at(10, 0),
        "Invitation de l'élève et de l'entreprise à donner leur avis après le stage",
    ),
}
