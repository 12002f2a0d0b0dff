"""Growing delays between failed logins of one client address on one account.

A hard lock after N wrong passwords let anyone who knows a login (pupils' are `prénom.nom`)
lock its owner out. Here the counter belongs to the pair (address, account): after
`free_failures` failures, that pair must wait 1, 2, 4… seconds (capped) before its next try is
even checked, while the owner at another address logs in at once. The state is in the database,
shared by every web worker; the per-address Flask-Limiter limits still apply on top.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from capindustrie.extensions import db
from capindustrie.models import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int
    max_delay_seconds: int
    forget_seconds: int
    secret: str

    @classmethod
    def from_config(cls, config) -> "ThrottlePolicy":
        return cls(
            free_failures=int(config["LOGIN_THROTTLE_FREE_FAILURES"]),
            max_delay_seconds=int(config["LOGIN_THROTTLE_MAX_DELAY_SECONDS"]),
            forget_seconds=int(config["LOGIN_THROTTLE_FORGET_SECONDS"]),
            secret=config["SECRET_KEY"],
        )

    def delay_after(self, failures: int) -> int:
        """Seconds to wait after the `failures`-th failure in a row: 0, …, 0, 1, 2, 4… capped."""
        if failures < self.free_failures:
            return 0
        exponent = failures - self.free_failures
        if exponent >= self.max_delay_seconds.bit_length():
            return self.max_delay_seconds
        return min(2**exponent, self.max_delay_seconds)


class LoginThrottled(Exception):
    """This address must wait before trying this account again."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def throttle_key(policy: ThrottlePolicy, address: str, account: str) -> str:
    message = f"{address}|{account}".encode()
    return hmac.new(policy.secret.encode(), message, hashlib.sha256).hexdigest()


def check(policy: ThrottlePolicy, key: str, now: datetime) -> None:
    """Raise LoginThrottled when this pair's next try is not due yet."""
    next_attempt = db.session.scalar(
        select(LoginThrottle.next_attempt_at).where(LoginThrottle.key_hash == key)
    )
    if next_attempt is not None and next_attempt > now:
        raise LoginThrottled(max(1, math.ceil((next_attempt - now).total_seconds())))


def record_failure(policy: ThrottlePolicy, key: str, now: datetime) -> int:
    """Count one more failure of this pair (atomically: several workers may count at once) and
    set its next allowed try; commits. Returns the failures in a row."""
    forgotten_before = now - timedelta(seconds=policy.forget_seconds)
    # Old rows of every pair are swept here: one indexed DELETE per failure, no job needed.
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.last_failure_at < forgotten_before)
    )
    failures = _increment(key, now, forgotten_before)
    if failures is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(LoginThrottle).values(key_hash=key, failures=1, last_failure_at=now)
                )
            failures = 1
        except IntegrityError:  # another worker inserted the row first
            failures = _increment(key, now, forgotten_before)
    delay = policy.delay_after(failures)
    if delay:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key_hash == key)
            .values(next_attempt_at=now + timedelta(seconds=delay))
        )
    db.session.commit()
    return failures


def _increment(key: str, now: datetime, forgotten_before: datetime) -> int | None:
    return db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key_hash == key)
        .values(
            failures=case(
                (LoginThrottle.last_failure_at < forgotten_before, 1),
                else_=LoginThrottle.failures + 1,
            ),
            last_failure_at=now,
        )
        .returning(LoginThrottle.failures)
    ).scalar()


def forget(key: str) -> None:
    """A successful login resets the pair's counter; the caller commits."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == key))
