"""Placement proposals for a class, from the database to the solver and back (read-only).

The pupils without a placement (no application holding a seat) and the periods with seats left
(published offers of the class's level, inside the class's dates, not started) are handed to
`solver.solve` with their estimated travel times from the school (the search's model: geodesic
distance, then `estimate_travel_minutes` with the train when both ends are near a station).
Offers beyond a straight-line pre-filter (`prefilter_radius_km`) are not even loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capindustrie.applications.states import SEAT_HOLDING
from capindustrie.extensions import db
from capindustrie.geo import distance as geo
from capindustrie.matching.solver import PeriodSpec, PupilSpec, Wish, solve
from capindustrie.matching.synthetic import prefilter_radius_km
from capindustrie.models import (
    Application,
    Level,
    Offer,
    OfferStatus,
    Period,
    Pupil,
    PupilWish,
    SchoolClass,
)
from capindustrie.models.users import Filiere
from capindustrie.models.wishes import MAX_WISHES


class MatchingError(Exception):
    """Why no proposal can be computed; the message is French, for the teacher."""


@dataclass(frozen=True)
class ProposalRow:
    pupil: Pupil
    period: Period
    distance_km: float
    minutes: int
    wish_rank: int | None


@dataclass(frozen=True)
class ClassProposals:
    rows: list[ProposalRow]
    without_proposal: list[Pupil]  # unplaced pupils no free seat within reach could take
    already_placed: int
    max_minutes: int
    wishes: dict[int, list[PupilWish]] = field(default_factory=dict)  # by pupil id, in order


def pupils_without_placement(klass: SchoolClass) -> tuple[list[Pupil], int]:
    """The class's pupils holding no seat yet, and how many already hold one."""
    pupils = db.session.scalars(
        select(Pupil).where(Pupil.class_id == klass.id).options(selectinload(Pupil.user))
    ).all()
    holding = set(
        db.session.scalars(
            select(Application.pupil_id).where(
                Application.pupil_id.in_([p.id for p in pupils]),
                Application.status.in_(SEAT_HOLDING),
            )
        )
    )
    free = sorted(
        (p for p in pupils if p.id not in holding),
        key=lambda p: (p.user.last_name.casefold(), p.user.first_name.casefold(), p.id),
    )
    return free, len(holding)


def open_periods_near(klass: SchoolClass, today: date, max_minutes: int) -> list[Period]:
    """Periods with seats left that fit the class, on offers within the pre-filter radius."""
    school = klass.school
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(
        school.latitude, school.longitude, prefilter_radius_km(max_minutes)
    )
    # Offers reserved to priority education are closed to other schools (as when applying).
    reserved_ok = [] if school.is_priority else [Offer.reserved_priority_education.is_(False)]
    return list(
        db.session.scalars(
            select(Period)
            .join(Period.offer)
            .where(
                *reserved_ok,
                Offer.status == OfferStatus.PUBLISHED,
                Offer.latitude.between(min_lat, max_lat),
                Offer.longitude.between(min_lon, max_lon),
                Period.level == klass.level,
                Period.seats_taken < Period.seats,
                Period.start_date > today,
                Period.start_date >= klass.internship_start,
                Period.end_date <= klass.internship_end,
            )
            .options(selectinload(Period.offer).selectinload(Offer.company))
            .order_by(Period.id)
        )
    )


def class_proposals(klass: SchoolClass, today: date, max_minutes: int) -> ClassProposals:
    """The optimal proposals for the pupils of `klass` without a placement."""
    if klass.internship_start is None or klass.internship_end is None:
        raise MatchingError(
            "Indiquez d'abord les dates de stage de la classe : les propositions en dépendent."
        )
    pupils, already_placed = pupils_without_placement(klass)
    if not pupils:
        raise MatchingError("Tous les élèves de la classe ont déjà une place de stage.")
    periods = open_periods_near(klass, today, max_minutes)
    school = klass.school
    origin = (school.latitude, school.longitude)
    indexes, minutes, kms = [], [], {}
    for index, period in enumerate(periods):
        offer = period.offer
        km = geo.distance_km(*origin, offer.latitude, offer.longitude)
        estimate = geo.estimate_travel_minutes(km, origin, (offer.latitude, offer.longitude))
        if estimate.minutes <= max_minutes:
            indexes.append(index)
            minutes.append(estimate.minutes)
            kms[period.id] = km
    if not indexes:
        raise MatchingError(
            f"Aucune place libre à moins de {max_minutes} minutes (estimées) de "
            f"l'établissement pour les dates de stage de la classe."
        )
    applied = _periods_applied_to(pupils)
    wishes = wish_specs(pupils)
    specs = _pupil_specs(klass, pupils, wishes, applied)
    period_specs = [_period_spec(period) for period in periods]
    reach = {school.id: (np.asarray(indexes, np.int64), np.asarray(minutes, np.int64))}
    assignment = solve(specs, period_specs, reach, max_minutes)
    by_pupil = {p.id: p for p in pupils}
    by_period = {p.id: p for p in periods}
    rows = [
        ProposalRow(
            by_pupil[p.pupil_id], by_period[p.period_id], kms[p.period_id], p.minutes, p.wish_rank
        )
        for p in assignment.proposals
    ]
    rows.sort(key=lambda r: pupils.index(r.pupil))
    return ClassProposals(
        rows,
        [by_pupil[i] for i in assignment.unplaced],
        already_placed,
        max_minutes,
        wishes_of(pupils),
    )


