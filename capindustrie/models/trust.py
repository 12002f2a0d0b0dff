"""Reports of offers by visitors, and parents' read-only links to a placement (issue 14)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.applications import Placement
from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.offers import Offer


class ReportReason(StrEnum):
    DISGUISED_JOB = "disguised_job"
    INAPPROPRIATE = "inappropriate"
    WRONG_ADDRESS = "wrong_address"
    MISLEADING = "misleading"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.DISGUISED_JOB: "Offre suspecte ou déguisée en emploi",
    ReportReason.INAPPROPRIATE: "Contenu inapproprié",
    ReportReason.WRONG_ADDRESS: "Adresse erronée",
    ReportReason.MISLEADING: "Offre trompeuse",
    ReportReason.OTHER: "Autre raison",
}


class ReportOutcome(StrEnum):
    HIDDEN = "hidden"
    FIX_REQUESTED = "fix_requested"
    DISMISSED = "dismissed"


REPORT_OUTCOME_LABELS = {
    ReportOutcome.HIDDEN: "Offre retirée",
    ReportOutcome.FIX_REQUESTED: "Correction demandée à l'entreprise",
    ReportOutcome.DISMISSED: "Sans suite",
}


class OfferReport(Base):
    """One report of an offer. The reports of an offer are decided together (one decision for
    every open report of the offer). The reporter (None: anonymous) is never shown to the
    company; the account going (purge) leaves the report, anonymous."""

    __tablename__ = "offer_report"
    __table_args__ = (sa.Index("ix_offer_report_open", "outcome", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, "offer_report_reason"))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    reporter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[ReportOutcome | None] = mapped_column(
        str_enum(ReportOutcome, "offer_report_outcome")
    )
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    offer: Mapped[Offer] = relationship()

    @property
    def reason_label(self) -> str:
        return REPORT_REASON_LABELS[self.reason]

    @property
    def outcome_label(self) -> str:
        return REPORT_OUTCOME_LABELS[self.outcome] if self.outcome else "À traiter"


class ParentLink(Base):
    """A read-only link for a pupil's legal representative. Only the SHA-256 of the token is
    stored (the token has 256 random bits: a fast hash is enough, and nobody can rebuild the
    link from the database). Valid until `expires_at` (UTC) unless revoked."""

    __tablename__ = "parent_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    placement: Mapped[Placement] = relationship()
