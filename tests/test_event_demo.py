"""The demo (`flask demo load`) includes one company visit, open to the demo teacher's class."""

from datetime import datetime

from sqlalchemy import func, select

from capindustrie.events import registrations as regs
from capindustrie.extensions import db
from capindustrie.models import Event, EventStatus, Role, SchoolClass, User
from capindustrie.refdata.demo import load_demo

NOW = datetime(2026, 11, 2, 9)


def test_demo_event_is_published_once_and_the_demo_class_can_register(app):
    assert load_demo(NOW).created["event"] == 1
    assert load_demo(NOW).created["event"] == 0
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    event = db.session.scalar(select(Event))
    assert event.status == EventStatus.PUBLISHED and len(event.sessions) == 2
    assert event.sessions[0].starts_at > NOW and event.latitude is not None
    teacher = db.session.scalar(select(User).where(User.role == Role.TEACHER))
    klass = db.session.scalar(select(SchoolClass))
    registration = regs.register_class(event.sessions[0].id, klass, 24, 2, teacher, NOW)
    assert registration.status.value == "confirmed"
