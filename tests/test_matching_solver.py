"""The placement solver: known optima, the hard rules one by one, brute force and LP checks."""

import itertools
import random
from datetime import date

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from capindustrie.matching.solver import (
    MAX_WISHES,
    PeriodSpec,
    PupilSpec,
    Wish,
    assignment_weight,
    candidate_arcs,
    first_come_first_served,
    placement_reward,
    secondary_weight,
    solve,
)

WEEK = (date(2027, 1, 11), date(2027, 1, 15))


def period(pid, seats=1, level="3e", offer_id=None, reserved=False, filiere=None, week=WEEK):
    return PeriodSpec(pid, offer_id or pid, level, week[0], week[1], seats, reserved, filiere)


def pupil(pid, school=1, level="3e", rep=False, wishes=(), window=(None, None)):
    return PupilSpec(pid, school, level, rep, window[0], window[1], tuple(wishes))


def pairs(assignment):
    return sorted((p.pupil_id, p.period_id) for p in assignment.proposals)


def test_the_nearest_seat_goes_to_the_pupil_with_no_other_choice():
    # Pupil 1 (school 1) reaches A (10 min) and B (20 min); pupil 2 (school 2) reaches A only.
    # First come, first served with pupil 1 first leaves pupil 2 without a seat; the optimum
    # sends pupil 1 to B and places both.
    periods = [period(100), period(101)]
    reach = {1: ([0, 1], [10, 20]), 2: ([0], [40])}
    pupils = [pupil(1, school=1), pupil(2, school=2)]

    result = solve(pupils, periods, reach)

    assert pairs(result) == [(1, 101), (2, 100)]
    assert result.unplaced == []


def test_with_enough_seats_each_pupil_takes_the_shortest_trip():
    periods = [period(100, seats=2), period(101, seats=2)]
    reach = {1: ([0, 1], [30, 15]), 2: ([0, 1], [10, 35])}
    pupils = [pupil(1, school=1), pupil(2, school=2), pupil(3, school=2)]

    result = solve(pupils, periods, reach)

    assert pairs(result) == [(1, 101), (2, 100), (3, 100)]
    assert sorted(p.minutes for p in result.proposals) == [10, 10, 15]


def test_a_wish_beats_a_shorter_trip_and_a_higher_wish_beats_a_lower_one():
    periods = [
        period(100, filiere="logistique"),
        period(101, filiere="aeronautique"),
        period(102, filiere="materiaux"),
    ]
    reach = {1: ([0, 1, 2], [5, 45, 40])}
    wishes = [Wish(filiere="aeronautique"), Wish(filiere="materiaux")]

    result = solve([pupil(1, wishes=wishes)], periods, reach)

    assert pairs(result) == [(1, 101)]
    assert result.proposals[0].wish_rank == 1


def test_a_starred_offer_is_a_wish():
    periods = [period(100, offer_id=7), period(101, offer_id=8)]
    reach = {1: ([0, 1], [10, 30])}

    result = solve([pupil(1, wishes=[Wish(offer_id=8)])], periods, reach)

    assert pairs(result) == [(1, 101)]


def test_reserved_seats_go_to_rep_pupils_who_leave_the_ordinary_seat_to_others():
    # One reserved seat (far) and one ordinary seat (near). The REP pupil takes the reserved
    # seat, the other pupil the ordinary one; the REP pupil would otherwise prefer the near one.
    periods = [period(100, reserved=True), period(101)]
    reach = {1: ([0, 1], [40, 5]), 2: ([0, 1], [40, 5])}
    pupils = [pupil(1, school=1, rep=True), pupil(2, school=2)]

    result = solve(pupils, periods, reach)

    assert pairs(result) == [(1, 100), (2, 101)]


def test_rep_pupils_are_preferred_for_a_single_reserved_seat():
    periods = [period(100, reserved=True), period(101)]
    reach = {1: ([0, 1], [20, 10]), 2: ([1], [10])}
    # Pupil 1 is REP and could take either; pupil 2 only the ordinary one: both placed.
    result = solve([pupil(1, school=1, rep=True), pupil(2, school=2)], periods, reach)
    assert pairs(result) == [(1, 100), (2, 101)]


def test_more_pupils_placed_wins_over_every_wish_and_every_minute():
    # Pupil 1's favourite wish is the only seat pupil 2 can reach: the optimum gives it up.
    periods = [period(100, filiere="aeronautique"), period(101)]
    reach = {1: ([0, 1], [5, 45]), 2: ([0], [45])}
    pupils = [pupil(1, school=1, wishes=[Wish(filiere="aeronautique")]), pupil(2, school=2)]

    result = solve(pupils, periods, reach)

    assert pairs(result) == [(1, 101), (2, 100)]


