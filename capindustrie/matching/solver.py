"""Optimal placement proposals: a minimum-cost flow on plain data (no database).

Network (README « Propositions de stage optimales » has the formulation):

    source ──(cap = pupils of the group, cost 0)──▶ pupil group
    pupil group ──(cap = group size, cost = −weight(pupil, period))──▶ period
    period ──(cap = seats left, cost 0)──▶ sink
    source ──(cap = all pupils, cost 0)──▶ sink            (pupils left unplaced)

Pupils who cannot be told apart by the objective (same school, level, dates and wishes) form a
*group*: one node with the group's size as capacity. This is exact — any integral flow splits
back into individual pupils — and it divides the arcs by the size of a class for the many pupils
without wishes. Arcs exist only for the *candidates*: periods of the pupil's level, inside the
class's dates, with seats left, reserved offers only for REP/REP+ schools, within the maximum
travel time.

weight(pupil, period) = PLACEMENT_REWARD + reserved bonus + wish bonus − travel minutes, where
PLACEMENT_REWARD exceeds the sum of every pupil's largest secondary term, so that no gain on the
other terms can ever pay for one pupil less (the number placed is maximised first). The
constraint matrix (bipartite incidence) is totally unimodular: the flow is an optimal integer
solution, the LP relaxation has the same optimum (checked by the tests).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

DEFAULT_MAX_TRAVEL_MINUTES = 45
MAX_WISHES = 5
# Per pupil, in minute-equivalents: a wish of rank r (1 = favourite) is worth
# WISH_STEP × (MAX_WISHES + 1 − r); WISH_STEP exceeds any travel difference within the limit,
# so for one pupil a better wish always beats a shorter trip.
WISH_STEP = DEFAULT_MAX_TRAVEL_MINUTES + 1
# A REP/REP+ pupil on an offer reserved to them: more than the best wish plus any trip, so the
# reserved seats go first to the pupils they were reserved for.
RESERVED_BONUS = WISH_STEP * MAX_WISHES + DEFAULT_MAX_TRAVEL_MINUTES + 1


@dataclass(frozen=True)
class Wish:
    """One of a pupil's ordered wishes: an offer they starred, or a filière they like."""

    offer_id: int | None = None
    filiere: str | None = None


@dataclass(frozen=True)
class PupilSpec:
    id: int
    school_id: int
    level: str
    priority_education: bool = False
    # The class's internship dates; a period must lie inside them. None: no constraint.
    window_start: date | None = None
    window_end: date | None = None
    wishes: tuple[Wish, ...] = ()


@dataclass(frozen=True)
class PeriodSpec:
    id: int
    offer_id: int
    level: str
    start_date: date
    end_date: date
    seats_left: int
    reserved_priority_education: bool = False
    filiere: str | None = None


@dataclass(frozen=True)
class Proposal:
    pupil_id: int
    period_id: int
    minutes: int
    wish_rank: int | None  # 1 = favourite wish, None = no wish matched


@dataclass
class Assignment:
    proposals: list[Proposal]
    unplaced: list[int]  # pupil ids
    objective: int = 0  # total weight of the proposals (maximised)
    stats: dict = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return len(self.proposals)


# Reach: for each school, the periods within the travel limit and their estimated minutes,
# as two aligned sequences (period indexes into `periods`, minutes). Pairs absent are out of
# reach. Built by the caller (database or simulation) with a spatial pre-filter.
Reach = Mapping[int, tuple[Sequence[int], Sequence[int]]]


def wish_rank(wishes: Sequence[Wish], period: PeriodSpec) -> int | None:
    """Rank (1-based) of the first wish the period's offer satisfies, or None."""
    for rank, wish in enumerate(wishes[:MAX_WISHES], start=1):
        if wish.offer_id is not None and wish.offer_id == period.offer_id:
            return rank
        if wish.filiere is not None and wish.filiere == period.filiere:
            return rank
    return None


def secondary_weight(pupil: PupilSpec, period: PeriodSpec, minutes: int, rank: int | None) -> int:
    bonus = WISH_STEP * (MAX_WISHES + 1 - rank) if rank is not None else 0
    if period.reserved_priority_education and pupil.priority_education:
        bonus += RESERVED_BONUS
    return bonus - minutes


def max_secondary_weight() -> int:
    return RESERVED_BONUS + WISH_STEP * MAX_WISHES


def placement_reward(pupil_count: int) -> int:
    """Larger than the secondary weights of all pupils together: one more placed pupil always
    wins (an augmenting path changes at most `pupil_count` arcs; each secondary weight lies
    within [−max minutes, max_secondary_weight])."""
    return pupil_count * (max_secondary_weight() + DEFAULT_MAX_TRAVEL_MINUTES * 2) + 1


def period_fits(pupil: PupilSpec, period: PeriodSpec, max_minutes: int, minutes: int) -> bool:
    """The hard rules of a candidate arc, one by one."""
    if period.level != pupil.level or period.seats_left <= 0 or minutes > max_minutes:
        return False
    if period.reserved_priority_education and not pupil.priority_education:
        return False
    if pupil.window_start is not None and period.start_date < pupil.window_start:
        return False
    if pupil.window_end is not None and period.end_date > pupil.window_end:
        return False
    return True


def _group_key(pupil: PupilSpec):
    return (
        pupil.school_id,
        pupil.level,
        pupil.priority_education,
        pupil.window_start,
        pupil.window_end,
        pupil.wishes,
    )


def group_pupils(pupils: Sequence[PupilSpec]) -> dict[tuple, list[PupilSpec]]:
    groups: dict[tuple, list[PupilSpec]] = defaultdict(list)
    for pupil in pupils:
        groups[_group_key(pupil)].append(pupil)
    return groups


