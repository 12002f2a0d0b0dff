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
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, distinct, func, literal, select

from capindustrie.extensions import db
from capindustrie.geo.distance import estimate_travel_minutes
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.sql import chord2, days_between, middle_values, school_points_table
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Commune,
    Company,
    CompanyStatus,
    Event,
    EventAudience,
    EventSession,
    EventStatus,
    Offer,
    Placement,
    Pupil,
    Registration,
    RegistrationStatus,
    School,
    SchoolClass,
)

CHOSEN = (ApplicationStatus.CONFIRMED, ApplicationStatus.VALIDATED)
COMPANY_ANSWERS = (ApplicationStatus.ACCEPTED, ApplicationStatus.REFUSED)


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
    if with_offer or f.filiere is not None or f.campaign_start is not None or f.level:
        statement = (
            statement.join(Period, Period.id == Application.period_id)
            .join(Offer, Offer.id == Period.offer_id)
            .where(*period_conditions(f, with_epci=False))
        )
    return statement


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
    # One pass over the applications, their placements joined (at most one each).
    app_row = db.session.execute(
        applications_select(
            f,
            func.count(Application.id),
            func.count(distinct(Application.pupil_id)),
            func.coalesce(func.sum(case((Application.status.in_(CHOSEN), 1), else_=0)), 0),
            func.count(Placement.id),
            func.count(distinct(Placement.pupil_id)),
        ).outerjoin(Placement, Placement.application_id == Application.id)
    ).one()
    placed = (app_row[3], app_row[4])
    seats = int(offers_row[1])
    values: dict[str, float | int | None] = {
        "companies_registered": _count(companies_registered_select(f, Company.id)),
        "companies_active": companies_active or 0,
        "offers": offers_row[0] or 0,
        "seats": seats,
        "pupils": pupils,
        "applicants": app_row[1] or 0,
        "applications": app_row[0] or 0,
        "confirmed": int(app_row[2] or 0),
        "validated": placed[0] or 0,
        "fill_rate": (fill_placements or 0) / seats if seats else None,
        "placed_share": (placed[1] or 0) / pupils if pupils else None,
        "answer_days": _median_answer_days(f),
        "reached_share": reached_share(f),
    }
    values.update(_median_commute(f))
    values.update(_events(f, now))
    return values


def reached_share(f: Filters) -> float | None:
    from capindustrie.indicators.headcounts import reached_share as share

    return share(f)


def _median_answer_days(f: Filters) -> float | None:
    first_answer = (
        select(
            ApplicationTransition.application_id.label("application_id"),
            func.min(ApplicationTransition.created_at).label("answered_at"),
        )
        .where(
            ApplicationTransition.to_status.in_(COMPANY_ANSWERS),
            ApplicationTransition.actor_id.is_not(None),  # a timer's expiry is no answer
        )
        .group_by(ApplicationTransition.application_id)
        .subquery()
    )
    days = (
        applications_select(
            f, days_between(Application.created_at, first_answer.c.answered_at).label("days")
        )
        .join(first_answer, first_answer.c.application_id == Application.id)
        .subquery()
    )
    middle = middle_values(days.c.days)
    return None if middle is None else (middle[0] + middle[1]) / 2


def _median_commute(f: Filters) -> dict:
    """Median straight-line distance and estimated travel time of the validated placements.

    SQL ranks the squared chords (a monotone function of the distance) and returns the middle
    two; the estimate is monotone in the distance, so the median time is the mean of theirs.
    The travel model used is walk/bus on the distance (the train leg needs station look-ups
    per pair, left out here: a conservative estimate)."""
    point = school_points_table()
    chord = chord2(point, Offer.site_x_km, Offer.site_y_km, Offer.site_z_km)
    chords = (
        placements_select(f, chord.label("c2"), with_offer=True)
        .join(point, point.c.school_id == School.id)
        .where(Offer.site_x_km.is_not(None))
        .subquery()
    )
    middle = middle_values(chords.c.c2)
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
