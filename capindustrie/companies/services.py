"""The company space's rules: its offers at a glance, its profile, its colleagues' invitations.

No `request` here; callers pass `now` when time matters.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from capindustrie.auth.passwords import hash_password
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Commune,
    Company,
    Filiere,
    Level,
    Offer,
    OfferStatus,
    OutboxMessage,
    Period,
    Role,
    SizeBand,
    User,
    utcnow,
)
from capindustrie.offers import lifecycle
from capindustrie.offers import services as offer_services
from capindustrie.text import plural

# --- Offers overview ---------------------------------------------------------------------------

# A seat is held from the company's yes until the teacher's validation.
SEAT_HOLDING_STATUSES = (
    ApplicationStatus.PROPOSED,  # a placement proposal holds its seat until answered
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.VALIDATED,
)


@dataclass
class PeriodCounts:
    pending: int = 0
    accepted: int = 0


def company_offers(company_id: int) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.company_id == company_id)
            .options(selectinload(Offer.periods))
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def application_counts(offers: list[Offer]) -> dict[int, PeriodCounts]:
    """Pending and accepted applications for every period of `offers`, in one query."""
    period_ids = [p.id for offer in offers for p in offer.periods]
    counts = {period_id: PeriodCounts() for period_id in period_ids}
    if not period_ids:
        return counts
    rows = db.session.execute(
        select(Application.period_id, Application.status, func.count())
        .where(Application.period_id.in_(period_ids))
        .group_by(Application.period_id, Application.status)
    )
    for period_id, status, number in rows:
        if status == ApplicationStatus.SUBMITTED:
            counts[period_id].pending += number
        elif status in SEAT_HOLDING_STATUSES:
            counts[period_id].accepted += number
    return counts


def close_offer(offer: Offer, actor: User, now: datetime | None = None) -> None:
    """Raises lifecycle.TransitionError (French message) when the offer cannot close."""
    lifecycle.transition(offer, OfferStatus.CLOSED, actor, "Fermée par l'entreprise.", now)


def reopen_offer(offer: Offer, actor: User, now: datetime | None = None) -> None:
    """Raises lifecycle.TransitionError when the offer cannot be published again."""
    lifecycle.transition(offer, OfferStatus.PUBLISHED, actor, "Rouverte par l'entreprise.", now)


def duplicate_offer(offer: Offer, actor: User, levels: str) -> Offer:
    """`levels`: "same", "3e" or "2nde"."""
    level = None if levels == "same" else Level(levels)
    return offer_services.duplicate(offer, actor, level=level)


def seats_locked_reason(period: Period, today: date) -> str | None:
    """Why a period's seats may no longer change: nobody can apply to it any more."""
    if period.offer.status == OfferStatus.ARCHIVED:
        return "Cette offre est archivée : ses places ne changent plus."
    if period.end_date < today:
        return "Cette période est terminée : ses places ne changent plus."
    return None


def change_seats(period: Period, seats: int, now: datetime | None = None) -> list[str]:
    """French errors, or [] once the seats are changed."""
    now = now or utcnow()
    locked = seats_locked_reason(period, now.date())
    if locked:
        return [locked]
    return offer_services.set_seats(period, seats, now)


# --- Profile -----------------------------------------------------------------------------------

SIZE_BAND_LABELS = {
    SizeBand.MICRO: "0 à 9 salariés",
    SizeBand.SMALL: "10 à 49 salariés",
    SizeBand.MEDIUM: "50 à 249 salariés",
    SizeBand.LARGE: "250 à 4 999 salariés",
    SizeBand.HUGE: "5 000 salariés et plus",
}


def communes_for_postcode(postcode: str) -> list[Commune]:
    """The shipped communes of Seine-et-Marne served by `postcode` (several share one)."""
    if not re.fullmatch(r"\d{5}", postcode or ""):
        return []
    candidates = db.session.scalars(
        select(Commune).where(Commune.postcodes.contains(postcode)).order_by(Commune.name)
    )
    return [c for c in candidates if postcode in re.split(r"\D+", c.postcodes)]


@dataclass(frozen=True)
class ProfileData:
    name: str
    filiere: Filiere
    address: str
    postcode: str
    commune_insee: str
    size_band: SizeBand | None
    presentation: str | None
    website: str | None


