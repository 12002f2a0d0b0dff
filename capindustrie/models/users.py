"""Accounts: one table for every role; companies own users; pupils have a profile in classes.py."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum, utcnow


class Role(StrEnum):
    COMPANY = "company"
    PUPIL = "pupil"
    TEACHER = "teacher"
    STAFF = "staff"


class Filiere(StrEnum):
    AGRI_FOOD = "agriculture_agroalimentaire"
    MATERIALS = "materiaux"
    LOGISTICS = "logistique"
    GREEN_ENERGY = "energies_vertes"
    HEALTH_PHARMA = "sante_pharmaceutique"
    SUSTAINABLE_BUILDING = "construction_durable"
    FUTURE_INDUSTRY = "industrie_du_futur"
    AERONAUTICS = "aeronautique"
    OTHER = "autre_industrie"


FILIERE_LABELS = {
    Filiere.AGRI_FOOD: "Agriculture et agroalimentaire",
    Filiere.MATERIALS: "Industrie des matériaux",
    Filiere.LOGISTICS: "Logistique",
    Filiere.GREEN_ENERGY: "Énergies vertes",
    Filiere.HEALTH_PHARMA: "Santé et pharmaceutique",
    Filiere.SUSTAINABLE_BUILDING: "Construction durable",
    Filiere.FUTURE_INDUSTRY: "Industrie du futur",
    Filiere.AERONAUTICS: "Aéronautique",
    Filiere.OTHER: "Autre industrie",
}


class CompanyStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SizeBand(StrEnum):
    MICRO = "0-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250-4999"
    HUGE = "5000+"


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str] = mapped_column(sa.String(14), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    filiere: Mapped[Filiere] = mapped_column(str_enum(Filiere, "company_filiere"))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    commune_insee: Mapped[str | None] = mapped_column(sa.ForeignKey("commune.insee"))
    size_band: Mapped[SizeBand | None] = mapped_column(str_enum(SizeBand, "company_size_band"))
    presentation: Mapped[str | None] = mapped_column(sa.Text)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    status: Mapped[CompanyStatus] = mapped_column(
        str_enum(CompanyStatus, "company_status"), default=CompanyStatus.PENDING
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="company")

    @property
    def filiere_label(self) -> str:
        return FILIERE_LABELS[self.filiere]


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("email IS NOT NULL OR username IS NOT NULL", name="has_login"),
        sa.CheckConstraint("role != 'company' OR company_id IS NOT NULL", name="company_user"),
        sa.CheckConstraint("role != 'teacher' OR school_id IS NOT NULL", name="teacher_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    # Stored lower-cased: PostgreSQL compares case-sensitively.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    username: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Bumped on password change: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # True while a self-registered account waits for its address to be confirmed (the link
    # e-mailed at registration); accounts made otherwise (pupils, invitations, staff) never wait.
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Retention (capindustrie/privacy): set when the account is deleted, i.e. reduced to an
    # anonymous row (no name, no login, no password) that old placements and indicators still
    # point at; and when the « your account will be deleted » e-mail went out (a later sign-in
    # makes that warning void).
    deleted_at: Mapped[datetime | None]
    deletion_warned_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(back_populates="users")
    school: Mapped["School | None"] = relationship()  # noqa: F821

    # The id of the server-side login session this object was loaded for or logged in with
    # (capindustrie.auth.session): what Flask-Login keeps in the cookie. Not a column.
    login_session_id = None

    # UserMixin compares get_id(), which names a login session: two users are the same person
    # when they are the same row.
    __hash__ = object.__hash__

    def __eq__(self, other):
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def get_id(self) -> str:
        if not self.login_session_id:
            raise RuntimeError("no login session: log in through capindustrie.auth.session")
        return self.login_session_id

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class UserSession(Base):
    """One login (a browser): the session cookie names it, logging out deletes it, so a cookie
    captured before the logout no longer works. Only a hash of its secret is stored."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginThrottle(Base):
    """Failed logins of one client address on one account (or typed login): after a few, that
    pair waits longer and longer before its next try is even checked. Keyed on the pair, so an
    attacker who knows a login slows down only themselves, not the owner at their usual
    address. The key is an HMAC: the table holds neither addresses nor logins."""

    __tablename__ = "login_throttle"

    key_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    next_attempt_at: Mapped[datetime | None]
