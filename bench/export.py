"""Benchmark of the offer export (issue 11): full and incremental runs, beside the naive way.

Builds a fresh database (real migrations and reference data) with N published offers (20,000
by default; a third open to 3e and 2nde, so two records each), their periods and day-by-day
programmes (5 days for 3e, 10 with 2nde), then measures, in the same run:

- `full`: runs.run_export(FULL) — keyset batches of plain rows, records streamed to CSV and JSON
  files written atomically; the JSON is then checked against the schema on a sample of records;
- `incremental`: after 1 % of the offers changed, runs.run_export(INCREMENTAL);
- `naive full` / `naive incremental`: one ORM query per offer (and lazy loads for its company,
  commune, periods, programme), every record kept in a list, each file built as one string in
  memory, then written; the incremental one loads every offer to compare its `updated_at`.

Each is timed without tracemalloc (wall clock), then run again under tracemalloc for the peak
of Python allocations (tracemalloc slows Python down: its times are not the ones reported).

    .venv/bin/python bench/export.py                      # SQLite file in a temporary directory
    .venv/bin/python bench/export.py --database-url postgresql://u:p@127.0.0.1/db --sizes 20000
"""

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    JANUARY_MONDAYS,
    SECONDE,
    bench_app,
    fresh_database,
    insert_rows,
)
from capindustrie.exports import formats, runs  # noqa: E402
from capindustrie.exports.formats import OfferData, PeriodData, RecordBuilder  # noqa: E402
from capindustrie.extensions import db  # noqa: E402
from capindustrie.models import (  # noqa: E402
    Commune,
    Company,
    CompanyStatus,
    ExportKind,
    ExportStatus,
    Filiere,
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    Period,
    ProgramDay,
)
from capindustrie.search.indexing import search_columns  # noqa: E402

WORDS = [
    "mécanique",
    "usinage",
    "soudure",
    "qualité",
    "logistique",
    "maintenance",
    "électronique",
    "robotique",
    "emballage",
    "laboratoire",
    "plasturgie",
    "atelier",
    "production",
    "contrôle",
    "sécurité",
    "assemblage",
    "chaudronnerie",
    "énergie",
]
SAMPLE = 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--database-url", default=os.environ.get("CAPINDUSTRIE_BENCH_DATABASE_URL"))
    parser.add_argument("--seed", type=int, default=77)
    return parser.parse_args()


def build(url: str, size: int, rnd: random.Random, export_dir: Path):
    from flask_migrate import upgrade

    from capindustrie.refdata.services import load_reference_data

    app = bench_app(url, EXPORT_DIR=str(export_dir), EXPORT_ASYNC=False)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_reference_data()
        insert_offers(size, rnd)
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        print(f"  database built in {time.perf_counter() - started:.1f} s", flush=True)
    return app


