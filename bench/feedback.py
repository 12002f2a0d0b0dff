"""Benchmark of the feedback figures of the staff dashboard (issue 13, point 4), beside the
naive way, on SQLite and PostgreSQL in the same run.

The synthetic school year of bench/indicators.py (20,000 pupils, 15,000 validated placements)
is built, then answers are bulk-inserted: a pupil answer for 70 % of the placements, a company
answer for 80 %, a recruitment for 3 %. Timed (milliseconds):
- `feedback figures`: `indicators.feedback.figures` (three aggregate queries over the
  dashboard's own placement scope), with random filters, then with none;
- `feedback, naive`: every placement of the year loaded with the ORM (its pupil, class and
  school), its answers and recruitments read one placement at a time, every figure computed
  in Python; checked equal to the fast figures;
- `dashboard figures (services.compute)`: the rest of the dashboard, for scale: what the
  feedback section adds to a page.

    .venv/bin/python bench/feedback.py [--database-url postgresql://u:p@127.0.0.1/db]
"""

import argparse
import datetime as dt
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
    RecruitmentKind,
    SchoolClass,
)

YEAR = year_data.YEAR
NOW = year_data.NOW
ANSWERED = dt.datetime(2027, 2, 1, 10)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--naive-repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--skip-sqlite", action="store_true")
    return parser.parse_args()


def insert_answers(rnd: random.Random) -> dict:
    placement_ids = list(db.session.scalars(sa.select(Placement.id).order_by(Placement.id)))
    pupils, companies, recruitments = [], [], []
    for placement_id in placement_ids:
        if rnd.random() < 0.7:
            before = rnd.randint(1, 5)
            pupils.append(
                {
                    "placement_id": placement_id,
                    "desire_before": before,
                    "desire_after": min(5, max(1, before + rnd.choice((-1, 0, 1, 1, 2)))),
                    "programme_followed": rnd.choice(list(ProgrammeFollowed)).value,
                    "liked": "L'atelier et les robots.",
                    "first_answered_at": ANSWERED,
                    "updated_at": ANSWERED,
                }
            )
        if rnd.random() < 0.8:
            companies.append(
                {
                    "placement_id": placement_id,
                    "satisfaction": rnd.randint(2, 5),
                    "would_host_again": rnd.random() < 0.85,
                    "first_answered_at": ANSWERED,
                    "updated_at": ANSWERED,
                }
            )
        if rnd.random() < 0.03:
            recruitments.append(
                {
                    "placement_id": placement_id,
                    "kind": rnd.choice(list(RecruitmentKind)).value,
                    "started_on": dt.date(2027, 7, 5),
                    "recorded_at": ANSWERED,
                }
            )
    db.session.execute(sa.insert(PupilFeedback), pupils)
    db.session.execute(sa.insert(CompanyFeedback), companies)
    db.session.execute(sa.insert(Recruitment), recruitments)
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    return {"pupil": len(pupils), "company": len(companies), "recruitments": len(recruitments)}


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
        counts = insert_answers(rnd)
        print(f"  answers inserted: {counts}", flush=True)
        epcis = list(db.session.scalars(sa.select(Epci.siren)))
        filters = [year_data.random_filters(rnd, epcis) for _ in range(args.repeat)]
        iterator = iter(filters)
        times, _ = timed(lambda: feedback.figures(next(iterator)), args.repeat)
        rows.append(("feedback figures (3 aggregate queries)", times, "random filters"))
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
