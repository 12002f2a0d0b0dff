"""Benchmark of the offer search (issue 4): server time of the results fragment, and the naive way.

For each size (10,000 and 100,000 published offers by default) the script builds a fresh
database with the real migrations and reference data, bulk-inserts offers spread over the 507
communes of Seine-et-Marne (a random point within ~2 km of the town hall, random filière and
levels, 1-2 periods, 10 % of periods full, 5 % of offers reserved to REP/REP+), then times:

- `search`: GET /offres?etablissement=<UAI>&rayon=…[&filiere=…][&q=…] with `HX-Request: true`
  through the Flask test client (routing, form validation, SQL, geodesics, template), for every
  school of the département and filter sets drawn at random (radius 5/10/20/30/50, with or
  without a filière, with or without a keyword);
- `naive`: `search_offers_naive` for a sample of the same queries (every published offer loaded
  with its periods, a geodesic for each, filters and sort in Python), called directly, so without
  the request and template time. It is slow: fewer queries are timed, as the table says.

Each naive query is also checked against the search service: same total, same page.

    .venv/bin/python bench/search.py                       # SQLite file in a temporary directory
    .venv/bin/python bench/search.py --database-url postgresql://capi:capi@127.0.0.1/capi_bench

The PostgreSQL database must exist; its `public` schema is dropped and rebuilt for each size.
"""

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bench_app,
    cpu_model,
    engine_label,
    fresh_database,
    insert_rows,
    p95,
    random_periods,
)
from capindustrie.extensions import db  # noqa: E402
from capindustrie.models import (  # noqa: E402
    Commune,
    Company,
    CompanyStatus,
    Filiere,
    GeoPrecision,
    Offer,
    OfferStatus,
    Period,
    School,
)
from capindustrie.search.indexing import search_columns  # noqa: E402
from capindustrie.search.services import (  # noqa: E402
    RADII_KM,
    default_level,
    search_offers,
    search_offers_naive,
)

WORDS = [
    "mécanique", "électricité", "usinage", "soudure", "chaudronnerie", "qualité", "logistique",
    "agroalimentaire", "pharmacie", "énergie", "béton", "aéronautique", "maintenance",
    "électronique", "fromagerie", "impression", "robotique", "emballage", "laboratoire",
    "plasturgie", "métallerie", "verrerie", "papeterie", "automatisme", "peinture", "atelier",
    "production", "contrôle", "sécurité", "découpe", "assemblage", "bureau d'études",
]
# As typed before stems existed, and inflected forms only the stems find (issue 9).
KEYWORDS = ["mecanique", "soudure", "Qualité", "robot", "electronique", "atelier", "beton", "Meaux",
            "soudures", "robots", "mécaniques", "contrôles qualité", "laboratoires"]
OFFERS_PER_COMPANY = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=os.environ.get("CAPINDUSTRIE_TEST_DATABASE_URL"))
    parser.add_argument("--queries-per-school", type=int, default=2)
    parser.add_argument("--naive-budget", type=float, default=60.0,
                        help="seconds of naive queries per size (at least 5 queries)")
    parser.add_argument("--seed", type=int, default=77)
    return parser.parse_args()


# Database ---------------------------------------------------------------------------------------


def build(url: str, size: int, rnd: random.Random):
    from flask_migrate import upgrade

    from capindustrie.refdata.services import load_reference_data

    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        load_reference_data()
        migrated = time.perf_counter()
        insert_offers(size, rnd)
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        loaded = time.perf_counter()
        print(f"  migrations + reference data {migrated - started:.1f} s, "
              f"{size:,} offers inserted and analysed {loaded - migrated:.1f} s", flush=True)
    return app


