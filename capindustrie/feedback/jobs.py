"""Scheduler job: invite the pupil and the company to answer once a validated placement ended.

The claim is the invitation row itself (unique per placement and respondent), inserted in the
same transaction as its e-mails: a run repeated, or two runs at once, invite once (the second
insert fails on the constraint and its transaction, e-mails included, is rolled back).
Placements that ended more than INVITE_WITHIN ago are left alone: turning the feature on must
not write to every pupil of past years.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capindustrie.applications.services import company_recipients, period_dates
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.feedback.services import paris_today
from capindustrie.models import (
    Application,
    ApplicationStatus,
    FeedbackInvitation,
    Period,
    Placement,
    Respondent,
    utcnow,
)
from capindustrie.text import plural
from capindustrie.urls import public_url

INVITE_WITHIN = timedelta(days=60)


@dataclass
class InvitationReport:
    invitations: int = 0
    emails: int = 0

    def __str__(self) -> str:
        invited = plural(self.invitations, "invitation", "invitations")
        return f"{invited} à donner son avis, {plural(self.emails, 'e-mail')}"


def due_invitations(now: datetime) -> list[tuple[int, Respondent]]:
    today = paris_today(now)
    found = []
    for respondent in Respondent:
        invited = select(FeedbackInvitation.placement_id).where(
            FeedbackInvitation.respondent == respondent
        )
        ids = db.session.scalars(
            select(Placement.id)
            .join(Period, Period.id == Placement.period_id)
            .join(Application, Application.id == Placement.application_id)
            .where(
                Application.status == ApplicationStatus.VALIDATED,
                Period.end_date < today,
                Period.end_date >= today - INVITE_WITHIN,
                Placement.id.not_in(invited),
            )
            .order_by(Placement.id)
        )
        found += [(placement_id, respondent) for placement_id in ids]
    return found


def send_feedback_invitations(now: datetime | None = None) -> InvitationReport:
    now = now or utcnow()
    report = InvitationReport()
    for placement_id, respondent in due_invitations(now):
        placement = db.session.get(Placement, placement_id)
        invitation = FeedbackInvitation(
            placement_id=placement_id, respondent=respondent, created_at=now
        )
        db.session.add(invitation)
        try:
            db.session.flush()  # the claim: fails here if another run got there first
        except IntegrityError:
            db.session.rollback()
            continue
        invitation.emails = _invite(placement, respondent)
        db.session.commit()
        report.invitations += 1
        report.emails += invitation.emails
    return report


def _invite(placement: Placement, respondent: Respondent) -> int:
    offer = placement.period.offer
    if respondent == Respondent.PUPIL:
        address = placement.pupil.user.email
        if not (address and placement.pupil.user.active):
            return 0  # no address: the link waits on the pupil's « Mes candidatures » page
        queue_email(
            address,
            "Donne ton avis sur ton stage",
            f"Bonjour {placement.pupil.user.first_name},\n\n"
            f"Ton stage chez {offer.company.name} ({period_dates(placement.period)}) est "
            "terminé. Ton avis compte : trois questions, deux minutes.\n\n"
            "Connecte-toi puis réponds ici :\n"
            f"{public_url('feedback.pupil_form', placement_id=placement.id)}\n\n"
            "Tu pourras modifier tes réponses pendant 30 jours.",
        )
        return 1
    addresses = company_recipients(offer)
    for address in addresses:
        queue_email(
            address,
            f"Votre avis sur le stage : {offer.title}",
            "Bonjour,\n\n"
            f"Le stage « {offer.title} » ({period_dates(placement.period)}) est terminé. "
            "Deux questions pour le Département : votre satisfaction, et si vous accueilleriez "
            "de nouveau un élève. Vous pourrez aussi signaler plus tard que cet élève est "
            "revenu chez vous (apprentissage, job d'été, alternance, emploi).\n\n"
            "Connectez-vous puis répondez ici :\n"
            f"{public_url('feedback.company_form', placement_id=placement.id)}\n\n"
            "Vos réponses restent modifiables pendant 30 jours.",
        )
    return len(addresses)
