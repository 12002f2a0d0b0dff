"""Seats are never exceeded when company users accept at the same moment (PostgreSQL only:
SQLite serialises writers on the whole file, so the race cannot happen there).

Each thread has its own app (its own connection pool) and its own logged-in client; a barrier
releases every POST at once.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import Application, ApplicationStatus, Period, Role
from tests import factories
from tests.concurrency_helpers import at_once, logged_in_client
from tests.test_applications import WEEK_1, make_application, offer_with

pytestmark = pytest.mark.postgres_only

NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def _setup(new_app, users: int, applications: int, seats: int):
    app = new_app()
    with app.app_context():
        company = factories.company()
        company_users = [
            factories.user(Role.COMPANY, company_obj=company, first_name=f"Agent{n}")
            for n in range(users)
        ]
        klass = factories.school_class(factories.user(Role.TEACHER))
        offer = offer_with(company, WEEK_1, seats=seats)
        period = offer.periods[0]
        made = [
            make_application(factories.pupil(klass, first_name=f"Élève{n}"), period)
            for n in range(applications)
        ]
        db.session.commit()
        return (
            [factories.session_id(u) for u in company_users],
            [a.id for a in made],
            period.id,
        )


def _race(new_app, user_ids: list[str], urls: list[str]):
    """POST every url at the same moment, each from its own app and client; the answers."""

    def accept(client, token, url):
        def call():
            response = client.post(url, headers={"X-CSRFToken": token})
            return (response.status_code, response.get_data(as_text=True))

        return call

    calls = [
        accept(*logged_in_client(new_app(), user_id), url)
        for user_id, url in zip(user_ids, urls, strict=True)
    ]
    return at_once(calls, timeout=60)


def _state(new_app, period_id: int):
    app = new_app()
    with app.app_context():
        seats_taken = db.session.scalar(select(Period.seats_taken).where(Period.id == period_id))
        accepted = db.session.scalar(
            select(func.count(Application.id)).where(
                Application.period_id == period_id,
                Application.status == ApplicationStatus.ACCEPTED,
            )
        )
        return seats_taken, accepted


@pytest.mark.parametrize("contenders", [2, 5])
def test_one_seat_and_simultaneous_accepts_only_one_wins(new_app, contenders):
    with time_machine.travel(NOW, tick=True):
        user_ids, application_ids, period_id = _setup(
            new_app, users=contenders, applications=contenders, seats=1
        )
        answers = _race(
            new_app,
            user_ids,
            [f"/entreprise/candidatures/{a}/accepter" for a in application_ids],
        )
        statuses = sorted(status for status, _ in answers)
        assert statuses == [303] + [422] * (contenders - 1)
        for status, body in answers:
            if status == 422:
                assert "Plus aucune place disponible sur cette période." in body
        assert _state(new_app, period_id) == (1, 1)


def test_two_users_accepting_the_same_application_take_one_seat(new_app):
    with time_machine.travel(NOW, tick=True):
        user_ids, [application_id], period_id = _setup(new_app, users=2, applications=1, seats=2)
        answers = _race(
            new_app, user_ids, [f"/entreprise/candidatures/{application_id}/accepter"] * 2
        )
        assert sorted(status for status, _ in answers) == [303, 422]
        loser = next(body for status, body in answers if status == 422)
        assert "vient de changer d&#39;état" in loser or "Impossible de passer" in loser
        assert _state(new_app, period_id) == (1, 1)


# --- « Je choisis ce stage » twice at once -------------------------------------------------------
# Clicked at the same moment on two overlapping acceptances of one pupil (two tabs, a double
# tap): each choice confirms its application and withdraws the other one. Without one lock order,
# each request held the row the other one needed and PostgreSQL broke the deadlock with an error
# (a 500). The race is repeated: a deadlock needs the two requests to interleave, which one try
# may miss.
ROUNDS = 12


def _two_overlapping_acceptances(new_app, round_no: int):
    app = new_app()
    with app.app_context():
        teacher = factories.user(Role.TEACHER, email=f"prof{round_no}@ac-creteil.fr")
        klass = factories.school_class(teacher, name=f"3e {round_no}")
        pupil = factories.pupil(klass, first_name=f"Inès{round_no}")
        made = []
        for n in range(2):
            company = factories.company(name=f"Usine {round_no}-{n}")
            factories.user(
                Role.COMPANY, company_obj=company, email=f"rh{round_no}-{n}@usine.example"
            )
            period = offer_with(company, WEEK_1, seats=1).periods[0]
            made.append(make_application(pupil, period, ApplicationStatus.ACCEPTED))
        db.session.commit()
        return factories.session_id(pupil.user), [a.id for a in made], [a.period_id for a in made]


def _outcome(new_app, application_ids, period_ids):
    app = new_app()
    with app.app_context():
        statuses = [db.session.get(Application, i).status for i in application_ids]
        seats = [
            db.session.scalar(select(Period.seats_taken).where(Period.id == i)) for i in period_ids
        ]
        db.session.remove()
        return statuses, seats


def test_two_simultaneous_choices_answer_in_french_and_exactly_one_wins(new_app):
    with time_machine.travel(NOW, tick=True):
        for round_no in range(ROUNDS):
            session_id, application_ids, period_ids = _two_overlapping_acceptances(
                new_app, round_no
            )
            answers = _race(
                new_app,
                [session_id, session_id],
                [f"/candidatures/{i}/choisir" for i in application_ids],
            )
            codes = sorted(code for code, _ in answers)
            assert codes == [303, 422], (round_no, answers)
            loser = next(body for code, body in answers if code == 422)
            assert (
                "vient de changer d&#39;état" in loser
                or "Impossible de passer la candidature" in loser
            ), loser
            statuses, seats = _outcome(new_app, application_ids, period_ids)
            assert sorted(statuses) == sorted(
                [ApplicationStatus.CONFIRMED, ApplicationStatus.WITHDRAWN]
            )
            # The chosen one keeps its seat; the withdrawn acceptance freed its own.
            chosen = statuses.index(ApplicationStatus.CONFIRMED)
            assert seats[chosen] == 1 and seats[1 - chosen] == 0
