"""Small portable SQL pieces (SQLite and PostgreSQL): medians, day differences, months, and the
schools' earth-centred coordinates as an inline table (the search's exact chord, no trigonometry
in SQL)."""

from functools import lru_cache

from sqlalchemy import Float, Integer, column, func, or_, select, values

from capindustrie.extensions import db
from capindustrie.geo.distance import earth_centred_km
from capindustrie.models import School


def dialect() -> str:
    return db.session.get_bind().dialect.name


def days_between(start, end):
    """(end - start) in days, fractional."""
    if dialect() == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def month_key(moment):
    """'YYYY-MM' of a timestamp or date."""
    if dialect() == "postgresql":
        return func.to_char(moment, "YYYY-MM")
    return func.strftime("%Y-%m", moment)


def middle_values(subquery_value) -> tuple[float, float] | None:
    """The two middle values (equal when the count is odd) of a one-column subquery, found by a
    window function in SQL: the median is their mean (or a function's mean of them)."""
    inner = (
        select(
            subquery_value.label("v"),
            func.row_number().over(order_by=subquery_value).label("rn"),
            func.count().over().label("n"),
        )
        .where(subquery_value.is_not(None))
        .subquery()
    )
    low_rank = (inner.c.n + 1) // 2
    high_rank = (inner.c.n + 2) // 2
    rows = db.session.execute(
        select(inner.c.rn, inner.c.v)
        .where(or_(inner.c.rn == low_rank, inner.c.rn == high_rank))
        .order_by(inner.c.rn)
    ).all()
    if not rows:
        return None
    return float(rows[0].v), float(rows[-1].v)


@lru_cache(maxsize=4)
def _school_points(cache_key: int) -> tuple:
    rows = db.session.execute(select(School.id, School.latitude, School.longitude)).all()
    return tuple((sid, lat, lon, *earth_centred_km(lat, lon)) for sid, lat, lon in rows)


def school_points_table():
    """(school_id, lat, lon, x, y, z) of every school, as a VALUES common table expression
    (`WITH school_point(...) AS (VALUES ...)`: SQLite has no column list on a VALUES alias),
    wrapped in a grouped subquery: SQLite then materialises it and drives the join from its 263
    rows instead of scanning them once per joined row (bench/indicators.py).

    Reference data changes only on a reload: cached per process by the count of schools."""
    count = db.session.scalar(select(func.count()).select_from(School))
    points = _school_points(count)
    table = (
        values(
            column("school_id", Integer),
            column("lat", Float),
            column("lon", Float),
            column("x", Float),
            column("y", Float),
            column("z", Float),
            name="school_point",
        )
        .data(list(points))
        .cte("school_point")
    )
    return select(table).group_by(*table.c).subquery("school_points")


def chord2(point, x, y, z):
    """Squared chord (km²) between a school point and stored earth-centred coordinates."""
    return (
        (point.c.x - x) * (point.c.x - x)
        + (point.c.y - y) * (point.c.y - y)
        + (point.c.z - z) * (point.c.z - z)
    )


__all__ = ["chord2", "days_between", "middle_values", "month_key", "school_points_table"]
