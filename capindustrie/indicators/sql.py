"""Small portable SQL pieces (SQLite and PostgreSQL): months, and the
schools' earth-centred coordinates as an inline table (the search's exact chord, no trigonometry
in SQL)."""

from functools import lru_cache

from sqlalchemy import Float, Integer, column, func, select, text

from capindustrie.extensions import db
from capindustrie.geo.distance import earth_centred_km
from capindustrie.models import School


def dialect() -> str:
    return db.session.get_bind().dialect.name


def month_bucket(moment):
    """The month of a timestamp, cheaply: PostgreSQL's date_trunc (a timestamp; to_char costs
    several times more per row), SQLite's first seven characters of the stored ISO text
    (strftime parses every value: a fifth of the dashboard's statement). month_label() gives
    the 'YYYY-MM' of either."""
    if dialect() == "postgresql":
        return func.date_trunc("month", moment)
    return func.substr(moment, 1, 7)


def month_label(bucket) -> str:
    """'YYYY-MM' of a month_bucket() read back as text ('2026-11' or '2026-11-01 00:00:00')."""
    return str(bucket)[:7]


@lru_cache(maxsize=4)
def _school_points_sql(cache_key: int) -> str:
    rows = db.session.execute(select(School.id, School.latitude, School.longitude)).all()
    # The numbers are written into the SQL (repr: the shortest text that reads back as the
    # same float): a constant statement that SQLAlchemy compiles once and the driver sends
    # without 1,578 parameters (263 schools × 6 values), which it used to bind, and
    # SQLAlchemy to recompile, on every query that joined the points.
    lines = []
    for sid, lat, lon in rows:
        values = (float(lat), float(lon), *earth_centred_km(lat, lon))
        lines.append(f"({int(sid)}, " + ", ".join(_real(v) for v in values) + ")")
    if not lines:  # no school yet: an empty table of the same columns
        return (
            "SELECT 0 AS school_id, 0.0 AS lat, 0.0 AS lon, 0.0 AS x, 0.0 AS y, 0.0 AS z "
            "WHERE 1 = 0"
        )
    # VALUES columns are called column1… on both SQLite and PostgreSQL. Grouped: SQLite then
    # materialises the 263 rows and drives joins from them instead of scanning them once per
    # joined row (bench/indicators.py).
    return (
        "SELECT column1 AS school_id, column2 AS lat, column3 AS lon, column4 AS x, "
        "column5 AS y, column6 AS z FROM (VALUES " + ", ".join(lines) + ") AS school_point "
        "GROUP BY column1, column2, column3, column4, column5, column6"
    )


def _real(value: float) -> str:
    # A double on both engines (PostgreSQL reads a bare 48.5 as numeric).
    return f"CAST({float(value)!r} AS DOUBLE PRECISION)"


def school_points_table():
    """(school_id, lat, lon, x, y, z) of every school, as an inline VALUES table in a
    subquery, the coordinates written as constants.

    Reference data changes only on a reload: cached per process by the count of schools."""
    count = db.session.scalar(select(func.count()).select_from(School))
    return (
        text(_school_points_sql(count))
        .columns(
            column("school_id", Integer),
            column("lat", Float),
            column("lon", Float),
            column("x", Float),
            column("y", Float),
            column("z", Float),
        )
        .subquery("school_points")
    )


def chord2(point, x, y, z):
    """Squared chord (km²) between a school point and stored earth-centred coordinates."""
    return (
        (point.c.x - x) * (point.c.x - x)
        + (point.c.y - y) * (point.c.y - y)
        + (point.c.z - z) * (point.c.z - z)
    )


__all__ = [
    "chord2",
    "month_bucket",
    "month_label",
    "school_points_table",
]
