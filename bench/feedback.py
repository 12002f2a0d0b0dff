"""Benchmark of the feedback figures of the staff dashboard (issue 13, point 4), beside the
naive way, on SQLite and PostgreSQL in the same run.

The synthetic school year of bench/indicators.py is built (20,000 pupils, 15,000 validated
placements, with their answers: a pupil answer for 70 % of the placements, a company answer for
80 %, a recruitment for 3 %). Timed (milliseconds):
- `feedback figures`: `indicators.feedback.figures` alone (the dashboard's application pass,
  which reads the answers with its placements: on the page it is shared with the other
  figures), with random filters, then with none;
- `feedback, naive`: every placement of the year loaded with the ORM (its pupil, class and
  school), its answers and recruitments read one placement at a time, every figure computed
  in Python; checked equal to the fast figures;
- `dashboard figures (services.compute)`: the rest of the dashboard, for scale: what the
  feedback section adds to a page.

    .venv/bin/python bench/feedback.py [--database-url postgresql://u:p@127.0.0.1/db]
"""

import argparse
import random
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import indicators as year_data  # noqa: E402
from capindustrie.extensions import db  # noqa: E402
from capindustrie.indicators import feedback, services  # noqa: E402
from capindustrie.indicators.filters import Filters  # noqa: E402
from capindustrie.models import (  # noqa: E402
    CompanyFeedback,
    Epci,
    Placement,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    Recruitment,
    SchoolClass,
)

YEAR = year_data.YEAR
NOW = year_data.NOW


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--naive-repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--skip-sqlite", action="store_true")
    return parser.parse_args()


def naive_figures(f: Filters) -> dict:
    """The year's placements through the ORM, one placement's answers at a time, in Python."""
    placements = db.session.scalars(
        sa.select(Placement).options(
            joinedload(Placement.pupil)
            .joinedload(Pupil.school_class)
            .joinedload(SchoolClass.school)
        )
    ).all()
    pupil_answers, company_answers, recruitments = [], [], 0
    for placement in placements:
        if placement.pupil.school_class.school_year != f.year:
            continue
        answer = db.session.scalar(
            sa.select(PupilFeedback).where(PupilFeedback.placement_id == placement.id)
        )
        if answer is not None:
            pupil_answers.append(answer)
        company = db.session.scalar(
            sa.select(CompanyFeedback).where(CompanyFeedback.placement_id == placement.id)
        )
        if company is not None:
            company_answers.append(company)
        recruitments += len(
            db.session.scalars(
                sa.select(Recruitment).where(Recruitment.placement_id == placement.id)
            ).all()
        )
    n, m = len(pupil_answers), len(company_answers)
    return {
        "pupil_answers": n,
        "desire_before": sum(a.desire_before for a in pupil_answers) / n if n else None,
        "desire_after": sum(a.desire_after for a in pupil_answers) / n if n else None,
        "desire_up_share": sum(a.desire_after > a.desire_before for a in pupil_answers) / n
        if n
        else None,
        "programme_share": sum(a.programme_followed == ProgrammeFollowed.YES for a in pupil_answers)
        / n
        if n
        else None,
        "company_answers": m,
        "company_satisfaction": sum(a.satisfaction for a in company_answers) / m if m else None,
        "host_again_share": sum(a.would_host_again for a in company_answers) / m if m else None,
        "recruitments": recruitments,
    }


def measure(app, rnd: random.Random, args) -> list[tuple]:
    rows = []
    timed = year_data.timed
    with app.app_context():
        counts = {"pupil": db.session.scalar(sa.select(sa.func.count(PupilFeedback.id)))}
        epcis = list(db.session.scalars(sa.select(Epci.siren)))
        filters = [year_data.random_filters(rnd, epcis) for _ in range(args.repeat)]
        iterator = iter(filters)
        times, _ = timed(lambda: feedback.figures(next(iterator)), args.repeat)
        rows.append(
            ("feedback figures (the dashboard's application pass)", times, "random filters")
        )
        fast_times, fast = timed(lambda: feedback.figures(Filters(YEAR)), args.repeat)
        naive_times, naive = timed(lambda: naive_figures(Filters(YEAR)), args.naive_repeat)
        for key, value in naive.items():
            got = fast.values[key]
            assert got == value or abs(got - value) < 1e-9, (key, got, value)
        rows.append(("feedback figures, no filter", fast_times, f"{counts['pupil']} answers"))
        rows.append(
            (
                "feedback, naive (ORM, one placement at a time)",
                naive_times,
                f"same figures; {year_data.ratio(naive_times, fast_times)}",
            )
        )
        iterator = iter(filters)
        times, _ = timed(lambda: services.compute(next(iterator), NOW), args.repeat)
        rows.append(("dashboard figures (services.compute), for scale", times, "random filters"))
        db.engine.dispose()
    return rows


def main() -> None:
    year_data.run(parse_args(), measure)


if __name__ == "__main__":
    main()