def candidate_arcs(pupil: PupilSpec, periods: Sequence[PeriodSpec], reach: Reach, max_minutes: int):
    """(period index, minutes, wish rank) of every candidate of a pupil."""
    indexes, minutes = reach.get(pupil.school_id, ((), ()))
    for index, mins in zip(indexes, minutes, strict=True):
        period = periods[index]
        if period_fits(pupil, period, max_minutes, int(mins)):
            yield int(index), int(mins), wish_rank(pupil.wishes, period)


def solve(
    pupils: Sequence[PupilSpec],
    periods: Sequence[PeriodSpec],
    reach: Reach,
    max_minutes: int = DEFAULT_MAX_TRAVEL_MINUTES,
) -> Assignment:
    """The optimal assignment of `pupils` to the seats left in `periods` (module doc)."""
    from ortools.graph.python import min_cost_flow

    if max_minutes > DEFAULT_MAX_TRAVEL_MINUTES:
        # The weights are sized for trips up to the default limit: keep wishes above travel.
        raise ValueError(f"max_minutes must be <= {DEFAULT_MAX_TRAVEL_MINUTES}")
    groups = list(group_pupils(pupils).values())
    reward = placement_reward(len(pupils))
    source, sink = 0, 1
    first_group = 2
    first_period = first_group + len(groups)
    tails, heads, caps, costs = [], [], [], []
    arc_meta = []  # for the pupil-group → period arcs: (group index, period index, min, rank)
    for g, members in enumerate(groups):
        size = len(members)
        tails.append(source), heads.append(first_group + g), caps.append(size), costs.append(0)
        for index, mins, rank in candidate_arcs(members[0], periods, reach, max_minutes):
            weight = reward + secondary_weight(members[0], periods[index], mins, rank)
            tails.append(first_group + g)
            heads.append(first_period + index)
            caps.append(min(size, periods[index].seats_left))
            costs.append(-weight)
            arc_meta.append((g, index, mins, rank))
    # The group → period arcs are interleaved with the source arcs: note their positions.
    group_arc_positions = [i for i, t in enumerate(tails) if t != source]
    for p, period in enumerate(periods):
        if period.seats_left > 0:
            tails.append(first_period + p), heads.append(sink)
            caps.append(period.seats_left), costs.append(0)
    tails.append(source), heads.append(sink), caps.append(len(pupils)), costs.append(0)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int64),
        np.asarray(heads, dtype=np.int64),
        np.asarray(caps, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
    )
    node_count = first_period + len(periods)
    supplies = np.zeros(node_count, dtype=np.int64)
    supplies[source], supplies[sink] = len(pupils), -len(pupils)
    flow.set_nodes_supplies(np.arange(node_count, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: status {status}")

    arc_flows = flow.flows(np.asarray(group_arc_positions, dtype=np.int64))
    proposals: list[Proposal] = []
    next_member = [0] * len(groups)
    objective = 0
    for (g, index, mins, rank), units in zip(arc_meta, arc_flows, strict=True):
        for _ in range(int(units)):
            pupil = groups[g][next_member[g]]
            next_member[g] += 1
            proposals.append(Proposal(pupil.id, periods[index].id, mins, rank))
            objective += reward + secondary_weight(pupil, periods[index], mins, rank)
    unplaced = [pupil.id for g, members in enumerate(groups) for pupil in members[next_member[g] :]]
    return Assignment(
        proposals, unplaced, objective, {"groups": len(groups), "arcs": len(arc_meta)}
    )


def assignment_weight(
    pupils: Sequence[PupilSpec],
    periods: Sequence[PeriodSpec],
    reach: Reach,
    proposals: Sequence[Proposal],
) -> int:
    """The objective of any assignment (e.g. the greedy one), with the solver's weights."""
    by_pupil = {p.id: p for p in pupils}
    by_period = {p.id: p for p in periods}
    reward = placement_reward(len(pupils))
    return sum(
        reward
        + secondary_weight(by_pupil[p.pupil_id], by_period[p.period_id], p.minutes, p.wish_rank)
        for p in proposals
    )


def first_come_first_served(
    pupils: Sequence[PupilSpec],
    periods: Sequence[PeriodSpec],
    reach: Reach,
    max_minutes: int = DEFAULT_MAX_TRAVEL_MINUTES,
    seed: int = 0,
) -> Assignment:
    """The baseline: pupils in random order each take the nearest period with a seat left
    among their candidates (wishes and reservations ignored beyond the hard rules)."""
    order = list(pupils)
    random.Random(seed).shuffle(order)
    seats = [period.seats_left for period in periods]
    nearest_first: dict[int, list[tuple[int, int]]] = {}
    proposals, unplaced = [], []
    for pupil in order:
        key = pupil.school_id
        if key not in nearest_first:
            indexes, minutes = reach.get(key, ((), ()))
            nearest_first[key] = sorted(
                zip((int(m) for m in minutes), (int(i) for i in indexes), strict=True)
            )
        for mins, index in nearest_first[key]:
            if seats[index] > 0 and period_fits(pupil, periods[index], max_minutes, mins):
                seats[index] -= 1
                proposals.append(
                    Proposal(
                        pupil.id, periods[index].id, mins, wish_rank(pupil.wishes, periods[index])
                    )
                )
                break
        else:
            unplaced.append(pupil.id)
    assignment = Assignment(proposals, unplaced)
    assignment.objective = assignment_weight(pupils, periods, reach, proposals)
    return assignment
