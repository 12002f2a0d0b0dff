"""The store behind the page cache (caching.py), and the catalogue version that invalidates it.

The catalogue version
- One integer, shared by every process of the site (web workers, `flask scheduler run`, CLI
  commands): a key of Redis in production, a counter of the app in a single process.
- Bumped after every committed transaction that wrote to a table the public pages read
  (`CATALOGUE_TABLES`: offers, their periods and programme, companies, the reference data). It is
  not found in the code that changes offers, so no path can forget it: every statement the
  app's engine runs passes through `_note_write` (SQLAlchemy's `after_cursor_execute`: ORM
  flushes, Core `update()`/`insert()`, bulk statements, raw `text()` SQL and migrations alike).
  A write marks the connection; its commit makes the mark pending; the connection's return to
  the pool, or its next transaction (both after the database has committed), bumps the
  version. A rollback drops the mark.
- Bumped *after* the commit, and read by a request *before* its own queries: a page stored with
  version v was therefore computed from data at least as new as every change that led to v. A
  render that straddles a bump is stored with the older version, which no longer matches.
- If the bump itself fails (Redis unreachable, process killed between the commit and the
  bump), entries expire after `PAGE_CACHE_SECONDS` anyway: that bounds how stale a page can be.

The stores keep, for each page key, one entry: the version it was rendered at, its ETag and its
body. `lookup()` reads the version and the entry in one round trip (Redis MGET).
"""

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event

log = logging.getLogger(__name__)

# Every table a public page (search results, offer page, school suggestions) reads, directly or
# through the per-process school cache. tests/test_page_cache.py records the tables those pages
# actually query and checks they are all here: a table added to them must be added here.
CATALOGUE_TABLES = ("offer", "period", "program_day", "company", "commune", "school", "epci")
_WRITE = re.compile(
    r"\s*(?:insert|update|delete|merge|truncate|alter|drop|create"
    r"|with\b.*\b(?:insert|update|delete)\b)\b",
    re.I | re.S,
)
_CATALOGUE = re.compile(r'\b"?(?:' + "|".join(CATALOGUE_TABLES) + r')"?\b', re.I)
_DIRTY, _COMMITTED = "catalogue_written", "catalogue_committed"

VERSION_KEY = "capindustrie:catalogue-version"
PAGE_KEY_PREFIX = "capindustrie:page:"


@dataclass(frozen=True, slots=True)
class Entry:
    """A rendered page: the catalogue version it was computed at, its ETag, its `Vary`."""

    version: int
    etag: str
    vary: str
    body: bytes

    def encode(self) -> bytes:
        return f"{self.version}\n{self.etag}\n{self.vary}\n".encode() + self.body

    @classmethod
    def decode(cls, raw: bytes) -> "Entry | None":
        parts = raw.split(b"\n", 3)
        if len(parts) != 4 or not parts[0].isdigit():
            return None
        return cls(int(parts[0]), parts[1].decode(), parts[2].decode(), parts[3])


class MemoryStore:
    """One process: a bounded LRU of entries and the version as an integer (development,
    tests, `CAPINDUSTRIE_SINGLE_PROCESS`)."""

    def __init__(self, max_entries: int):
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()
        self._max = max_entries
        self._version = 0
        self._lock = threading.Lock()

    def lookup(self, key: str) -> tuple[int, Entry | None]:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return self._version, None
            expires, entry = found
            if expires <= time.monotonic():
                del self._entries[key]
                return self._version, None
            self._entries.move_to_end(key)
            return self._version, entry

    def store(self, key: str, entry: Entry, ttl: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def version(self) -> int:
        return self._version

    def __len__(self) -> int:
        return len(self._entries)

    def bump(self) -> None:
        with self._lock:
            self._version += 1


class RedisStore:
    """Redis/Valkey, shared by every process of the site (production)."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def lookup(self, key: str) -> tuple[int, Entry | None]:
        version, raw = self._redis.mget((VERSION_KEY, PAGE_KEY_PREFIX + key))
        return int(version or 0), Entry.decode(raw) if raw else None

    def store(self, key: str, entry: Entry, ttl: int) -> None:
        self._redis.set(PAGE_KEY_PREFIX + key, entry.encode(), ex=ttl)

    def version(self) -> int:
        return int(self._redis.get(VERSION_KEY) or 0)

    def bump(self) -> None:
        self._redis.incr(VERSION_KEY)


def store_url(app: Flask) -> str:
    """`PAGE_CACHE_URI`, else the rate limiter's Redis when it has one, else memory://."""
    url = app.config.get("PAGE_CACHE_URI") or ""
    if not url:
        limiter_url = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
        url = limiter_url if limiter_url.startswith(("redis://", "rediss://")) else "memory://"
    return url


def make_store(app: Flask):
    url = store_url(app)
    if url.startswith("memory://"):
        return MemoryStore(int(app.config["PAGE_CACHE_MAX_ENTRIES"]))
    return RedisStore(url)


def get_store(app: Flask):
    return app.extensions["capindustrie.page_cache"]


def bump_version(app: Flask) -> None:
    """Every cached public page becomes stale. Never fails the caller (the entries' lifetime
    bounds the staleness when the store is unreachable)."""
    try:
        get_store(app).bump()
    except Exception:  # noqa: BLE001 - a cache must never break a commit
        log.warning("catalogue version not bumped: store unreachable", exc_info=True)


MEMO_KEY_PREFIX = "memo:"


def catalogue_memo(app: Flask, key: str, compute, encode, decode):
    """`compute()`, kept in the page cache's store until the catalogue version moves (or
    PAGE_CACHE_SECONDS pass): for a value that reads nothing but the catalogue tables. The
    version is read before computing, as for a page (module doc). The store unreachable or the
    cache off: computed every time."""
    if not app.config["PAGE_CACHE_ENABLED"]:
        return compute()
    store, key = get_store(app), MEMO_KEY_PREFIX + key
    try:
        version, entry = store.lookup(key)
    except Exception:  # noqa: BLE001 - without its cache the value is only slower
        log.warning("page cache unreachable", exc_info=True)
        return compute()
    if entry is not None and entry.version == version:
        return decode(entry.body)
    value = compute()
    try:
        store.store(
            key, Entry(version, "", "", encode(value)), int(app.config["PAGE_CACHE_SECONDS"])
        )
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable", exc_info=True)
    return value


def init_app(app: Flask) -> None:
    from capindustrie.extensions import db

    app.extensions["capindustrie.page_cache"] = make_store(app)
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "after_cursor_execute")
    def _note_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if _WRITE.match(statement) and _CATALOGUE.search(statement):
            conn.info[_DIRTY] = True

    @event.listens_for(engine, "commit")
    def _committing(conn):
        # Still before the database's COMMIT: the bump waits for the connection's return.
        if conn.info.pop(_DIRTY, False):
            conn.info[_COMMITTED] = True

    @event.listens_for(engine, "rollback")
    def _rolled_back(conn):
        conn.info.pop(_DIRTY, None)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        if record.info.pop(_COMMITTED, False):
            bump_version(app)

    @event.listens_for(engine, "begin")
    def _next_transaction(conn):
        # A connection kept open across transactions: its previous commit is done by now.
        if conn.info.pop(_COMMITTED, False):
            bump_version(app)
