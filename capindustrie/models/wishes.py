"""A pupil's ordered wishes (issue 15): filières they like and offers they starred, up to 5."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.classes import Pupil
from capindustrie.models.offers import Offer
from capindustrie.models.users import Filiere

MAX_WISHES = 5


class PupilWish(Base):
    __tablename__ = "pupil_wish"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "rank"),
        sa.CheckConstraint(f"rank >= 1 AND rank <= {MAX_WISHES}", name="wish_rank_range"),
        sa.CheckConstraint("(filiere IS NULL) <> (offer_id IS NULL)", name="wish_one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]  # 1 = favourite
    filiere: Mapped[Filiere | None] = mapped_column(str_enum(Filiere, "wish_filiere"))
    offer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("offer.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pupil: Mapped[Pupil] = relationship()
    offer: Mapped[Offer | None] = relationship()
