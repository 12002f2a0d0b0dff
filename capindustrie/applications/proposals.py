"""Placement proposals (issue 15, part 4): from the teacher's review to the company's answer.

The teacher sends the proposals they kept; each becomes an application in state « proposed »
holding its seat (the same atomic UPDATE as an acceptance). The company accepts (→ accepted: the
pupil then confirms as for any acceptance) or declines (→ refused: the seat is free for the next
run). All or nothing: a send, an answer or « tout accepter » is one transaction that the caller
commits, or rolls back on ProposalError / TransitionError (nothing half-done).

No `request` here; callers pass `now`.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from capindustrie.applications.services import (
    _queue_all,
    company_recipients,
    lock_pupil,
    period_dates,
    pupil_short_name,
    teacher_recipients,
    with_company_view,
)
from capindustrie.applications.states import (
    NO_SEAT_LEFT,
    SEAT_HOLDING,
    S,
    TransitionError,
    take_seat,
    transition,
)
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationTransition,
    Offer,
    OfferStatus,
    Period,
    Placement,
    Pupil,
    SchoolClass,
    User,
)
from capindustrie.offers import lifecycle
from capindustrie.urls import public_url as external_url

logger = logging.getLogger("capindustrie.applications")

PROPOSAL_MESSAGE = (
    "Proposition de stage envoyée par le professeur principal de la classe {klass} "
    "(trajet estimé depuis l'établissement)."
)


# Larger ids cannot exist, and PostgreSQL refuses them in a query (an error, not « not found »).
ID_MAX = 2_147_483_647


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < int(text) <= ID_MAX


class ProposalError(Exception):
    """Why the proposals cannot be sent or answered, in French; nothing was written."""


@dataclass(frozen=True)
class Choice:
    """One proposal the teacher kept: (pupil id, period id), as posted by the review form."""

    pupil_id: int
    period_id: int

    @classmethod
    def parse(cls, value: str) -> "Choice":
        """« 12:34 » → Choice(12, 34); ProposalError on anything else."""
        pupil, sep, period = (value or "").partition(":")
        if not sep or not is_id(pupil) or not is_id(period):
            raise ProposalError("Proposition illisible : rechargez la page et recommencez.")
        return cls(int(pupil), int(period))

    @property
    def key(self) -> str:
        return f"{self.pupil_id}:{self.period_id}"


# --- Sending (teacher) ---------------------------------------------------------------------------


def send(
    klass: SchoolClass, teacher: User, choices: list[Choice], now: datetime
) -> list[Application]:
    """Create one proposed application per choice, each holding its seat, or raise
    ProposalError / TransitionError. The caller commits, or rolls back on error."""
    if klass.internship_start is None or klass.internship_end is None:
        raise ProposalError(
            "Indiquez d'abord les dates de stage de la classe : les propositions en dépendent."
        )
    if not choices:
        raise ProposalError("Aucune proposition à envoyer : gardez-en au moins une.")
    if len({c.pupil_id for c in choices}) != len(choices):
        raise ProposalError("Un élève ne peut recevoir qu'une proposition à la fois.")
    pupils = _pupils_of_class(klass, [c.pupil_id for c in choices])
    # Lock the pupils in one order (as every pupil action does): a second send of the same
    # proposals (double click, second tab) waits for the first, then finds them placed.
    for pupil_id in sorted(pupils):
        lock_pupil(pupil_id)
    periods = _periods(c.period_id for c in choices)
    created = []
    for choice in choices:
        pupil, period = pupils[choice.pupil_id], periods.get(choice.period_id)
        problem = _send_problem(klass, pupil, period, now)
        if problem:
            raise ProposalError(problem)
        created.append(_create(pupil, period, teacher, now))
    _notify_companies(created)
    logger.info("%s proposals sent for class %s by user %s", len(created), klass.id, teacher.id)
    return created


def _pupils_of_class(klass: SchoolClass, pupil_ids: list[int]) -> dict[int, Pupil]:
    pupils = {
        p.id: p
        for p in db.session.scalars(
            select(Pupil)
            .where(Pupil.class_id == klass.id, Pupil.id.in_(pupil_ids))
            .options(selectinload(Pupil.user))
        )
    }
    if len(pupils) != len(set(pupil_ids)):
        raise ProposalError(
            "Un des élèves n'appartient pas (ou plus) à cette classe : rechargez la page."
        )
    return pupils


def _periods(period_ids) -> dict[int, Period]:
    return {
        p.id: p
        for p in db.session.scalars(
            select(Period)
            .where(Period.id.in_(list(period_ids)))
            .options(selectinload(Period.offer).selectinload(Offer.company))
        )
    }


def _send_problem(
    klass: SchoolClass, pupil: Pupil, period: Period | None, now: datetime
) -> str | None:
    """The rules of the solver's candidates, checked again at send time (the page may be old)."""
    name = pupil.user.display_name
    if period is not None and period.seats_left <= 0:
        # Before the offer's status: taking the last seat closes the offer (close_if_full).
        return (
            f"{NO_SEAT_LEFT} (« {period.offer.title} », {period_dates(period)}) : recalculez "
            "les propositions."
        )
    if period is None or period.offer.status != OfferStatus.PUBLISHED:
        return f"L'offre proposée à {name} n'est plus publiée : recalculez les propositions."
    if period.level != klass.level:
        return f"La période proposée à {name} n'est pas ouverte au niveau {klass.level.value}."
    if period.offer.reserved_priority_education and not klass.school.is_priority:
        return (
            f"L'offre proposée à {name} est réservée aux établissements de l'éducation "
            "prioritaire (REP et REP+)."
        )
    if not (
        klass.internship_start <= period.start_date and period.end_date <= klass.internship_end
    ):
        return f"La période proposée à {name} sort des dates de stage de la classe."
    if period.start_date <= now.date():
        return f"La période proposée à {name} a déjà commencé : recalculez les propositions."
    if _already_placed(pupil, period):
        return (
            f"{name} a déjà un stage ou une proposition sur ces dates : les propositions sont "
            "peut-être déjà envoyées. Rechargez la page."
        )
    if db.session.scalar(
        select(Application.id).where(
            Application.pupil_id == pupil.id, Application.period_id == period.id
        )
    ):
        return (
            f"{name} a déjà candidaté à « {period.offer.title} » sur cette période : "
            "proposez-lui une autre offre."
        )
    return None


