"""Classes of a school, their teachers, and pupils (a pupil is a user with a class)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.offers import Level
from capindustrie.models.reference import School
from capindustrie.models.users import User

class_teacher = sa.Table(
    "class_teacher",
    Base.metadata,
    sa.Column("class_id", sa.ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class SchoolClass(Base):
    __tablename__ = "school_class"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "school_year", "name"),
        sa.CheckConstraint(
            "internship_end IS NULL OR internship_start IS NULL "
            "OR internship_end >= internship_start",
            name="internship_dates_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    level: Mapped[Level] = mapped_column(str_enum(Level, "class_level"))
    # First calendar year of the school year: 2026 means 2026-2027.
    school_year: Mapped[int]
    internship_start: Mapped[date | None]
    internship_end: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()
    teachers: Mapped[list[User]] = relationship(secondary=class_teacher)
    pupils: Mapped[list["Pupil"]] = relationship(back_populates="school_class")


class Pupil(Base):
    """The pupil side of a user account: minimal data (no address, no phone)."""

    __tablename__ = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_class.id"), index=True)
    # Optional, printed on the convention only (no age rule: the class level decides).
    birth_date: Mapped[date | None]

    user: Mapped[User] = relationship()
    school_class: Mapped[SchoolClass] = relationship(back_populates="pupils")


class LoginSlipBatch(Base):
    """Temporary passwords just made for pupils, kept for the slips PDF: encrypted (Fernet, key
    derived from the secret key), for the teacher who made them only, downloadable once and
    for a few minutes. The page that offers the download carries only this row's id."""

    __tablename__ = "login_slip_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        sa.ForeignKey("school_class.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
