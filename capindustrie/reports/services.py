"""Reports of offers: saving one, the staff's list grouped by offer, and the three decisions.

The company is never told who reported: its e-mails carry only the staff's message, and no page
it can open lists reports. The reporter, if signed in, is told the outcome (an e-mail when the
account has an address, and « Mes signalements » for every account, pupils included). No
`request` here; nothing commits here: the caller commits a decision with its e-mails and its
audit entry, in one transaction.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from capindustrie.applications import services as applications
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.headers import one_line
from capindustrie.models import (
    REPORT_REASON_LABELS,
    Offer,
    OfferReport,
    OfferStatus,
    ReportOutcome,
    ReportReason,
    Role,
    User,
    utcnow,
)
from capindustrie.moderation.services import company_recipients
from capindustrie.offers import lifecycle
from capindustrie.text import plural

# The audit action of each decision (capindustrie/audit/services.py ACTIONS).
AUDIT_ACTIONS = {
    ReportOutcome.HIDDEN: "offer_report.hide",
    ReportOutcome.FIX_REQUESTED: "offer_report.request_fix",
    ReportOutcome.DISMISSED: "offer_report.dismiss",
}

REPORTER_ROLE_LABELS = {
    Role.PUPIL: "un ou une élève",
    Role.TEACHER: "un enseignant ou une enseignante",
    Role.COMPANY: "une entreprise",
    Role.STAFF: "un agent",
}


class NothingToDecide(Exception):
    """No open report on this offer (already decided, e.g. in another tab); French message."""


NOTHING_TO_DECIDE = "Aucun signalement n'attend de décision sur cette offre : il a déjà été traité."


def has_open_reports(offer: Offer) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(OfferReport.id)).where(
                OfferReport.offer_id == offer.id, OfferReport.outcome.is_(None)
            )
        )
    )


@dataclass
class ReportGroup:
    """The open reports of one offer, as the staff's list shows them."""

    offer: Offer
    count: int
    first_at: datetime
    last_at: datetime
    reasons: Counter = field(default_factory=Counter)

    @property
    def reason_summary(self) -> list[tuple[str, int]]:
        return [(REPORT_REASON_LABELS[r], n) for r, n in self.reasons.most_common()]


# --- Reporting ---------------------------------------------------------------------------------


def create_report(
    offer: Offer,
    reason: ReportReason,
    comment: str | None,
    reporter: User | None,
    now: datetime | None = None,
) -> OfferReport:
    report = OfferReport(
        offer=offer,
        reason=reason,
        comment=comment or None,
        reporter_id=reporter.id if reporter is not None else None,
        created_at=now or utcnow(),
    )
    db.session.add(report)
    return report


def reports_by(user: User) -> list[OfferReport]:
    """A signed-in reporter's own reports, newest first, with their outcome."""
    return list(
        db.session.scalars(
            select(OfferReport)
            .where(OfferReport.reporter_id == user.id)
            .order_by(OfferReport.created_at.desc(), OfferReport.id.desc())
            .options(selectinload(OfferReport.offer))
        )
    )


# --- The staff's list --------------------------------------------------------------------------


def open_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(OfferReport.offer_id))).where(OfferReport.outcome.is_(None))
    )


def open_groups() -> list[ReportGroup]:
    """One group per offer with open reports, the most reported first, then the oldest."""
    rows = db.session.scalars(
        select(OfferReport)
        .where(OfferReport.outcome.is_(None))
        .order_by(OfferReport.created_at, OfferReport.id)
        .options(selectinload(OfferReport.offer).selectinload(Offer.company))
    ).all()
    groups: dict[int, ReportGroup] = {}
    for report in rows:
        group = groups.get(report.offer_id)
        if group is None:
            group = groups[report.offer_id] = ReportGroup(
                report.offer, 0, report.created_at, report.created_at
            )
        group.count += 1
        group.last_at = report.created_at
        group.reasons[report.reason] += 1
    return sorted(groups.values(), key=lambda g: (-g.count, g.first_at))


def recent_decisions(limit: int = 20) -> list[OfferReport]:
    """The last decided reports (one line each), for the list's « déjà traités » part."""
    return list(
        db.session.scalars(
            select(OfferReport)
            .where(OfferReport.outcome.is_not(None))
            .order_by(OfferReport.decided_at.desc(), OfferReport.id.desc())
            .limit(limit)
            .options(selectinload(OfferReport.offer))
        )
    )


def reports_of(offer: Offer) -> list[OfferReport]:
    """Every report of the offer, the open ones first, then by date."""
    reports = db.session.scalars(
        select(OfferReport)
        .where(OfferReport.offer_id == offer.id)
        .order_by(OfferReport.created_at.desc(), OfferReport.id.desc())
    ).all()
    return sorted(reports, key=lambda r: r.outcome is not None)


def reporter_labels(reports: list[OfferReport]) -> dict[int, str]:
    """Who reported, for staff only: a role (and a company's name), never more."""
    ids = {r.reporter_id for r in reports if r.reporter_id is not None}
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    labels = {}
    for report in reports:
        user = users.get(report.reporter_id)
        if user is None:
            labels[report.id] = "anonyme" if report.reporter_id is None else "compte supprimé"
        elif user.role == Role.COMPANY and user.company is not None:
            labels[report.id] = f"une entreprise ({user.company.name})"
        else:
            labels[report.id] = REPORTER_ROLE_LABELS[user.role]
    return labels


