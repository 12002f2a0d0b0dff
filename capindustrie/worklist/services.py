"""What waits for each adult role, counted with a few grouped queries (the menu shows the counts
on every page: never one query per offer, class or pupil).

- company: applications awaiting its answer (and teachers' proposals), with the date the oldest
  expires (services.deadline: status_changed_at + APPLICATION_EXPIRY_DAYS);
- teacher, per class: chosen internships to validate; pupils with no application (nor
  placement) from three weeks before the class's internship week; open applications for a
  period outside the class's internship dates;
- staff: offers, companies, events and reported offers waiting, with how long the oldest
  waited.

No `request` here; callers pass `now` (naive UTC, as stored) or `today` (Europe/Paris).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all

from capindustrie.applications.states import S
from capindustrie.extensions import db
from capindustrie.filters import to_paris
from capindustrie.models import (
    Application,
    Company,
    CompanyStatus,
    Event,
    EventStatus,
    Offer,
    OfferReport,
    OfferStatus,
    OfferTransition,
    Period,
    Placement,
    Pupil,
    SchoolClass,
    User,
    class_teacher,
)
from capindustrie.text import plural

# Pupils with nothing yet are flagged from this long before their class's internship week.
NO_APPLICATION_WARNING = timedelta(weeks=3)
# Applications still in play, for the « outside the class's week » check.
OPEN = (S.SUBMITTED, S.PROPOSED, S.ACCEPTED, S.CONFIRMED)


def waiting_since(moment: datetime | None, now: datetime) -> str:
    """« depuis aujourd'hui », « depuis 1 jour », « depuis 3 jours » (calendar days in Paris)."""
    if moment is None:
        return ""
    days = (to_paris(now).date() - to_paris(moment).date()).days
    return "depuis aujourd'hui" if days <= 0 else f"depuis {plural(days, 'jour')}"


# --- Company ------------------------------------------------------------------------------------


@dataclass
class Waiting:
    count: int = 0
    # The oldest waiting item's date (for the company: when it entered its waiting state).
    oldest: datetime | None = None


@dataclass
class CompanyWork:
    applications: Waiting = field(default_factory=Waiting)
    proposals: Waiting = field(default_factory=Waiting)

    @property
    def total(self) -> int:
        return self.applications.count + self.proposals.count


def company_work(company_id: int) -> CompanyWork:
    """One grouped query: applications and proposals waiting for the company's answer."""
    rows = db.session.execute(
        select(
            Application.status, func.count(Application.id), func.min(Application.status_changed_at)
        )
        .join(Period, Application.period_id == Period.id)
        .join(Offer, Period.offer_id == Offer.id)
        .where(Offer.company_id == company_id, Application.status.in_((S.SUBMITTED, S.PROPOSED)))
        .group_by(Application.status)
    )
    work = CompanyWork()
    for status, count, oldest in rows:
        waiting = Waiting(count, oldest)
        if status == S.SUBMITTED:
            work.applications = waiting
        else:
            work.proposals = waiting
    return work


def expires_on(waiting: Waiting, config) -> datetime | None:
    """When the oldest waiting application expires (the same delay for proposals)."""
    if waiting.oldest is None:
        return None
    return waiting.oldest + timedelta(days=config["APPLICATION_EXPIRY_DAYS"])


# --- Teacher ------------------------------------------------------------------------------------


@dataclass
class ClassWork:
    school_class: SchoolClass
    to_validate: int = 0
    outside_week: int = 0
    # None before the warning window opens (or without internship dates): not yet a concern.
    without_application: int | None = None

    @property
    def total(self) -> int:
        return self.to_validate + self.outside_week + (self.without_application or 0)


def _taught_by(teacher: User):
    return select(class_teacher.c.class_id).where(class_teacher.c.user_id == teacher.id)


def _outside_class_week():
    """The application's period is not within the class's internship dates."""
    return and_(
        SchoolClass.internship_start.is_not(None),
        SchoolClass.internship_end.is_not(None),
        or_(
            Period.start_date < SchoolClass.internship_start,
            Period.end_date > SchoolClass.internship_end,
        ),
    )