def insert_offers(size: int, rnd: random.Random) -> None:
    communes = db.session.execute(
        sa.select(
            Commune.insee,
            Commune.latitude_townhall,
            Commune.longitude_townhall,
            Commune.name,
            Commune.postcodes,
        )
    ).all()
    now = dt.datetime(2026, 11, 2, 9)
    company_count = max(1, size // 5)
    companies = [
        {
            "id": n,
            "siret": f"{10_000_000_000_000 + n}",
            "name": f"Industrie {n}",
            "filiere": rnd.choice(list(Filiere)),
            "status": CompanyStatus.APPROVED,
            "presentation": None
            if n % 10 == 0
            else "Entreprise industrielle : " + ", ".join(rnd.sample(WORDS, 8)) + ".",
            "website": f"https://industrie-{n}.example.fr",
            "created_at": now,
        }
        for n in range(1, company_count + 1)
    ]
    offers, periods, days = [], [], []
    for n in range(1, size + 1):
        insee, lat, lon, commune_name, postcodes = rnd.choice(communes)
        company = companies[rnd.randrange(company_count)]
        levels = ("3e", "2nde") if n % 3 == 0 else rnd.choice([("3e",), ("2nde",)])
        title = " ".join(rnd.sample(WORDS, 3)).capitalize()
        summary = "Découverte : " + ", ".join(rnd.sample(WORDS, 12)) + "."
        site = (lat + rnd.uniform(-0.018, 0.018), lon + rnd.uniform(-0.027, 0.027))
        offers.append(
            {
                "id": n,
                "company_id": company["id"],
                "filiere": company["filiere"],
                "title": title,
                "summary": summary,
                "for_3e": "3e" in levels,
                "for_2nde": "2nde" in levels,
                "status": OfferStatus.PUBLISHED,
                "site_address": f"{n} rue de l'Industrie",
                "site_postcode": postcodes.split()[0],
                "site_commune_insee": insee,
                "latitude": site[0],
                "longitude": site[1],
                **search_columns(title, summary, company["name"], commune_name, *site),
                "geo_precision": GeoPrecision.ADDRESS,
                "pmr_access": n % 4 == 0,
                "day_start": dt.time(9),
                "day_end": dt.time(16, 30),
                "break_start": dt.time(12),
                "break_end": dt.time(13),
                "meals": "Repas au restaurant d'entreprise.",
                "observation_commitment_at": now,
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            }
        )
        for level in levels:
            if level == "2nde":
                start, end = SECONDE
            else:
                start = rnd.choice(JANUARY_MONDAYS)
                end = start + dt.timedelta(days=4)
            seats = rnd.randint(1, 6)
            periods.append(
                {
                    "offer_id": n,
                    "level": Level(level),
                    "start_date": start,
                    "end_date": end,
                    "seats": seats,
                    "seats_taken": rnd.randint(0, seats),
                }
            )
        for day in range(1, (10 if "2nde" in levels else 5) + 1):
            days.append(
                {
                    "offer_id": n,
                    "day_number": day,
                    "title": f"Jour {day}",
                    "activities": "Observation : " + ", ".join(rnd.sample(WORDS, 5)),
                }
            )
    insert_rows(
        ((Company, companies), (Offer, offers), (Period, periods), (ProgramDay, days)),
        ("company", "offer", "period", "program_day"),
    )


# The naive way ---------------------------------------------------------------------------------


def naive_offer_data(offer: Offer) -> OfferData:
    commune = offer.site_commune
    company = offer.company
    data = OfferData(
        offer.id,
        offer.status.value,
        offer.title,
        offer.summary,
        offer.filiere.value,
        offer.for_3e,
        offer.for_2nde,
        offer.latitude,
        offer.longitude,
        offer.site_address,
        offer.site_postcode,
        commune.name if commune else None,
        commune.postcodes if commune else None,
        commune.latitude_townhall if commune else None,
        commune.longitude_townhall if commune else None,
        commune.epci.siren if commune else None,
        commune.epci.name if commune else None,
        offer.pmr_access,
        offer.reserved_priority_education,
        offer.day_start,
        offer.day_end,
        offer.break_start,
        offer.break_end,
        offer.meals,
        offer.published_at,
        offer.updated_at,
        company.name,
        company.presentation,
        company.website,
        company.siret,
    )
    data.periods = [
        PeriodData(p.level.value, p.start_date, p.end_date, p.seats, p.seats_taken)
        for p in offer.periods
    ]
    data.program = [(d.day_number, d.title, d.activities) for d in offer.program_days]
    return data


def naive_export(export_dir: Path, since: dt.datetime | None = None) -> int:
    """One query per offer, everything in memory, then written."""
    builder = RecordBuilder(runs.permalink_builder())
    ids = db.session.scalars(sa.select(Offer.id).order_by(Offer.id)).all()
    records = []
    for offer_id in ids:
        offer = db.session.get(Offer, offer_id)
        if since is not None and offer.updated_at < since:
            continue
        records.extend(builder.records(naive_offer_data(offer)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(formats.CSV_HEADER)
    writer.writerows(formats.csv_row(r) for r in records)
    (export_dir / "naive.csv").write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    document = {
        "format": "capindustrie-offres",
        "version": formats.FORMAT_VERSION,
        "kind": "full",
        "generated_at": "2026-12-01T03:15:00Z",
        "since": None,
        "offers": records,
    }
    (export_dir / "naive.json").write_text(
        json.dumps(document, ensure_ascii=False), encoding="utf-8"
    )
    db.session.remove()
    return len(records)


# Measurement ----------------------------------------------------------------------------------


def measure(app, label, func, repeat_for_memory=True):
    with app.app_context():
        started, cpu_started = time.perf_counter(), time.process_time()
        result = func()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        db.session.remove()
    peak = None
    if repeat_for_memory:
        with app.app_context():
            tracemalloc.start()
            func()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            db.session.remove()
    print(
        f"  {label:<20} {seconds:7.2f} s (CPU {cpu:.2f} s)"
        + (f"   peak {peak:7.1f} MiB" if peak is not None else ""),
        flush=True,
    )
    return result, (seconds, cpu), peak


def check_sample(app, export_dir: Path, run_id: int, rnd: random.Random) -> int:
    import jsonschema

    with app.app_context():
        from capindustrie.models import ExportRun

        run = db.session.get(ExportRun, run_id)
        data = json.loads((export_dir / run.json_file).read_text(encoding="utf-8"))
        sample = rnd.sample(data["offers"], min(SAMPLE, len(data["offers"])))
        jsonschema.validate(dict(data, offers=sample), formats.json_schema())
        with (export_dir / run.csv_file).open(encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle, delimiter=";")) - 1
        assert rows == run.row_count == len(data["offers"]), (rows, run.row_count)
        return len(sample)


def check_same_csv(app, export_dir: Path, run_id: int) -> None:
    """The streamed run's CSV has the very bytes of the naive one (records() dicts written by
    csv.writer): the fast path formats each line itself, and must not change a byte."""
    import hashlib

    with app.app_context():
        from capindustrie.models import ExportRun

        run = db.session.get(ExportRun, run_id)
        naive = hashlib.sha256((export_dir / "naive.csv").read_bytes()).hexdigest()
        assert naive == run.csv_sha256, "the streamed CSV differs from the naive one"
    print("  streamed CSV = naive CSV (same SHA-256)", flush=True)


def change_one_percent(app, size: int, rnd: random.Random) -> None:
    with app.app_context():
        ids = rnd.sample(range(1, size + 1), size // 100)
        later = runs.utcnow()
        db.session.execute(
            sa.update(Offer)
            .where(Offer.id.in_(ids))
            .values(title=Offer.title + " (modifiée)", updated_at=later)
        )
        db.session.commit()


def bench(size: int, url_arg, rnd: random.Random) -> list[tuple]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        export_dir = workdir / "exports"
        url = fresh_database(url_arg, workdir, size, prefix="export")
        print(f"{size:,} published offers ({db_name(url)})", flush=True)
        app = build(url, size, rnd, export_dir)

        def full():
            run = runs.run_export(ExportKind.FULL, "cli")
            assert run.status == ExportStatus.SUCCESS, run.error
            return run.id, run.row_count

        (run_id, rows), full_s, full_mib = measure(app, "full", full)
        checked = check_sample(app, export_dir, run_id, rnd)
        print(f"  schema-checked {checked} records of {rows:,}; CSV read back", flush=True)
        naive_rows, naive_s, naive_mib = measure(
            app, "naive full", lambda: naive_export(export_dir)
        )
        assert naive_rows == rows, (naive_rows, rows)
        check_same_csv(app, export_dir, run_id)

        change_one_percent(app, size, rnd)

        def incremental():
            run = runs.run_export(ExportKind.INCREMENTAL, "cli")
            assert run.status == ExportStatus.SUCCESS, run.error
            return run.row_count, run.since

        # Each run moves `since` on: the memory pass changes another 1 % first.
        (inc_rows, _), inc_s, _ = measure(app, "incremental", incremental, repeat_for_memory=False)
        with app.app_context():
            change_one_percent(app, size, rnd)
            tracemalloc.start()
            (mem_rows, since) = incremental()
            inc_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            db.session.remove()
        print(f"  incremental peak {inc_mib:.1f} MiB ({mem_rows:,} records)", flush=True)
        naive_inc_rows, naive_inc_s, naive_inc_mib = measure(
            app, "naive incremental", lambda: naive_export(export_dir, since)
        )
        assert naive_inc_rows == mem_rows, (naive_inc_rows, mem_rows)
        with app.app_context():
            db.engine.dispose()
        return [
            (size, "full (streamed)", rows, full_s, full_mib),
            (size, "full, naive", naive_rows, naive_s, naive_mib),
            (size, "incremental 1 %", inc_rows, inc_s, inc_mib),
            (size, "incremental, naive", naive_inc_rows, naive_inc_s, naive_inc_mib),
        ]


def db_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite file"


def main():
    args = parse_args()
    rnd = random.Random(args.seed)
    rows = []
    for size in args.sizes:
        rows.extend(bench(size, args.database_url, rnd))
    print()
    print(
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"{db_name(args.database_url or 'sqlite')}"
    )
    print("| offers | export | records | wall time (s) | CPU time (s) | peak Python memory (MiB) |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, label, count, (seconds, cpu), mib in rows:
        print(f"| {size:,} | {label} | {count:,} | {seconds:.2f} | {cpu:.2f} | {mib:.1f} |")


if __name__ == "__main__":
    main()