def was_hidden(offer_id: int) -> bool:
    """True for an offer staff took down after reports and that is not public again."""
    return bool(
        db.session.scalar(
            select(func.count(OfferReport.id))
            .join(Offer, Offer.id == OfferReport.offer_id)
            .where(
                OfferReport.offer_id == offer_id,
                OfferReport.outcome == ReportOutcome.HIDDEN,
                Offer.status.not_in([OfferStatus.PUBLISHED, OfferStatus.CLOSED]),
            )
        )
    )


# --- Decisions ---------------------------------------------------------------------------------


@dataclass
class HideImpact:
    """What hiding an offer does to its applications, stated on the confirmation: the waiting
    ones are closed (pupils told); the chosen or validated internships stay, and staff are
    asked to contact the schools concerned."""

    waiting: int
    chosen: int
    schools: list[str]


def hide_impact(offer: Offer) -> HideImpact:
    waiting = applications.applications_on_offer(offer, applications.WAITING_ON_OFFER)
    chosen = applications.applications_on_offer(offer, applications.CHOSEN_ON_OFFER)
    schools = sorted(
        {f"{a.pupil.school_class.school.name} ({a.pupil.school_class.name})" for a in chosen}
    )
    return HideImpact(len(waiting), len(chosen), schools)


def decide(
    offer: Offer,
    outcome: ReportOutcome,
    message: str,
    actor: User,
    company_url: str,
    reports_url: str,
    now: datetime | None = None,
) -> list[OfferReport]:
    """Decide every open report of `offer` at once. Raises NothingToDecide, or
    lifecycle.TransitionError when hiding an offer that is no longer public."""
    now = now or utcnow()
    reports = db.session.scalars(
        select(OfferReport).where(OfferReport.offer_id == offer.id, OfferReport.outcome.is_(None))
    ).all()
    if not reports:
        raise NothingToDecide(NOTHING_TO_DECIDE)
    if outcome == ReportOutcome.HIDDEN:
        # Taken down first: a seat freed below must not reopen the offer.
        lifecycle.take_down(offer, actor, message, now)
        closed = applications.close_for_unavailable_offer(offer, now)
        _mail_company_hidden(offer, message, company_url, len(closed))
    elif outcome == ReportOutcome.FIX_REQUESTED:
        _mail_company_fix(offer, message, company_url)
    for report in reports:
        report.outcome = outcome
        report.decided_at = now
        report.decided_by_id = actor.id
    _tell_reporters(offer, reports, outcome, reports_url)
    return list(reports)


def _mail_company_hidden(offer: Offer, message: str, company_url: str, closed: int) -> None:
    subject = f"Votre offre « {one_line(offer.title)} » est retirée de Cap Industrie"
    closed_words = plural(
        closed, "candidature en attente est close", "candidatures en attente sont closes"
    )
    applications_line = f"{closed_words} : les élèves sont prévenus.\n\n" if closed else ""
    body = (
        f"Votre offre de stage « {offer.title} » a été signalée, puis examinée par le "
        "Département de Seine-et-Marne, qui l'a retirée : elle n'apparaît plus dans la "
        "recherche et sa page indique qu'elle n'est plus disponible.\n\n"
        f"{applications_line}"
        f"Motif indiqué par le modérateur :\n{message}\n\n"
        "Vous pouvez la corriger puis la soumettre de nouveau à la modération : "
        f"{company_url}"
    )
    _mail_company(offer, subject, body)


def _mail_company_fix(offer: Offer, message: str, company_url: str) -> None:
    subject = f"Une correction est demandée sur votre offre « {one_line(offer.title)} »"
    body = (
        f"Votre offre de stage « {offer.title} » a été signalée, puis examinée par le "
        "Département de Seine-et-Marne, qui vous demande de la corriger. Elle reste publiée "
        "en attendant.\n\n"
        f"Message du modérateur :\n{message}\n\n"
        f"Modifier l'offre : {company_url}"
    )
    _mail_company(offer, subject, body)


def _mail_company(offer: Offer, subject: str, body: str) -> None:
    for user in company_recipients(offer.company):
        queue_email(user.email, subject, f"Bonjour {user.first_name},\n\n{body}")


OUTCOME_SENTENCES = {
    ReportOutcome.HIDDEN: "l'offre a été retirée du site.",
    ReportOutcome.FIX_REQUESTED: "l'entreprise a été invitée à corriger son offre.",
    ReportOutcome.DISMISSED: "le signalement a été classé sans suite.",
}


def _tell_reporters(
    offer: Offer, reports: list[OfferReport], outcome: ReportOutcome, reports_url: str
) -> None:
    """One e-mail per signed-in reporter with an address (several reports: one e-mail)."""
    ids = {r.reporter_id for r in reports if r.reporter_id is not None}
    if not ids:
        return
    users = db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    for user in users:
        if not user.email:
            continue  # pupils: « Mes signalements » shows the outcome
        queue_email(
            user.email,
            f"Votre signalement de l'offre « {one_line(offer.title)} »",
            f"Bonjour {user.first_name},\n\n"
            f"Merci pour votre signalement de l'offre « {offer.title} ». Il a été examiné par "
            f"le Département de Seine-et-Marne : {OUTCOME_SENTENCES[outcome]}\n\n"
            f"Vos signalements : {reports_url}",
        )
