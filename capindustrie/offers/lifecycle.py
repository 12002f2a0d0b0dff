"""The offer lifecycle: the allowed transitions, in one place, each one recorded.

draft → submitted (company) → published (staff) or rejected with a reason (staff);
rejected → submitted (company, after editing); submitted → draft (company takes it back);
published → submitted (a substantive edit sends it back to review);
published → closed (the company closes it, or no seat is left) → published (the company
reopens it; or, when the system closed it for lack of seats, the system as soon as one frees);
published/closed → archived (every period is past).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import (
    CompanyStatus,
    Offer,
    OfferStatus,
    OfferTransition,
    Period,
    Role,
    User,
    utcnow,
)
from capindustrie.offers.program_templates import choices_left

S = OfferStatus

# (from, to) -> roles allowed to make it; None means the system (a job) may make it.
TRANSITIONS: dict[tuple[OfferStatus, OfferStatus], frozenset] = {
    (S.DRAFT, S.SUBMITTED): frozenset({Role.COMPANY}),
    (S.SUBMITTED, S.DRAFT): frozenset({Role.COMPANY}),
    (S.SUBMITTED, S.PUBLISHED): frozenset({Role.STAFF}),
    (S.SUBMITTED, S.REJECTED): frozenset({Role.STAFF}),
    (S.REJECTED, S.SUBMITTED): frozenset({Role.COMPANY}),
    (S.PUBLISHED, S.SUBMITTED): frozenset({Role.COMPANY}),
    (S.PUBLISHED, S.CLOSED): frozenset({Role.COMPANY, Role.STAFF, None}),
    (S.CLOSED, S.PUBLISHED): frozenset({Role.COMPANY, None}),
    (S.PUBLISHED, S.ARCHIVED): frozenset({None}),
    (S.CLOSED, S.ARCHIVED): frozenset({None}),
}

STATUS_LABELS = {
    S.DRAFT: "Brouillon",
    S.SUBMITTED: "En attente de modération",
    S.PUBLISHED: "Publiée",
    S.REJECTED: "Refusée",
    S.CLOSED: "Fermée",
    S.ARCHIVED: "Archivée",
}


class TransitionError(Exception):
    """A transition the lifecycle does not allow; the message is French, for the user."""


# Every missing item starts with the wizard step that fills it: « Étape 5 : … ».
_STEP_PREFIX = re.compile(r"^Étape (\d+) : ")


@dataclass(frozen=True)
class Completeness:
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def by_step(self) -> list[tuple[int | None, str]]:
        """(step number, item) pairs, so the wizard can link each item to its step."""
        pairs = []
        for item in self.missing:
            match = _STEP_PREFIX.match(item)
            pairs.append((int(match.group(1)) if match else None, item))
        return pairs


def completeness(offer: Offer, today: date) -> Completeness:
    """What still blocks submission, in the words of the wizard's steps."""
    missing = []
    if not offer.title or not offer.levels:
        missing.append("Étape 1 : le titre et le niveau de l'offre.")
    if not offer.summary:
        missing.append("Étape 1 : l'offre en quelques mots.")
    expected_days = 10 if offer.for_2nde else 5
    if len(offer.program_days) < expected_days:
        missing.append(f"Étape 2 : le programme des {expected_days} jours.")
    to_choose = _days_with_choices_left(offer)
    if to_choose:
        missing.append(
            "Étape 2 : remplacez les passages « [À choisir : …] » du programme par ce qui se "
            f"fait sur votre site ({to_choose})."
        )
    if offer.observation_commitment_at is None:
        missing.append("Étape 2 : l'engagement « observation uniquement » doit être accepté.")
    if offer.latitude is None or not offer.site_address:
        missing.append("Étape 3 : l'adresse du lieu de stage.")
    if not [p for p in offer.periods if p.end_date >= today]:
        missing.append("Étape 4 : au moins une période à venir, avec ses places.")
    if not (offer.tutor_name and offer.tutor_email and offer.tutor_phone):
        missing.append("Étape 5 : le tuteur (nom, e-mail et téléphone).")
    if offer.day_start is None or offer.day_end is None:
        missing.append("Étape 5 : les horaires de la journée.")
    return Completeness(missing)


def _days_with_choices_left(offer: Offer) -> str:
    """« jour 1, jour 3 »: the program days still holding a template choice, or ""."""
    numbers = [
        day.day_number
        for day in offer.program_days
        if any(choices_left(text) for text in (day.activities, day.with_whom, day.safety))
    ]
    return ", ".join(f"jour {n}" for n in numbers)


def record_creation(offer: Offer, actor: User | None, now: datetime | None = None) -> None:
    """The first line of the log: the draft and who created it."""
    db.session.add(
        OfferTransition(
            offer=offer,
            actor_id=actor.id if actor else None,
            from_status=None,
            to_status=OfferStatus.DRAFT,
            created_at=now or utcnow(),
        )
    )


def can_transition(offer: Offer, to_status: OfferStatus, actor: User | None) -> bool:
    roles = TRANSITIONS.get((offer.status, to_status))
    return roles is not None and (actor.role if actor else None) in roles


