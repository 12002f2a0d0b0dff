"""Two-factor sign-in (issue 14): TOTP codes (pyotp), compulsory for staff, optional for teachers
and companies; 10 single-use recovery codes stored as argon2 hashes; a code is accepted once
(the last accepted time step is stored, so a replayed code is refused). Nothing commits here.
"""

import hmac
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from sqlalchemy import delete, select

from capindustrie.auth.passwords import hash_password, verify_password
from capindustrie.extensions import db
from capindustrie.models import RecoveryCode, Role, TwoFactor, User, utcnow

ISSUER = "Cap Industrie"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
# The key Flask's (signed) session holds once the second step is passed: the id of the login
# session it was passed for, so a new login (new id) must pass it again.
SESSION_KEY = "two_factor_for"
OPTIONAL_ROLES = (Role.TEACHER, Role.COMPANY)


def confirmed_factor(user: User) -> TwoFactor | None:
    return db.session.scalar(
        select(TwoFactor).where(TwoFactor.user_id == user.id, TwoFactor.confirmed_at.is_not(None))
    )


def may_enrol(user: User) -> bool:
    return user.role == Role.STAFF or user.role in OPTIONAL_ROLES


def start_enrolment(user: User, secret: str | None = None) -> TwoFactor:
    """A new, unconfirmed secret (replacing an unfinished enrolment)."""
    factor = db.session.scalar(select(TwoFactor).where(TwoFactor.user_id == user.id))
    if factor is not None and factor.confirmed_at is not None:
        raise ValueError("two-factor already enrolled")
    if factor is None:
        factor = TwoFactor(user_id=user.id, secret="")
        db.session.add(factor)
    factor.secret = secret or pyotp.random_base32()
    factor.last_step = None
    db.session.flush()
    return factor


def pending_factor(user: User) -> TwoFactor | None:
    return db.session.scalar(
        select(TwoFactor).where(TwoFactor.user_id == user.id, TwoFactor.confirmed_at.is_(None))
    )


def provisioning_uri(factor: TwoFactor, user: User) -> str:
    return pyotp.TOTP(factor.secret).provisioning_uri(
        name=user.email or user.username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG: a path with attributes only (no script, no style: strict CSP)."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, title="QR code à scanner avec votre application d'authentification"
    )


def _step(now: datetime) -> int:
    """The TOTP time step of `now` (naive datetimes are UTC, the app's convention)."""
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return int(aware.timestamp()) // STEP_SECONDS


def check_code(factor: TwoFactor, code: str, now: datetime | None = None) -> bool:
    """True for a right code of the current step (or its neighbours, for clock drift) later than
    the last accepted one; that step is then stored, so the same code cannot be used again."""
    code = "".join((code or "").split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(factor.secret)
    current = _step(now or utcnow())
    for step in (current - 1, current, current + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            factor.last_step = step
            return True
    return False


def confirm_enrolment(
    factor: TwoFactor, code: str, now: datetime | None = None
) -> list[str] | None:
    """Confirm with a first good code; the new recovery codes (shown once), or None."""
    if not check_code(factor, code, now):
        return None
    factor.confirmed_at = now or utcnow()
    return new_recovery_codes(db.session.get(User, factor.user_id))


def new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(c)) for c in codes)
    return codes


def _recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


def use_recovery_code(user: User, typed: str, now: datetime | None = None) -> bool:
    """True if `typed` is one of the user's unused recovery codes; it is then used up."""
    typed = "".join((typed or "").lower().split())
    if len(typed) != 11:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for code in unused:
        if verify_password(code.code_hash, typed):
            code.used_at = now or utcnow()
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def remove(user: User) -> None:
    """No second factor any more (a teacher's or company's choice, or a staff reset)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
