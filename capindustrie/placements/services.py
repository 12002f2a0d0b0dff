"""The teacher's side of placements: where each pupil of a class stands, the validation or
refusal of a chosen internship, and what the convention needs.

There is no age rule: since loi n° 2018-771 (art. 19) rewrote Code du travail L. 4153-1 2°,
observation sequences are open to pupils of the last two years of collège and of lycée whatever
their age, private companies included; the class level decides (checked when applying).

No `request` here; callers pass `now`. Functions that change state leave the commit (or the
rollback, on NotWaiting/PlacementRefused/TransitionError) to the caller.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from capindustrie.applications.services import (
    company_recipients,
    period_dates,
    pupil_short_name,
)
from capindustrie.applications.states import LABELS, S, transition
from capindustrie.authz import ownership_rule
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.filters import french_date
from capindustrie.models import (
    Application,
    Level,
    Offer,
    Period,
    Placement,
    Pupil,
    Role,
    SchoolClass,
    SchoolType,
    User,
    class_teacher,
)
from capindustrie.text import search_key
from capindustrie.urls import public_url

logger = logging.getLogger("capindustrie.placements")

class NotWaiting(Exception):
    """The application is not (or no longer) waiting for the teacher: a conflict (409)."""


class PlacementRefused(Exception):
    """A rule of the domain forbids this placement; the message names it, in French (422)."""


# --- Where each pupil stands ---------------------------------------------------------------------


class PupilState(StrEnum):
    TO_VALIDATE = "a-valider"
    NONE = "aucune"
    PENDING = "en-attente"
    ACCEPTED = "acceptee"
    PLACED = "stage-valide"


# Urgency for the teacher: what waits on them, then who has nothing yet, then who waits on
# someone else, then who is done.
URGENCY = [
    PupilState.TO_VALIDATE,
    PupilState.NONE,
    PupilState.PENDING,
    PupilState.ACCEPTED,
    PupilState.PLACED,
]

STATE_LABELS = {
    PupilState.TO_VALIDATE: "Choisie — à valider",
    PupilState.NONE: "Aucune candidature",
    PupilState.PENDING: "Candidatures en attente",
    PupilState.ACCEPTED: "Acceptée — en attente de l'élève",
    PupilState.PLACED: "Stage validé",
}

# After a number (« 3 sans candidature »): invariable, so « 0 », « 1 » and « 3 » all read well.
COUNT_LABELS = {
    PupilState.TO_VALIDATE: "à valider",
    PupilState.NONE: "sans candidature",
    PupilState.PENDING: "en attente d'une réponse",
    PupilState.ACCEPTED: "à confirmer par l'élève",
    PupilState.PLACED: "avec un stage validé",
}

OPEN = (S.SUBMITTED, S.PROPOSED, S.ACCEPTED, S.CONFIRMED)


@dataclass
class PupilRow:
    pupil: Pupil
    # Submitted, accepted and confirmed applications, soonest period first.
    open_applications: list[Application] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    # placement id -> « à établir » / « en signature » / « signée » (the latest version).
    convention_states: dict[int, str] = field(default_factory=dict)
    # Refused, withdrawn or expired: no longer in play, only counted.
    closed_count: int = 0

    def _with(self, status: S) -> list[Application]:
        return [a for a in self.open_applications if a.status == status]

    @property
    def pending(self) -> list[Application]:
        # A proposal waits on the company just like an application.
        return [a for a in self.open_applications if a.status in (S.SUBMITTED, S.PROPOSED)]

    @property
    def accepted(self) -> list[Application]:
        return self._with(S.ACCEPTED)

    @property
    def to_validate(self) -> list[Application]:
        return self._with(S.CONFIRMED)

    @property
    def state(self) -> PupilState:
        if self.to_validate:
            return PupilState.TO_VALIDATE
        if self.placements:
            return PupilState.PLACED
        if self.accepted:
            return PupilState.ACCEPTED
        if self.pending:
            return PupilState.PENDING
        return PupilState.NONE

    @property
    def sort_key(self) -> tuple:
        user = self.pupil.user
        return (URGENCY.index(self.state), search_key(user.last_name),
                search_key(user.first_name), self.pupil.id)


@dataclass
class Dashboard:
    school_class: SchoolClass
    rows: list[PupilRow]

    @property
    def counts(self) -> dict[PupilState, int]:
        counts = dict.fromkeys(URGENCY, 0)
        for row in self.rows:
            counts[row.state] += 1
        return counts

    def filtered(self, state: PupilState | None) -> list[PupilRow]:
        return [r for r in self.rows if state is None or r.state == state]

    def row_of(self, pupil_id: int) -> PupilRow | None:
        return next((r for r in self.rows if r.pupil.id == pupil_id), None)


def class_dashboard(klass: SchoolClass) -> Dashboard:
    """Every pupil of the class with where they stand: four queries whatever the class size."""
    pupil_ids = select(Pupil.id).where(Pupil.class_id == klass.id).scalar_subquery()
    pupils = db.session.scalars(
        select(Pupil)
        .join(Pupil.user)
        .where(Pupil.class_id == klass.id)
        .options(contains_eager(Pupil.user))
    ).all()
    rows = {p.id: PupilRow(p) for p in pupils}
    to_company = joinedload(Period.offer).joinedload(Offer.company)
    open_applications = db.session.scalars(
        select(Application)
        .join(Application.period)
        .where(Application.pupil_id.in_(pupil_ids), Application.status.in_(OPEN))
        .options(contains_eager(Application.period).options(to_company))
        .order_by(Period.start_date, Application.id)
    ).all()
    for application in open_applications:
        rows[application.pupil_id].open_applications.append(application)
    placements = db.session.scalars(
        select(Placement)
        .join(Placement.period)
        .where(Placement.pupil_id.in_(pupil_ids))
        .options(contains_eager(Placement.period).options(to_company))
        .order_by(Period.start_date, Placement.id)
    ).all()
    for placement in placements:
        rows[placement.pupil_id].placements.append(placement)
    _add_convention_states(rows, [p.id for p in placements])
    closed = db.session.execute(
        select(Application.pupil_id, func.count(Application.id))
        .where(Application.pupil_id.in_(pupil_ids), Application.status.not_in(OPEN))
        .group_by(Application.pupil_id)
    ).all()
    for pupil_id, number in closed:
        rows[pupil_id].closed_count = number
    return Dashboard(klass, sorted(rows.values(), key=lambda r: r.sort_key))


def _add_convention_states(rows: dict[int, "PupilRow"], placement_ids: list[int]) -> None:
    """Where each placement's convention stands, from its versions: one query for the class."""
    from capindustrie.models import AgreementVersion

    latest: dict[int, tuple[int, bool]] = {}
    if placement_ids:
        for placement_id, number, signed_at in db.session.execute(
            select(
                AgreementVersion.placement_id,
                AgreementVersion.number,
                AgreementVersion.fully_signed_at,
            ).where(AgreementVersion.placement_id.in_(placement_ids))
        ):
            if number > latest.get(placement_id, (0, False))[0]:
                latest[placement_id] = (number, signed_at is not None)
    for row in rows.values():
        for placement in row.placements:
            number, signed = latest.get(placement.id, (0, False))
            row.convention_states[placement.id] = (
                "à établir" if number == 0 else "signée" if signed else "en signature"
            )


