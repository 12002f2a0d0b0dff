"""Moderation rules: what waits for staff, the lists, the decisions and the e-mails they send.

No `request` here: the routes build the links put in e-mails and pass them in. Nothing commits
here either: a decision and its e-mails belong to the caller's one transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.headers import one_line
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Commune,
    Company,
    CompanyStatus,
    Epci,
    Filiere,
    Offer,
    OfferStatus,
    OfferTransition,
    Period,
    User,
    utcnow,
)
from capindustrie.offers import lifecycle


class CompanyDecisionError(Exception):
    """A company decision that its current status does not allow; the message is French."""


@dataclass(frozen=True)
class QueuedOffer:
    offer: Offer
    submitted_at: datetime


@dataclass(frozen=True)
class OfferFilters:
    status: OfferStatus | None = None
    filiere: Filiere | None = None
    epci_siren: str | None = None
    text: str | None = None  # searched in the title and the company name


# --- Lists ---------------------------------------------------------------------------------------


def _with_place():
    """Company, commune and EPCI of each listed offer, loaded in a few queries instead of N."""
    return (
        selectinload(Offer.company),
        selectinload(Offer.site_commune).selectinload(Commune.epci),
    )


def submitted_offers() -> list[QueuedOffer]:
    """Offers waiting for staff, the longest-waiting first (by their last submission)."""
    last_submitted = (
        select(
            OfferTransition.offer_id,
            func.max(OfferTransition.created_at).label("submitted_at"),
        )
        .where(OfferTransition.to_status == OfferStatus.SUBMITTED)
        .group_by(OfferTransition.offer_id)
        .subquery()
    )
    # An offer submitted without a logged transition (imported data) still shows, by creation.
    submitted_at = func.coalesce(last_submitted.c.submitted_at, Offer.created_at)
    rows = db.session.execute(
        select(Offer, submitted_at)
        .outerjoin(last_submitted, last_submitted.c.offer_id == Offer.id)
        .where(Offer.status == OfferStatus.SUBMITTED)
        .order_by(submitted_at, Offer.id)
        .options(*_with_place())
    ).all()
    return [QueuedOffer(offer, when) for offer, when in rows]


def pending_companies() -> list[Company]:
    return list(
        db.session.scalars(
            select(Company)
            .where(Company.status == CompanyStatus.PENDING)
            .order_by(Company.created_at, Company.id)
        )
    )


def epci_choices() -> dict[str, str]:
    return {e.siren: e.name for e in db.session.scalars(select(Epci).order_by(Epci.name))}


def offers_select(filters: OfferFilters) -> Select:
    """Every offer matching the filters, newest first; the EPCI is the site commune's."""
    statement = select(Offer).options(*_with_place()).order_by(Offer.id.desc())
    if filters.status is not None:
        statement = statement.where(Offer.status == filters.status)
    if filters.filiere is not None:
        statement = statement.where(Offer.filiere == filters.filiere)
    if filters.epci_siren is not None:
        statement = statement.join(Commune, Offer.site_commune_insee == Commune.insee).where(
            Commune.epci_siren == filters.epci_siren
        )
    if filters.text:
        # lower() on both sides: PostgreSQL's LIKE is case-sensitive. SQLite's lower() folds
        # ASCII only, so there « É » only finds « É » (accents must be typed as stored).
        needle = filters.text.lower()
        statement = statement.join(Company, Offer.company_id == Company.id).where(
            func.lower(Offer.title).contains(needle, autoescape=True)
            | func.lower(Company.name).contains(needle, autoescape=True)
        )
    return statement


@dataclass(frozen=True)
class OfferCounts:
    seats: int = 0
    seats_taken: int = 0
    applications: int = 0


# A placement the teacher proposes (issue 15) is not a pupil's application.
_NOT_APPLICATIONS = (ApplicationStatus.PROPOSED,)


def offer_counts(offer_ids: list[int]) -> dict[int, OfferCounts]:
    """Seats (total and given) and applications of the listed offers: two grouped queries,
    whatever the number of offers (never one query per row)."""
    if not offer_ids:
        return {}
    seats = {
        offer_id: (int(total or 0), int(taken or 0))
        for offer_id, total, taken in db.session.execute(
            select(Period.offer_id, func.sum(Period.seats), func.sum(Period.seats_taken))
            .where(Period.offer_id.in_(offer_ids))
            .group_by(Period.offer_id)
        )
    }
    applications = dict(
        db.session.execute(
            select(Period.offer_id, func.count(Application.id))
            .join(Application, Application.period_id == Period.id)
            .where(Period.offer_id.in_(offer_ids), Application.status.not_in(_NOT_APPLICATIONS))
            .group_by(Period.offer_id)
        ).all()
    )
    return {
        offer_id: OfferCounts(*seats.get(offer_id, (0, 0)), applications.get(offer_id, 0))
        for offer_id in offer_ids
    }


