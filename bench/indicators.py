"""Benchmark of the indicators (issue 13): the staff dashboard, the table by EPCI and the
coverage of the 263 schools, beside the naive way, on SQLite and PostgreSQL in the same run.

A synthetic school year 2026-2027 at département scale is bulk-inserted (core `insert()`
executemany, explicit ids) on top of the real migrations and reference data: 1,200 companies,
6,000 published offers (1–2 periods each) around the 507 town halls, 800 classes of 25 pupils
(20,000 pupils with their accounts) spread over the 263 schools, 40,000 applications (with the
company's answer recorded as a transition), 15,000 validated placements (at most one a pupil,
never more than a period's seats), 200 events with a session each and two class
registrations with attendance and satisfaction; and the answers after the internship (a
pupil answer for 70 % of the placements, a company answer for 80 %, a recruitment for 3 %),
whose figures are on the dashboard page too.

Timed (milliseconds, each several times):
- `dashboard page`: GET /agents/indicateurs as staff through the test client (every figure,
  three SVG charts, template), with filters drawn at random (none, an EPCI, REP, a level, a
  filière); `dashboard figures`: `services.compute` alone;
- `by EPCI`: `territory.by_epci` (grouped queries) against the naive way: a Python loop per EPCI
  loading its pupils with the ORM and counting their applications and placements in Python;
- `dashboard, naive`: every application of the year loaded with the ORM (period, offer,
  pupil, class, school, transitions) and every figure counted in Python loops;
- `coverage`: `coverage.compute_coverage` (one grouped SQL query for the 263 schools, then the
  train legs in Python) against `coverage.coverage_naive` (a Python loop per school: one query,
  a geodesic and the search's own train estimate per offer); then `coverage.coverage`, what the
  page reads: kept until an offer changes (the first run computes).
The naive results are checked equal to the fast ones.

    .venv/bin/python bench/indicators.py            # SQLite, then PostgreSQL if --database-url
    .venv/bin/python bench/indicators.py --database-url postgresql://u:p@127.0.0.1/db

The PostgreSQL database must exist; its `public` schema is dropped and rebuilt.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    JANUARY_MONDAYS,
    SECONDE,
    bench_app,
    cpu_model,
    engine_label,
    fresh_database,
    p95,
)
from capindustrie.extensions import db  # noqa: E402
from capindustrie.indicators import coverage, services, territory  # noqa: E402
from capindustrie.indicators.filters import Filters  # noqa: E402
from capindustrie.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Commune,
    Company,
    CompanyFeedback,
    CompanyStatus,
    Epci,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    Filiere,
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    Period,
    Placement,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    Recruitment,
    RecruitmentKind,
    Registration,
    RegistrationStatus,
    Role,
    School,
    SchoolClass,
    SchoolType,
    User,
)
from capindustrie.search.indexing import search_columns  # noqa: E402

S = ApplicationStatus
YEAR = 2026
NOW = dt.datetime(2027, 3, 1, 12)
TODAY = dt.date(2026, 12, 1)
SCALE = {
    "companies": 1200,
    "offers": 6000,
    "classes": 800,
    "pupils_per_class": 25,
    "applications": 40_000,
    "placements": 15_000,
    "events": 200,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20, help="timings of each fast query")
    parser.add_argument("--naive-repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    return parser.parse_args()


# Data ------------------------------------------------------------------------------------------

ANSWERED = dt.datetime(2027, 2, 1, 10)


def build(url: str, rnd: random.Random):
    from flask_migrate import upgrade

    from capindustrie.refdata.services import load_reference_data

    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_reference_data()
        migrated = time.perf_counter()
        insert_year(rnd)
        answers = insert_answers(rnd)
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        print(
            f"  migrations + reference data {migrated - started:.1f} s, synthetic year "
            f"inserted and analysed {time.perf_counter() - migrated:.1f} s; feedback answers "
            f"{answers}",
            flush=True,
        )
    return app


def insert_year(rnd: random.Random) -> None:
    communes = db.session.execute(
        sa.select(
            Commune.insee, Commune.latitude_townhall, Commune.longitude_townhall, Commune.name
        )
    ).all()
    schools = db.session.execute(sa.select(School.id, School.kind)).all()
    created = dt.datetime(2026, 9, 10)
    filieres = list(Filiere)
    users, companies, offers, periods = [], [], [], []
    user_id = 0

    def new_user(role, **fields):
        nonlocal user_id
        user_id += 1
        users.append(
            {
                "id": user_id,
                "role": role,
                "password_hash": "x",
                "first_name": "Bench",
                "last_name": f"N{user_id}",
                "created_at": created,
                "email": None,
                "username": None,
                "company_id": None,
                "school_id": None,
                **fields,
            }
        )
        return user_id

    company_users = {}
    for n in range(1, SCALE["companies"] + 1):
        companies.append(
            {
                "id": n,
                "siret": f"{10_000_000_000_000 + n}",
                "name": f"Usine {n}",
                "filiere": rnd.choice(filieres),
                "status": CompanyStatus.APPROVED,
                "commune_insee": rnd.choice(communes)[0],
                "created_at": created,
            }
        )
    for company in companies:
        company_users[company["id"]] = new_user(
            Role.COMPANY, email=f"c{company['id']}@x.fr", company_id=company["id"]
        )
    period_id = 0
    for n in range(1, SCALE["offers"] + 1):
        insee, lat, lon, name = rnd.choice(communes)
        company = companies[rnd.randrange(len(companies))]
        levels = rnd.choice([("3e",), ("2nde",), ("3e", "2nde")])
        site = (lat + rnd.uniform(-0.018, 0.018), lon + rnd.uniform(-0.027, 0.027))
        offers.append(
            {
                "id": n,
                "company_id": company["id"],
                "filiere": company["filiere"],
                "title": f"Offre {n}",
                "summary": "Découverte.",
                "for_3e": "3e" in levels,
                "for_2nde": "2nde" in levels,
                "status": OfferStatus.PUBLISHED,
                "site_commune_insee": insee,
                "latitude": site[0],
                "longitude": site[1],
                **search_columns(f"Offre {n}", "Découverte.", company["name"], name, *site),
                "geo_precision": GeoPrecision.ADDRESS,
                "reserved_priority_education": False,
                "observation_commitment_at": created,
                "created_at": created,
                "updated_at": created,
                "published_at": created,
            }
        )
        for level in rnd.sample(levels, len(levels)) if rnd.random() < 0.5 else levels[:1]:
            period_id += 1
            if level == "2nde":
                start, end = SECONDE
            else:
                start = rnd.choice(JANUARY_MONDAYS)
                end = start + dt.timedelta(days=4)
            periods.append(
                {
                    "id": period_id,
                    "offer_id": n,
                    "level": Level(level),
                    "start_date": start,
                    "end_date": end,
                    "seats": rnd.randint(2, 8),
                    "seats_taken": 0,
                }
            )
    by_level = {lvl: [p for p in periods if p["level"] == lvl] for lvl in Level}

    classes, pupils = [], []
    for n in range(1, SCALE["classes"] + 1):
        school_id, kind = rnd.choice(schools)
        level = Level.TROISIEME if kind == SchoolType.COLLEGE else Level.SECONDE
        classes.append(
            {
                "id": n,
                "school_id": school_id,
                "name": f"C{n}",
                "level": level,
                "school_year": YEAR,
                "created_at": created,
            }
        )
        for _ in range(SCALE["pupils_per_class"]):
            uid = new_user(Role.PUPIL, username=f"eleve{user_id + 1}")
            pupils.append({"id": len(pupils) + 1, "user_id": uid, "class_id": n})
    class_level = {c["id"]: c["level"] for c in classes}

    applications, transitions, placements = [], [], []
    placed_pupils = set()
    seen = set()
    rnd.shuffle(pupils)
    target_placements = SCALE["placements"]
    while len(applications) < SCALE["applications"]:
        pupil = pupils[len(applications) % len(pupils)]
        period = rnd.choice(by_level[class_level[pupil["class_id"]]])
        if (pupil["id"], period["id"]) in seen:
            continue
        seen.add((pupil["id"], period["id"]))
        app_id = len(applications) + 1
        applied = dt.datetime(2026, 10, 1) + dt.timedelta(hours=rnd.randint(0, 24 * 90))
        status = rnd.choice([S.SUBMITTED, S.REFUSED, S.WITHDRAWN, S.EXPIRED, S.CONFIRMED])
        if (
            len(placements) < target_placements
            and pupil["id"] not in placed_pupils
            and period["seats_taken"] < period["seats"]
        ):
            status = S.VALIDATED
        if status in (S.CONFIRMED, S.VALIDATED):
            if period["seats_taken"] >= period["seats"]:
                status = S.REFUSED
            else:
                period["seats_taken"] += 1
        applications.append(
            {
                "id": app_id,
                "pupil_id": pupil["id"],
                "period_id": period["id"],
                "status": status,
                "message": "Bonjour",
                "created_at": applied,
                "status_changed_at": applied,
                "answer_days": None,
            }
        )
        if status in (S.REFUSED, S.CONFIRMED, S.VALIDATED):
            offer = offers[period["offer_id"] - 1]
            answered = applied + dt.timedelta(hours=rnd.randint(2, 24 * 12))
            transitions.append(
                {
                    "application_id": app_id,
                    "actor_id": company_users[offer["company_id"]],
                    "from_status": S.SUBMITTED,
                    "to_status": S.REFUSED if status == S.REFUSED else S.ACCEPTED,
                    "created_at": answered,
                }
            )
            # As states.transition keeps it (the naive way below reads the transitions).
            applications[-1]["answer_days"] = (answered - applied).total_seconds() / 86400
        if status == S.VALIDATED:
            placed_pupils.add(pupil["id"])
            placements.append(
                {
                    "application_id": app_id,
                    "pupil_id": pupil["id"],
                    "period_id": period["id"],
                    "validated_at": applied + dt.timedelta(days=15),
                }
            )

    events, sessions, registrations = [], [], []
    for n in range(1, SCALE["events"] + 1):
        insee = rnd.choice(communes)[0]
        start = dt.datetime(2026, 10, 5, 8) + dt.timedelta(days=rnd.randint(0, 200))
        events.append(
            {
                "id": n,
                "kind": EventKind.VISIT,
                "title": f"Visite {n}",
                "description": "Visite.",
                "audience": EventAudience.ALL,
                "status": EventStatus.PUBLISHED,
                "address": "1 rue",
                "postcode": "77000",
                "commune_insee": insee,
                "registration_opens_at": dt.datetime(2026, 9, 1),
                "registration_closes_at": dt.datetime(2026, 10, 1),
                "cancellation_days": 2,
                "names_days": 7,
                "allow_individual": False,
                "waitlist_allow_skip": False,
                "created_at": created,
                "published_at": created,
            }
        )
        sessions.append(
            {
                "id": n,
                "event_id": n,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=3),
                "capacity": 100,
                "seats_taken": 50,
            }
        )
        for klass in rnd.sample(classes, 2):
            registrations.append(
                {
                    "session_id": n,
                    "class_id": klass["id"],
                    "pupils": 25,
                    "adults": 0,
                    "status": RegistrationStatus.CONFIRMED,
                    "queued_at": created,
                    "confirmed_at": created,
                    "created_at": created,
                    "present_count": rnd.randint(15, 25) if start < NOW else None,
                    "satisfaction": rnd.randint(2, 5) if start < NOW else None,
                }
            )

    for model, rows in (
        (Company, companies),
        (User, users),
        (Offer, offers),
        (Period, periods),
        (SchoolClass, classes),
        (Pupil, pupils),
        (Application, applications),
        (ApplicationTransition, transitions),
        (Placement, placements),
        (Event, events),
        (EventSession, sessions),
        (Registration, registrations),
    ):
        for chunk in range(0, len(rows), 5000):
            db.session.execute(sa.insert(model.__table__), rows[chunk : chunk + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for model in (
            User,
            Company,
            Offer,
            Period,
            SchoolClass,
            Pupil,
            Application,
            ApplicationTransition,
            Placement,
            Event,
            EventSession,
            Registration,
        ):
            table = model.__tablename__
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )
        db.session.commit()
    print(
        f"  {len(pupils):,} pupils, {len(offers):,} offers ({len(periods):,} periods), "
        f"{len(applications):,} applications, {len(placements):,} placements, "
        f"{len(events)} events",
        flush=True,
    )


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
    return {"pupil": len(pupils), "company": len(companies), "recruitments": len(recruitments)}


# The naive way ---------------------------------------------------------------------------------


def naive_dashboard(f: Filters) -> dict:
    """Every application of the year as ORM objects, every figure counted in Python."""
    applications = (
        db.session.scalars(
            sa.select(Application).options(
                joinedload(Application.period).joinedload(Period.offer),
                joinedload(Application.pupil)
                .joinedload(Pupil.school_class)
                .joinedload(SchoolClass.school),
                selectinload(Application.transitions),
            )
        )
        .unique()
        .all()
    )
    placements = {p.application_id for p in db.session.scalars(sa.select(Placement))}
    scoped = [
        a
        for a in applications
        if f.start <= a.period.start_date < f.end
        and a.period.offer.published_at
        and a.pupil.school_class.school_year == f.year
    ]
    days = sorted(
        (min(t.created_at for t in answers) - a.created_at).total_seconds() / 86400
        for a in scoped
        if (
            answers := [
                t
                for t in a.transitions
                if t.actor_id is not None and t.to_status in (S.ACCEPTED, S.REFUSED)
            ]
        )
    )
    pupils = db.session.scalars(
        sa.select(Pupil).join(SchoolClass).where(SchoolClass.school_year == f.year)
    ).all()
    return {
        "pupils": len(pupils),
        "applications": len(scoped),
        "applicants": len({a.pupil_id for a in scoped}),
        "confirmed": sum(1 for a in scoped if a.status in (S.CONFIRMED, S.VALIDATED)),
        "validated": sum(1 for a in scoped if a.id in placements),
        "answer_days": (days[(len(days) - 1) // 2] + days[len(days) // 2]) / 2 if days else None,
    }


def naive_by_epci(f: Filters) -> dict:
    """A Python loop per EPCI: its pupils as ORM objects, their applications counted one by
    one (the way a first version would write it)."""
    result = {}
    for epci in db.session.scalars(sa.select(Epci)):
        pupils = db.session.scalars(
            sa.select(Pupil)
            .join(SchoolClass)
            .join(School)
            .join(Commune)
            .where(Commune.epci_siren == epci.siren, SchoolClass.school_year == f.year)
            .options(selectinload(Pupil.user))
        ).all()
        applicants = validated = 0
        for pupil in pupils:
            applications = db.session.scalars(
                sa.select(Application).where(Application.pupil_id == pupil.id)
            ).all()
            applicants += bool(applications)
            validated += (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Placement)
                    .where(Placement.pupil_id == pupil.id)
                )
                or 0
            )
        result[epci.siren] = (len(pupils), applicants, validated)
    return result


# Timing ----------------------------------------------------------------------------------------


CPU = {}  # id(times) -> CPU milliseconds of this process, one a run


def timed(function, repeat: int) -> tuple[list[float], object]:
    """Wall-clock milliseconds of each run (and this process's CPU time, kept in CPU: on a
    shared machine the wall clock includes waiting for a core; for SQLite, which runs in this
    process, CPU time is the work itself)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        db.session.rollback()  # nothing cached between runs
    CPU[id(times)] = cpu
    return times, result


