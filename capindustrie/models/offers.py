"""Turnkey offers: their periods and seats, day-by-day program, and lifecycle log."""

from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.users import FILIERE_LABELS, Company, Filiere


class OfferStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Level(StrEnum):
    TROISIEME = "3e"
    SECONDE = "2nde"


class GeoPrecision(StrEnum):
    ADDRESS = "address"
    COMMUNE = "commune"


class Offer(Base):
    __tablename__ = "offer"
    __table_args__ = (
        sa.CheckConstraint("for_3e OR for_2nde", name="has_level"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_together"),
        # Everything the search reads for an offer, so that it scans this index and not the
        # table (bench/search.py); latitude leads the range for the bounding box.
        sa.Index(
            "ix_offer_search_area", "status", "latitude", "longitude", "site_x_km", "site_y_km",
            "site_z_km", "for_3e", "for_2nde", "reserved_priority_education", "filiere",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    filiere: Mapped[Filiere] = mapped_column(str_enum(Filiere, "offer_filiere"))
    for_3e: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    for_2nde: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus, "offer_status"), default=OfferStatus.DRAFT, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    # Explicit acceptance of the observation-only rule (Code du travail D. 4153-15 to -37).
    observation_commitment_at: Mapped[datetime | None]

    site_address: Mapped[str | None] = mapped_column(sa.String(300))
    site_postcode: Mapped[str | None] = mapped_column(sa.String(5))
    site_commune_insee: Mapped[str | None] = mapped_column(sa.ForeignKey("commune.insee"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    geo_precision: Mapped[GeoPrecision | None] = mapped_column(
        str_enum(GeoPrecision, "offer_geo_precision")
    )
    # Derived, for the search (capindustrie/search/indexing.py keeps them up to date).
    site_x_km: Mapped[float | None]
    site_y_km: Mapped[float | None]
    site_z_km: Mapped[float | None]
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    tutor_name: Mapped[str | None] = mapped_column(sa.String(160))
    tutor_role: Mapped[str | None] = mapped_column(sa.String(160))
    tutor_email: Mapped[str | None] = mapped_column(sa.String(254))
    tutor_phone: Mapped[str | None] = mapped_column(sa.String(20))

    day_start: Mapped[time | None]
    day_end: Mapped[time | None]
    break_start: Mapped[time | None]
    break_end: Mapped[time | None]
    dress_code: Mapped[str | None] = mapped_column(sa.Text)
    protective_equipment: Mapped[str | None] = mapped_column(sa.Text)
    meals: Mapped[str | None] = mapped_column(sa.Text)
    transport_access: Mapped[str | None] = mapped_column(sa.Text)
    pmr_access: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    reserved_priority_education: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )

    wizard_step: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed: the incremental export reads what changed since its last run.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    published_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship()
    site_commune: Mapped["Commune | None"] = relationship()  # noqa: F821
    periods: Mapped[list["Period"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="Period.start_date"
    )
    program_days: Mapped[list["ProgramDay"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="ProgramDay.day_number"
    )
    transitions: Mapped[list["OfferTransition"]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferTransition.id"
    )

    @property
    def filiere_label(self) -> str:
        return FILIERE_LABELS[self.filiere]

    @property
    def levels(self) -> list[Level]:
        return [
            lvl
            for lvl, on in ((Level.TROISIEME, self.for_3e), (Level.SECONDE, self.for_2nde))
            if on
        ]


class Period(Base):
    __tablename__ = "period"
    __table_args__ = (
        sa.CheckConstraint("seats >= 1 AND seats <= 20", name="seats_range"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= seats", name="seats_taken_range"),
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.Index("ix_period_offer_dates", "offer_id", "start_date", "end_date"),
        # The search's "has an open period" set, read from the index alone.
        sa.Index("ix_period_open", "level", "seats_taken", "seats", "start_date", "end_date",
                 "offer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offer.id", ondelete="CASCADE"))
    level: Mapped[Level] = mapped_column(str_enum(Level, "period_level"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    seats: Mapped[int]
    # Accepted, confirmed or validated applications hold a seat: counted here, guarded by CHECK.
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")

    offer: Mapped[Offer] = relationship(back_populates="periods")

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken


class ProgramDay(Base):
    __tablename__ = "program_day"
    __table_args__ = (
        sa.UniqueConstraint("offer_id", "day_number"),
        sa.CheckConstraint("day_number >= 1 AND day_number <= 10", name="day_number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offer.id", ondelete="CASCADE"))
    day_number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(160))
    activities: Mapped[str] = mapped_column(sa.Text)
    with_whom: Mapped[str | None] = mapped_column(sa.String(300))
    safety: Mapped[str | None] = mapped_column(sa.Text)

    offer: Mapped[Offer] = relationship(back_populates="program_days")


class OfferTransition(Base):
    __tablename__ = "offer_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    from_status: Mapped[OfferStatus | None] = mapped_column(
        str_enum(OfferStatus, "offer_transition_from")
    )
    to_status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus, "offer_transition_to"))
    message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    offer: Mapped[Offer] = relationship(back_populates="transitions")
