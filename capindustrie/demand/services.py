"""Pupils still looking, grouped by (level, internship week, EPCI of their school).

« Still looking »: an active pupil account in a class whose internship week is still ahead, with
no internship chosen (confirmed) or validated. One grouped query by school, then the schools'
EPCI and distance in Python (at most 263 schools). Groups under 5 pupils are never shown: a count
of 1–4 in one EPCI and week could single a pupil out (indicators/privacy.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from capindustrie.extensions import db
from capindustrie.filters import MONTHS
from capindustrie.geo.distance import haversine_km
from capindustrie.indicators.privacy import SMALL_COUNT_THRESHOLD
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Commune,
    Company,
    Level,
    Offer,
    OfferStatus,
    Period,
    Pupil,
    School,
    SchoolClass,
    User,
)
from capindustrie.offers.rules import check_period

# Within this distance of the company's commune, its pupils are « near » (the search's default
# radius is 30 km).
NEAR_KM = 30
PLACED = (ApplicationStatus.CONFIRMED, ApplicationStatus.VALIDATED)


class DemandError(Exception):
    """A French message for the company."""


@dataclass(frozen=True)
class Demand:
    level: Level
    start: date
    end: date
    epci_siren: str
    epci_name: str
    pupils: int

    @property
    def week_label(self) -> str:
        day = "1er" if self.start.day == 1 else str(self.start.day)
        return f"{day} {MONTHS[self.start.month - 1]}"

    @property
    def period_label(self) -> str:
        """« semaine du 25 janvier »; the 2nde fortnight: « quinzaine du 14 juin »."""
        span = "quinzaine" if (self.end - self.start).days > 6 else "semaine"
        return f"{span} du {self.week_label}"

    @property
    def key(self) -> str:
        """What a form posts to name this week and level: « 3e/2027-01-25 »."""
        return f"{self.level.value}/{self.start.isoformat()}"


def _searching_by_school(today: date) -> list[tuple[int, Level, date, date, int]]:
    placed = exists().where(Application.pupil_id == Pupil.id, Application.status.in_(PLACED))
    statement = (
        select(
            SchoolClass.school_id,
            SchoolClass.level,
            SchoolClass.internship_start,
            SchoolClass.internship_end,
            func.count(Pupil.id),
        )
        .join(Pupil, Pupil.class_id == SchoolClass.id)
        .join(User, User.id == Pupil.user_id)
        .where(SchoolClass.internship_start > today, User.active.is_(True), ~placed)
        .group_by(
            SchoolClass.school_id,
            SchoolClass.level,
            SchoolClass.internship_start,
            SchoolClass.internship_end,
        )
    )
    return [tuple(row) for row in db.session.execute(statement)]


def open_demand(today: date, near: tuple[float, float] | None = None) -> list[Demand]:
    """The groups of at least 5 pupils still looking, soonest week first, then the largest.
    `near`: only the schools within NEAR_KM of these coordinates."""
    rows = _searching_by_school(today)
    schools = {
        s.id: s
        for s in db.session.scalars(
            select(School)
            .where(School.id.in_({row[0] for row in rows}))
            .options(selectinload(School.commune).selectinload(Commune.epci))
        )
    }
    totals: dict[tuple, int] = {}
    for school_id, level, start, end, pupils in rows:
        school = schools[school_id]
        if near and haversine_km(*near, school.latitude, school.longitude) > NEAR_KM:
            continue
        epci = school.commune.epci
        if epci is None:
            continue
        key = (Level(level), start, end, epci.siren, epci.name)
        totals[key] = totals.get(key, 0) + pupils
    shown = [
        Demand(*key, pupils=count)
        for key, count in totals.items()
        if count >= SMALL_COUNT_THRESHOLD
    ]
    return sorted(shown, key=lambda d: (d.start, -d.pupils, d.epci_name))


def company_demand(company: Company, today: date) -> list[Demand]:
    commune = db.session.get(Commune, company.commune_insee) if company.commune_insee else None
    if commune is None:
        return []
    return open_demand(today, near=(commune.latitude_townhall, commune.longitude_townhall))


def offers_for(demand: Demand, offers: list[Offer]) -> list[Offer]:
    """The company's published offers open to the demand's level."""
    return [o for o in offers if o.status == OfferStatus.PUBLISHED and demand.level in o.levels]


def open_seats(
    company: Company, offer: Offer, key: str, seats: int, config, now: datetime
) -> Period:
    """Add `seats` for the demanded week on `offer` (a new period, or more seats on the period
    of that week); the week must be one the company is shown. Returns the period."""
    today = now.date()
    demand = next((d for d in company_demand(company, today) if d.key == key), None)
    if demand is None:
        raise DemandError("Cette semaine n'est plus demandée : la liste a changé, rechargez-la.")
    if offer.status != OfferStatus.PUBLISHED:
        raise DemandError("Seule une offre publiée peut recevoir des places en un clic.")
    if demand.level not in offer.levels:
        raise DemandError(f"Cette offre n'est pas ouverte aux élèves de {demand.level.value}.")
    if not 1 <= seats <= 20:
        raise DemandError("Indiquez entre 1 et 20 places.")
    existing = next(
        (
            p
            for p in offer.periods
            if p.level == demand.level and (p.start_date, p.end_date) == (demand.start, demand.end)
        ),
        None,
    )
    if existing is not None:
        from capindustrie.offers.services import set_seats

        problems = set_seats(existing, existing.seats + seats, now)
        if problems:
            raise DemandError(" ".join(problems))
        period = existing
    else:
        problems = check_period(demand.level, demand.start, demand.end, today, config)
        if problems:
            raise DemandError(" ".join(problems))
        period = Period(
            level=demand.level, start_date=demand.start, end_date=demand.end, seats=seats
        )
        offer.periods.append(period)
    # The exports send what changed since their last run: this offer did.
    offer.updated_at = now
    db.session.flush()
    return period
