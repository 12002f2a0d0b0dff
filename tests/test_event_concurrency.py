"""Capacity is never exceeded when classes register at the same moment (PostgreSQL only: SQLite
serialises writers on the whole file, so the race cannot happen there).

Each teacher has their own app (connection pool) and client; a barrier releases every POST at
once, through the real registration form.
"""

from datetime import UTC

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.events import registrations as regs
from capindustrie.extensions import db
from capindustrie.models import EventSession, Registration, RegistrationStatus, Role
from tests import factories
from tests.concurrency_helpers import at_once, logged_in_client
from tests.event_helpers import NOW, event

pytestmark = pytest.mark.postgres_only

CLOCK = NOW.replace(tzinfo=UTC)


def _setup(new_app, groups: int, capacity: int):
    app = new_app()
    with app.app_context():
        session = event(capacity=capacity).sessions[0]
        teachers = []
        for n in range(groups):
            teacher = factories.user(Role.TEACHER, first_name=f"Prof{n}")
            klass = factories.school_class(teacher, name=f"3e {n}")
            teachers.append((teacher, klass.id))
        db.session.commit()
        teachers = [(factories.session_id(t), class_id) for t, class_id in teachers]
        return session.id, teachers


def _race(new_app, session_id: int, teachers, pupils: int, adults: int):
    def register(client, token, class_id):
        return lambda: (
            client.post(
                f"/evenements/seances/{session_id}/inscrire",
                data={"school_class": class_id, "pupils": pupils, "adults": adults},
                headers={"X-CSRFToken": token},
            ).status_code
        )

    calls = [
        register(*logged_in_client(new_app(), user_id), class_id) for user_id, class_id in teachers
    ]
    return at_once(calls, timeout=120)


def _state(new_app, session_id: int):
    app = new_app()
    with app.app_context():
        session = db.session.get(EventSession, session_id)
        rows = db.session.execute(
            select(
                Registration.status,
                func.count(),
                func.sum(Registration.pupils + Registration.adults),
            )
            .where(Registration.session_id == session_id)
            .group_by(Registration.status)
        ).all()
        by_status = {status: (count, seats) for status, count, seats in rows}
        order = [r.id for r in regs.waitlist(session)]
        return session.seats_taken, by_status, order


def test_thirty_groups_racing_for_a_hundred_seats_never_overbook(new_app):
    with time_machine.travel(CLOCK, tick=True):
        session_id, teachers = _setup(new_app, groups=30, capacity=100)
        # 6 pupils + 1 adult = 7 seats: 14 groups fit (98 seats), 16 wait, none is split.
        answers = _race(new_app, session_id, teachers, pupils=6, adults=1)
        assert answers == [303] * 30
        seats_taken, by_status, order = _state(new_app, session_id)
    # A read-then-write version of the seat count lets all 30 in (lost updates): checked.
    assert by_status.get(RegistrationStatus.CONFIRMED) == (14, 98) and seats_taken == 98
    assert by_status.get(RegistrationStatus.WAITLISTED, (0, 0))[0] == 16 and len(order) == 16


def test_simultaneous_cancellations_promote_each_waiting_group_once(new_app):
    with time_machine.travel(CLOCK, tick=True):
        session_id, teachers = _setup(new_app, groups=8, capacity=40)
        app = new_app()
        with app.app_context():
            from capindustrie.models import SchoolClass, User

            made = []
            for user_id, class_id in teachers:
                teacher = db.session.get(User, int(user_id.split(":")[0]))
                klass = db.session.get(SchoolClass, class_id)
                made.append(regs.register_class(session_id, klass, 9, 1, teacher, NOW))
                db.session.commit()
            confirmed = [r.id for r in made if r.status == RegistrationStatus.CONFIRMED]
            cancellers = [
                t
                for t, r in zip(teachers, made, strict=True)
                if r.status == RegistrationStatus.CONFIRMED
            ]
        assert len(confirmed) == 4  # 4 × 10 = 40, 4 wait

        def cancel(client, token, registration_id):
            return lambda: (
                client.post(
                    f"/evenements/inscriptions/{registration_id}/annuler",
                    headers={"X-CSRFToken": token},
                ).status_code
            )

        codes = at_once(
            [
                cancel(*logged_in_client(new_app(), user_id), registration_id)
                for (user_id, _), registration_id in zip(cancellers, confirmed, strict=True)
            ],
            timeout=120,
        )
        assert codes == [303] * 4
        seats_taken, by_status, order = _state(new_app, session_id)
    assert seats_taken == 40
    assert by_status[RegistrationStatus.CONFIRMED] == (4, 40)
    assert by_status[RegistrationStatus.CANCELLED][0] == 4
    assert RegistrationStatus.WAITLISTED not in by_status and order == []
