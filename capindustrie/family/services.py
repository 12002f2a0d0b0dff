"""Parents' read-only links: creation, revocation, lookup by token, and what the page shows.

Rules:
- a link exists only for a validated placement (the teacher's validation made the Placement);
- one active link per placement at a time: creating one revokes the previous (a lost or
  forwarded link is replaced in one click), and « Désactiver » revokes it;
- it expires at the end of the internship: midnight after the period's last day, Europe/Paris;
- only the SHA-256 of the token is stored; the token is shown once, at creation;
- the page shows the pupil's first name and nothing else about the pupil.
No `request` here; nothing commits here.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from capindustrie.applications.states import S
from capindustrie.conventions import services as conventions
from capindustrie.extensions import db
from capindustrie.models import AgreementVersion, ParentLink, Placement, User, utcnow
from capindustrie.public import services as public_services

PARIS = ZoneInfo("Europe/Paris")
# token_urlsafe(32) gives 43 characters; anything much longer is not a token (and is not hashed).
TOKEN_MAX_LENGTH = 100


class LinkRefused(Exception):
    """No link can be created now; the message is French."""


class LinkUnavailable(Exception):
    """A link that exists but no longer opens (410); the message is French, for parents."""


@dataclass(frozen=True)
class ParentView:
    first_name: str
    placement: Placement
    commute: public_services.Commute | None
    convention: AgreementVersion | None
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiry_of(placement: Placement) -> datetime:
    """The end of the internship: midnight after its last day in Paris, as naive UTC."""
    next_day = placement.period.end_date + timedelta(days=1)
    paris_midnight = datetime.combine(next_day, time(0), tzinfo=PARIS)
    return paris_midnight.astimezone(UTC).replace(tzinfo=None)


def is_validated(placement: Placement) -> bool:
    return placement.application.status == S.VALIDATED


def active_link(placement: Placement, now: datetime | None = None) -> ParentLink | None:
    now = now or utcnow()
    return db.session.scalar(
        select(ParentLink)
        .where(
            ParentLink.placement_id == placement.id,
            ParentLink.revoked_at.is_(None),
            ParentLink.expires_at > now,
        )
        .order_by(ParentLink.id.desc())
        .limit(1)
    )


def revoke_links(placement: Placement, now: datetime | None = None) -> int:
    """Revoke every active link of the placement; the number revoked."""
    result = db.session.execute(
        update(ParentLink)
        .where(ParentLink.placement_id == placement.id, ParentLink.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return result.rowcount


def create_link(
    placement: Placement, actor: User, now: datetime | None = None
) -> tuple[ParentLink, str]:
    """A new link (the previous one revoked) and its token, to show once. Raises LinkRefused."""
    now = now or utcnow()
    if not is_validated(placement):
        raise LinkRefused("Ce stage n'est pas validé : le lien ne peut pas être créé.")
    expires_at = expiry_of(placement)
    if expires_at <= now:
        raise LinkRefused("Ce stage est terminé : un lien n'aurait plus d'utilité.")
    revoke_links(placement, now)
    token = secrets.token_urlsafe(32)
    link = ParentLink(
        placement=placement,
        token_hash=hash_token(token),
        created_by_id=actor.id,
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(link)
    return link, token


def link_for_token(token: str) -> ParentLink | None:
    """The link whose token this is, whatever its state; None for anything unknown."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return db.session.scalar(select(ParentLink).where(ParentLink.token_hash == hash_token(token)))


def check_open(link: ParentLink, now: datetime | None = None) -> None:
    """Raise LinkUnavailable (with the French reason) unless the link opens now."""
    now = now or utcnow()
    if link.revoked_at is not None:
        raise LinkUnavailable(
            "Ce lien a été désactivé par l'élève ou son professeur. Demandez-leur un nouveau "
            "lien si vous en avez besoin."
        )
    if link.expires_at <= now:
        raise LinkUnavailable("Ce lien a expiré : le stage est terminé.")
    if not is_validated(link.placement):
        raise LinkUnavailable("Ce stage n'est plus validé : le lien ne s'ouvre plus.")


def parent_view(link: ParentLink) -> ParentView:
    placement = link.placement
    school = placement.pupil.school_class.school
    offer = placement.period.offer
    return ParentView(
        first_name=placement.pupil.user.first_name,
        placement=placement,
        commute=public_services.commute(school, offer),
        convention=conventions.latest_version(placement),
        expires_at=link.expires_at,
    )
