"""The scheduler: the job registry, the safe wrapper, the CLI, and the scheduler's settings."""

import logging
from datetime import datetime

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from capindustrie.emails.services import queue_email, send_pending
from capindustrie.extensions import db
from capindustrie.models import OutboxMessage, OutboxStatus
from capindustrie.scheduler import PARIS, build_scheduler, next_run_times, run_job
from capindustrie.scheduler.jobs import JOBS, Job, cron, daily_at, every


def test_registry_holds_the_outbox_every_minute():
    job = JOBS["outbox"]
    assert job.func is send_pending
    trigger = job.trigger.build(PARIS)
    assert isinstance(trigger, IntervalTrigger) and trigger.interval.total_seconds() == 60


def test_nightly_jobs_are_kept_out_of_the_daylight_saving_hour():
    assert daily_at(1, 30).fields == {"hour": 1, "minute": 30}
    with pytest.raises(ValueError):
        daily_at(2, 30)
    with pytest.raises(ValueError):
        cron("chaque 31 juillet", month=7, day=31, hour=2)


def test_scheduler_is_built_with_safe_defaults_without_starting(app):
    scheduler = build_scheduler(app)
    assert isinstance(scheduler, BlockingScheduler) and not scheduler.running
    assert scheduler.timezone == PARIS
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1,
                                       "misfire_grace_time": 3600}
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    assert jobs["outbox"].args == (app, "outbox")
    assert jobs["outbox"].trigger.timezone == PARIS


def test_a_job_runs_in_its_own_app_context_with_now(app):
    seen = {}

    def job(now):
        seen["now"] = now
        seen["db"] = db.session.execute(db.select(1)).scalar()
        return "ok"

    outcome = run_job(app, "probe", jobs={"probe": Job(job, every(minutes=5), "Sonde")})
    assert outcome.ok and outcome.result == "ok"
    assert isinstance(seen["now"], datetime) and seen["now"].tzinfo is None
    assert seen["db"] == 1


def test_a_failing_job_is_logged_and_does_not_propagate(app, caplog):
    def broken(now):
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO, logger="capindustrie.scheduler"):
        outcome = run_job(app, "broken", jobs={"broken": Job(broken, every(minutes=1), "Panne")})
    assert not outcome.ok and outcome.error == "RuntimeError: boom"
    failure = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure and "job broken failed" in failure[0].getMessage() and failure[0].exc_info


def test_the_scheduler_wrapper_survives_a_failing_job(app):
    """What APScheduler calls is run_job with the app: a failing job returns, it never raises."""
    jobs = {"broken": Job(lambda now: 1 / 0, daily_at(1, 30), "Panne")}
    scheduler = build_scheduler(app, jobs)
    job = scheduler.get_jobs()[0]
    assert isinstance(job.trigger, CronTrigger)
    outcome = job.func(*job.args, **job.kwargs)
    assert outcome.ok is False and "ZeroDivisionError" in outcome.error


def test_run_job_command_sends_the_outbox(runner):
    message = queue_email("prof.martin@ac-creteil.fr", "Nouvelle candidature", "Bonjour")
    db.session.commit()
    result = runner.invoke(args=["scheduler", "run-job", "outbox"])
    assert result.exit_code == 0, result.output
    assert "Tâche outbox terminée : 1 envoyé," in result.output
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT


def test_run_job_command_refuses_an_unknown_job(runner):
    result = runner.invoke(args=["scheduler", "run-job", "nope"])
    assert result.exit_code != 0


def test_list_prints_each_job_with_its_next_run(runner):
    result = runner.invoke(args=["scheduler", "list"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("outbox"))
    assert "toutes les minutes" in line and "prochaine :" in line and " h " in line


def test_next_run_times_follow_paris_time():
    now = datetime(2027, 3, 27, 12, 0, tzinfo=PARIS)  # the day before the spring change
    jobs = {"nightly": Job(lambda now: None, daily_at(1, 30), "Nuit")}
    [(name, _job, next_run)] = next_run_times(now, jobs)
    assert name == "nightly"
    assert next_run == datetime(2027, 3, 28, 1, 30, tzinfo=PARIS)
    assert next_run.utcoffset().total_seconds() == 3600
