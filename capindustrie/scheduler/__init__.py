"""The scheduler process: one `flask scheduler run`, never inside create_app.

Each web worker runs create_app; a scheduler started there would run every job once per worker.
So the jobs of jobs.JOBS run in a single separate process, each inside its own app context,
and a job that fails is logged without stopping the others.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from capindustrie.extensions import db
from capindustrie.models import utcnow
from capindustrie.scheduler.jobs import JOBS, Job

PARIS = ZoneInfo("Europe/Paris")
# Coalesce missed runs into one, never overlap a job with itself, and still run a job that was
# due during a restart (APScheduler's default grace is 1 second: a nightly run would be lost).
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}

logger = logging.getLogger("capindustrie.scheduler")


@dataclass
class JobResult:
    name: str
    ok: bool
    result: object = None
    error: str | None = None


def run_job(app: Flask, name: str, now: datetime | None = None,
            jobs: dict[str, Job] | None = None) -> JobResult:
    """Run one job once in a fresh app context; exceptions are logged and returned, not raised."""
    job = (jobs or JOBS)[name]
    started = time.monotonic()
    with app.app_context():
        now = now or utcnow()
        logger.info("job %s started", name)
        try:
            result = job.func(now=now)
        except Exception as exc:
            db.session.rollback()
            logger.exception("job %s failed after %.1f s", name, time.monotonic() - started)
            return JobResult(name, ok=False, error=f"{type(exc).__name__}: {exc}")
        logger.info("job %s done in %.1f s: %s", name, time.monotonic() - started, result)
        return JobResult(name, ok=True, result=result)


def build_scheduler(app: Flask, jobs: dict[str, Job] | None = None) -> BlockingScheduler:
    """The configured scheduler with every registered job; the caller starts it."""
    scheduler = BlockingScheduler(timezone=PARIS, job_defaults=JOB_DEFAULTS)
    for name, job in (jobs or JOBS).items():
        scheduler.add_job(
            run_job,
            trigger=job.trigger.build(PARIS),
            args=(app, name),
            kwargs={"jobs": jobs},
            id=name,
            name=job.description,
        )
    return scheduler


def next_run_times(now: datetime | None = None,
                   jobs: dict[str, Job] | None = None) -> list[tuple[str, Job, datetime | None]]:
    """Each job with its next run after `now` (aware, Europe/Paris), without starting anything."""
    now = now or datetime.now(PARIS)
    rows = []
    for name, job in (jobs or JOBS).items():
        trigger = job.trigger.build(PARIS)
        rows.append((name, job, trigger.get_next_fire_time(None, now)))
    return rows
