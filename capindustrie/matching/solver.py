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
    # Periods this pupil may not be proposed (e.g. already applied to): ids.
    excluded_period_ids: frozenset[int] = frozenset()


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
    if period.id in pupil.excluded_period_ids:
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
        pupil.excluded_period_ids,
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


class _PeriodArrays:
    """The periods as numpy columns, for the vectorised candidate filter."""

    def __init__(self, periods: Sequence[PeriodSpec]):
        self.levels = {level: i for i, level in enumerate(sorted({p.level for p in periods}))}
        self.filieres = {f: i for i, f in enumerate(sorted({p.filiere or "" for p in periods}))}
        self.level = np.fromiter((self.levels[p.level] for p in periods), np.int64, len(periods))
        self.start = np.fromiter(
            (p.start_date.toordinal() for p in periods), np.int64, len(periods)
        )
        self.end = np.fromiter((p.end_date.toordinal() for p in periods), np.int64, len(periods))
        self.seats = np.fromiter((p.seats_left for p in periods), np.int64, len(periods))
        self.reserved = np.fromiter(
            (p.reserved_priority_education for p in periods), bool, len(periods)
        )
        self.filiere = np.fromiter(
            (self.filieres[p.filiere or ""] for p in periods), np.int64, len(periods)
        )
        self.id = np.fromiter((p.id for p in periods), np.int64, len(periods))
        self.offer = np.fromiter((p.offer_id for p in periods), np.int64, len(periods))


def _reach_arrays(reach: Reach, school_id: int) -> tuple[np.ndarray, np.ndarray]:
    indexes, minutes = reach.get(school_id, ((), ()))
    return np.asarray(indexes, dtype=np.int64), np.asarray(minutes, dtype=np.int64)


