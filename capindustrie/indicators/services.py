"""The dashboard's figures for a school year and filters, each one aggregate query in SQL.

Which side a filter applies to (the figures are about two populations):
- offer side (companies, offers, seats, fill rate): the site's EPCI, the filière, the period's
  level and dates (in the school year; overlapping the campaign's dates when one is chosen);
  REP/REP+ does not apply (an offer belongs to no school).
- pupil side (pupils, applications, placements, distances, answers): the school's EPCI and
  REP/REP+, the class's level and school year; filière, level and campaign dates apply to the
  period applied to.
- events: the event's EPCI and campaign, its audience for a level; registrations: the
  registered class's school (EPCI, REP/REP+, level).
"""

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Float,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from capindustrie.extensions import db
from capindustrie.geo.distance import estimate_travel_minutes
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.sql import (
    chord2,
    month_bucket,
    month_label,
    school_points_table,
)
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Commune,
    Company,
    CompanyFeedback,
    CompanyStatus,
    Event,
    EventAudience,
    EventSession,
    EventStatus,
    Filiere,
    Offer,
    Placement,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    Recruitment,
    Registration,
    RegistrationStatus,
    School,
    SchoolClass,
)

CHOSEN = (ApplicationStatus.CONFIRMED, ApplicationStatus.VALIDATED)


@dataclass(frozen=True)
class FigureSpec:
    key: str
    label: str
    kind: str = "count"  # count | rate | days | km | minutes | score
    listed: bool = True  # a list of the rows behind it exists


FIGURES = (
    FigureSpec("companies_registered", "Entreprises volontaires inscrites (validées)"),
    FigureSpec("companies_active", "Entreprises avec une offre publiée"),
    FigureSpec("offers", "Offres publiées"),
    FigureSpec("seats", "Places offertes", listed=False),
    FigureSpec("pupils", "Élèves avec un compte"),
    FigureSpec("applicants", "Élèves ayant candidaté"),
    FigureSpec("applications", "Candidatures"),
    FigureSpec("confirmed", "Stages choisis par l'élève (confirmés)"),
    FigureSpec("validated", "Stages validés par l'enseignant"),
    FigureSpec("fill_rate", "Taux de remplissage (stages validés / places)", "rate", False),
    FigureSpec(
        "placed_share", "Part des élèves suivis placés en entreprise industrielle", "rate", False
    ),
    FigureSpec(
        "reached_share",
        "Part des élèves touchés (élèves avec un compte / effectifs importés)",
        "rate",
        False,
    ),
    FigureSpec("answer_days", "Délai médian de réponse de l'entreprise", "days", False),
    FigureSpec("distance_km", "Distance médiane des stages validés (à vol d'oiseau)", "km", False),
    FigureSpec(
        "travel_minutes", "Temps de trajet médian estimé des stages validés", "minutes", False
    ),
    FigureSpec("events", "Événements tenus"),
    FigureSpec("classes_registered", "Classes inscrites à un événement"),
    FigureSpec("pupils_registered", "Élèves inscrits à un événement", listed=False),
    FigureSpec("attendance_rate", "Taux de présence aux événements", "rate", False),
    FigureSpec("satisfaction", "Satisfaction moyenne des classes (sur 5)", "score", False),
)
FIGURE_BY_KEY = {spec.key: spec for spec in FIGURES}


@dataclass
class Dashboard:
    filters: Filters
    values: dict[str, float | int | None]
    previous: dict[str, float | int | None] | None = None
    details: dict[str, str] = field(default_factory=dict)


# Scopes ---------------------------------------------------------------------------------------


def communes_of(epci: str):
    return select(Commune.insee).where(Commune.epci_siren == epci)


def school_conditions(f: Filters) -> list:
    """On School and SchoolClass: the pupils followed this school year, by their school."""
    conditions = [SchoolClass.school_year == f.year]
    if f.level is not None:
        conditions.append(SchoolClass.level == f.level)
    return conditions + school_only_conditions(f)


