"""Applications of pupils to offer periods, their transition log, and validated placements."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.classes import Pupil
from capindustrie.models.offers import Period


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CONFIRMED = "confirmed"
    VALIDATED = "validated"
    REFUSED_BY_TEACHER = "refused_by_teacher"
    PROPOSED = "proposed"  # a placement proposal sent by the teacher (issue 15)


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "period_id"),
        sa.Index("ix_application_status_changed", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupil.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.SUBMITTED
    )
    message: Mapped[str] = mapped_column(sa.Text)
    answer_message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminder_sent_at: Mapped[datetime | None]
    # Days from the application to the company's first answer (accepted or refused by someone,
    # not a timer's expiry); NULL until then. For the indicators' median answer time.
    answer_days: Mapped[float | None] = mapped_column(sa.Float)

    pupil: Mapped[Pupil] = relationship()
    period: Mapped[Period] = relationship()
    transitions: Mapped[list["ApplicationTransition"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationTransition.id",
    )

    def note_company_answer(self, at: datetime) -> None:
        """Keep the first answer's delay; later answers (a refusal after an acceptance) do not
        change it."""
        if self.answer_days is None:
            self.answer_days = (at - self.created_at).total_seconds() / 86400


class ApplicationTransition(Base):
    __tablename__ = "application_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    # NULL actor: the system (a timer).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        str_enum(ApplicationStatus, "application_transition_from")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_transition_to")
    )
    message: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="transitions")


class Placement(Base):
    __tablename__ = "placement"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"), index=True)
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    validated_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    pupil: Mapped[Pupil] = relationship()
    period: Mapped[Period] = relationship()