def ratio(naive: list[float], fast: list[float]) -> str:
    return f"{statistics.median(naive) / statistics.median(fast):.0f}× slower"


def random_filters(rnd: random.Random, epcis: list[str]) -> Filters:
    choice = rnd.randrange(5)
    if choice == 1:
        return Filters(YEAR, epci=rnd.choice(epcis))
    if choice == 2:
        return Filters(YEAR, priority="rep")
    if choice == 3:
        return Filters(YEAR, level=rnd.choice(list(Level)))
    if choice == 4:
        return Filters(YEAR, filiere=rnd.choice(list(Filiere)))
    return Filters(YEAR)


def measure(app, rnd: random.Random, args) -> list[tuple]:
    from capindustrie.indicators import routes

    rows = []
    with app.app_context():
        staff = User(
            role=Role.STAFF,
            email="staff@bench.fr",
            password_hash="x",
            first_name="Agent",
            last_name="Bench",
        )
        db.session.add(staff)
        db.session.commit()
        from capindustrie.auth.session import open_session

        staff_login = open_session(staff, dt.timedelta(hours=8))
        db.session.commit()
        epcis = list(db.session.scalars(sa.select(Epci.siren)))
        filters = [random_filters(rnd, epcis) for _ in range(args.repeat)]

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = staff_login
            session["_fresh"] = True
            session["two_factor_for"] = staff_login  # the second factor is passed
        routes.utcnow = lambda: NOW  # the synthetic year is 2026-2027
        client.get("/agents/indicateurs")  # warm-up
        pages = iter(filters)

        def page():
            response = client.get("/agents/indicateurs", query_string=next(pages).query_args())
            assert response.status_code == 200, response.status_code

        times, _ = timed(page, args.repeat)
        rows.append(("dashboard page (HTTP, figures + 3 charts)", times, "random filters"))

        iterator = iter(filters * 2)
        times, _ = timed(lambda: services.compute(next(iterator), NOW), args.repeat)
        rows.append(("dashboard figures (services.compute)", times, "random filters"))
        fast_times, fast = timed(lambda: services.compute(Filters(YEAR), NOW), args.repeat)
        naive_times, naive = timed(lambda: naive_dashboard(Filters(YEAR)), args.naive_repeat)
        for key, value in naive.items():
            assert fast[key] == value or abs(fast[key] - value) < 1e-6, (key, fast[key], value)
        rows.append(("dashboard figures, no filter", fast_times, ""))
        rows.append(
            (
                "dashboard, naive (ORM rows, Python loops)",
                naive_times,
                f"same figures; {ratio(naive_times, fast_times)}",
            )
        )

        fast_times, table = timed(lambda: territory.by_epci(Filters(YEAR)), args.repeat)
        naive_times, naive = timed(lambda: naive_by_epci(Filters(YEAR)), args.naive_repeat)
        for row in table.rows:
            assert naive[row["siren"]] == (row["pupils"], row["applicants"], row["validated"])
        rows.append(("table by EPCI (grouped SQL)", fast_times, "23 rows"))
        rows.append(
            (
                "table by EPCI, naive (loop per EPCI and pupil)",
                naive_times,
                f"same table; {ratio(naive_times, fast_times)}",
            )
        )

        fast_times, fast = timed(lambda: coverage.compute_coverage(TODAY), args.repeat)
        naive_times, naive = timed(lambda: coverage.coverage_naive(TODAY), args.naive_repeat)
        assert fast == naive, "coverage differs from the naive computation"
        rows.append(("coverage of the 263 schools, computed (SQL + train legs)", fast_times, ""))
        rows.append(
            (
                "coverage, naive (loop per school, geodesics, the search's train estimate)",
                naive_times,
                f"same table; {ratio(naive_times, fast_times)}",
            )
        )
        cached_times, cached = timed(lambda: coverage.coverage(TODAY), args.repeat)
        assert cached == fast
        rows.append(
            (
                "coverage as the page reads it (kept until an offer changes)",
                cached_times,
                "the first run computes",
            )
        )
        db.engine.dispose()
    return rows


def main() -> None:
    run(parse_args(), measure)


def run(args, measure_rows) -> None:
    """Build the synthetic year on each engine, take `measure_rows(app, rnd, args)`'s timings
    and print them as one table (bench/feedback.py runs its own measurements through here)."""
    print(
        f"{dt.date.today():%Y-%m-%d} — {cpu_model()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        urls = [] if args.skip_sqlite else [fresh_database(None, Path(tmp), 0)]
        if args.database_url:
            urls.append(fresh_database(args.database_url, Path(tmp), 0))
        for url in urls:
            rnd = random.Random(args.seed)
            app = build(url, rnd)
            engine = engine_label(app)
            print(f"{engine}: measuring…", flush=True)
            results += [(engine, *row) for row in measure_rows(app, rnd, args)]
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}\n")
    print("| engine | what | median ms | p95 ms | CPU median ms | runs | notes |")
    print("|---|---|---:|---:|---:|---:|---|")
    for engine, what, times, note in results:
        cpu = statistics.median(CPU[id(times)])
        print(
            f"| {engine} | {what} | {statistics.median(times):.1f} | {p95(times):.1f} | "
            f"{cpu:.1f} | {len(times)} | {note} |"
        )


if __name__ == "__main__":
    main()