def insert_offers(size: int, rnd: random.Random) -> None:
    """Core executemany inserts with explicit ids: no ORM objects, no per-row round trip (so
    the derived search columns are computed here, as the ORM's flush hook would)."""
    communes = db.session.execute(
        sa.select(Commune.insee, Commune.latitude_townhall, Commune.longitude_townhall,
                  Commune.name)
    ).all()
    now = dt.datetime(2026, 11, 2, 9)
    filieres = list(Filiere)
    company_count = max(1, size // OFFERS_PER_COMPANY)
    companies = [
        {"id": n, "siret": f"{10_000_000_000_000 + n}",
         "name": f"{rnd.choice(WORDS).capitalize()} {n}", "filiere": rnd.choice(filieres),
         "status": CompanyStatus.APPROVED, "created_at": now}
        for n in range(1, company_count + 1)
    ]
    offers, periods = [], []
    for n in range(1, size + 1):
        insee, lat, lon, commune_name = rnd.choice(communes)
        company = companies[rnd.randrange(company_count)]
        levels = rnd.choice([("3e",), ("2nde",), ("3e", "2nde")])
        title = " ".join(rnd.sample(WORDS, 2)).capitalize()
        summary = "Découverte : " + ", ".join(rnd.sample(WORDS, 12)) + "."
        # ~2 km around the town hall (0.018° of latitude, 0.027° of longitude).
        site = (lat + rnd.uniform(-0.018, 0.018), lon + rnd.uniform(-0.027, 0.027))
        offers.append({
            "id": n, "company_id": company["id"], "filiere": company["filiere"],
            "title": title, "summary": summary,
            "for_3e": "3e" in levels, "for_2nde": "2nde" in levels,
            "status": OfferStatus.PUBLISHED, "site_commune_insee": insee,
            "latitude": site[0], "longitude": site[1],
            **search_columns(title, summary, company["name"], commune_name, *site),
            "geo_precision": GeoPrecision.ADDRESS,
            "reserved_priority_education": rnd.random() < 0.05,
            "observation_commitment_at": now, "created_at": now, "updated_at": now,
            "published_at": now,
        })
        periods.extend(random_periods(n, levels, rnd))
    insert_rows(
        ((Company, companies), (Offer, offers), (Period, periods)), ("company", "offer", "period")
    )


# Queries ----------------------------------------------------------------------------------------


def make_queries(app, rnd: random.Random, per_school: int) -> list[dict]:
    with app.app_context():
        schools = db.session.scalars(sa.select(School).order_by(School.uai)).all()
        queries = []
        for school in schools:
            for _ in range(per_school):
                queries.append({
                    "uai": school.uai, "lat": school.latitude, "lon": school.longitude,
                    "priority": school.is_priority, "level": default_level(school),
                    "radius": rnd.choice(RADII_KM),
                    "filiere": rnd.choice([None, rnd.choice(list(Filiere))]),
                    "keyword": rnd.choice([None, rnd.choice(KEYWORDS)]),
                })
    rnd.shuffle(queries)
    return queries


def url_of(query: dict) -> str:
    params = {"etablissement": query["uai"], "rayon": query["radius"]}
    if query["filiere"]:
        params["filiere"] = query["filiere"].value
    if query["keyword"]:
        params["q"] = query["keyword"]
    return "/offres?" + "&".join(f"{k}={v}" for k, v in params.items())


def service_args(query: dict) -> tuple[tuple, dict]:
    return ((query["lat"], query["lon"], query["level"], query["radius"]),
            {"filiere": query["filiere"], "keyword": query["keyword"],
             "priority_school": query["priority"]})


def time_search(app, queries: list[dict]) -> list[float]:
    client = app.test_client()
    for query in queries[:10]:  # warm-up: imports, template compilation, connection pool
        client.get(url_of(query), headers={"HX-Request": "true"})
    times = []
    for query in queries:
        started = time.perf_counter()
        response = client.get(url_of(query), headers={"HX-Request": "true"})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url_of(query)} answered {response.status_code}")
    return times


def time_naive(app, queries: list[dict], budget: float) -> tuple[list[float], int]:
    """Naive timings within `budget` seconds (at least 5 queries); each result checked against
    the search service."""
    times, checked = [], 0
    spent = 0.0
    for query in queries:
        if len(times) >= 5 and spent >= budget:
            break
        args, kwargs = service_args(query)
        with app.app_context():
            started = time.perf_counter()
            naive = search_offers_naive(*args, **kwargs)
            elapsed = time.perf_counter() - started
            fast = search_offers(*args, **kwargs)
            same = (naive.total == fast.total
                    and [(h.offer.id, h.distance_km) for h in naive.items]
                    == [(h.offer.id, h.distance_km) for h in fast.items])
            if not same:
                raise SystemExit(
                    f"Results differ for {url_of(query)}: {naive.total} vs {fast.total}")
            checked += 1
            db.session.remove()
        times.append(elapsed * 1000)
        spent += elapsed
    return times, checked


def main() -> None:
    args = parse_args()
    rnd = random.Random(args.seed)
    print(f"{dt.date.today():%Y-%m-%d} — {cpu_model()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            url = fresh_database(args.database_url, Path(tmp), size)
            print(f"size {size:,}: building…", flush=True)
            app = build(url, size, rnd)
            engine = engine_label(app)
            queries = make_queries(app, rnd, args.queries_per_school)
            search_times = time_search(app, queries)
            rows.append((size, engine, "search (HTTP fragment), all", search_times, ""))
            for label, with_keyword in (("without keyword", False), ("with keyword", True)):
                subset = [t for t, q in zip(search_times, queries, strict=True)
                          if bool(q["keyword"]) == with_keyword]
                rows.append((size, engine, f"search, {label}", subset, ""))
            print(f"  search: {len(search_times)} queries timed", flush=True)
            naive_times, checked = time_naive(app, queries, args.naive_budget)
            note = f"{checked} identical results"
            if len(naive_times) < len(queries):
                note += f", first {len(naive_times)} of {len(queries)} queries"
            rows.append((size, engine, "naive (function call)", naive_times, note))
            print(f"  naive: {len(naive_times)} queries timed", flush=True)
            with app.app_context():
                db.engine.dispose()
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}\n")
    print("| offers | engine | method | median ms | p95 ms | queries | notes |")
    print("|---:|---|---|---:|---:|---:|---|")
    for size, engine, method, times, note in rows:
        print(f"| {size:,} | {engine} | {method} | {statistics.median(times):.1f} | "
              f"{p95(times):.1f} | {len(times)} | {note} |")


if __name__ == "__main__":
    main()