def _already_placed(pupil: Pupil, period: Period) -> bool:
    """A seat held (proposed, accepted, chosen, validated) or a placement on overlapping dates."""
    overlapping = and_(Period.start_date <= period.end_date, Period.end_date >= period.start_date)
    holding = select(Application.period_id).where(
        Application.pupil_id == pupil.id, Application.status.in_(SEAT_HOLDING)
    )
    placed = select(Placement.period_id).where(Placement.pupil_id == pupil.id)
    return (
        db.session.scalar(
            select(Period.id)
            .where(or_(Period.id.in_(holding), Period.id.in_(placed)), overlapping)
            .limit(1)
        )
        is not None
    )


def _create(pupil: Pupil, period: Period, teacher: User, now: datetime) -> Application:
    try:
        take_seat(period)
    except TransitionError:
        raise ProposalError(
            f"{NO_SEAT_LEFT} (« {period.offer.title} », {period_dates(period)}) : recalculez "
            "les propositions."
        ) from None
    application = Application(
        pupil=pupil,
        period=period,
        status=S.PROPOSED,
        message=PROPOSAL_MESSAGE.format(klass=pupil.school_class.name),
        created_at=now,
        status_changed_at=now,
    )
    db.session.add(application)
    db.session.flush()  # the unique (pupil, period) stops a race that slipped past the check
    db.session.add(
        ApplicationTransition(
            application=application,
            actor_id=teacher.id,
            from_status=None,
            to_status=S.PROPOSED,
            message="Proposition envoyée par le professeur.",
            created_at=now,
        )
    )
    lifecycle.close_if_full(period.offer, now)
    return application


