"""Industry events: visits, workshops, forums; sessions with capacity, group registrations with
a waitlist, reminders with .ics, attendance on the day."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/evenements")


def _register_ownership_rules() -> None:
    from sqlalchemy import select

    from capindustrie.authz import _is, ownership_rule
    from capindustrie.models import Event, EventSession, Pupil, Registration, Role, class_teacher

    @ownership_rule(Event)
    def event_rule(user):
        if _is(user, Role.STAFF):
            return True
        if _is(user, Role.COMPANY):
            return Event.company_id == user.company_id
        return None

    @ownership_rule(EventSession)
    def session_rule(user):
        """The organiser's side of a session (registrations, attendance)."""
        if _is(user, Role.STAFF):
            return True
        if _is(user, Role.COMPANY):
            own = select(Event.id).where(Event.company_id == user.company_id)
            return EventSession.event_id.in_(own)
        return None

    @ownership_rule(Registration)
    def registration_rule(user):
        """The registrant's side: a teacher's classes, a pupil's own."""
        if _is(user, Role.TEACHER):
            taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
            return Registration.class_id.in_(taught)
        if _is(user, Role.PUPIL):
            own = select(Pupil.id).where(Pupil.user_id == user.id)
            return Registration.pupil_id.in_(own)
        return None


_register_ownership_rules()

from capindustrie.events import routes  # noqa: E402, F401
