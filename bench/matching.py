"""Benchmark of the placement solver (issue 15): the whole département and one class.

Builds a synthetic département from the shipped reference files (no database): 18,000 3e
pupils in 160 real collèges (classes of 28, each with one of 3 internship weeks, 40 % with 1–3
filière wishes, 10 % with 1–2 starred offers), 6,000 offers × 3 seats at the centres of real
communes drawn by population (industrial poles × 3), 10 % reserved to REP/REP+, candidates
within 45 minutes of the search's travel model (a straight-line pre-filter, then the model once
per school–commune pair). Then times, in the same run:

- `optimal`: `capindustrie.matching.solver.solve` (OR-Tools min-cost flow) on the whole
  département, and on classes of 30 pupils (one school, one week) against every seat;
- `greedy`: first come, first served (pupils in random order take the nearest free seat).

Peak memory is the process's maximum resident set size (Linux `ru_maxrss`), measured after the
département solve (it includes the Python data built before).

    .venv/bin/python bench/matching.py [--pupils 18000 --offers 6000 --seed 2026]
"""

import argparse
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from capindustrie.matching.solver import first_come_first_served, solve  # noqa: E402
from capindustrie.matching.synthetic import build_departement, reference_from_files  # noqa: E402


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quality(assignment, dep) -> dict:
    minutes = np.array([p.minutes for p in assignment.proposals] or [0])
    placed_ids = {p.pupil_id for p in assignment.proposals}
    return {
        "placed": assignment.placed,
        "filled": assignment.placed / sum(p.seats_left for p in dep.periods),
        "mean": float(minutes.mean()),
        "p90": float(np.percentile(minutes, 90)),
        "rep": len(placed_ids & dep.rep_pupils),
        "wish": sum(p.wish_rank is not None for p in assignment.proposals),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=18_000)
    parser.add_argument("--colleges", type=int, default=160)
    parser.add_argument("--offers", type=int, default=6_000)
    parser.add_argument("--seats", type=int, default=3)
    parser.add_argument("--classes", type=int, default=20, help="classes of 30 timed")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    started = time.perf_counter()
    schools, communes = reference_from_files()
    dep = build_departement(
        schools,
        communes,
        pupils=args.pupils,
        colleges=args.colleges,
        offers=args.offers,
        seats_per_offer=args.seats,
        seed=args.seed,
    )
    build_s = time.perf_counter() - started
    arcs_per_pupil = statistics.mean(len(dep.reach[p.school_id][0]) for p in dep.pupils)

    started, cpu = time.perf_counter(), time.process_time()
    optimal = solve(dep.pupils, dep.periods, dep.reach)
    optimal_s, optimal_cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = peak_rss_mib()

    started, cpu = time.perf_counter(), time.process_time()
    greedy = first_come_first_served(dep.pupils, dep.periods, dep.reach, seed=args.seed)
    greedy_s, greedy_cpu = time.perf_counter() - started, time.process_time() - cpu

    # Classes of 30: 30 pupils of one school in one week, against the whole département's seats.
    class_times, class_greedy_times, class_placed = [], [], []
    by_school = {}
    for pupil in dep.pupils:
        by_school.setdefault(pupil.school_id, []).append(pupil)
    week = (dep.pupils[0].window_start, dep.pupils[0].window_end)
    for school_pupils in list(by_school.values())[: args.classes]:
        klass = [replace(p, window_start=week[0], window_end=week[1]) for p in school_pupils[:30]]
        started = time.perf_counter()
        result = solve(klass, dep.periods, dep.reach)
        class_times.append(time.perf_counter() - started)
        class_placed.append(result.placed)
        started = time.perf_counter()
        first_come_first_served(klass, dep.periods, dep.reach)
        class_greedy_times.append(time.perf_counter() - started)

    q_opt, q_greedy = quality(optimal, dep), quality(greedy, dep)
    seats = sum(p.seats_left for p in dep.periods)
    print(f"Python {platform.python_version()}, {platform.machine()}; seed {args.seed}")
    print(
        f"{len(dep.pupils):,} pupils ({len(dep.rep_pupils):,} in REP/REP+ collèges) in "
        f"{args.colleges} collèges; {len(dep.periods):,} offers, {seats:,} seats; "
        f"{arcs_per_pupil:.0f} candidate periods per pupil on average; "
        f"{optimal.stats['groups']:,} pupil groups, {optimal.stats['arcs']:,} arcs"
    )
    print(
        f"Building the département: {build_s:.2f} s (travel times: {dep.timings['travel_s']:.2f} s)"
    )
    print()
    print("| Département            | optimal (min-cost flow) | greedy (first come) |")
    print("|------------------------|------------------------:|--------------------:|")
    print(f"| pupils placed          | {q_opt['placed']:>23,} | {q_greedy['placed']:>19,} |")
    print(f"| seats filled           | {q_opt['filled']:>22.1%} | {q_greedy['filled']:>18.1%} |")
    print(f"| mean travel (min)      | {q_opt['mean']:>23.1f} | {q_greedy['mean']:>19.1f} |")
    print(f"| 90th pct travel (min)  | {q_opt['p90']:>23.0f} | {q_greedy['p90']:>19.0f} |")
    print(f"| REP/REP+ pupils placed | {q_opt['rep']:>23,} | {q_greedy['rep']:>19,} |")
    print(f"| a wish honoured        | {q_opt['wish']:>23,} | {q_greedy['wish']:>19,} |")
    print(f"| time (s, wall clock)   | {optimal_s:>23.2f} | {greedy_s:>19.2f} |")
    print(f"| time (s, CPU)          | {optimal_cpu:>23.2f} | {greedy_cpu:>19.2f} |")
    print(f"| peak RSS (MiB)         | {rss:>23.0f} |                     |")
    print()
    print(f"| Class of 30 ({len(class_times)} classes) | optimal | greedy |")
    print("|--------------------------|--------:|-------:|")
    print(
        f"| median time (s)          | {statistics.median(class_times):>7.3f} | "
        f"{statistics.median(class_greedy_times):>6.3f} |"
    )
    print(
        f"| max time (s)             | {max(class_times):>7.3f} | {max(class_greedy_times):>6.3f} |"
    )
    print(f"| pupils placed (mean)     | {statistics.mean(class_placed):>7.1f} |        |")


if __name__ == "__main__":
    main()