@pytest.mark.parametrize(
    ("rule", "the_period", "the_pupil", "minutes"),
    [
        ("level", period(100, level="2nde"), pupil(1), 10),
        ("no seat left", period(100, seats=0), pupil(1), 10),
        ("beyond the travel limit", period(100), pupil(1), 50),
        ("reserved to REP schools", period(100, reserved=True), pupil(1, rep=False), 10),
        (
            "starts before the class's dates",
            period(100),
            pupil(1, window=(date(2027, 1, 12), date(2027, 1, 22))),
            10,
        ),
        (
            "ends after the class's dates",
            period(100),
            pupil(1, window=(date(2027, 1, 4), date(2027, 1, 14))),
            10,
        ),
    ],
)
def test_a_period_breaking_a_hard_rule_is_never_proposed(rule, the_period, the_pupil, minutes):
    reach = {1: ([0], [minutes])}
    result = solve([the_pupil], [the_period], reach)
    assert result.proposals == [], rule
    assert result.unplaced == [1]
    greedy = first_come_first_served([the_pupil], [the_period], reach)
    assert greedy.proposals == [], rule


def test_a_period_the_pupil_is_excluded_from_is_never_proposed():
    periods = [period(100), period(101)]
    reach = {1: ([0, 1], [10, 40])}
    the_pupil = PupilSpec(1, 1, "3e", excluded_period_ids=frozenset({100}))

    assert pairs(solve([the_pupil], periods, reach)) == [(1, 101)]
    assert pairs(first_come_first_served([the_pupil], periods, reach)) == [(1, 101)]


def test_the_travel_limit_is_a_setting():
    reach = {1: ([0], [35])}
    assert solve([pupil(1)], [period(100)], reach, max_minutes=30).proposals == []
    assert solve([pupil(1)], [period(100)], reach, max_minutes=35).placed == 1


def test_a_period_inside_the_class_dates_is_proposed():
    the_pupil = pupil(1, window=(date(2027, 1, 11), date(2027, 1, 15)))
    assert solve([the_pupil], [period(100)], {1: ([0], [10])}).placed == 1


def test_seats_are_never_overfilled_and_each_pupil_gets_at_most_one_period():
    periods = [period(100, seats=2), period(101, seats=1)]
    reach = {1: ([0, 1], [10, 10])}
    pupils = [pupil(i) for i in range(1, 7)]

    result = solve(pupils, periods, reach)

    assert result.placed == 3
    assert len(result.unplaced) == 3
    assert len({p.pupil_id for p in result.proposals}) == 3
    assert sum(p.period_id == 100 for p in result.proposals) == 2


def test_identical_pupils_are_grouped_yet_each_gets_a_proposal():
    periods = [period(100, seats=3), period(101, seats=3)]
    reach = {1: ([0, 1], [10, 20])}
    pupils = [pupil(i) for i in range(1, 6)]

    result = solve(pupils, periods, reach)

    assert result.stats["groups"] == 1
    assert sorted(p.pupil_id for p in result.proposals) == [1, 2, 3, 4, 5]
    assert sorted(p.period_id for p in result.proposals) == [100, 100, 100, 101, 101]


# --- random instances ------------------------------------------------------------------------

FILIERES = ["logistique", "aeronautique", "materiaux"]


def random_instance(rng, n_pupils, n_periods, n_schools=3):
    weeks = [WEEK, (date(2027, 1, 18), date(2027, 1, 22))]
    periods = [
        period(
            100 + p,
            seats=rng.randint(0, 2),
            level=rng.choice(["3e", "3e", "2nde"]),
            offer_id=1000 + p // 2,
            reserved=rng.random() < 0.25,
            filiere=rng.choice(FILIERES),
            week=rng.choice(weeks),
        )
        for p in range(n_periods)
    ]
    schools = {s: rng.random() < 0.4 for s in range(n_schools)}
    pupils = []
    for i in range(n_pupils):
        school = rng.randrange(n_schools)
        wishes = []
        for _ in range(rng.randint(0, 3)):
            if rng.random() < 0.5:
                wishes.append(Wish(filiere=rng.choice(FILIERES)))
            else:
                wishes.append(Wish(offer_id=rng.choice(periods).offer_id))
        window = rng.choice([(None, None), WEEK, (WEEK[0], weeks[1][1])])
        excluded = frozenset(p.id for p in periods if rng.random() < 0.1)
        pupils.append(
            PupilSpec(
                i + 1,
                school,
                rng.choice(["3e", "3e", "2nde"]),
                schools[school],
                window[0],
                window[1],
                tuple(wishes),
                excluded,
            )
        )
    reach = {}
    for s in schools:
        indexes = [p for p in range(n_periods) if rng.random() < 0.7]
        reach[s] = (indexes, [rng.choice(range(5, 60, 5)) for _ in indexes])
    return pupils, periods, reach