def update_profile(company: Company, data: ProfileData) -> None:
    """The SIRET is not here: it identifies the company and only staff may correct it."""
    company.name = data.name
    company.filiere = data.filiere
    company.address = data.address
    company.postcode = data.postcode
    company.commune_insee = data.commune_insee
    company.size_band = data.size_band
    company.presentation = data.presentation or None
    company.website = data.website or None


# --- Colleagues and invitations ----------------------------------------------------------------

INVITATION_SALT = "company-invitation"


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is French, for the visitor."""


@dataclass(frozen=True)
class Invitation:
    company: Company
    email: str


def colleagues(company: Company) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.company_id == company.id, User.role == Role.COMPANY)
            .order_by(User.last_name, User.first_name, User.id)
        )
    )


def email_registered(email: str) -> bool:
    return (
        db.session.scalar(select(User.id).where(func.lower(User.email) == email.strip().lower()))
        is not None
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _max_age() -> int:
    return int(current_app.config["INVITATION_MAX_AGE"])


def invitation_token(company: Company, email: str) -> str:
    return _serializer().dumps({"company_id": company.id, "email": email.strip().lower()})


def validity_text(seconds: int) -> str:
    days, rest = divmod(max(seconds, 0), 86400)
    if days and not rest:
        return plural(days, "jour")
    return plural(max(seconds // 3600, 1), "heure")


def invitation_validity() -> str:
    return validity_text(_max_age())


def invite_colleague(
    company: Company, inviter: User, email: str, link_for: Callable[[str], str]
) -> OutboxMessage:
    """Queue the invitation e-mail; `link_for(token)` builds the absolute acceptance URL.
    The caller checks that the address is not registered yet and commits."""
    email = email.strip().lower()
    link = link_for(invitation_token(company, email))
    body = (
        "Bonjour,\n\n"
        f"{inviter.display_name} vous invite à rejoindre l'espace de l'entreprise "
        f"{company.name} sur Cap Industrie, le service du Département de Seine-et-Marne pour "
        "les stages d'observation de 3e et de 2nde dans l'industrie.\n\n"
        f"Pour créer votre compte, ouvrez ce lien (valable {invitation_validity()}) :\n"
        f"{link}\n\n"
        "Si vous ne connaissez pas cette personne, ignorez ce message : aucun compte ne sera "
        "créé."
    )
    return queue_email(email, f"Invitation à rejoindre {company.name} sur Cap Industrie", body)


def read_invitation(token: str) -> Invitation:
    """The invitation carried by `token`, or InvitationError (expired, forged, already used)."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired as exc:
        raise InvitationError(
            "Cette invitation a expiré. Demandez à votre collègue de vous en envoyer une nouvelle."
        ) from exc
    except BadSignature as exc:
        raise InvitationError(
            "Ce lien d'invitation n'est pas valide. Vérifiez qu'il a été copié en entier, "
            "ou demandez une nouvelle invitation."
        ) from exc
    company_id = data.get("company_id") if isinstance(data, dict) else None
    email = data.get("email") if isinstance(data, dict) else None
    company = db.session.get(Company, company_id) if isinstance(company_id, int) else None
    if company is None or not isinstance(email, str) or not email:
        raise InvitationError(
            "Ce lien d'invitation n'est pas valide. Demandez une nouvelle invitation."
        )
    if email_registered(email):
        raise InvitationError(
            "Cette invitation a déjà été utilisée : un compte existe pour cette adresse. "
            "Connectez-vous avec votre e-mail et votre mot de passe."
        )
    return Invitation(company=company, email=email)


def accept_invitation(
    invitation: Invitation, first_name: str, last_name: str, password: str,
    now: datetime | None = None,
) -> User:
    """The colleague's account, in the inviting company. The caller commits (a unique e-mail
    constraint catches two acceptances of one link racing each other)."""
    now = now or utcnow()
    user = User(
        role=Role.COMPANY,
        email=invitation.email,
        company_id=invitation.company.id,
        password_hash=hash_password(password),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        created_at=now,
        last_login_at=now,
    )
    db.session.add(user)
    return user