def _eligible(
    pupil: PupilSpec,
    cols: _PeriodArrays,
    indexes: np.ndarray,
    minutes: np.ndarray,
    max_minutes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`period_fits`, vectorised over the periods within reach of the pupil's school."""
    level = cols.levels.get(pupil.level, -1)
    keep = (cols.level[indexes] == level) & (cols.seats[indexes] > 0) & (minutes <= max_minutes)
    if not pupil.priority_education:
        keep &= ~cols.reserved[indexes]
    if pupil.window_start is not None:
        keep &= cols.start[indexes] >= pupil.window_start.toordinal()
    if pupil.window_end is not None:
        keep &= cols.end[indexes] <= pupil.window_end.toordinal()
    if pupil.excluded_period_ids:
        keep &= ~np.isin(cols.id[indexes], np.fromiter(pupil.excluded_period_ids, np.int64))
    return indexes[keep], minutes[keep]


def _wish_ranks(pupil: PupilSpec, cols: _PeriodArrays, indexes: np.ndarray) -> np.ndarray:
    """`wish_rank` vectorised; 0 where no wish matches."""
    ranks = np.zeros(len(indexes), dtype=np.int64)
    wishes = pupil.wishes[:MAX_WISHES]
    for rank in range(len(wishes), 0, -1):  # the first matching wish wins: write it last
        wish = wishes[rank - 1]
        if wish.offer_id is not None:
            ranks[cols.offer[indexes] == wish.offer_id] = rank
        elif wish.filiere is not None and wish.filiere in cols.filieres:
            ranks[cols.filiere[indexes] == cols.filieres[wish.filiere]] = rank
    return ranks


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
    cols = _PeriodArrays(periods)
    reward = placement_reward(len(pupils))
    source, sink = 0, 1
    first_group = 2
    first_period = first_group + len(groups)
    reach_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    arc_group, arc_period, arc_minutes, arc_rank, arc_weight, arc_cap = [], [], [], [], [], []
    for g, members in enumerate(groups):
        head = members[0]
        if head.school_id not in reach_cache:
            reach_cache[head.school_id] = _reach_arrays(reach, head.school_id)
        indexes, minutes = _eligible(head, cols, *reach_cache[head.school_id], max_minutes)
        ranks = _wish_ranks(head, cols, indexes)
        weight = reward - minutes + np.where(ranks > 0, WISH_STEP * (MAX_WISHES + 1 - ranks), 0)
        if head.priority_education:
            weight += np.where(cols.reserved[indexes], RESERVED_BONUS, 0)
        arc_group.append(np.full(len(indexes), g, dtype=np.int64))
        arc_period.append(indexes)
        arc_minutes.append(minutes)
        arc_rank.append(ranks)
        arc_weight.append(weight)
        arc_cap.append(np.minimum(cols.seats[indexes], len(members)))
    concat = lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.int64)  # noqa: E731
    a_group, a_period, a_minutes = concat(arc_group), concat(arc_period), concat(arc_minutes)
    a_rank, a_weight, a_cap = concat(arc_rank), concat(arc_weight), concat(arc_cap)
    sizes = np.fromiter((len(m) for m in groups), np.int64, len(groups))
    with_seats = np.flatnonzero(cols.seats > 0)
    tails = np.concatenate(
        [
            np.full(len(groups), source),
            first_group + a_group,
            first_period + with_seats,
            [source],
        ]
    ).astype(np.int64)
    heads = np.concatenate(
        [
            first_group + np.arange(len(groups)),
            first_period + a_period,
            np.full(len(with_seats), sink),
            [sink],
        ]
    ).astype(np.int64)
    caps = np.concatenate([sizes, a_cap, cols.seats[with_seats], [len(pupils)]]).astype(np.int64)
    costs = np.concatenate(
        [
            np.zeros(len(groups)),
            -a_weight,
            np.zeros(len(with_seats)),
            [0],
        ]
    ).astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    node_count = first_period + len(periods)
    supplies = np.zeros(node_count, dtype=np.int64)
    supplies[source], supplies[sink] = len(pupils), -len(pupils)
    flow.set_nodes_supplies(np.arange(node_count, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: status {status}")

    arc_flows = flow.flows(len(groups) + np.arange(len(a_group), dtype=np.int64))
    proposals: list[Proposal] = []
    next_member = [0] * len(groups)
    for arc in np.flatnonzero(arc_flows):
        g, index = int(a_group[arc]), int(a_period[arc])
        rank = int(a_rank[arc]) or None
        for _ in range(int(arc_flows[arc])):
            pupil = groups[g][next_member[g]]
            next_member[g] += 1
            proposals.append(Proposal(pupil.id, periods[index].id, int(a_minutes[arc]), rank))
    unplaced = [p.id for g, members in enumerate(groups) for p in members[next_member[g] :]]
    objective = int(np.dot(arc_flows, a_weight)) if len(a_weight) else 0
    return Assignment(proposals, unplaced, objective, {"groups": len(groups), "arcs": len(a_group)})


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
    among their candidates (the hard rules hold; wishes and the REP bonus play no part)."""
    order = list(pupils)
    random.Random(seed).shuffle(order)
    cols = _PeriodArrays(periods)
    seats = cols.seats.copy()
    # Pupils sharing school, level, REP status and dates share one list of eligible periods,
    # nearest first, and a cursor past the periods already full (seats only ever decrease).
    lists: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    cursors: dict[tuple, int] = {}
    proposals, unplaced = [], []
    for pupil in order:
        key = (
            pupil.school_id,
            pupil.level,
            pupil.priority_education,
            pupil.window_start,
            pupil.window_end,
            pupil.excluded_period_ids,
        )
        if key not in lists:
            indexes, minutes = _eligible(
                pupil, cols, *_reach_arrays(reach, pupil.school_id), max_minutes
            )
            nearest = np.argsort(minutes, kind="stable")
            lists[key] = (indexes[nearest], minutes[nearest])
            cursors[key] = 0
        indexes, minutes = lists[key]
        cursor = cursors[key]
        while cursor < len(indexes) and seats[indexes[cursor]] <= 0:
            cursor += 1
        cursors[key] = cursor
        if cursor == len(indexes):
            unplaced.append(pupil.id)
            continue
        index = int(indexes[cursor])
        seats[index] -= 1
        proposals.append(
            Proposal(
                pupil.id,
                periods[index].id,
                int(minutes[cursor]),
                wish_rank(pupil.wishes, periods[index]),
            )
        )
    assignment = Assignment(proposals, unplaced)
    assignment.objective = assignment_weight(pupils, periods, reach, proposals)
    return assignment
