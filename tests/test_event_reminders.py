"""J-7 / J-2 reminders and the satisfaction question: due at the right time, sent once, with the
session's .ics."""

from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import select

from capindustrie.events import registrations as regs
from capindustrie.events.jobs import send_event_reminders
from capindustrie.extensions import db
from capindustrie.models import Attendance, OutboxMessage, Role
from capindustrie.scheduler.jobs import JOBS
from tests import factories
from tests.event_helpers import NOW, event


def _subjects(address):
    return [
        m.subject
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    ]


def test_reminders_go_out_at_j7_and_j2_once_each_with_the_ics(teacher, klass):
    session = event().sessions[0]
    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    start = session.starts_at
    assert send_event_reminders(start - timedelta(days=8)).reminders == 0
    assert send_event_reminders(start - timedelta(days=7)).reminders == 1
    assert send_event_reminders(start - timedelta(days=6)).reminders == 0  # already sent
    assert send_event_reminders(start - timedelta(days=2)).reminders == 1
    assert send_event_reminders(start - timedelta(hours=3)).reminders == 0
    subjects = _subjects(teacher.email)
    assert subjects[1:] == [
        "Rappel : Visite de l'usine de Meaux dans 7 jours",
        "Rappel : Visite de l'usine de Meaux dans 2 jours",
    ]
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert "cochez les élèves de la classe" in last.body  # no names ticked yet
    vevent = Calendar.from_ical(last.attachment_content).walk("VEVENT")[0]
    assert str(vevent["uid"]) == f"registration-{registration.id}@capindustrie.seine-et-marne.fr"


def test_a_group_confirmed_inside_the_window_gets_no_redundant_j7(teacher, klass):
    session = event().sessions[0]
    late = session.starts_at - timedelta(days=5)
    regs.register_class(session.id, klass, 24, 2, teacher, late)
    db.session.commit()
    assert send_event_reminders(late + timedelta(hours=1)).reminders == 0
    assert send_event_reminders(session.starts_at - timedelta(days=2)).reminders == 1


def test_cancelled_and_waiting_registrations_get_no_reminder(teacher, klass):
    session = event(capacity=26).sessions[0]
    other = factories.school_class(teacher, name="3e C")
    first = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    regs.register_class(session.id, other, 20, 2, teacher, NOW)  # waits
    regs.cancel(first, NOW)  # the waiting class is promoted (confirmed now)
    db.session.commit()
    assert send_event_reminders(session.starts_at - timedelta(days=7)).reminders == 1


def test_the_teacher_of_a_present_group_is_asked_for_their_opinion_once(teacher, klass):
    session = event().sessions[0]
    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    assert send_event_reminders(session.ends_at + timedelta(hours=1)).satisfaction == 0
    registration.attendance, registration.present_count = Attendance.PRESENT, 23
    db.session.commit()
    assert send_event_reminders(session.ends_at + timedelta(hours=1)).satisfaction == 1
    assert send_event_reminders(session.ends_at + timedelta(hours=2)).satisfaction == 0
    assert _subjects(teacher.email)[-1] == "Votre avis : Visite de l'usine de Meaux"


def test_the_reminder_job_is_scheduled():
    assert JOBS["event_reminders"].func is send_event_reminders


def test_satisfaction_form_after_the_session(teacher_client, teacher, klass):
    import time_machine

    from tests.factories import login

    session = event().sessions[0]
    registration = regs.register_class(session.id, klass, 24, 2, teacher, NOW)
    db.session.commit()
    with time_machine.travel(session.ends_at.replace(tzinfo=UTC) + timedelta(hours=2)):
        login(teacher_client, teacher)
        url = f"/evenements/inscriptions/{registration.id}/avis"
        bad = teacher_client.post(url, data={"score": "9"})
        assert bad.status_code == 422
        good = teacher_client.post(url, data={"score": "4", "comment": "Très concret."})
        assert good.status_code == 303
    db.session.refresh(registration)
    assert (registration.satisfaction, registration.satisfaction_comment) == (4, "Très concret.")
    stranger = factories.user(Role.TEACHER, first_name="Zoé")
    login(teacher_client, stranger)
    assert teacher_client.get(f"/evenements/inscriptions/{registration.id}/avis").status_code == 404