def pupil_history(pupil: Pupil) -> list[Application]:
    """Every application of the pupil with its transitions, latest activity first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.pupil_id == pupil.id)
            .options(
                joinedload(Application.period).joinedload(Period.offer).joinedload(Offer.company),
                selectinload(Application.transitions),
            )
            .order_by(Application.status_changed_at.desc(), Application.id.desc())
        )
    )


def placements_by_application(applications: list[Application]) -> dict[int, Placement]:
    ids = [a.id for a in applications if a.status == S.VALIDATED]
    if not ids:
        return {}
    return {
        p.application_id: p
        for p in db.session.scalars(select(Placement).where(Placement.application_id.in_(ids)))
    }


def actors(applications: list[Application]) -> dict[int, User]:
    """The users behind the transitions shown to the teacher, in one query."""
    ids = {t.actor_id for a in applications for t in a.transitions if t.actor_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# --- Validation ----------------------------------------------------------------------------------


def overlapping_placement(pupil: Pupil, period: Period) -> Placement | None:
    return db.session.scalar(
        select(Placement)
        .join(Placement.period)
        .where(
            Placement.pupil_id == pupil.id,
            Period.start_date <= period.end_date,
            Period.end_date >= period.start_date,
        )
        .limit(1)
    )


def _check_waiting(application: Application) -> None:
    if application.status != S.CONFIRMED:
        raise NotWaiting(
            f"Cette candidature n'attend pas votre validation : elle est « "
            f"{LABELS[application.status]} ». Seul un stage choisi par l'élève peut être validé "
            "ou refusé."
        )


def _range_fr(start: date, end: date) -> str:
    return f"du {french_date(start)} au {french_date(end)}"


def level_problem(klass: SchoolClass, period: Period) -> str | None:
    """The period's level must be the class's; the 2nde sequence (Code de l'éducation
    D. 333-3-1) is for the 2nde générale et technologique, not a lycée professionnel's 2nde."""
    if period.level != klass.level:
        return (
            f"Cette période est réservée aux élèves de {period.level.value} : la classe "
            f"{klass.name} est une classe de {klass.level.value}."
        )
    if period.level is Level.SECONDE and klass.school.kind is not SchoolType.LYCEE:
        return (
            "Le stage de seconde (Code de l'éducation, D. 333-3-1) concerne les classes de 2nde "
            f"générale et technologique : {klass.school.name} n'est pas un lycée général et "
            "technologique."
        )
    return None


def internship_dates_problem(klass: SchoolClass, period: Period) -> str | None:
    """A placement lies within the class's internship dates, when the class has them."""
    from capindustrie.applications.pupil_view import outside_internship_dates

    if not outside_internship_dates(klass, period.start_date, period.end_date):
        return None
    start, end = klass.internship_start, klass.internship_end
    return (
        f"Ce stage a lieu {_range_fr(period.start_date, period.end_date)}, en dehors des dates "
        f"de stage de la classe {klass.name} ({_range_fr(start, end)}) : il ne peut pas être "
        "validé. Changez les dates de la classe si l'établissement les a modifiées."
    )