def school_only_conditions(f: Filters) -> list:
    """On School: its EPCI and priority education."""
    conditions = []
    if f.epci is not None:
        conditions.append(School.commune_insee.in_(communes_of(f.epci)))
    if f.priority == "rep":
        conditions.append(School.priority_education.is_not(None))
    elif f.priority == "hors":
        conditions.append(School.priority_education.is_(None))
    return conditions


def period_conditions(f: Filters, *, with_epci: bool) -> list:
    """On Period and Offer: published offers' periods starting in the school year."""
    from capindustrie.models import Period

    conditions = [
        Offer.published_at.is_not(None),
        Period.start_date >= f.start,
        Period.start_date < f.end,
    ]
    if f.level is not None:
        conditions.append(Period.level == f.level)
    if f.filiere is not None:
        conditions.append(Offer.filiere == f.filiere)
    if f.campaign_start is not None:
        conditions += [Period.start_date <= f.campaign_end, Period.end_date >= f.campaign_start]
    if with_epci and f.epci is not None:
        conditions.append(Offer.site_commune_insee.in_(communes_of(f.epci)))
    return conditions


def offer_periods(f: Filters):
    from capindustrie.models import Period

    return (
        select(Period)
        .join(Offer, Offer.id == Period.offer_id)
        .where(*period_conditions(f, with_epci=True))
    )