def brute_force_best(pupils, periods, reach, max_minutes=45):
    """Every assignment, exhaustively: the best weight and the most pupils placed."""
    options = [[None, *candidate_arcs(p, periods, reach, max_minutes)] for p in pupils]
    reward = placement_reward(len(pupils))
    best_weight, best_placed = 0, 0
    for choice in itertools.product(*options):
        used = [0] * len(periods)
        weight = placed = 0
        for the_pupil, arc in zip(pupils, choice, strict=True):
            if arc is None:
                continue
            index, minutes, rank = arc
            used[index] += 1
            placed += 1
            weight += reward + secondary_weight(the_pupil, periods[index], minutes, rank)
        if all(u <= p.seats_left for u, p in zip(used, periods, strict=True)):
            best_weight = max(best_weight, weight)
            best_placed = max(best_placed, placed)
    return best_weight, best_placed


def check_feasible(result, pupils, periods, reach, max_minutes=45):
    by_pupil = {p.id: p for p in pupils}
    index_of = {p.id: i for i, p in enumerate(periods)}
    assert len({p.pupil_id for p in result.proposals}) == result.placed
    assert result.placed + len(result.unplaced) == len(pupils)
    used = [0] * len(periods)
    for proposal in result.proposals:
        the_pupil = by_pupil[proposal.pupil_id]
        index = index_of[proposal.period_id]
        allowed = {arc[0]: arc for arc in candidate_arcs(the_pupil, periods, reach, max_minutes)}
        assert index in allowed
        assert allowed[index][1] == proposal.minutes
        used[index] += 1
    assert all(u <= p.seats_left for u, p in zip(used, periods, strict=True))


@pytest.mark.parametrize("seed", range(40))
def test_the_solver_matches_brute_force_on_small_random_instances(seed):
    rng = random.Random(seed)
    pupils, periods, reach = random_instance(rng, rng.randint(1, 6), rng.randint(1, 5))

    result = solve(pupils, periods, reach)

    check_feasible(result, pupils, periods, reach)
    best_weight, best_placed = brute_force_best(pupils, periods, reach)
    assert result.objective == best_weight
    assert result.placed == best_placed
    assert assignment_weight(pupils, periods, reach, result.proposals) == result.objective
    greedy = first_come_first_served(pupils, periods, reach, seed=seed)
    check_feasible(greedy, pupils, periods, reach)
    assert greedy.objective <= result.objective


def lp_relaxation_optimum(pupils, periods, reach, max_minutes=45):
    """max Σ w·x  s.t. Σ_periods x ≤ 1 per pupil, Σ_pupils x ≤ seats per period, 0 ≤ x ≤ 1."""
    reward = placement_reward(len(pupils))
    rows, cols, weights, seat_rows = [], [], [], []
    for i, the_pupil in enumerate(pupils):
        for index, minutes, rank in candidate_arcs(the_pupil, periods, reach, max_minutes):
            column = len(weights)
            weights.append(reward + secondary_weight(the_pupil, periods[index], minutes, rank))
            rows += [i, len(pupils) + index]
            cols += [column, column]
            seat_rows.append(index)
    if not weights:
        return 0.0
    matrix = coo_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(pupils) + len(periods), len(weights))
    )
    bounds_ub = [1] * len(pupils) + [p.seats_left for p in periods]
    result = linprog(
        -np.asarray(weights, dtype=float),
        A_ub=matrix.tocsr(),
        b_ub=bounds_ub,
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0
    return -result.fun


@pytest.mark.parametrize("seed", range(6))
def test_the_solver_reaches_the_lp_relaxation_optimum_on_medium_instances(seed):
    rng = random.Random(1000 + seed)
    pupils, periods, reach = random_instance(rng, 150, 60, n_schools=12)

    result = solve(pupils, periods, reach)

    check_feasible(result, pupils, periods, reach)
    assert result.objective == pytest.approx(lp_relaxation_optimum(pupils, periods, reach), abs=0.5)
    assert result.placed > 0


def test_wishes_beyond_the_fifth_are_ignored():
    wishes = [Wish(filiere=f"f{i}") for i in range(MAX_WISHES)] + [Wish(filiere="aeronautique")]
    result = solve(
        [pupil(1, wishes=wishes)], [period(100, filiere="aeronautique")], {1: ([0], [10])}
    )
    assert result.proposals[0].wish_rank is None
