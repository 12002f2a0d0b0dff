"""Industry events (visits, forums, workshops) and registrations with a waitlist."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow


class EventKind(StrEnum):
    VISIT = "visit"
    FORUM = "forum"
    WORKSHOP = "workshop"


class EventAudience(StrEnum):
    TROISIEME = "3e"
    SECONDE = "2nde"
    ALL = "all"


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_taken_range"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    audience: Mapped[EventAudience] = mapped_column(str_enum(EventAudience, "event_audience"))
    description: Mapped[str | None] = mapped_column(sa.Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(300))
    commune_insee: Mapped[str | None] = mapped_column(sa.ForeignKey("commune.insee"))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"))
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(back_populates="event")


class Registration(Base):
    __tablename__ = "registration"
    __table_args__ = (
        sa.CheckConstraint("pupil_id IS NOT NULL OR class_id IS NOT NULL", name="who"),
        sa.CheckConstraint("group_size >= 1", name="group_size_positive"),
        sa.UniqueConstraint("event_id", "pupil_id"),
        sa.UniqueConstraint("event_id", "class_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pupil.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("school_class.id", ondelete="CASCADE")
    )
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    group_size: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "registration_status")
    )
    attended: Mapped[bool | None]
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations")
