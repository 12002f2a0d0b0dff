"""Operational tables: the e-mail outbox and the MyStage77 export runs."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from capindustrie.models.base import Base, str_enum, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_positive"),
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a sender claims the row, so two senders never send it twice.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # One optional text attachment (an event's .ics).
    attachment_filename: Mapped[str | None] = mapped_column(sa.String(120))
    attachment_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    attachment_content: Mapped[str | None] = mapped_column(sa.Text)


class ExportStatus(StrEnum):
    SUCCESS = "success"
    ERROR = "error"


class ExportRun(Base):
    __tablename__ = "export_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    trigger: Mapped[str] = mapped_column(sa.String(20))
    format_version: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[ExportStatus | None] = mapped_column(str_enum(ExportStatus, "export_status"))
    row_count: Mapped[int | None]
    checksum: Mapped[str | None] = mapped_column(sa.String(64))
    error: Mapped[str | None] = mapped_column(sa.Text)
    csv_content: Mapped[str | None] = mapped_column(sa.Text)
    json_content: Mapped[str | None] = mapped_column(sa.Text)
    triggered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
