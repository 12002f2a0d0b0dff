"""What the benchmarks share: the throw-away database, the app they build on it, bulk inserts,
the synthetic internship dates, and the figures printed in their tables.

Imported as `bench.common` by the scripts in this folder (each puts the project root on
`sys.path` first).
"""

import datetime as dt
import platform
import random
from pathlib import Path

import sqlalchemy as sa

from capindustrie import create_app
from capindustrie.extensions import db
from capindustrie.models import Level

# The 3e internships: a week starting one of ten Mondays; the 2nde ones: two fixed weeks in June.
JANUARY_MONDAYS = [dt.date(2027, 1, 4) + dt.timedelta(weeks=w) for w in range(10)]
SECONDE = (dt.date(2027, 6, 14), dt.date(2027, 6, 25))


def fresh_database(url: str | None, workdir: Path, size: int, prefix: str = "bench") -> str:
    """A SQLite file in `workdir` without `url`; else the PostgreSQL `public` schema emptied."""
    if not url:
        return f"sqlite:///{workdir / f'{prefix}_{size}.sqlite3'}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def bench_app(url: str, **config):
    """The app on `url`, without rate limits, geocoder or mail (nothing leaves the machine)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "GEOCODER_ENABLED": False,
            "MAIL_SERVER": None,
            **config,
        }
    )


def insert_rows(tables_rows, sequences: tuple[str, ...]) -> None:
    """Core executemany inserts in chunks of 5,000, committed; then, on PostgreSQL, the id
    sequences of `sequences` moved past the explicit ids."""
    for table, rows in tables_rows:
        for chunk in range(0, len(rows), 5000):
            db.session.execute(sa.insert(table.__table__), rows[chunk : chunk + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in sequences:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()


def random_periods(offer_id: int, levels: tuple[str, ...], rnd: random.Random) -> list[dict]:
    """One or two periods of the offer, at one of its levels each; 10 % of them full."""
    periods = []
    for _ in range(rnd.choice((1, 2))):
        level = Level(rnd.choice(levels))
        if level == Level.SECONDE:
            start, end = SECONDE
        else:
            start = rnd.choice(JANUARY_MONDAYS)
            end = start + dt.timedelta(days=4)
        seats = rnd.randint(1, 6)
        taken = seats if rnd.random() < 0.1 else rnd.randint(0, seats - 1)
        periods.append(
            {
                "offer_id": offer_id,
                "level": level,
                "start_date": start,
                "end_date": end,
                "seats": seats,
                "seats_taken": taken,
            }
        )
    return periods


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def engine_label(app) -> str:
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.connect() as conn:
            if dialect == "sqlite":
                version = conn.execute(sa.text("select sqlite_version()")).scalar()
                return f"SQLite {version}"
            version = conn.execute(sa.text("show server_version")).scalar()
            return f"PostgreSQL {version.split()[0]}"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()
