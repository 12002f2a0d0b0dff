"""The audit log of staff actions (issue 14): append-only, kept 5 years."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from capindustrie.models.base import Base, utcnow


class AuditEntry(Base):
    """One staff action: who, when, what, on which object, why.

    No foreign key to the actor: the entry must outlive the account (accounts are deleted after
    2 years of inactivity, the log is kept 5), so the actor's address is copied in `actor_label`.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(50))
    object_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class TwoFactor(Base):
    """A user's TOTP second factor. Compulsory for staff, optional for teachers and companies.

    `confirmed_at` is None while enrolment waits for a first good code. `last_step` is the time
    step of the last accepted code: a code is refused unless its step is later (no replay).
    """

    __tablename__ = "two_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int | None]


class RecoveryCode(Base):
    """A single-use recovery code, stored as an argon2 hash like a password."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(200))
    used_at: Mapped[datetime | None]