def transition(
    offer: Offer,
    to_status: OfferStatus,
    actor: User | None,
    message: str | None = None,
    now: datetime | None = None,
) -> OfferTransition:
    """Move `offer` to `to_status`, or raise TransitionError. The caller commits."""
    now = now or utcnow()
    if not can_transition(offer, to_status, actor):
        raise TransitionError(
            f"Impossible de passer l'offre de « {STATUS_LABELS[offer.status]} » "
            f"à « {STATUS_LABELS[to_status]} »."
        )
    _check_guards(offer, to_status, message, now.date())
    record = OfferTransition(
        offer=offer,
        actor_id=actor.id if actor else None,
        from_status=offer.status,
        to_status=to_status,
        message=message,
        created_at=now,
    )
    offer.status = to_status
    if to_status == S.PUBLISHED:
        offer.published_at = now
        offer.rejection_reason = None
    if to_status == S.REJECTED:
        offer.rejection_reason = message
    db.session.add(record)
    return record


def _check_guards(offer: Offer, to_status: OfferStatus, message: str | None, today: date) -> None:
    if to_status == S.SUBMITTED:
        state = completeness(offer, today)
        if not state.complete:
            raise TransitionError("L'offre est incomplète : " + " ".join(state.missing))
    if to_status == S.REJECTED and not (message and message.strip()):
        raise TransitionError("Indiquez le motif du refus : il est envoyé à l'entreprise.")
    if to_status == S.PUBLISHED and offer.company.status != CompanyStatus.APPROVED:
        raise TransitionError(
            "L'entreprise n'est pas encore validée : validez-la avant de publier son offre."
        )
    if (
        to_status == S.PUBLISHED
        and offer.status == S.CLOSED
        and not has_free_future_seat(offer, today)
    ):
        raise TransitionError(
            "Aucune place n'est libre sur une période à venir : ajoutez-en d'abord."
        )


def has_free_future_seat(offer: Offer, today: date) -> bool:
    return any(p.seats_left > 0 and p.start_date > today for p in offer.periods)


def close_if_full(offer: Offer, now: datetime | None = None) -> bool:
    """Called when a seat is taken: a published offer with no seat left closes itself."""
    now = now or utcnow()
    if offer.status == S.PUBLISHED and not has_free_future_seat(offer, now.date()):
        transition(offer, S.CLOSED, None, "Toutes les places sont attribuées.", now)
        return True
    return False


REOPENED_MESSAGE = "Une place s'est libérée : l'offre est de nouveau publiée."


def reopen_if_closed_for_lack_of_seats(offer: Offer, now: datetime | None = None) -> bool:
    """Called when a seat frees. An offer the system closed because it was full reopens, so the
    seat the company is told is free really is offered again; one the company or the staff
    closed stays closed (their choice), and so does one whose company is no longer approved."""
    now = now or utcnow()
    if offer.status != S.CLOSED or not has_free_future_seat(offer, now.date()):
        return False
    closing = db.session.scalar(
        select(OfferTransition)
        .where(OfferTransition.offer_id == offer.id)
        .order_by(OfferTransition.id.desc())
        .limit(1)
    )
    if closing is None or closing.to_status != S.CLOSED or closing.actor_id is not None:
        return False
    if offer.company.status != CompanyStatus.APPROVED:
        return False
    transition(offer, S.PUBLISHED, None, REOPENED_MESSAGE, now)
    return True


def archive_past_offers(now: datetime | None = None) -> int:
    """Scheduler job: published or closed offers whose every period is over become archived."""
    now = now or utcnow()
    today = now.date()
    still_running = select(Period.offer_id).where(Period.end_date >= today)
    offers = db.session.scalars(
        select(Offer).where(
            Offer.status.in_([S.PUBLISHED, S.CLOSED]),
            Offer.id.not_in(still_running),
        )
    ).all()
    for offer in offers:
        transition(offer, S.ARCHIVED, None, "Toutes les périodes sont passées.", now)
    db.session.commit()
    return len(offers)


# Issue 14: staff take down a public offer after reports. Not in TRANSITIONS on purpose: the
# ordinary refusal (/moderation/…/refuser) stays limited to submitted offers; this path is only
# the reports' « hide » decision. The offer becomes « refused » with the staff's reason: it
# leaves search and exports, and the company may edit it and submit it again to moderation.
TAKE_DOWN_FROM = frozenset({S.PUBLISHED, S.CLOSED})


def take_down(offer: Offer, actor: User, reason: str, now: datetime | None = None):
    """Hide a public offer (staff only, reason required). Raises TransitionError."""
    now = now or utcnow()
    if actor is None or actor.role != Role.STAFF or offer.status not in TAKE_DOWN_FROM:
        raise TransitionError(
            f"Impossible de retirer l'offre : elle est « {STATUS_LABELS[offer.status]} »."
        )
    if not (reason and reason.strip()):
        raise TransitionError("Indiquez le motif du retrait : il est envoyé à l'entreprise.")
    record = OfferTransition(
        offer=offer,
        actor_id=actor.id,
        from_status=offer.status,
        to_status=S.REJECTED,
        message=reason,
        created_at=now,
    )
    offer.status = S.REJECTED
    offer.rejection_reason = reason
    db.session.add(record)
    return record