def wishes_of(pupils: list[Pupil]) -> dict[int, list[PupilWish]]:
    """The stored wishes of `pupils`, by pupil id, best first (for the teacher)."""
    wishes: dict[int, list[PupilWish]] = {}
    rows = db.session.scalars(
        select(PupilWish)
        .where(PupilWish.pupil_id.in_([p.id for p in pupils]))
        .options(selectinload(PupilWish.offer))
        .order_by(PupilWish.pupil_id, PupilWish.rank)
    )
    for row in rows:
        wishes.setdefault(row.pupil_id, []).append(row)
    return wishes


def _periods_applied_to(pupils: list[Pupil]) -> dict[int, set[int]]:
    """Periods each pupil already applied to (in any state): never proposed again."""
    applied: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Application.pupil_id, Application.period_id).where(
            Application.pupil_id.in_([p.id for p in pupils])
        )
    )
    for pupil_id, period_id in rows:
        applied.setdefault(pupil_id, set()).add(period_id)
    return applied


# --- Wishes ----------------------------------------------------------------------------------


def pupil_wishes(pupil: Pupil) -> list[PupilWish]:
    return list(
        db.session.scalars(
            select(PupilWish)
            .where(PupilWish.pupil_id == pupil.id)
            .options(selectinload(PupilWish.offer))
            .order_by(PupilWish.rank)
        )
    )


def wish_specs(pupils: list[Pupil]) -> dict[int, tuple[Wish, ...]]:
    """The solver's view of each pupil's wishes, in order."""
    wishes: dict[int, list[Wish]] = {}
    rows = db.session.scalars(
        select(PupilWish)
        .where(PupilWish.pupil_id.in_([p.id for p in pupils]))
        .order_by(PupilWish.pupil_id, PupilWish.rank)
    )
    for row in rows:
        wishes.setdefault(row.pupil_id, []).append(
            Wish(offer_id=row.offer_id, filiere=row.filiere.value if row.filiere else None)
        )
    return {pupil_id: tuple(items) for pupil_id, items in wishes.items()}


def replace_wishes(pupil: Pupil, targets: list[tuple[str, str]]) -> None:
    """Store `targets` — ("filiere", value) or ("offre", id), best first — as the wishes.
    The caller validated them (at most MAX_WISHES, no duplicate) and commits."""
    for wish in pupil_wishes(pupil):
        db.session.delete(wish)
    db.session.flush()
    for rank, (kind, value) in enumerate(targets, start=1):
        if kind == "filiere":
            db.session.add(PupilWish(pupil_id=pupil.id, rank=rank, filiere=Filiere(value)))
        else:
            db.session.add(PupilWish(pupil_id=pupil.id, rank=rank, offer_id=int(value)))
    db.session.flush()


def star_offer(pupil: Pupil, offer: Offer) -> PupilWish:
    """Add `offer` as the pupil's next wish; MatchingError (French) when it cannot be."""
    wishes = pupil_wishes(pupil)
    if any(w.offer_id == offer.id for w in wishes):
        raise MatchingError("Cette offre fait déjà partie de vos vœux.")
    if len(wishes) >= MAX_WISHES:
        raise MatchingError(
            f"Vous avez déjà {MAX_WISHES} vœux : retirez-en un avant d'ajouter cette offre."
        )
    wish = PupilWish(pupil_id=pupil.id, rank=len(wishes) + 1, offer_id=offer.id)
    db.session.add(wish)
    db.session.flush()
    return wish


# --- Staff: the whole département --------------------------------------------------------------


@dataclass(frozen=True)
class ClassSummary:
    klass: SchoolClass
    without_placement: int
    proposed: int