def company_register_url(siret: str | None) -> str | None:
    """The establishment's page in the public company register (annuaire des entreprises),
    only for a well-formed 14-digit SIRET (anything else would build a broken link)."""
    if not siret or not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
        return None
    return f"https://annuaire-entreprises.data.gouv.fr/etablissement/{siret}"


def transition_log(offer: Offer) -> list[tuple[OfferTransition, User | None]]:
    """The offer's log, oldest first, each line with its actor (None: the system)."""
    actor_ids = {t.actor_id for t in offer.transitions if t.actor_id is not None}
    actors = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return [(t, actors.get(t.actor_id)) for t in offer.transitions]


def company_commune(company: Company) -> Commune | None:
    return db.session.get(Commune, company.commune_insee) if company.commune_insee else None


def company_offers(company: Company) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer).where(Offer.company_id == company.id).order_by(Offer.id.desc())
        )
    )


def last_submitted_at(offer: Offer) -> datetime | None:
    dates = [t.created_at for t in offer.transitions if t.to_status == OfferStatus.SUBMITTED]
    return max(dates) if dates else None


# --- Decisions on offers -------------------------------------------------------------------------


def publish_offer(offer: Offer, actor: User, offer_url: str, now: datetime | None = None) -> None:
    """Publish a submitted offer and tell the company. Raises lifecycle.TransitionError."""
    lifecycle.transition(offer, OfferStatus.PUBLISHED, actor, None, now or utcnow())
    subject = f"Votre offre « {one_line(offer.title)} » est publiée"
    body = (
        f"Votre offre de stage « {offer.title} » a été validée par le Département de "
        "Seine-et-Marne. Elle est désormais publiée sur Cap Industrie : les élèves de "
        "Seine-et-Marne peuvent la consulter et y candidater.\n\n"
        f"Voir l'offre publiée : {offer_url}"
    )
    _mail_company(offer.company, subject, body)


def reject_offer(
    offer: Offer, actor: User, reason: str, offer_url: str, now: datetime | None = None
) -> None:
    """Refuse a submitted offer with a reason, e-mailed to the company. Raises TransitionError."""
    lifecycle.transition(offer, OfferStatus.REJECTED, actor, reason, now or utcnow())
    subject = f"Votre offre « {one_line(offer.title)} » n'a pas été acceptée"
    body = (
        f"Votre offre de stage « {offer.title} » n'a pas été acceptée par le Département de "
        "Seine-et-Marne.\n\n"
        f"Motif indiqué par le modérateur :\n{reason}\n\n"
        "Vous pouvez modifier l'offre puis la soumettre de nouveau à la modération : "
        f"{offer_url}"
    )
    _mail_company(offer.company, subject, body)


# --- Decisions on companies ----------------------------------------------------------------------


def approve_company(company: Company, space_url: str) -> None:
    """Validate a pending (or previously refused) company and tell its users."""
    if company.status == CompanyStatus.APPROVED:
        raise CompanyDecisionError("Cette entreprise est déjà validée.")
    company.status = CompanyStatus.APPROVED
    company.rejection_reason = None
    subject = f"Votre entreprise « {one_line(company.name)} » est validée sur Cap Industrie"
    body = (
        f"L'inscription de « {company.name} » (SIRET {company.siret}) sur Cap Industrie a été "
        "validée par le Département de Seine-et-Marne. Les offres de stage que vous soumettez "
        "peuvent désormais être publiées après relecture.\n\n"
        f"Votre espace entreprise : {space_url}"
    )
    _mail_company(company, subject, body)


def reject_company(company: Company, reason: str, space_url: str) -> None:
    """Refuse a pending company with a reason, e-mailed to its users."""
    if company.status != CompanyStatus.PENDING:
        raise CompanyDecisionError(
            "Seule une entreprise en attente de validation peut être refusée."
        )
    company.status = CompanyStatus.REJECTED
    company.rejection_reason = reason
    subject = (
        f"L'inscription de « {one_line(company.name)} » sur Cap Industrie n'a pas été acceptée"
    )
    body = (
        f"L'inscription de « {company.name} » (SIRET {company.siret}) sur Cap Industrie n'a "
        "pas été acceptée par le Département de Seine-et-Marne.\n\n"
        f"Motif indiqué par le modérateur :\n{reason}\n\n"
        "Vous pouvez corriger le profil de l'entreprise depuis votre espace, où ce motif reste "
        f"affiché : {space_url}"
    )
    _mail_company(company, subject, body)


# --- E-mail --------------------------------------------------------------------------------------


def company_recipients(company: Company) -> list[User]:
    return [u for u in company.users if u.active and u.email]


def _mail_company(company: Company, subject: str, body: str) -> None:
    for user in company_recipients(company):
        greeting = f"Bonjour {user.first_name},\n\n"
        queue_email(user.email, subject, f"{greeting}{body}")
