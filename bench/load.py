"""Load benchmark of the production set-up (issue 10): gunicorn (4 sync workers) + PostgreSQL +
Redis, 1,000 published offers around real schools, measured with wrk.

The script starts a Redis server of its own, rebuilds the given PostgreSQL database's `public`
schema with the real migrations and reference data (`flask db upgrade`, `flask refdata load`),
bulk-inserts 1,000 published offers whose sites lie within 15 km of real schools of
Seine-et-Marne, starts the app under gunicorn (`gunicorn.conf.py`, production mode, the rate
limiter counting in Redis as in production), then runs wrk (32 connections by default) on, in
one run:

- `/sante`: the ceiling (routing, one `SELECT 1`, the limiter's and the security headers' work);
- the search **fragment**: `GET /offres?etablissement=<UAI>&rayon=…` with `HX-Request: true`,
  rotating over 524 searches from every school (radius 10/20/30 km, with or without a filière);
- the full search **page** (the same URLs without `HX-Request`);
- the public **offer** page (`/offres/<id>?etablissement=<UAI>`, rotating over 524 offers);
- each of the three three ways:
  - **first visit** (cold): each request a URL never asked before — the rotation's URL plus a
    `_premiere=<salt>-<thread>-<n>` parameter that the views ignore but the page cache keys
    on — so nothing is cached and every request pays the whole search and render (and the
    cache's miss and store);
  - **warm** (the plain row): the 524 URLs again and again, each visited once beforehand, as
    when a crowd searches from the same schools and the server-side page cache holds them;
  - **repeat**: a browser or a proxy that has the page revalidates it — the first 100 URLs
    with `If-None-Match: <the ETag of their first visit>` → `304 Not Modified`.
  Code without a page cache (a `--baseline` before it) does the whole work in all three.

For each it prints requests/s, latency p50/p95/p99 (wrk, Lua `done` hook) and the CPU spent per
request in the gunicorn workers, the PostgreSQL backends of the database and Redis (from
/proc/<pid>/stat before and after). `--baseline <git revision>` also serves that revision of the
app (extracted with `git archive`, on a second gunicorn) from the same database and Redis, and
each measurement alternates between the two in `--rounds` slices (A B A B A B), so that the
optimisations are compared with the code before them on the same machine at the same moments.

    .venv/bin/python bench/load.py --database-url postgresql://u:p@127.0.0.1/capi_load \\
        [--baseline <rev>] [--connections 32] [--duration 15] [--web-port 8110 --redis-port 6390]

Needs wrk (`sudo apt-get install -y wrk`) and redis-server (`sudo apt-get install -y
redis-server`). The machine should be otherwise idle: wrk itself takes part of the CPU.
"""

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / ".ci"))

from production_stack import ProductionStack, cpu_seconds, redis_server_binary  # noqa: E402