@dataclass(frozen=True)
class DepartementProposals:
    classes: list[ClassSummary]
    proposed: int
    without_placement: int
    seats_left: int
    skipped_without_dates: int
    max_minutes: int


def departement_proposals(
    level: Level, school_year: int, today: date, max_minutes: int
) -> DepartementProposals:
    """One optimal assignment for every class of `level` and `school_year` with internship
    dates: the pupils of all schools compete for the same seats, as they do in reality."""
    classes = list(
        db.session.scalars(
            select(SchoolClass)
            .where(SchoolClass.level == level, SchoolClass.school_year == school_year)
            .options(selectinload(SchoolClass.school))
            .order_by(SchoolClass.id)
        )
    )
    dated = [k for k in classes if k.internship_start and k.internship_end]
    if not dated:
        raise MatchingError(
            f"Aucune classe de {level.value} n'a encore de dates de stage pour cette année "
            "scolaire : rien à proposer."
        )
    pupils_by_class = {k.id: pupils_without_placement(k)[0] for k in dated}
    all_pupils = [p for pupils in pupils_by_class.values() for p in pupils]
    if not all_pupils:
        raise MatchingError("Tous les élèves de ces classes ont déjà une place de stage.")
    periods = list(
        db.session.scalars(
            select(Period)
            .join(Period.offer)
            .where(
                Offer.status == OfferStatus.PUBLISHED,
                Offer.latitude.is_not(None),
                Period.level == level,
                Period.seats_taken < Period.seats,
                Period.start_date > today,
            )
            .options(selectinload(Period.offer))
            .order_by(Period.id)
        )
    )
    if not periods:
        raise MatchingError(f"Aucune place libre en {level.value} : rien à proposer.")
    reach = _reach_of_schools({k.school for k in dated}, periods, max_minutes)
    applied = _periods_applied_to(all_pupils)
    wishes = wish_specs(all_pupils)
    specs = [
        spec for k in dated for spec in _pupil_specs(k, pupils_by_class[k.id], wishes, applied)
    ]
    assignment = solve(specs, [_period_spec(p) for p in periods], reach, max_minutes)
    placed = {p.pupil_id for p in assignment.proposals}
    summaries = [
        ClassSummary(
            k, len(pupils_by_class[k.id]), sum(p.id in placed for p in pupils_by_class[k.id])
        )
        for k in dated
    ]
    return DepartementProposals(
        summaries,
        assignment.placed,
        len(all_pupils),
        sum(p.seats_left for p in periods),
        len(classes) - len(dated),
        max_minutes,
    )


def _pupil_specs(klass: SchoolClass, pupils: list[Pupil], wishes, applied) -> list[PupilSpec]:
    """The solver's view of `pupils` of `klass`: their school, dates, wishes, and the periods
    they already applied to (never proposed again)."""
    school = klass.school
    return [
        PupilSpec(
            pupil.id,
            school.id,
            klass.level.value,
            school.is_priority,
            klass.internship_start,
            klass.internship_end,
            wishes.get(pupil.id, ()),
            excluded_period_ids=frozenset(applied.get(pupil.id, ())),
        )
        for pupil in pupils
    ]


def _period_spec(period: Period) -> PeriodSpec:
    return PeriodSpec(
        period.id,
        period.offer_id,
        period.level.value,
        period.start_date,
        period.end_date,
        period.seats_left,
        period.offer.reserved_priority_education,
        period.offer.filiere.value,
    )


def _reach_of_schools(schools, periods: list[Period], max_minutes: int):
    """For each school, the periods within `max_minutes` (straight-line pre-filter, vectorised,
    then the travel model once per school–offer pair)."""
    from capindustrie.matching.synthetic import haversine_km_many

    lats = np.array([p.offer.latitude for p in periods])
    lons = np.array([p.offer.longitude for p in periods])
    radius = prefilter_radius_km(max_minutes)
    reach = {}
    for school in schools:
        origin = (school.latitude, school.longitude)
        km = haversine_km_many(*origin, lats, lons)
        indexes, minutes, per_offer = [], [], {}
        for index in np.flatnonzero(km <= radius):
            offer = periods[index].offer
            if offer.id not in per_offer:
                per_offer[offer.id] = geo.estimate_travel_minutes(
                    float(km[index]), origin, (offer.latitude, offer.longitude)
                ).minutes
            if per_offer[offer.id] <= max_minutes:
                indexes.append(int(index))
                minutes.append(per_offer[offer.id])
        reach[school.id] = (np.asarray(indexes, np.int64), np.asarray(minutes, np.int64))
    return reach