# --- Answering (company) -------------------------------------------------------------------------


def pending_for_company(statement) -> list[Application]:
    """`statement`: the applications the company user may see (authz.owned_select)."""
    return list(
        db.session.scalars(
            with_company_view(statement)
            .where(Application.status == S.PROPOSED)
            .order_by(Period.start_date, Application.id)
        )
    )


def _check_answerable(application: Application, now: datetime, verb: str) -> None:
    if application.status != S.PROPOSED:
        raise ProposalError(
            "Cette proposition a déjà reçu une réponse ou a expiré : rechargez la page."
        )
    if application.period.start_date <= now.date():
        raise ProposalError(
            f"La période a déjà commencé : il n'est plus possible {verb} cette proposition."
        )


def accept(application: Application, company_user: User, now: datetime) -> None:
    _check_answerable(application, now, "d'accepter")
    transition(application, S.ACCEPTED, company_user, "Proposition acceptée.", now)
    notify_teachers(application, accepted=True)


def decline(application: Application, company_user: User, now: datetime) -> None:
    _check_answerable(application, now, "de refuser")
    transition(application, S.REFUSED, company_user, "Proposition refusée.", now)
    notify_teachers(application, accepted=False)


def accept_all(applications: list[Application], company_user: User, now: datetime) -> int:
    """« Tout accepter »: every listed proposal, or none (the caller rolls back on error)."""
    if not applications:
        raise ProposalError("Aucune proposition en attente de votre réponse.")
    for application in applications:
        accept(application, company_user, now)
    return len(applications)


# --- E-mails -------------------------------------------------------------------------------------


def _notify_companies(created: list[Application]) -> None:
    """One e-mail per company, listing its new proposals (pupil's first name and initial)."""
    by_offer_company: dict[int, list[Application]] = defaultdict(list)
    for application in created:
        by_offer_company[application.period.offer.company_id].append(application)
    link = external_url("applications.company_proposals")
    for applications in by_offer_company.values():
        lines = "\n".join(
            f"- {pupil_short_name(a.pupil)} ({a.pupil.school_class.name}, "
            f"{a.pupil.school_class.school.name}) : « {a.period.offer.title} », "
            f"{period_dates(a.period)}"
            for a in applications
        )
        count = len(applications)
        subject = (
            "Nouvelle proposition de stagiaire"
            if count == 1
            else f"{count} nouvelles propositions de stagiaires"
        )
        _queue_all(
            company_recipients(applications[0].period.offer),
            subject,
            f"Bonjour,\n\nUn professeur vous propose {'cet élève' if count == 1 else 'ces élèves'}"
            f" pour vos places libres :\n{lines}\n\nLa place est réservée en attendant votre "
            f"réponse. Acceptez ou refusez (une par une ou toutes à la fois) :\n{link}",
        )


def notify_teachers(application: Application, accepted: bool) -> None:
    name = pupil_short_name(application.pupil)
    klass = application.pupil.school_class.name
    company = application.period.offer.company.name
    offer = f"« {application.period.offer.title} », {period_dates(application.period)}"
    if accepted:
        subject = f"Proposition acceptée : {name} ({klass})"
        body = (
            f"{company} accepte la proposition de stage pour {name} : {offer}.\n\n"
            "L'élève doit maintenant confirmer ce choix sur Cap Industrie (« Je choisis ce "
            "stage »)."
        )
    else:
        subject = f"Proposition refusée : {name} ({klass})"
        body = (
            f"{company} ne peut pas accueillir {name} : {offer}.\n\nLa place est libérée ; "
            "vous pouvez demander de nouvelles propositions pour la classe."
        )
    _queue_all(teacher_recipients(application.pupil), subject, f"Bonjour,\n\n{body}")