from bench.common import random_periods  # noqa: E402
from capindustrie import create_app  # noqa: E402
from capindustrie.extensions import db  # noqa: E402
from capindustrie.models import (  # noqa: E402
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
from capindustrie.search.services import default_level  # noqa: E402

WORDS = [
    "mécanique",
    "électricité",
    "usinage",
    "soudure",
    "chaudronnerie",
    "qualité",
    "logistique",
    "agroalimentaire",
    "pharmacie",
    "énergie",
    "béton",
    "aéronautique",
    "maintenance",
    "électronique",
    "fromagerie",
    "impression",
    "robotique",
    "emballage",
    "laboratoire",
    "plasturgie",
    "métallerie",
    "verrerie",
    "papeterie",
    "automatisme",
    "peinture",
    "atelier",
]
OFFERS = 1_000
COMPANIES = 200
SITE_WITHIN_KM = 15
CONDITIONAL_URLS = 100
TARGET = "fragment ≥ 400 req/s with p95 ≤ 100 ms"

LUA = r"""
local paths = {PATHS}
local etags = {ETAGS}
local hx = {HX}
local cold = {COLD}
local i = 0
local n = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  i = i % #paths + 1
  local headers = {}
  if hx then headers["HX-Request"] = "true" end
  if etags[i] then headers["If-None-Match"] = etags[i] end
  local path = paths[i]
  if cold then
    -- A parameter the views ignore but the page cache keys on: every request a first visit.
    n = n + 1
    path = path .. (path:find("?", 1, true) and "&" or "?") .. "_premiere=" .. cold .. "-" ..
      tostring(tid) .. "-" .. n
  end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"bad_status": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CAPINDUSTRIE_BENCH_DATABASE_URL"),
        help="PostgreSQL database whose public schema is rebuilt "
        "(or CAPINDUSTRIE_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--baseline", help="also measure this git revision of the app")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="slices each measurement is cut into, alternating with --baseline",
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web-port", type=int)
    parser.add_argument("--redis-port", type=int)
    parser.add_argument("--only", nargs="*", help="measure only these rows (e.g. fragment)")
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url postgresql://… is required (its public schema is rebuilt)")
    return args


def require_tools() -> None:
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk")
    if not redis_server_binary():
        missing.append("redis-server")
    if missing:
        raise SystemExit(
            f"Missing: {', '.join(missing)}. Install with: sudo apt-get install -y "
            f"--no-install-recommends {' '.join(missing)}"
        )


# Data ---------------------------------------------------------------------------------------------


def point_near(lat: float, lon: float, max_km: float, rnd: random.Random) -> tuple[float, float]:
    """A uniformly random point within `max_km` of (lat, lon) (flat approximation: a few km)."""
    distance = max_km * math.sqrt(rnd.random())
    bearing = rnd.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.2
    dlon = distance * math.sin(bearing) / (111.2 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def insert_offers(database_url: str, rnd: random.Random) -> None:
    """1,000 published offers within 15 km of real schools (Core inserts, derived columns
    computed as the ORM's flush hook would)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "GEOCODER_ENABLED": False,
        }
    )
    with app.app_context():
        schools = db.session.execute(
            sa.select(School.latitude, School.longitude, School.commune_insee).where(
                School.open.is_(True)
            )
        ).all()
        now = dt.datetime(2026, 11, 2, 9)
        filieres = list(Filiere)
        companies = [
            {
                "id": n,
                "siret": f"{10_000_000_000_000 + n}",
                "name": f"{rnd.choice(WORDS).capitalize()} {n}",
                "filiere": rnd.choice(filieres),
                "status": CompanyStatus.APPROVED,
                "created_at": now,
            }
            for n in range(1, COMPANIES + 1)
        ]
        offers, periods = [], []
        for n in range(1, OFFERS + 1):
            lat, lon, insee = rnd.choice(schools)
            site = point_near(lat, lon, SITE_WITHIN_KM, rnd)
            company = rnd.choice(companies)
            levels = rnd.choice([("3e",), ("2nde",), ("3e", "2nde")])
            title = " ".join(rnd.sample(WORDS, 2)).capitalize()
            summary = "Découverte : " + ", ".join(rnd.sample(WORDS, 10)) + "."
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
                    "site_commune_insee": insee,
                    "latitude": site[0],
                    "longitude": site[1],
                    **search_columns(title, summary, company["name"], None, *site),
                    "geo_precision": GeoPrecision.ADDRESS,
                    "reserved_priority_education": rnd.random() < 0.05,
                    "observation_commitment_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "published_at": now,
                }
            )
            periods.extend(random_periods(n, levels, rnd))
        for table, rows in ((Company, companies), (Offer, offers), (Period, periods)):
            db.session.execute(sa.insert(table.__table__), rows)
        for table in ("company", "offer", "period"):
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM "
                    f"{table}))"
                )
            )
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
        db.engine.dispose()


