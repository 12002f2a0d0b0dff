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
