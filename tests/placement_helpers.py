"""Build applications in a given state through the real services (apply, accept, choose,
validate), as the pupils, companies and teachers would, on 25 November 2026."""

from datetime import date, datetime, timedelta

from sqlalchemy import event

from capindustrie.applications import services as applying
from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.models import OfferStatus, Period, Role
from capindustrie.placements import services as placing
from tests import factories as f

NOW = datetime(2026, 11, 25, 9)
WEEK = date(2027, 1, 11)  # a Monday; the period runs Monday to Friday
MESSAGE = "Bonjour, je voudrais découvrir votre métier et votre atelier pendant mon stage."


def published_period(company=None, seats: int = 4, start: date = WEEK,
                     title: str = "Découvrir la maintenance industrielle") -> Period:
    offer = f.complete_offer(company, status=OfferStatus.PUBLISHED, title=title,
                             periods=((start, start + timedelta(days=4), seats),))
    return offer.periods[0]


def company_user_of(company):
    users = [u for u in company.users if u.role == Role.COMPANY]
    return users[0] if users else f.user(Role.COMPANY, company_obj=company)


def application_in(pupil, period, status: S, teacher=None):
    """An application of `pupil` to `period`, moved to `status` by the real services."""
    application = applying.apply(pupil, period, MESSAGE, NOW)
    if status == S.SUBMITTED:
        return application
    company_user = company_user_of(period.offer.company)
    if status == S.REFUSED:
        applying.refuse(application, company_user, "Plus de tuteur disponible.", NOW)
        return application
    applying.accept(application, company_user, None, NOW)
    if status == S.ACCEPTED:
        return application
    applying.choose(application, pupil.user, NOW)
    if status == S.CONFIRMED:
        return application
    teacher = teacher or pupil.school_class.teachers[0]
    if status == S.VALIDATED:
        placing.validate(application, teacher, NOW)
    elif status == S.REFUSED_BY_TEACHER:
        placing.refuse(application, teacher, "Trajet trop long pour cet élève.", NOW)
    else:
        raise ValueError(status)
    return application


class QueryCounter:
    """Counts the SQL statements sent to the engine while active (before_cursor_execute)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def __len__(self):
        return len(self.statements)


def fresh_session():
    """Forget every loaded object: the next request loads what it needs itself, as in
    production (the test shares the request's session, whose identity map would hide lazy
    loads)."""
    db.session.commit()
    db.session.expunge_all()