def search_paths(database_url: str, rnd: random.Random) -> tuple[list[str], list[str]]:
    """(search URLs from every school, public offer URLs with a school)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        schools = db.session.scalars(
            sa.select(School).where(School.open.is_(True)).order_by(School.uai)
        ).all()
        searches, offers = [], []
        for school in schools:
            for _ in range(2):
                path = f"/offres?etablissement={school.uai}&rayon={rnd.choice((10, 20, 30))}"
                if rnd.random() < 0.3:
                    path += f"&filiere={rnd.choice(list(Filiere)).value}"
                searches.append(path)
                offers.append(f"/offres/{rnd.randint(1, OFFERS)}?etablissement={school.uai}")
            assert default_level(school)
        db.engine.dispose()
    rnd.shuffle(searches)
    rnd.shuffle(offers)
    return searches, offers


# Measurement ------------------------------------------------------------------------------------


def postgres_backends(database_url: str) -> list[int]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        pids = (
            conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    return list(pids)


def etag_of(base_url: str, path: str, hx: bool) -> str:
    request = urllib.request.Request(base_url + path, headers={"HX-Request": "true"} if hx else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        etag = answer.headers.get("ETag")
    if not etag:
        return ""
    check = urllib.request.Request(
        base_url + path, headers={"If-None-Match": etag, **({"HX-Request": "true"} if hx else {})}
    )
    try:
        urllib.request.urlopen(check, timeout=30)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return etag
    raise SystemExit(f"{path}: ETag {etag} given but a repeat with If-None-Match is not a 304")


def lua_list(values) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def run_wrk(
    stack: ProductionStack,
    args,
    paths: list[str],
    hx: bool,
    etags: list[str] | None,
    duration: int,
    workdir: Path,
    cold: bool = False,
) -> dict:
    script = workdir / "bench.lua"
    script.write_text(
        LUA.replace("{PATHS}", lua_list(paths))
        .replace("{ETAGS}", lua_list(etags or []))
        .replace("{HX}", "true" if hx else "false")
        # A fresh salt per run: the URLs of a cold run were never seen before.
        .replace("{COLD}", json.dumps(f"{time.time_ns():x}") if cold else "false")
    )
    answer = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            stack.base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in answer.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def measure_slice(
    stack: ProductionStack,
    args,
    paths: list[str],
    hx: bool,
    etags: list[str] | None,
    duration: int,
    redis_pid: int,
    workdir: Path,
    cold: bool = False,
) -> dict:
    """One wrk run, with the CPU the workers, the PostgreSQL backends and Redis spent in it."""
    workers = stack.worker_pids()
    backends = postgres_backends(stack.database_url)
    before = {pid: cpu_seconds(pid) for pid in [*workers, *backends, redis_pid]}
    result = run_wrk(stack, args, paths, hx, etags, duration, workdir, cold)
    backends_after = postgres_backends(stack.database_url)

    def spent(pids):
        return sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in set(pids))

    return {
        **result,
        "app_s": spent(workers),
        "pg_s": spent([*backends, *backends_after]),
        "redis_s": spent([redis_pid]),
    }


def combine(name: str, slices: list[dict]) -> dict:
    """Rounds added up; latency percentiles averaged over the rounds, weighted by requests
    (wrk gives percentiles, not its histogram: an approximation, close when rounds agree)."""
    requests = sum(s["requests"] for s in slices)
    weight = max(1, requests)
    row = {
        "name": name,
        "rps": requests / (sum(s["duration_us"] for s in slices) / 1e6),
        "bad": sum(s["bad_status"] + s["socket_errors"] for s in slices),
    }
    for key in ("p50", "p95", "p99"):
        row[key] = sum(s[key] * s["requests"] for s in slices) / weight / 1000
    for key in ("app", "pg", "redis"):
        row[f"{key}_ms"] = sum(s[f"{key}_s"] for s in slices) / weight * 1000
    return row


ROWS = [
    # (name, paths key, htmx, conditional, cold)
    # cold: every request a first visit (a URL never asked before: nothing cached, the whole
    # work of a search); warm: the same 524 URLs again and again, each visited once before the
    # measurement (what a crowd searching from the same schools costs once the cache holds
    # their searches); repeat: a browser or proxy revalidating the copy it has.
    ("/sante (ceiling)", "health", False, False, False),
    ("search fragment, first visit", "searches", True, False, True),
    ("search fragment (htmx)", "searches", True, False, False),
    ("search fragment, repeat → 304", "searches", True, True, False),
    ("search page, first visit", "searches", False, False, True),
    ("search page", "searches", False, False, False),
    ("search page, repeat → 304", "searches", False, True, False),
    ("offer page, first visit", "offers", False, False, True),
    ("offer page", "offers", False, False, False),
    ("offer page, repeat → 304", "offers", False, True, False),
]


def visit_all(base_url: str, paths: list[str], hx: bool) -> None:
    """Each URL once, so that a warm measurement starts with every page cached."""
    headers = {"HX-Request": "true"} if hx else {}
    for path in paths:
        with urllib.request.urlopen(
            urllib.request.Request(base_url + path, headers=headers), timeout=30
        ) as answer:
            answer.read()


def run_rows(
    servers: list[tuple[str, ProductionStack]], args, paths, redis_pid: int, workdir: Path
) -> list[dict]:
    """Each row for every server, interleaved in `--rounds` slices (A B A B …) so that a change
    of the machine's load during the run weighs on both alike."""
    rows = []
    for name, key, hx, conditional, cold in ROWS:
        if args.only and not any(word in name for word in args.only):
            continue
        slices: dict[str, list[dict]] = {label: [] for label, _ in servers}
        etags: dict[str, list[str] | None] = {}
        # Repeats: the first 100 URLs, each with the ETag its first visit got.
        row_paths = paths[key][:CONDITIONAL_URLS] if conditional else paths[key]
        for label, stack in servers:
            etags[label] = None
            if conditional:
                etags[label] = [etag_of(stack.base_url, path, hx) for path in row_paths]
                if not all(etags[label]):
                    etags[label] = "skip"
                    continue
            elif not cold and key != "health":
                visit_all(stack.base_url, row_paths, hx)
            if args.warmup:
                run_wrk(stack, args, row_paths, hx, etags[label], args.warmup, workdir, cold)
        for _ in range(args.rounds):
            for label, stack in servers:
                if etags[label] == "skip":
                    continue
                slices[label].append(
                    measure_slice(
                        stack,
                        args,
                        row_paths,
                        hx,
                        etags[label],
                        max(1, args.duration // args.rounds),
                        redis_pid,
                        workdir,
                        cold,
                    )
                )
        for label, _stack in servers:
            row = (
                combine(name, slices[label])
                if slices[label]
                else {"name": name, "skipped": "no ETag: validators off"}
            )
            row["code"] = label
            rows.append(row)
            print(f"  {label:<10} {format_row(row)}", flush=True)
    return rows


def format_row(row: dict) -> str:
    if "skipped" in row:
        return f"{row['name']:<32} skipped ({row['skipped']})"
    return (
        f"{row['name']:<32} {row['rps']:>7.0f} req/s  p50 {row['p50']:>6.1f}  "
        f"p95 {row['p95']:>6.1f}  p99 {row['p99']:>6.1f} ms  CPU/req app {row['app_ms']:.2f} "
        f"+ PG {row['pg_ms']:.2f} + Redis {row['redis_ms']:.2f} ms"
        + (f"  ({row['bad']} errors)" if row["bad"] else "")
    )


def print_table(rows: list[dict], args) -> None:
    print()
    print(
        f"{dt.date.today():%d %B %Y}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average before "
        f"the run {LOAD_BEFORE}; gunicorn {args.workers} sync workers, wrk "
        f"{args.connections} connections, {args.duration} s each"
    )
    print()
    print("| code | request | req/s | p50 ms | p95 ms | p99 ms | CPU ms/req: app | PG | Redis |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if "skipped" in row:
            print(f"| {row['code']} | {row['name']} | skipped: {row['skipped']} | | | | | | |")
            continue
        bad = f" ({row['bad']} errors)" if row["bad"] else ""
        print(
            f"| {row['code']} | {row['name']}{bad} | {row['rps']:,.0f} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} | {row['app_ms']:.2f} | {row['pg_ms']:.2f} | "
            f"{row['redis_ms']:.2f} |"
        )
    fragment = [
        r for r in rows if r["name"].startswith("search fragment") and "304" not in r["name"]
    ]
    print()
    for row in fragment:
        if "rps" not in row:
            continue
        met = row["rps"] >= 400 and row["p95"] <= 100
        print(
            f"Target ({TARGET}), {row['code']}, {row['name']}: {row['rps']:.0f} req/s, p95 "
            f"{row['p95']:.1f} ms → {'met' if met else 'NOT met'}"
        )


LOAD_BEFORE = ""


def checkout(revision: str, workdir: Path) -> Path:
    target = workdir / f"app-{revision.replace('/', '_')}"
    target.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # The same server settings for both: only the application code differs.
    shutil.copy(ROOT / "gunicorn.conf.py", target / "gunicorn.conf.py")
    shutil.copy(ROOT / "capindustrie" / "serving.py", target / "capindustrie" / "serving.py")
    return target


# gunicorn.conf.py recycles a worker after ~5,000 requests (a guard against slow leaks): at
# several hundred requests a second that is a restart every few seconds of measurement, whose
# import time lands in the latencies and whose lost CPU counters read as negative. The
# benchmark measures the steady state, so recycling is off here.
STEADY = ("--max-requests", "0")


def main() -> int:
    global LOAD_BEFORE
    args = parse_args()
    require_tools()
    LOAD_BEFORE = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rnd = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="capindustrie-load-"))
    extra_env = {
        # The limiter still counts every request in Redis, as in production, but the benchmark
        # comes from one address: a budget it cannot exhaust.
        "CAPINDUSTRIE_PUBLIC_SEARCH_RATE_LIMIT": "100000000/minute",
    }
    rows: list[dict] = []
    stack = ProductionStack(
        args.database_url,
        web_port=args.web_port,
        redis_port=args.redis_port,
        workers=args.workers,
        extra_env=extra_env,
    )
    try:
        with stack:
            stack.start()
            started = time.perf_counter()
            insert_offers(args.database_url, rnd)
            searches, offers = search_paths(args.database_url, rnd)
            paths = {"health": ["/sante"], "searches": searches, "offers": offers}
            print(
                f"{OFFERS:,} offers around real schools loaded in "
                f"{time.perf_counter() - started:.1f} s; {len(searches)} searches",
                flush=True,
            )
            servers = [("this code", stack)]
            baseline = None
            if args.baseline:
                # The same database, Redis and server settings; only the app's code differs.
                baseline = ProductionStack(
                    args.database_url,
                    web_port=args.web_port + 1 if args.web_port else None,
                    redis_port=stack.redis_port,
                    workers=args.workers,
                    extra_env=extra_env,
                )
                servers.insert(0, (args.baseline[:10], baseline))
            try:
                if baseline is not None:
                    baseline.start_gunicorn(*STEADY, app_dir=checkout(args.baseline, workdir))
                stack.start_gunicorn(*STEADY)
                rows = run_rows(servers, args, paths, stack.redis.pid, workdir)
            finally:
                if baseline is not None:
                    baseline.__exit__(None, None, None)
                stack.stop_gunicorn()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
