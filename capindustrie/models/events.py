"""Industry events (visits, workshops, forums…), their sessions, and group registrations.

A session's `seats_taken` counts the seats (pupils + accompanying adults) of its confirmed
registrations; it is only ever changed by one conditional UPDATE under the session's row lock
(capindustrie/events/registrations.py) and guarded by a CHECK, so capacity is never exceeded.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.offers import GeoPrecision

MAX_SESSION_CAPACITY = 500


class EventKind(StrEnum):
    VISIT = "visite"
    WORKSHOP = "atelier"
    FORUM = "forum"
    MEETING = "rencontre"
    OPEN_DAY = "portes_ouvertes"


class EventAudience(StrEnum):
    TROISIEME = "3e"
    SECONDE = "2nde"
    ALL = "all"


class EventStatus(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Campaign(Base):
    """« Semaine de l'industrie 2026 », « Mois de la découverte des métiers »…: dates are data."""

    __tablename__ = "campaign"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_together"),
        sa.CheckConstraint("cancellation_days >= 0", name="cancellation_days_positive"),
        sa.CheckConstraint("names_days >= 0", name="names_days_positive"),
        sa.CheckConstraint(
            "registration_closes_at > registration_opens_at", name="registration_window"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    # None: the Département organises it.
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"), index=True)
    audience: Mapped[EventAudience] = mapped_column(str_enum(EventAudience, "event_audience"))
    status: Mapped[EventStatus] = mapped_column(
        str_enum(EventStatus, "event_status"), default=EventStatus.SUBMITTED, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    address: Mapped[str] = mapped_column(sa.String(300))
    postcode: Mapped[str] = mapped_column(sa.String(5))
    commune_insee: Mapped[str | None] = mapped_column(sa.ForeignKey("commune.insee"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    geo_precision: Mapped[GeoPrecision | None] = mapped_column(
        str_enum(GeoPrecision, "event_geo_precision")
    )
    meeting_point: Mapped[str | None] = mapped_column(sa.Text)
    accessibility: Mapped[str | None] = mapped_column(sa.Text)
    practical_notes: Mapped[str | None] = mapped_column(sa.Text)

    allow_individual: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Off (strict order): a waiting group too large for the freed seats blocks those behind it.
    waitlist_allow_skip: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    registration_opens_at: Mapped[datetime]
    registration_closes_at: Mapped[datetime]
    cancellation_days: Mapped[int] = mapped_column(default=2, server_default="2")
    names_days: Mapped[int] = mapped_column(default=7, server_default="7")

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    campaign: Mapped[Campaign | None] = relationship()
    company: Mapped["Company | None"] = relationship()  # noqa: F821
    commune: Mapped["Commune | None"] = relationship()  # noqa: F821
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at"
    )


class EventSession(Base):
    __tablename__ = "event_session"
    __table_args__ = (
        sa.CheckConstraint(
            f"capacity >= 1 AND capacity <= {MAX_SESSION_CAPACITY}", name="capacity_range"
        ),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_taken_range"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="sessions")
    registrations: Mapped[list["Registration"]] = relationship(back_populates="session")

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


registration_pupil = sa.Table(
    "registration_pupil",
    Base.metadata,
    sa.Column(
        "registration_id", sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("pupil_id", sa.ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True),
)


class Registration(Base):
    """A class's group (or one pupil) for one session. A cancelled row is reused when the same
    class registers again, so the uniqueness below is the « one registration per class » rule."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.CheckConstraint("pupil_id IS NOT NULL OR class_id IS NOT NULL", name="who"),
        sa.CheckConstraint("pupils >= 1", name="pupils_positive"),
        sa.CheckConstraint("adults >= 0", name="adults_positive"),
        sa.CheckConstraint(
            "present_count IS NULL OR present_count >= 0", name="present_count_positive"
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name="satisfaction_range",
        ),
        sa.UniqueConstraint("session_id", "pupil_id"),
        sa.UniqueConstraint("session_id", "class_id"),
        sa.Index("ix_registration_waitlist", "session_id", "status", "queued_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pupil.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("school_class.id", ondelete="CASCADE")
    )
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    pupils: Mapped[int] = mapped_column(default=1, server_default="1")
    adults: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "registration_status")
    )
    # Waitlist order: when the entry joined the waitlist (then id).
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attendance: Mapped[Attendance | None] = mapped_column(
        str_enum(Attendance, "registration_attendance")
    )
    present_count: Mapped[int | None]
    reminder_7_sent_at: Mapped[datetime | None]
    reminder_2_sent_at: Mapped[datetime | None]
    satisfaction_asked_at: Mapped[datetime | None]
    satisfaction: Mapped[int | None]
    satisfaction_comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[EventSession] = relationship(back_populates="registrations")
    school_class: Mapped["SchoolClass | None"] = relationship()  # noqa: F821
    pupil: Mapped["Pupil | None"] = relationship()  # noqa: F821
    registered_by: Mapped["User | None"] = relationship()  # noqa: F821
    named_pupils: Mapped[list["Pupil"]] = relationship(  # noqa: F821
        secondary=registration_pupil
    )

    @property
    def seats(self) -> int:
        return self.pupils + self.adults


class CalendarFeed(Base):
    """A private calendar URL for a teacher or a pupil: the token is the only key; revoking it
    draws a new one."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
