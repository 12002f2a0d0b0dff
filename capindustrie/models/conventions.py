"""The convention (internship agreement) beyond what offers and placements already hold: the
school's profile, the pupil's family, the host's signatory for one placement, and the frozen
versions (the convention, then its amendments) that the PDF is printed from."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.applications import Placement
from capindustrie.models.base import Base, str_enum, utcnow
from capindustrie.models.classes import Pupil
from capindustrie.models.reference import School


class SchoolStatus(StrEnum):
    PUBLIC = "public"
    PRIVATE_CONTRACT = "prive_sous_contrat"


SCHOOL_STATUS_LABELS = {
    SchoolStatus.PUBLIC: "établissement public local d'enseignement",
    SchoolStatus.PRIVATE_CONTRACT: "établissement privé sous contrat",
}


class SchoolProfile(Base):
    """What the convention needs about a school and the reference data lacks; a teacher of the
    school fills it once for every class."""

    __tablename__ = "school_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), unique=True)
    status: Mapped[SchoolStatus] = mapped_column(str_enum(SchoolStatus, "school_profile_status"))
    phone: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254))
    head_name: Mapped[str] = mapped_column(sa.String(160))
    # The board's deliberation authorising the conventions (public EPLE only).
    board_authorisation_date: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    school: Mapped[School] = relationship()


class PupilFamily(Base):
    """The pupil's legal representatives (up to two), PAI and insurance certificate: collected
    only because the convention requires them, purged with the pupil."""

    __tablename__ = "pupil_family"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pupil.id", ondelete="CASCADE"), unique=True
    )
    rep1_name: Mapped[str | None] = mapped_column(sa.String(160))
    rep1_email: Mapped[str | None] = mapped_column(sa.String(254))
    rep1_phone: Mapped[str | None] = mapped_column(sa.String(20))
    rep2_name: Mapped[str | None] = mapped_column(sa.String(160))
    rep2_email: Mapped[str | None] = mapped_column(sa.String(254))
    rep2_phone: Mapped[str | None] = mapped_column(sa.String(20))
    # NULL: not answered yet (the convention needs a yes or a no).
    pai: Mapped[bool | None]
    pai_kit: Mapped[str | None] = mapped_column(sa.String(300))
    insurance_certificate: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pupil: Mapped[Pupil] = relationship()


class AgreementParties(Base):
    """Per placement: who signs for the host and the referent teacher's phone."""

    __tablename__ = "agreement_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), unique=True
    )
    host_rep_name: Mapped[str | None] = mapped_column(sa.String(160))
    host_rep_function: Mapped[str | None] = mapped_column(sa.String(160))
    host_rep_email: Mapped[str | None] = mapped_column(sa.String(254))
    host_rep_phone: Mapped[str | None] = mapped_column(sa.String(20))
    referent_phone: Mapped[str | None] = mapped_column(sa.String(20))

    placement: Mapped[Placement] = relationship()


class AgreementVersion(Base):
    """One frozen text: number 1 is the convention, each later number an amendment. `content`
    is the canonical JSON of every value printed; `content_hash` its SHA-256."""

    __tablename__ = "agreement_version"
    __table_args__ = (
        sa.UniqueConstraint("placement_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    content: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Set when the last awaited party signs: « convention signée ».
    fully_signed_at: Mapped[datetime | None]

    placement: Mapped[Placement] = relationship()

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


class SignatureParty(StrEnum):
    HEAD = "chef_etablissement"
    HOST = "representant_entreprise"
    TUTOR = "tuteur"
    REFERENT = "professeur_referent"
    PUPIL = "eleve"
    REP1 = "representant_legal_1"
    REP2 = "representant_legal_2"


SIGNATURE_PARTY_LABELS = {
    SignatureParty.HEAD: "Chef d'établissement",
    SignatureParty.HOST: "Représentant de l'entreprise",
    SignatureParty.TUTOR: "Tuteur ou tutrice",
    SignatureParty.REFERENT: "Professeur référent",
    SignatureParty.PUPIL: "Élève",
    SignatureParty.REP1: "Représentant légal 1",
    SignatureParty.REP2: "Représentant légal 2",
}


class SignatureMethod(StrEnum):
    CODE = "code"  # a one-time code sent by e-mail
    ACCOUNT = "compte"  # the pupil, signed in to their own account
    PAPER = "papier"  # a paper signature recorded by the teacher, with its scan


class AgreementSignature(Base):
    """One party's signature of one version: who, when, how, from where, and the hash of the
    content they signed."""

    __tablename__ = "agreement_signature"
    __table_args__ = (sa.UniqueConstraint("version_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement_version.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[SignatureParty] = mapped_column(str_enum(SignatureParty, "signature_party"))
    method: Mapped[SignatureMethod] = mapped_column(str_enum(SignatureMethod, "signature_method"))
    signer_name: Mapped[str] = mapped_column(sa.String(160))
    signer_email: Mapped[str | None] = mapped_column(sa.String(254))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    scan_filename: Mapped[str | None] = mapped_column(sa.String(200))
    scan_mimetype: Mapped[str | None] = mapped_column(sa.String(40))
    scan_data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    version: Mapped[AgreementVersion] = relationship()


class SignatureInvitation(Base):
    """A signing link sent by e-mail to a party without an account on the platform (or whose
    e-mail is the signature's proof): the token and the one-time code are stored hashed."""

    __tablename__ = "signature_invitation"
    __table_args__ = (sa.CheckConstraint("code_attempts >= 0", name="attempts_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement_version.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[SignatureParty] = mapped_column(
        str_enum(SignatureParty, "signature_invitation_party")
    )
    name: Mapped[str] = mapped_column(sa.String(160))
    email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    code_expires_at: Mapped[datetime | None]
    code_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]

    version: Mapped[AgreementVersion] = relationship()
