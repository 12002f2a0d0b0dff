"""Headcounts per school, imported by staff, so that shares of pupils reached can be shown."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.offers import Level

MAX_HEADCOUNT = 2000


class SchoolHeadcount(Base):
    """Pupils enrolled in a level of a school for a school year (from the school's own figures,
    imported as CSV by staff)."""

    __tablename__ = "school_headcount"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "school_year", "level"),
        sa.CheckConstraint(f"pupils >= 0 AND pupils <= {MAX_HEADCOUNT}", name="pupils_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"))
    school_year: Mapped[int]
    level: Mapped[Level] = mapped_column(str_enum(Level, "headcount_level"))
    pupils: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
