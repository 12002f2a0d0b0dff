"""The schools, read once per process (and again after `SCHOOL_CACHE_SECONDS`).

Reference data changes only through `flask refdata load`, a few times a year, yet every search
and every public offer page looked a school up (and the offer page read all 263 with their
communes) on each request. The rows are kept detached from any session, with their commune
loaded: read their columns and `.commune`, never another relationship, and never add them to a
session. `flask refdata load` clears the cache of its own process; web workers see the new rows
within `SCHOOL_CACHE_SECONDS` (or at once after a gunicorn reload, `kill -HUP <master>`).
"""

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capindustrie.extensions import db
from capindustrie.models import School

EXTENSION_KEY = "capindustrie.schools"


@dataclass(frozen=True)
class _Schools:
    by_uai: dict[str, School]
    open: tuple[School, ...]
    expires: float


def _load() -> _Schools:
    schools = db.session.scalars(
        select(School).options(joinedload(School.commune)).order_by(School.id)
    ).all()
    for school in schools:
        db.session.expunge(school)
        if school.commune in db.session:
            db.session.expunge(school.commune)
    ttl = current_app.config["SCHOOL_CACHE_SECONDS"]
    return _Schools(
        {school.uai: school for school in schools},
        tuple(school for school in schools if school.open),
        time.monotonic() + ttl,
    )


def _schools() -> _Schools:
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None or cached.expires <= time.monotonic():
        cached = current_app.extensions[EXTENSION_KEY] = _load()
    return cached


def school_by_uai(uai: str) -> School | None:
    """The school with this UAI (open or not), or None."""
    return _schools().by_uai.get(uai)


def open_schools() -> tuple[School, ...]:
    return _schools().open


def clear() -> None:
    current_app.extensions.pop(EXTENSION_KEY, None)
