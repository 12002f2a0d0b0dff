"""The timers: reminders and expiries of waiting applications, with explicit `now` values.

Defaults: an unanswered application is recalled to the company at day 5 and expires at day 10;
an unconfirmed acceptance is recalled to the teacher at day 4 and expires at day 7.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from capindustrie.applications.jobs import expire_stale_applications
from capindustrie.applications.states import transition
from capindustrie.extensions import db
from capindustrie.models import Application, ApplicationStatus, OutboxMessage
from capindustrie.scheduler import run_job
from capindustrie.scheduler.jobs import JOBS
from tests.test_applications import World, make_application, outbox

T0 = datetime(2026, 11, 20, 10, 0)  # naive UTC, as stored
DAY = timedelta(days=1)


@pytest.fixture
def w(app):
    return World()


def _mail_count() -> int:
    return len(outbox())


def _reload(application: Application) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application.id)


def test_unanswered_application_reminder_at_day_5_then_expiry_at_day_10(w):
    application = make_application(w.pupil, w.period, changed_at=T0)
    db.session.commit()

    report = expire_stale_applications(T0 + 5 * DAY - timedelta(minutes=1))
    assert (report.reminders, report.expired_submitted) == (0, 0)
    assert _mail_count() == 0

    report = expire_stale_applications(T0 + 5 * DAY)
    assert report.reminders == 1
    assert _reload(application).reminder_sent_at == T0 + 5 * DAY
    reminders = outbox()
    assert sorted(m.to_address for m in reminders) == sorted(
        [w.company_user.email, w.colleague.email]
    )
    assert all("Rappel" in m.subject for m in reminders)
    assert "avant le lundi 30 novembre 2026" in reminders[0].body  # T0 + 10 days
    assert "Léa D." in reminders[0].body and "Durand" not in reminders[0].body

    # Idempotent: the next hourly runs send nothing more.
    for hours in (1, 2, 24):
        report = expire_stale_applications(T0 + 5 * DAY + timedelta(hours=hours))
        assert (report.reminders, report.expired_submitted) == (0, 0)
    assert _mail_count() == 2

    report = expire_stale_applications(T0 + 10 * DAY - timedelta(minutes=1))
    assert report.expired_submitted == 0
    report = expire_stale_applications(T0 + 10 * DAY)
    assert report.expired_submitted == 1
    application = _reload(application)
    assert application.status == ApplicationStatus.EXPIRED
    assert application.status_changed_at == T0 + 10 * DAY
    log = application.transitions[-1]
    assert log.actor_id is None
    assert log.message == "Expirée : l'entreprise n'a pas répondu dans un délai de 10 jours."
    expiry_mails = outbox()[2:]
    assert {m.to_address for m in expiry_mails} == {
        w.company_user.email, w.colleague.email, w.teacher.email
    }
    assert all("expirée" in m.subject for m in expiry_mails)

    count = _mail_count()
    report = expire_stale_applications(T0 + 10 * DAY + timedelta(hours=1))
    assert (report.reminders, report.expired_submitted, report.expired_accepted) == (0, 0, 0)
    assert _mail_count() == count


def test_a_late_run_expires_without_a_useless_reminder(w):
    application = make_application(w.pupil, w.period, changed_at=T0)
    db.session.commit()
    report = expire_stale_applications(T0 + 12 * DAY)
    assert (report.reminders, report.expired_submitted) == (0, 1)
    assert _reload(application).status == ApplicationStatus.EXPIRED
    assert not any("Rappel" in m.subject for m in outbox())


def test_unconfirmed_acceptance_reminds_the_teacher_at_day_4_and_frees_the_seat_at_day_7(w):
    application = make_application(w.pupil, w.period, changed_at=T0 - 3 * DAY)
    db.session.commit()
    transition(application, ApplicationStatus.ACCEPTED, w.company_user, None, T0)
    db.session.commit()
    assert w.period.seats_taken == 1

    assert expire_stale_applications(T0 + 4 * DAY - timedelta(minutes=1)).reminders == 0
    report = expire_stale_applications(T0 + 4 * DAY)
    assert report.reminders == 1
    [reminder] = outbox()
    assert reminder.to_address == w.teacher.email
    assert "doit confirmer" in reminder.subject
    assert expire_stale_applications(T0 + 4 * DAY + timedelta(hours=1)).reminders == 0
    assert _mail_count() == 1

    assert expire_stale_applications(T0 + 7 * DAY - timedelta(minutes=1)).expired_accepted == 0
    report = expire_stale_applications(T0 + 7 * DAY)
    assert report.expired_accepted == 1
    application = _reload(application)
    assert application.status == ApplicationStatus.EXPIRED
    assert application.transitions[-1].message == (
        "Expirée : l'élève n'a pas confirmé son choix dans un délai de 7 jours."
    )
    assert application.period.seats_taken == 0
    assert any("de nouveau libre" in m.body for m in outbox(w.company_user.email))
    assert any("n'a pas confirmé à temps" in m.body for m in outbox(w.teacher.email))

    count = _mail_count()
    report = expire_stale_applications(T0 + 8 * DAY)
    assert (report.reminders, report.expired_accepted) == (0, 0)
    assert application.period.seats_taken == 0
    assert _mail_count() == count


def test_each_waiting_state_gets_its_own_reminder(w):
    """reminder_sent_at is reset by the transition: the acceptance is recalled too."""
    application = make_application(w.pupil, w.period, changed_at=T0)
    db.session.commit()
    expire_stale_applications(T0 + 5 * DAY)
    assert _reload(application).reminder_sent_at is not None
    transition(_reload(application), ApplicationStatus.ACCEPTED, w.company_user, None,
               T0 + 6 * DAY)
    db.session.commit()
    assert _reload(application).reminder_sent_at is None

    report = expire_stale_applications(T0 + 10 * DAY)
    assert (report.reminders, report.expired_submitted, report.expired_accepted) == (1, 0, 0)
    assert outbox()[-1].to_address == w.teacher.email


def test_answered_withdrawn_and_chosen_applications_are_left_alone(w):
    statuses = [ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN,
                ApplicationStatus.CONFIRMED, ApplicationStatus.VALIDATED]
    pupils = [w.pupil, w.other_pupil]
    periods = [w.period, w.period_2]
    made = [
        make_application(pupils[i % 2], periods[i // 2], status, changed_at=T0 - 60 * DAY)
        for i, status in enumerate(statuses)
    ]
    db.session.commit()
    report = expire_stale_applications(T0)
    assert (report.reminders, report.expired_submitted, report.expired_accepted) == (0, 0, 0)
    assert [_reload(a).status for a in made] == statuses
    assert _mail_count() == 0


def test_delays_are_configuration(make_app):
    app = make_app(APPLICATION_REMINDER_DAYS=1, APPLICATION_EXPIRY_DAYS=2)
    with app.app_context():
        w = World()
        application = make_application(w.pupil, w.period, changed_at=T0)
        db.session.commit()
        assert expire_stale_applications(T0 + DAY).reminders == 1
        assert expire_stale_applications(T0 + 2 * DAY).expired_submitted == 1
        assert _reload(application).status == ApplicationStatus.EXPIRED


def test_an_aware_now_is_understood_as_utc(w):
    application = make_application(w.pupil, w.period, changed_at=T0)
    db.session.commit()
    # 11:00 in Paris (UTC+1 in November) is 10:00 UTC, exactly ten days after T0.
    aware = datetime(2026, 11, 30, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert expire_stale_applications(aware - timedelta(minutes=1)).expired_submitted == 0
    assert expire_stale_applications(aware).expired_submitted == 1
    assert _reload(application).status_changed_at == T0 + 10 * DAY


def test_the_scheduler_runs_it_every_hour(app, w):
    job = JOBS["application_timers"]
    assert job.func is expire_stale_applications
    assert job.trigger.kind == "interval" and job.trigger.fields == {"minutes": 60}
    application = make_application(w.pupil, w.period, changed_at=T0)
    db.session.commit()
    result = run_job(app, "application_timers", now=T0 + 10 * DAY)
    assert result.ok, result.error
    assert "1 candidature sans réponse expirée" in str(result.result)
    assert db.session.scalar(
        select(Application.status).where(Application.id == application.id)
    ) == ApplicationStatus.EXPIRED
    assert db.session.scalar(select(OutboxMessage.id)) is not None