def pupils_select(f: Filters):
    return (
        select(Pupil.id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(*school_conditions(f))
    )


def applications_select(f: Filters, *columns, with_offer: bool = False):
    """Applications of the pupils followed this school year (their class's year), to periods
    of the filters' filière, level and campaign dates. Period and offer are joined only when a
    filter or the caller (`with_offer`) needs them: the class's year already bounds the rows."""
    from capindustrie.models import Period

    statement = (
        select(*columns)
        .select_from(Application)
        .join(Pupil, Pupil.id == Application.pupil_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(*school_conditions(f))
    )
    if with_offer or _filters_need_offer(f):
        statement = (
            statement.join(Period, Period.id == Application.period_id)
            .join(Offer, Offer.id == Period.offer_id)
            .where(*period_conditions(f, with_epci=False))
        )
    return statement


def _filters_need_offer(f: Filters) -> bool:
    """Whether applications_select joins the period and offer for the filters themselves."""
    return bool(f.filiere is not None or f.campaign_start is not None or f.level)


def placements_select(f: Filters, *columns, with_offer: bool = False):
    return applications_select(f, *columns, with_offer=with_offer).join(
        Placement, Placement.application_id == Application.id
    )


def companies_registered_select(f: Filters, *columns):
    conditions = [Company.status == CompanyStatus.APPROVED, Company.created_at < f.end]
    if f.epci is not None:
        conditions.append(Company.commune_insee.in_(communes_of(f.epci)))
    if f.filiere is not None:
        conditions.append(Company.filiere == f.filiere)
    return select(*columns).select_from(Company).where(*conditions)


def sessions_in_year(f: Filters):
    return [EventSession.starts_at >= f.start, EventSession.starts_at < f.end]


def event_conditions(f: Filters, *, with_epci: bool = True) -> list:
    conditions = [Event.status == EventStatus.PUBLISHED]
    if with_epci and f.epci is not None:
        conditions.append(Event.commune_insee.in_(communes_of(f.epci)))
    if f.campaign_id is not None:
        conditions.append(Event.campaign_id == f.campaign_id)
    if f.level is not None:
        conditions.append(Event.audience.in_([EventAudience(f.level.value), EventAudience.ALL]))
    return conditions


def events_held_select(f: Filters, now: datetime, *columns):
    return (
        select(*columns)
        .select_from(Event)
        .join(EventSession, EventSession.event_id == Event.id)
        .where(*sessions_in_year(f), EventSession.starts_at <= now)
        .where(*event_conditions(f))
    )


def registrations_select(f: Filters, now: datetime, *columns):
    """Confirmed registrations of the year's sessions, by the registered class's school (a
    pupil's own registration counts for their class)."""
    class_id = func.coalesce(
        Registration.class_id,
        select(Pupil.class_id).where(Pupil.id == Registration.pupil_id).scalar_subquery(),
    )
    # The registrations follow the school's EPCI (school_conditions), not the event's.
    conditions = event_conditions(f, with_epci=False)
    return (
        select(*columns)
        .select_from(Registration)
        .join(EventSession, EventSession.id == Registration.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .join(SchoolClass, SchoolClass.id == class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED, *sessions_in_year(f))
        .where(*conditions, *school_conditions(f))
    )


# Figures -------------------------------------------------------------------------------------


def _count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def compute(f: Filters, now: datetime) -> dict[str, float | int | None]:
    from capindustrie.models import Period

    periods = offer_periods(f).subquery()
    offers_row = db.session.execute(
        select(
            func.count(distinct(periods.c.offer_id)),
            func.coalesce(func.sum(periods.c.seats), 0),
        )
    ).one()
    companies_active = db.session.scalar(
        select(func.count(distinct(Offer.company_id))).where(
            Offer.id.in_(select(periods.c.offer_id))
        )
    )
    fill_placements = db.session.scalar(
        select(func.count(Placement.id))
        .join(Period, Period.id == Placement.period_id)
        .join(Offer, Offer.id == Period.offer_id)
        .where(*period_conditions(f, with_epci=True))
    )
    pupils = _count(pupils_select(f))
    passed = application_pass(f)
    seats = int(offers_row[1])
    values: dict[str, float | int | None] = {
        "companies_registered": _count(companies_registered_select(f, Company.id)),
        "companies_active": companies_active or 0,
        "offers": offers_row[0] or 0,
        "seats": seats,
        "pupils": pupils,
        "applicants": passed.applicants,
        "applications": passed.applications,
        "confirmed": passed.chosen,
        "validated": passed.placements,
        "fill_rate": (fill_placements or 0) / seats if seats else None,
        "placed_share": passed.placed_pupils / pupils if pupils else None,
        "answer_days": _mean_or_none(passed.answer_days),
        "reached_share": reached_share(f),
    }
    values.update(_commute_figures(passed.commute_chords2))
    values.update(_events(f, now))
    return values


def reached_share(f: Filters) -> float | None:
    from capindustrie.indicators.headcounts import reached_share as share

    return share(f)


# The applications in one pass -------------------------------------------------------------------
#
# The dashboard's application figures (counts, distinct pupils, the two medians) and its three
# charts (by month, filière and EPCI) all read the same join of the filtered applications to
# their pupil, class, school, placement and period: seven scans of that join per page when each
# figure and chart ran its own query, the figures once more for the charts. A dashboard
# request now computes them once and shares them between the figures and the charts
# (shared_application_pass; nothing outlives the request). The rows are read once, into two
# narrow common tables (applications, placements) that small aggregates of one UNION ALL
# statement read in turn (_run_application_pass), on both engines.


@dataclass(frozen=True)
class ChartCounts:
    applications_by_month: dict[str, int]  # 'YYYY-MM' of the application
    placements_by_month: dict[str, int]  # 'YYYY-MM' of the validation
    placements_by_epci: dict[str, int]  # the school's EPCI
    placements_by_filiere: dict[Filiere, int]  # placements on periods of the year's offers


@dataclass(frozen=True)
class FeedbackCounts:
    """The raw counts behind the feedback figures (indicators/feedback.py shows them)."""

    pupil_answers: int
    desire_up: int  # pupils whose « envie » after is above their « envie » before
    programme_yes: int
    before: dict[int, int]  # score 1–5 → pupils who gave it (before the internship)
    after: dict[int, int]
    company_answers: int
    host_again: int
    satisfaction_sum: float
    recruitments: int


@dataclass
class ApplicationPass:
    applications: int
    applicants: int
    chosen: int  # confirmed or validated by the teacher
    placements: int
    placed_pupils: int
    answer_days: tuple[float, float] | None  # the two middle values
    commute_chords2: tuple[float, float] | None  # the two middle squared chords (km²)
    charts: ChartCounts  # from the same statement
    feedback: "FeedbackCounts"  # the answers after the internship, of the same placements

    @property
    def applications_by_month(self) -> dict[str, int]:
        return self.charts.applications_by_month

    @property
    def placements_by_month(self) -> dict[str, int]:
        return self.charts.placements_by_month

    @property
    def placements_by_epci(self) -> dict[str, int]:
        return self.charts.placements_by_epci

    @property
    def placements_by_filiere(self) -> dict[Filiere, int]:
        return self.charts.placements_by_filiere


_PASS_MEMO: ContextVar[dict | None] = ContextVar("indicator_application_pass", default=None)


@contextmanager
def shared_application_pass():
    """Within this block (one dashboard request), the figures and the charts of the same
    filters share one application pass. Outside it every call runs its own query: nothing is
    cached across requests, so there is nothing to invalidate."""
    token = _PASS_MEMO.set({})
    try:
        yield
    finally:
        _PASS_MEMO.reset(token)


def application_pass(f: Filters) -> ApplicationPass:
    memo = _PASS_MEMO.get()
    if memo is not None and f in memo:
        return memo[f]
    result = _run_application_pass(f)
    if memo is not None:
        memo[f] = result
    return result


def _application_facts(f: Filters):
    """One row per filtered application (as applications_select): what the application
    figures and the monthly chart need. Read from the application's own row and the covering
    index of its pupil: nothing else is joined for 40,000 rows."""
    return applications_select(
        f,
        Application.pupil_id.label("pupil_id"),
        case((Application.status.in_(CHOSEN), 1), else_=0).label("chosen"),
        Application.created_at.label("applied_at"),
        Application.answer_days.label("days"),
    ).cte("application_facts")


def _placement_facts(f: Filters):
    """One row per placement of the filtered applications (as placements_select), with what
    the placement figures and charts need; the school's commune left-joined (one row at most)."""
    from capindustrie.models import Period

    # The filière chart and the commute median count the placements on periods of the year's
    # published offers (placements_select with_offer), the other figures all.
    placed_in_year = and_(
        Offer.published_at.is_not(None), Period.start_date >= f.start, Period.start_date < f.end
    )
    recruited = (
        select(Recruitment.placement_id, func.count(Recruitment.id).label("n"))
        .group_by(Recruitment.placement_id)
        .subquery()
    )
    statement = placements_select(
        f,
        Placement.id.label("placement_id"),
        Placement.pupil_id.label("pupil_id"),
        Placement.validated_at.label("validated_at"),
        Commune.epci_siren.label("epci"),
        cast(case((placed_in_year, Offer.filiere)), String).label("filiere"),
        School.id.label("school_id"),
        case((and_(placed_in_year, Offer.site_x_km.is_not(None)), Offer.site_x_km)).label("site_x"),
        Offer.site_y_km.label("site_y"),
        Offer.site_z_km.label("site_z"),
        # The answers after the internship (one of each kind at most per placement) and the
        # recruitments, counted beforehand: the feedback figures read the same rows.
        PupilFeedback.desire_before.label("desire_before"),
        PupilFeedback.desire_after.label("desire_after"),
        case((PupilFeedback.programme_followed == ProgrammeFollowed.YES, 1)).label("programme"),
        CompanyFeedback.satisfaction.label("satisfaction"),
        case((CompanyFeedback.would_host_again, 1)).label("host_again"),
        recruited.c.n.label("recruited"),
    )
    if not _filters_need_offer(f):
        statement = statement.join(Period, Period.id == Application.period_id).join(
            Offer, Offer.id == Period.offer_id
        )
    return (
        statement.outerjoin(Commune, Commune.insee == School.commune_insee)
        .outerjoin(PupilFeedback, PupilFeedback.placement_id == Placement.id)
        .outerjoin(CompanyFeedback, CompanyFeedback.placement_id == Placement.id)
        .outerjoin(recruited, recruited.c.placement_id == Placement.id)
        .cte("placement_facts")
    )


def _run_application_pass(f: Filters) -> ApplicationPass:
    """One statement for all the figures and charts, on both engines. Reading each row once
    is what saves the work: the applications (40,000 in the benchmark) from their own row, the
    placements (15,000) with their offer and commune, each materialised once as a narrow
    common table and aggregated by small branches. (A wide table of every application with its
    placement and answers spilled to disk on PostgreSQL, which then ran a statement per figure;
    the two narrow ones take it from 224 to 149 ms, bench/indicators.py.)"""
    applications, placements = _application_facts(f), _placement_facts(f)
    applied, placed = applications.c, placements.c
    point = school_points_table()
    no_key, no_value, zero = cast(null(), String), cast(null(), Float), literal_column("0")

    def kind(name: str):
        return literal_column(f"'{name}'")

    def grouped(name: str, key, counted, *conditions):
        # Grouped in a subquery, the key cast to text once per group (the keys of the
        # branches are months, EPCIs and filières: one text column for the union).
        groups = (
            select(key.label("k"), func.count(counted).label("n"))
            .where(*conditions)
            .group_by(key)
            .subquery()
        )
        return select(kind(name), cast(groups.c.k, String), groups.c.n, zero, zero, no_value)

    def middle(name: str, source, value, *joins):
        # The value is labelled in its own subquery first: ranked by that one column. (A sum
        # given to over(order_by=…) would be taken as a list of sort keys, one per term.)
        valued = select(value.label("v")).select_from(source)
        for table, on in joins:
            valued = valued.join(table, on)
        valued = valued.where(value.is_not(None)).subquery()
        ranked = select(
            valued.c.v,
            func.row_number().over(order_by=valued.c.v).label("rn"),
            func.count().over().label("n"),
        ).subquery()
        return select(kind(name), no_key, ranked.c.rn, zero, zero, ranked.c.v).where(
            or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
        )

    branches = (
        select(
            kind("applications"),
            no_key,
            func.count(),
            func.count(distinct(applied.pupil_id)),
            func.coalesce(func.sum(applied.chosen), 0),
            no_value,
        ),
        select(
            kind("placements"),
            no_key,
            func.count(),
            func.count(distinct(placed.pupil_id)),
            zero,
            no_value,
        ),
        # Months are found in the two small groupings, not for every row of the common
        # table (PostgreSQL's to_char costs microseconds a call).
        grouped("applied", month_bucket(applied.applied_at), literal_column("1")),
        grouped("validated", month_bucket(placed.validated_at), placed.placement_id),
        grouped("epci", placed.epci, placed.placement_id),
        grouped("filiere", placed.filiere, placed.placement_id, placed.filiere.is_not(None)),
        middle("days", applications, applied.days),
        grouped("before", placed.desire_before, placed.placement_id),
        grouped("after", placed.desire_after, placed.placement_id),
        select(
            kind("pupil_feedback"),
            no_key,
            func.count(placed.desire_before),
            func.coalesce(
                func.sum(case((placed.desire_after > placed.desire_before, 1), else_=0)), 0
            ),
            func.coalesce(func.sum(placed.programme), 0),
            no_value,
        ),
        select(
            kind("company_feedback"),
            no_key,
            func.count(placed.satisfaction),
            func.coalesce(func.sum(placed.host_again), 0),
            func.coalesce(func.sum(placed.recruited), 0),
            cast(func.sum(placed.satisfaction), Float),
        ),
        # The school points are joined to the placements alone (an inner join, as the
        # commute median always was).
        middle(
            "c2",
            placements,
            chord2(point, placed.site_x, placed.site_y, placed.site_z),
            (point, point.c.school_id == placed.school_id),
        ),
    )
    rows = db.session.execute(union_all(*branches)).all()
    totals = {
        "applications": (0, 0, 0, None),
        "placements": (0, 0, 0, None),
        "pupil_feedback": (0, 0, 0, None),
        "company_feedback": (0, 0, 0, None),
    }
    by_kind: dict[str, dict] = {
        "applied": {},
        "validated": {},
        "epci": {},
        "filiere": {},
        "before": {},
        "after": {},
    }
    middles: dict[str, list[tuple[int, float]]] = {"days": [], "c2": []}
    for name, key, first, second, third, value in rows:
        if name in totals:
            totals[name] = (first, second, third, value)
        elif name in middles:
            middles[name].append((first, value))
        elif key is not None:
            if name in ("applied", "validated"):
                key = month_label(key)
            by_kind[name][key] = by_kind[name].get(key, 0) + first
    applied_count, applicants, chosen, _ = totals["applications"]
    placed_count, placed_pupils, _, _ = totals["placements"]
    pupil_answers, desire_up, programme_yes, _ = totals["pupil_feedback"]
    company_answers, host_again, recruitments, satisfaction = totals["company_feedback"]
    return ApplicationPass(
        applications=int(applied_count or 0),
        applicants=int(applicants or 0),
        chosen=int(chosen or 0),
        placements=int(placed_count or 0),
        placed_pupils=int(placed_pupils or 0),
        charts=ChartCounts(
            applications_by_month=by_kind["applied"],
            placements_by_month=by_kind["validated"],
            placements_by_epci=by_kind["epci"],
            placements_by_filiere={Filiere(k): n for k, n in by_kind["filiere"].items()},
        ),
        answer_days=_two_middle(middles["days"]),
        commute_chords2=_two_middle(middles["c2"]),
        feedback=FeedbackCounts(
            pupil_answers=int(pupil_answers or 0),
            desire_up=int(desire_up or 0),
            programme_yes=int(programme_yes or 0),
            before={int(float(k)): n for k, n in by_kind["before"].items()},
            after={int(float(k)): n for k, n in by_kind["after"].items()},
            company_answers=int(company_answers or 0),
            host_again=int(host_again or 0),
            satisfaction_sum=float(satisfaction or 0),
            recruitments=int(recruitments or 0),
        ),
    )


def _two_middle(ranked: list[tuple[int, float]]) -> tuple[float, float] | None:
    if not ranked:
        return None
    ranked.sort()
    return float(ranked[0][1]), float(ranked[-1][1])


def _mean_or_none(middle: tuple[float, float] | None) -> float | None:
    return None if middle is None else (middle[0] + middle[1]) / 2


def _commute_figures(middle: tuple[float, float] | None) -> dict:
    """Median straight-line distance and estimated travel time of the validated placements,
    from the two middle squared chords (a monotone function of the distance); the estimate is
    monotone in the distance, so the median time is the mean of theirs. The travel model used
    is walk/bus on the distance (the train leg needs station look-ups per pair, left out here:
    a conservative estimate)."""
    if middle is None:
        return {"distance_km": None, "travel_minutes": None}
    low, high = (math.sqrt(max(0.0, v)) for v in middle)
    minutes = (estimate_travel_minutes(low).minutes + estimate_travel_minutes(high).minutes) / 2
    return {"distance_km": (low + high) / 2, "travel_minutes": minutes}


def _events(f: Filters, now: datetime) -> dict:
    events = db.session.scalar(events_held_select(f, now, func.count(distinct(Event.id))))
    row = db.session.execute(
        registrations_select(
            f,
            now,
            func.count(distinct(SchoolClass.id)),
            func.coalesce(func.sum(Registration.pupils), 0),
            func.sum(case((Registration.present_count.is_not(None), Registration.present_count))),
            func.sum(case((Registration.present_count.is_not(None), Registration.pupils))),
            func.avg(Registration.satisfaction * literal(1.0)),
        )
    ).one()
    present, expected = row[2], row[3]
    return {
        "events": events or 0,
        "classes_registered": row[0] or 0,
        "pupils_registered": int(row[1] or 0),
        "attendance_rate": min(1.0, present / expected) if expected else None,
        "satisfaction": float(row[4]) if row[4] is not None else None,
    }


def has_data(f: Filters) -> bool:
    """Whether the school year has any class or offer period (for the comparison)."""
    from capindustrie.models import Period

    return bool(
        db.session.scalar(
            select(func.count(SchoolClass.id)).where(SchoolClass.school_year == f.year)
        )
        or db.session.scalar(
            select(func.count(Period.id)).where(
                Period.start_date >= f.start, Period.start_date < f.end
            )
        )
    )


def dashboard(f: Filters, now: datetime) -> Dashboard:
    previous = f.previous()
    return Dashboard(
        filters=f,
        values=compute(f, now),
        previous=compute(previous, now) if has_data(previous) else None,
    )
