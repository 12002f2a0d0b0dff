"""Operational tables: the e-mail outbox and the MyStage77 export runs."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class ExportKind(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"


class ExportRun(Base):
    """One export run (capindustrie/exports/runs.py): what was written, by whom, and how it ended.

    The files live on disk (EXPORT_DIR), named in csv_file/json_file; their SHA-256 are here."""

    __tablename__ = "export_run"
    __table_args__ = (sa.Index("ix_export_run_status_started", "status", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExportKind] = mapped_column(str_enum(ExportKind, "export_kind"))
    trigger: Mapped[str] = mapped_column(sa.String(20))
    triggered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    format_version: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[ExportStatus] = mapped_column(
        str_enum(ExportStatus, "export_status"), default=ExportStatus.RUNNING
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Incremental runs: changes since this instant (the last successful run's start).
    since: Mapped[datetime | None]
    total_rows: Mapped[int | None]
    progress_rows: Mapped[int] = mapped_column(default=0, server_default="0")
    row_count: Mapped[int | None]
    deleted_count: Mapped[int | None]
    csv_file: Mapped[str | None] = mapped_column(sa.String(200))
    json_file: Mapped[str | None] = mapped_column(sa.String(200))
    csv_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    json_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    csv_bytes: Mapped[int | None]
    json_bytes: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    # JSON list of French messages (fallbacks used: no coordinates, no presentation…).
    warnings: Mapped[str | None] = mapped_column(sa.Text)
    delivery_summary: Mapped[str | None] = mapped_column(sa.Text)

    triggered_by: Mapped["User | None"] = relationship()  # noqa: F821


class ExportLock(Base):
    """The claim row that makes export runs exclusive across processes and databases.

    A run claims it with one conditional UPDATE (run_id IS NULL, or the holder's heartbeat is
    stale: a killed process) and checks the row count; PostgreSQL's row lock and SQLite's write
    lock both serialise two claimers, so exactly one wins."""

    __tablename__ = "export_lock"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    run_id: Mapped[int | None]
    claimed_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    ERROR = "error"


class ExportDelivery(Base):
    """What the partner API knows of one record (an offer at one level), by remote_id."""

    __tablename__ = "export_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    remote_id: Mapped[str] = mapped_column(sa.String(60), unique=True)
    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("offer.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(sa.String(4))
    state: Mapped[DeliveryState] = mapped_column(
        str_enum(DeliveryState, "export_delivery_state"), default=DeliveryState.PENDING
    )
    # The partner has a record with this remote_id (so a change is a PATCH, not a POST).
    remote_known: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    http_status: Mapped[int | None]
    message: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_run_id: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    offer: Mapped["Offer"] = relationship()  # noqa: F821