def to_validate_count(teacher: User) -> int:
    """The menu's count: chosen internships waiting for this teacher (one query)."""
    return db.session.scalar(
        select(func.count(Application.id))
        .join(Pupil, Application.pupil_id == Pupil.id)
        .where(Pupil.class_id.in_(_taught_by(teacher)), Application.status == S.CONFIRMED)
    )


def teacher_work(teacher: User, classes: list[SchoolClass], today: date) -> list[ClassWork]:
    """Per class of `classes` (the teacher's), in two grouped queries whatever their size."""
    work = {k.id: ClassWork(k) for k in classes}
    if not work:
        return []
    applications = db.session.execute(
        select(
            Pupil.class_id,
            func.sum(case((Application.status == S.CONFIRMED, 1), else_=0)),
            func.sum(case((_outside_class_week(), 1), else_=0)),
        )
        .select_from(Application)
        .join(Pupil, Application.pupil_id == Pupil.id)
        .join(SchoolClass, Pupil.class_id == SchoolClass.id)
        .join(Period, Application.period_id == Period.id)
        .where(Pupil.class_id.in_(_taught_by(teacher)), Application.status.in_(OPEN))
        .group_by(Pupil.class_id)
    )
    for class_id, confirmed, outside in applications:
        if class_id in work:
            work[class_id].to_validate = int(confirmed or 0)
            work[class_id].outside_week = int(outside or 0)
    watched = [k.id for k in classes if _in_warning_window(k, today)]
    if watched:
        has_open = exists().where(Application.pupil_id == Pupil.id, Application.status.in_(OPEN))
        has_placement = exists().where(Placement.pupil_id == Pupil.id)
        for class_id in watched:
            work[class_id].without_application = 0
        rows = db.session.execute(
            select(Pupil.class_id, func.count(Pupil.id))
            .where(Pupil.class_id.in_(watched), ~has_open, ~has_placement)
            .group_by(Pupil.class_id)
        )
        for class_id, count in rows:
            work[class_id].without_application = count
    return [work[k.id] for k in classes]


def _in_warning_window(klass: SchoolClass, today: date) -> bool:
    if klass.internship_start is None or klass.internship_end is None:
        return False
    return klass.internship_start - NO_APPLICATION_WARNING <= today <= klass.internship_end


# --- Staff --------------------------------------------------------------------------------------


@dataclass
class StaffWork:
    offers: Waiting = field(default_factory=Waiting)
    companies: Waiting = field(default_factory=Waiting)
    events: Waiting = field(default_factory=Waiting)
    # Offers with open reports from visitors (« Signaler cette offre »), counted once an offer.
    reports: Waiting = field(default_factory=Waiting)

    @property
    def total(self) -> int:
        return self.offers.count + self.companies.count + self.events.count + self.reports.count


def staff_work() -> StaffWork:
    """One query (three aggregates in a UNION ALL): what waits for moderation, and since when.
    An offer waits since its last submission (as the moderation queue orders them)."""
    last_submitted = (
        select(OfferTransition.offer_id, func.max(OfferTransition.created_at).label("submitted_at"))
        .where(OfferTransition.to_status == OfferStatus.SUBMITTED)
        .group_by(OfferTransition.offer_id)
        .subquery()
    )
    offer_since = func.coalesce(last_submitted.c.submitted_at, Offer.created_at)
    offers = (
        select(
            literal("offers").label("kind"),
            func.count(Offer.id).label("n"),
            func.min(offer_since).label("oldest"),
        )
        .outerjoin(last_submitted, last_submitted.c.offer_id == Offer.id)
        .where(Offer.status == OfferStatus.SUBMITTED)
    )
    companies = select(
        literal("companies"), func.count(Company.id), func.min(Company.created_at)
    ).where(Company.status == CompanyStatus.PENDING)
    events = select(literal("events"), func.count(Event.id), func.min(Event.created_at)).where(
        Event.status == EventStatus.SUBMITTED
    )
    reports = select(
        literal("reports"),
        func.count(func.distinct(OfferReport.offer_id)),
        func.min(OfferReport.created_at),
    ).where(OfferReport.outcome.is_(None))
    work = StaffWork()
    for kind, count, oldest in db.session.execute(union_all(offers, companies, events, reports)):
        setattr(work, kind, Waiting(count or 0, _as_datetime(oldest)))
    return work


def _as_datetime(value) -> datetime | None:
    """SQLite returns a MIN() over a UNION as text."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