def validation_problem(application: Application) -> str | None:
    """Why the teacher may not validate this confirmed application, in French, or None."""
    klass = application.pupil.school_class
    problem = level_problem(klass, application.period) or internship_dates_problem(
        klass, application.period
    )
    if problem:
        return problem
    taken = overlapping_placement(application.pupil, application.period)
    if taken is not None:
        return (
            f"L'élève a déjà un stage validé sur ces dates ({period_dates(taken.period)}) : "
            "refusez celui-ci."
        )
    return None


def validate(application: Application, teacher: User, now: datetime) -> Placement:
    """The chosen internship becomes the pupil's placement; the company is told by e-mail (the
    pupil, who has no e-mail, sees it on their dashboard)."""
    _check_waiting(application)
    problem = validation_problem(application)
    if problem:
        raise PlacementRefused(problem)
    transition(application, S.VALIDATED, teacher, None, now)
    placement = Placement(
        application=application,
        pupil=application.pupil,
        period=application.period,
        validated_by_id=teacher.id,
        validated_at=now,
    )
    db.session.add(placement)
    db.session.flush()
    # The convention is frozen now when the school, the family and the host are already known
    # (a second placement, a returning company); otherwise the teacher completes it first.
    from capindustrie.conventions.services import issue_if_complete

    issue_if_complete(placement, teacher, now)
    _notify_company_validated(placement, teacher)
    logger.info("application %s validated by teacher %s: placement %s", application.id,
                teacher.id, placement.id)
    return placement


def refuse(application: Application, teacher: User, reason: str, now: datetime) -> None:
    """Refused with a reason (kept in the transition, shown to the pupil): the seat is freed by
    the state machine and the company is told why."""
    _check_waiting(application)
    transition(application, S.REFUSED_BY_TEACHER, teacher, reason, now)
    _notify_company_refused(application, reason, teacher)
    logger.info("application %s refused by teacher %s", application.id, teacher.id)


def _offer_line(application: Application) -> str:
    return f"« {application.period.offer.title} », période {period_dates(application.period)}"


def _pupil_line(application: Application) -> str:
    klass = application.pupil.school_class
    return f"{pupil_short_name(application.pupil)} ({klass.name}, {klass.school.name})"


def _teacher_line(teacher: User, application: Application) -> str:
    """« Anne Lefèvre, professeur de Léa D. (3e B, Collège …) »: the teacher who acted, who may
    be a co-teacher of the class rather than its professeur principal."""
    return f"{teacher.display_name}, professeur de {_pupil_line(application)},"


def _notify_company_validated(placement: Placement, teacher: User) -> None:
    application = placement.application
    for address in company_recipients(application.period.offer):
        queue_email(
            address,
            f"Stage validé : {application.period.offer.title}",
            f"Bonjour,\n\n{_teacher_line(teacher, application)} a validé le stage "
            f"{_offer_line(application)}.\n\n"
            "Indiquez la personne habilitée à signer la convention au nom de l'entreprise, puis "
            "suivez la convention depuis sa page ; elle doit être signée par tous avant le "
            "premier jour du stage.\n"
            f"{public_url('conventions.overview', placement_id=placement.id)}",
        )


def _notify_company_refused(application: Application, reason: str, teacher: User) -> None:
    for address in company_recipients(application.period.offer):
        queue_email(
            address,
            f"Stage non validé : {application.period.offer.title}",
            f"Bonjour,\n\n{_teacher_line(teacher, application)} n'a pas validé "
            f"le stage {_offer_line(application)}.\n\nMotif : {reason}\n\n"
            "La place que vous aviez attribuée à cet élève est de nouveau libre.\n\n"
            f"{public_url('applications.company_list', offre=application.period.offer_id)}",
        )


# --- The convention ------------------------------------------------------------------------------


def format_siret(siret: str) -> str:
    """`12345678900012` → `123 456 789 00012` (SIREN in threes, then the establishment)."""
    if len(siret) != 14 or not siret.isdigit():
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


# --- Who may load a placement (the convention) ---------------------------------------------------


@ownership_rule(Placement)
def _placement_rule(user):
    """The class teachers of the pupil, the users of the offer's company, the pupil."""
    if not user.is_authenticated:
        return None
    if user.role == Role.TEACHER:
        taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
        return Placement.pupil_id.in_(select(Pupil.id).where(Pupil.class_id.in_(taught)))
    if user.role == Role.COMPANY:
        periods = select(Period.id).join(Offer).where(Offer.company_id == user.company_id)
        return Placement.period_id.in_(periods)
    if user.role == Role.PUPIL:
        return Placement.pupil_id.in_(select(Pupil.id).where(Pupil.user_id == user.id))
    return None


def placement_of(application: Application) -> Placement | None:
    return db.session.scalar(select(Placement).where(Placement.application_id == application.id))
