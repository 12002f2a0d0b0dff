"""Feedback after the internship (issue 13, point 4): one questionnaire for the pupil and one
for the company per validated placement, the invitations sent when it ended, and the
recruitments a company records later (« cet élève est revenu chez nous »)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.applications import Placement
from capindustrie.models.base import Base, str_enum, utcnow

MAX_LIKED_LENGTH = 1000


class Respondent(StrEnum):
    PUPIL = "pupil"
    COMPANY = "company"


class ProgrammeFollowed(StrEnum):
    YES = "oui"
    PARTLY = "en_partie"
    NO = "non"


PROGRAMME_LABELS = {
    ProgrammeFollowed.YES: "Oui",
    ProgrammeFollowed.PARTLY: "En partie",
    ProgrammeFollowed.NO: "Non",
}


class RecruitmentKind(StrEnum):
    APPRENTICESHIP = "apprentissage"
    SUMMER_JOB = "job_ete"
    WORK_STUDY = "alternance"
    JOB = "emploi"


RECRUITMENT_LABELS = {
    RecruitmentKind.APPRENTICESHIP: "Apprentissage",
    RecruitmentKind.SUMMER_JOB: "Job d'été",
    RecruitmentKind.WORK_STUDY: "Alternance (contrat de professionnalisation)",
    RecruitmentKind.JOB: "Emploi",
}


class FeedbackInvitation(Base):
    """One row per placement and respondent: the job's claim (the unique constraint), so a run
    repeated or run twice at once never invites twice."""

    __tablename__ = "feedback_invitation"
    __table_args__ = (sa.UniqueConstraint("placement_id", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placement.id", ondelete="CASCADE"))
    respondent: Mapped[Respondent] = mapped_column(str_enum(Respondent, "feedback_respondent"))
    # How many e-mails went to the outbox (0: a pupil account without an address; the link
    # still shows on the pupil's page).
    emails: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PupilFeedback(Base):
    __tablename__ = "pupil_feedback"
    __table_args__ = (
        sa.CheckConstraint("desire_before BETWEEN 1 AND 5", name="desire_before_range"),
        sa.CheckConstraint("desire_after BETWEEN 1 AND 5", name="desire_after_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    # « Avant ce stage, avais-tu envie… » is asked in the same questionnaire (a recollection,
    # said so on the dashboard), « Ce stage t'a-t-il donné envie… » after.
    desire_before: Mapped[int]
    desire_after: Mapped[int]
    programme_followed: Mapped[ProgrammeFollowed] = mapped_column(
        str_enum(ProgrammeFollowed, "feedback_programme")
    )
    liked: Mapped[str | None] = mapped_column(sa.Text)
    first_answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()


class CompanyFeedback(Base):
    __tablename__ = "company_feedback"
    __table_args__ = (
        sa.CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    satisfaction: Mapped[int]
    would_host_again: Mapped[bool]
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    first_answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()


class Recruitment(Base):
    """The pupil came back to the company: an apprenticeship, a summer job, a work-study
    contract or a job, from a date. Added by the company at any time after the internship."""

    __tablename__ = "feedback_recruitment"
    __table_args__ = (sa.UniqueConstraint("placement_id", "kind", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RecruitmentKind] = mapped_column(str_enum(RecruitmentKind, "recruitment_kind"))
    started_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()
