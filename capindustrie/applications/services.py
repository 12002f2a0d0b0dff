"""The rules of applying and answering: limits, seats through the state machine, notifications.

No `request` here; callers pass `now`. Functions that change state leave the commit (or the
rollback, on ApplyError/TransitionError) to the caller.

Pupils are minors with no e-mail: what concerns them shows on their dashboard; companies and the
class teachers are told by e-mail (through the outbox), with the pupil's first name and last-name
initial only.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from capindustrie.applications.states import (
    ACTIVE,
    CHOSEN,
    LABELS,
    NO_SEAT_LEFT,
    S,
    TransitionError,
    next_step,
    transition,
)
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.filters import french_date
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
from capindustrie.text import elide, plural
from capindustrie.urls import public_url as external_url

logger = logging.getLogger("capindustrie.applications")

AUTO_WITHDRAW_MESSAGE = (
    "Retirée automatiquement : l'élève a choisi un autre stage sur ces dates."
)


class ApplyError(Exception):
    """Why this pupil may not apply to this period, in French."""


class NotApplicable(Exception):
    """The period is not open to applications at all (unknown, unpublished): answered 404."""


class AlreadyApplied(Exception):
    """The pupil already has an application to this period (a double click, a second tab)."""

    def __init__(self, application: Application):
        super().__init__(application.id)
        self.application = application


# --- Names and links -----------------------------------------------------------------------------


def pupil_short_name(pupil: Pupil) -> str:
    """What a company may know of a pupil's name: « Léa D. »."""
    first = pupil.user.first_name.strip()
    last = pupil.user.last_name.strip()
    return f"{first} {last[0].upper()}." if last else first


def period_dates(period: Period) -> str:
    return f"du {french_date(period.start_date)} au {french_date(period.end_date)}"


def company_recipients(offer: Offer) -> list[str]:
    return sorted(u.email for u in offer.company.users if u.active and u.email)


def teacher_recipients(pupil: Pupil) -> list[str]:
    return sorted(u.email for u in pupil.school_class.teachers if u.active and u.email)


def _queue_all(addresses: list[str], subject: str, body: str) -> None:
    for address in addresses:
        queue_email(address, subject, body)


# --- Deadlines -----------------------------------------------------------------------------------


def waiting_days(status: S, config) -> tuple[int, int] | None:
    """(reminder, expiry) delays in days for a state that waits on someone, else None."""
    if status in (S.SUBMITTED, S.PROPOSED):
        return config["APPLICATION_REMINDER_DAYS"], config["APPLICATION_EXPIRY_DAYS"]
    if status == S.ACCEPTED:
        return config["ACCEPTANCE_REMINDER_DAYS"], config["ACCEPTANCE_EXPIRY_DAYS"]
    return None


def deadline(application: Application, config) -> datetime | None:
    days = waiting_days(application.status, config)
    return application.status_changed_at + timedelta(days=days[1]) if days else None


def next_step_for(application: Application, config) -> str:
    if application.status == S.WITHDRAWN and closed_as_unavailable(application):
        return OFFER_UNAVAILABLE_NEXT_STEP
    due = deadline(application, config)
    return next_step(application.status, french_date(due) if due else None)


# --- Applying ------------------------------------------------------------------------------------


def open_period(period_id: int) -> Period:
    """The period if it belongs to a published offer, else NotApplicable."""
    period = db.session.scalar(
        select(Period)
        .join(Offer)
        .where(Period.id == period_id, Offer.status == OfferStatus.PUBLISHED)
        .options(selectinload(Period.offer).selectinload(Offer.company))
    )
    if period is None:
        raise NotApplicable(period_id)
    return period


def pupil_of(user: User) -> Pupil | None:
    return db.session.scalar(
        select(Pupil)
        .where(Pupil.user_id == user.id)
        .options(selectinload(Pupil.school_class).selectinload(SchoolClass.school))
    )


def existing_application(pupil: Pupil, period: Period) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.pupil_id == pupil.id, Application.period_id == period.id
        )
    )


def period_problem(pupil: Pupil, period: Period, today: date) -> str | None:
    """Why this period is closed to this pupil (before any message is typed), or None."""
    klass = pupil.school_class
    if period.offer.status != OfferStatus.PUBLISHED:
        return "Cette offre n'accepte plus de candidatures."
    if period.level != klass.level:
        return (
            f"Cette période est réservée aux élèves de {period.level.value} ; ta classe "
            f"({klass.name}) est en {klass.level.value}."
        )
    if period.offer.reserved_priority_education and not klass.school.is_priority:
        return (
            "Cette offre est réservée aux élèves des établissements de l'éducation prioritaire "
            "(REP et REP+)."
        )
    if period.start_date <= today:
        return "Cette période a déjà commencé : il n'est plus possible d'y candidater."
    if period.seats_left <= 0:
        return NO_SEAT_LEFT
    return None


def active_count(pupil: Pupil) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.pupil_id == pupil.id, Application.status.in_(ACTIVE)
        )
    )


def _overlaps(start: date, end: date):
    return and_(Period.start_date <= end, Period.end_date >= start)


def chosen_overlap(pupil: Pupil, period: Period) -> Period | None:
    """A period overlapping `period` that the pupil already chose or holds as a placement."""
    chosen = select(Application.period_id).where(
        Application.pupil_id == pupil.id, Application.status.in_(CHOSEN)
    )
    placed = select(Placement.period_id).where(Placement.pupil_id == pupil.id)
    return db.session.scalar(
        select(Period)
        .where(
            or_(Period.id.in_(chosen), Period.id.in_(placed)),
            _overlaps(period.start_date, period.end_date),
        )
        .limit(1)
    )


def apply_problem(pupil: Pupil, period: Period, today: date) -> str | None:
    """Every reason to refuse the application itself, in French, or None."""
    problem = period_problem(pupil, period, today)
    if problem:
        return problem
    maximum = current_app.config["MAX_ACTIVE_APPLICATIONS"]
    if active_count(pupil) >= maximum:
        return (
            f"Tu as déjà {plural(maximum, 'candidature en cours', 'candidatures en cours')}, "
            "le maximum : retires-en une ou "
            "attends les réponses avant de candidater à nouveau."
        )
    taken = chosen_overlap(pupil, period)
    if taken is not None:
        return (
            f"Tu as déjà choisi un stage sur ces dates ({period_dates(taken)}) : "
            "tu ne peux pas candidater à une période qui le chevauche."
        )
    return None


def apply(pupil: Pupil, period: Period, message: str, now: datetime) -> Application:
    """Create the application (the unique (pupil, period) constraint stops a double click that
    slips past the check: IntegrityError at flush) and tell the company."""
    # Serialise a pupil's own submissions on PostgreSQL so two tabs cannot both pass the limit.
    lock_pupil(pupil.id)
    existing = existing_application(pupil, period)
    if existing is not None:
        raise AlreadyApplied(existing)
    problem = apply_problem(pupil, period, now.date())
    if problem:
        raise ApplyError(problem)
    application = Application(
        pupil=pupil, period=period, status=S.SUBMITTED, message=message,
        created_at=now, status_changed_at=now,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        ApplicationTransition(
            application=application, actor_id=pupil.user_id, from_status=None,
            to_status=S.SUBMITTED, created_at=now,
        )
    )
    _notify_company_new(application)
    logger.info("application %s submitted (pupil %s, period %s)", application.id, pupil.id,
                period.id)
    return application


# --- Pupil's actions -----------------------------------------------------------------------------


def lock_pupil(pupil_id: int) -> None:
    """Take the pupil's row lock (PostgreSQL; SQLite serialises writers anyway) before anything
    else: every action of one pupil then runs one after the other. Without this one order, two
    simultaneous « je choisis ce stage » on overlapping acceptances each locked their own
    application, then waited for the other's to withdraw it: a deadlock, a 500."""
    db.session.execute(select(Pupil.id).where(Pupil.id == pupil_id).with_for_update())


def _lock_and_reload(application: Application) -> None:
    lock_pupil(application.pupil_id)
    # Read again under the lock: a request that held it may just have changed this application.
    db.session.refresh(application)


def withdraw(application: Application, pupil_user: User, now: datetime) -> None:
    """The pupil withdraws a pending application or declines an acceptance (frees the seat)."""
    _lock_and_reload(application)
    was_accepted = application.status == S.ACCEPTED
    message = "L'élève a décliné la proposition." if was_accepted else "Retirée par l'élève."
    transition(application, S.WITHDRAWN, pupil_user, message, now)
    _notify_company_withdrawn(application, was_accepted, automatic=False)


def choose(application: Application, pupil_user: User, now: datetime) -> list[Application]:
    """« Je choisis ce stage »: confirm, then withdraw every other active application of the
    pupil for an overlapping period. Returns the withdrawn ones."""
    _lock_and_reload(application)
    transition(application, S.CONFIRMED, pupil_user, None, now)
    others = withdrawn_by_choice(application)
    for other in others:
        # A proposal holds its seat like an acceptance: the company learns it is free again.
        was_accepted = other.status in (S.ACCEPTED, S.PROPOSED)
        transition(other, S.WITHDRAWN, None, AUTO_WITHDRAW_MESSAGE, now)
        _notify_company_withdrawn(other, was_accepted, automatic=True)
    _notify_chosen(application)
    return others


# --- The offer is no longer available (taken down by staff after reports) -----------------------
# The state machine has no « offer gone » state: the closest existing path is the system's
# withdrawal (submitted/accepted/proposed → withdrawn, actor « automatique »), the one choose()
# uses for overlapping applications. It frees the held seats. Chosen and validated internships
# (confirmed, validated) are not touched: staff are told to contact the school instead.

WAITING_ON_OFFER = (S.SUBMITTED, S.ACCEPTED, S.PROPOSED)
CHOSEN_ON_OFFER = (S.CONFIRMED, S.VALIDATED)
OFFER_UNAVAILABLE_MESSAGE = (
    "Retirée automatiquement : l'offre n'est plus disponible (retirée par le Département)."
)
OFFER_UNAVAILABLE_NEXT_STEP = (
    "Cette offre n'est plus disponible : elle a été retirée de Cap Industrie. Ta candidature "
    "est close ; tu peux candidater à d'autres offres."
)


def applications_on_offer(offer: Offer, statuses) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .join(Period)
            .where(Period.offer_id == offer.id, Application.status.in_(list(statuses)))
            .order_by(Application.id)
        )
    )


def closed_as_unavailable(application: Application) -> bool:
    transitions = application.transitions
    return bool(transitions) and transitions[-1].message == OFFER_UNAVAILABLE_MESSAGE


def close_for_unavailable_offer(offer: Offer, now: datetime) -> list[Application]:
    """Withdraw (as the system) every application still waiting on `offer`, tell each pupil
    once (« tu ») and their teachers once; returns the closed applications. Idempotent: a
    second call finds nothing waiting. The caller takes the offer down first (so a freed seat
    does not reopen it) and commits."""
    waiting = applications_on_offer(offer, WAITING_ON_OFFER)
    # One lock order for every pupil (see lock_pupil), then read each application again.
    for pupil_id in sorted({a.pupil_id for a in waiting}):
        lock_pupil(pupil_id)
    closed = []
    for application in waiting:
        db.session.refresh(application)
        if application.status not in WAITING_ON_OFFER:
            continue
        transition(application, S.WITHDRAWN, None, OFFER_UNAVAILABLE_MESSAGE, now)
        closed.append(application)
    _notify_offer_unavailable(offer, closed)
    return closed


def _notify_offer_unavailable(offer: Offer, closed: list[Application]) -> None:
    by_pupil: dict[int, list[Application]] = {}
    for application in closed:
        by_pupil.setdefault(application.pupil_id, []).append(application)
    by_teacher: dict[str, list[Pupil]] = {}
    for applications in by_pupil.values():
        pupil = applications[0].pupil
        _mail_pupil_offer_unavailable(pupil, offer, applications)
        for address in teacher_recipients(pupil):
            by_teacher.setdefault(address, []).append(pupil)
    for address, pupils in by_teacher.items():
        names = "\n".join(
            f"- {pupil_short_name(p)} ({p.school_class.name})"
            for p in sorted(pupils, key=lambda p: (p.school_class.name, p.user.last_name))
        )
        queue_email(
            address,
            f"Offre retirée : {offer.title}",
            f"Bonjour,\n\nL'offre « {offer.title} » ({offer.company.name}) n'est plus "
            "disponible : le Département l'a retirée de Cap Industrie. Les candidatures en "
            "attente de ces élèves de votre classe sont closes ; ils peuvent candidater à "
            f"d'autres offres :\n{names}",
        )


def _mail_pupil_offer_unavailable(
    pupil: Pupil, offer: Offer, applications: list[Application]
) -> None:
    """Pupils have no e-mail as a rule: their dashboard says it; one who gave an address gets
    one message, however many of their applications were closed."""
    user = pupil.user
    if not (user.email and user.active):
        return
    periods = "\n".join(f"- {period_dates(a.period)}" for a in applications)
    queue_email(
        user.email,
        f"L'offre « {offer.title} » n'est plus disponible",
        f"Bonjour {user.first_name},\n\n"
        f"L'offre de stage « {offer.title} » ({offer.company.name}) à laquelle tu avais "
        "candidaté n'est plus disponible : elle a été retirée de Cap Industrie. Ta "
        f"candidature est close :\n{periods}\n\n"
        "Tu peux candidater à d'autres offres dès maintenant :\n"
        f"{external_url('applications.pupil_dashboard')}",
    )


def withdrawn_by_choice(application: Application) -> list[Application]:
    """The pupil's other waiting applications that choosing `application` withdraws (those
    overlapping its period): what choose() withdraws, and what its confirmation announces."""
    period = application.period
    return list(
        db.session.scalars(
            select(Application)
            .join(Period)
            .where(
                Application.pupil_id == application.pupil_id,
                Application.id != application.id,
                Application.status.in_([S.SUBMITTED, S.PROPOSED, S.ACCEPTED]),
                _overlaps(period.start_date, period.end_date),
            )
            .options(selectinload(Application.period).selectinload(Period.offer)
                     .selectinload(Offer.company))
            .order_by(Application.id)
        )
    )


def period_words(period: Period) -> str:
    """« la semaine du lundi 11 janvier 2027 » for a week, else « la période du … au … »."""
    if (period.end_date - period.start_date).days < 7:
        return f"la semaine du {french_date(period.start_date)}"
    return f"la période {period_dates(period)}"


# --- Company's answers ---------------------------------------------------------------------------


PROPOSAL_ELSEWHERE = (
    "Cette proposition se traite sur la page « Propositions de stagiaires » "
    "(/entreprise/propositions)."
)


def _not_a_proposal(application: Application) -> None:
    # Proposals have their own rules (no answer after the period started, teachers e-mailed):
    # applications.proposals answers them, never the applications' answer form.
    if application.status == S.PROPOSED:
        raise TransitionError(PROPOSAL_ELSEWHERE)


def accept(application: Application, company_user: User, message: str | None,
           now: datetime) -> None:
    _not_a_proposal(application)
    if application.period.start_date <= now.date():
        raise TransitionError(
            "Cette période a déjà commencé : la candidature ne peut plus être acceptée."
        )
    transition(application, S.ACCEPTED, company_user, message, now)
    application.answer_message = message
    _notify_teachers_answer(application, accepted=True)


def refuse(application: Application, company_user: User, message: str | None,
           now: datetime) -> None:
    _not_a_proposal(application)
    transition(application, S.REFUSED, company_user, message, now)
    application.answer_message = message
    _notify_teachers_answer(application, accepted=False)


@dataclass
class PeriodGroup:
    period: Period
    applications: list[Application] = field(default_factory=list)


@dataclass
class OfferGroup:
    offer: Offer
    periods: list[PeriodGroup] = field(default_factory=list)


# Waiting on the company first, then what holds a seat, then the closed ones.
_COMPANY_ORDER = {
    s: i for i, s in enumerate([S.SUBMITTED, S.PROPOSED, S.ACCEPTED, S.CONFIRMED, S.VALIDATED,
                                S.REFUSED, S.WITHDRAWN, S.EXPIRED, S.REFUSED_BY_TEACHER])
}


def company_offers(company_id: int) -> list[Offer]:
    """The company's offers that have received at least one application (filter choices)."""
    applied = select(Period.offer_id).join(Application, Application.period_id == Period.id)
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.company_id == company_id, Offer.id.in_(applied))
            .order_by(Offer.title, Offer.id)
        )
    )


def with_company_view(statement):
    """Joins the period (to filter and order by it) and loads what a company's list shows:
    the offer, the pupil's name, class and school, without one query per row."""
    return statement.join(Period, Application.period_id == Period.id).options(
        selectinload(Application.period).selectinload(Period.offer),
        selectinload(Application.pupil).selectinload(Pupil.user),
        selectinload(Application.pupil)
        .selectinload(Pupil.school_class)
        .selectinload(SchoolClass.school),
    )


def company_applications(statement, offer_id: int | None = None,
                         status: S | None = None) -> list[OfferGroup]:
    """`statement`: the applications the user may see (authz.owned_select), then filtered and
    grouped per offer and period."""
    statement = with_company_view(statement)
    if offer_id is not None:
        statement = statement.where(Period.offer_id == offer_id)
    if status is not None:
        statement = statement.where(Application.status == status)
    rows = db.session.scalars(statement).all()
    rows = sorted(
        rows,
        key=lambda a: (a.period.offer.title, a.period.offer_id, a.period.start_date,
                       a.period_id, _COMPANY_ORDER[a.status], a.created_at, a.id),
    )
    groups: list[OfferGroup] = []
    for application in rows:
        period = application.period
        if not groups or groups[-1].offer.id != period.offer_id:
            groups.append(OfferGroup(period.offer))
        offer_group = groups[-1]
        if not offer_group.periods or offer_group.periods[-1].period.id != period.id:
            offer_group.periods.append(PeriodGroup(period))
        offer_group.periods[-1].applications.append(application)
    return _waiting_first(groups)


def _oldest_waiting(applications: list[Application]) -> tuple:
    """Sort key: what waits for the company's answer first, the oldest (soonest to expire)
    first; then everything else, in its previous order."""
    waiting = [a.status_changed_at for a in applications if a.status == S.SUBMITTED]
    return (0, min(waiting)) if waiting else (1, datetime.min)


def _waiting_first(groups: list[OfferGroup]) -> list[OfferGroup]:
    """Pending first on the company's page (issue 17): the offers, and within each offer the
    periods, with applications awaiting an answer come first, the soonest to expire first
    (sorted() is stable: the rest keeps its order)."""
    for group in groups:
        group.periods.sort(key=lambda pg: _oldest_waiting(pg.applications))
    return sorted(
        groups,
        key=lambda g: _oldest_waiting([a for pg in g.periods for a in pg.applications]),
    )


def chosen_elsewhere(applications: list[Application]) -> dict[int, list[Period]]:
    """For the company (issue 17): a pupil whose application still waits may already have
    chosen (or had validated) an internship on other dates — choose() withdraws only the
    overlapping ones. Application id -> those other periods (dates only, never the other
    company), in one query."""
    waiting = [a for a in applications if a.status in (S.SUBMITTED, S.ACCEPTED)]
    if not waiting:
        return {}
    rows = db.session.execute(
        select(Application.pupil_id, Period)
        .join(Period, Application.period_id == Period.id)
        .where(
            Application.pupil_id.in_({a.pupil_id for a in waiting}),
            Application.status.in_(CHOSEN),
        )
        .order_by(Period.start_date)
    ).all()
    chosen: dict[int, list[Period]] = {}
    for pupil_id, period in rows:
        chosen.setdefault(pupil_id, []).append(period)
    return {a.id: chosen[a.pupil_id] for a in waiting if a.pupil_id in chosen}


def pupil_applications(pupil: Pupil) -> list[Application]:
    """Latest activity first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.pupil_id == pupil.id)
            .options(
                selectinload(Application.period)
                .selectinload(Period.offer)
                .selectinload(Offer.company)
            )
            .order_by(Application.status_changed_at.desc(), Application.id.desc())
        )
    )


def period_states(pupil: Pupil, offer: Offer, today: date) -> list[tuple[Period, str | None,
                                                                          Application | None]]:
    """For the public offer page: each period with why the pupil cannot apply (or None), and
    their application to it when there is one."""
    mine = {
        a.period_id: a
        for a in db.session.scalars(
            select(Application).where(
                Application.pupil_id == pupil.id,
                Application.period_id.in_([p.id for p in offer.periods]),
            )
        )
    }
    return [
        (p, None if p.id in mine else period_problem(pupil, p, today), mine.get(p.id))
        for p in offer.periods
    ]


# --- Notifications -------------------------------------------------------------------------------


def _offer_line(application: Application) -> str:
    period = application.period
    return f"« {period.offer.title} », période {period_dates(period)}"


def _company_link(application: Application) -> str:
    if application.status == S.PROPOSED:
        return external_url("applications.company_proposals")
    return external_url("applications.company_list", offre=application.period.offer_id)


def _notify_company_new(application: Application) -> None:
    name = pupil_short_name(application.pupil)
    days = current_app.config["APPLICATION_EXPIRY_DAYS"]
    _queue_all(
        company_recipients(application.period.offer),
        f"Nouvelle candidature : {application.period.offer.title}",
        f"Bonjour,\n\n{name} candidate à votre offre {_offer_line(application)}.\n\n"
        f"Lisez son message et répondez dans un délai de {plural(days, 'jour')} (sans réponse, "
        f"la candidature expire) :\n{_company_link(application)}",
    )


def _notify_company_withdrawn(application: Application, was_accepted: bool,
                              automatic: bool) -> None:
    name = pupil_short_name(application.pupil)
    reason = (
        "L'élève a choisi un autre stage sur ces dates."
        if automatic
        else "L'élève a retiré sa candidature."
    )
    seat = " La place que vous lui aviez attribuée est de nouveau libre." if was_accepted else ""
    _queue_all(
        company_recipients(application.period.offer),
        f"Candidature retirée : {application.period.offer.title}",
        f"Bonjour,\n\nLa candidature {elide(name)} à votre offre {_offer_line(application)} est "
        f"retirée. {reason}{seat}\n\n{_company_link(application)}",
    )


def _notify_chosen(application: Application) -> None:
    name = pupil_short_name(application.pupil)
    _queue_all(
        company_recipients(application.period.offer),
        f"Stage choisi : {application.period.offer.title}",
        f"Bonjour,\n\n{name} a choisi votre stage {_offer_line(application)}. Son professeur "
        f"principal doit maintenant le valider ; la convention suivra.\n\n"
        f"{_company_link(application)}",
    )
    _queue_all(
        teacher_recipients(application.pupil),
        f"Stage à valider : {name} ({application.pupil.school_class.name})",
        f"Bonjour,\n\n{name}, de votre classe {application.pupil.school_class.name}, a choisi "
        f"le stage {_offer_line(application)} chez {application.period.offer.company.name}.\n\n"
        f"Ce stage attend votre validation.",
    )


def _notify_teachers_answer(application: Application, accepted: bool) -> None:
    name = pupil_short_name(application.pupil)
    klass = application.pupil.school_class.name
    company = application.period.offer.company.name
    if accepted:
        days = current_app.config["ACCEPTANCE_EXPIRY_DAYS"]
        subject = f"Candidature acceptée : {name} ({klass})"
        body = (
            f"{company} accepte {name} pour le stage {_offer_line(application)}.\n\n"
            "L'élève doit confirmer son choix sur Cap Industrie dans un délai de "
            f"{plural(days, 'jour')} ; "
            "sinon la place est libérée."
        )
    else:
        subject = f"Candidature refusée : {name} ({klass})"
        body = (
            f"{company} ne peut pas accueillir {name} pour le stage {_offer_line(application)}."
            "\n\nL'élève peut candidater à d'autres offres."
        )
    _queue_all(
        teacher_recipients(application.pupil),
        subject,
        f"Bonjour,\n\n{body}",
    )


def notify_expired(application: Application, was_accepted: bool) -> None:
    """Called by the timer job: the company and the class teachers."""
    name = pupil_short_name(application.pupil)
    klass = application.pupil.school_class.name
    if was_accepted:
        company_text = (
            f"{name} n'a pas confirmé à temps votre acceptation pour {_offer_line(application)}. "
            "La place est de nouveau libre."
        )
        teacher_text = (
            f"{name} ({klass}) n'a pas confirmé à temps son stage {_offer_line(application)} : "
            "l'acceptation a expiré et la place est libérée."
        )
    else:
        company_text = (
            f"La candidature {elide(name)} à votre offre {_offer_line(application)} a expiré "
            "faute de réponse."
        )
        teacher_text = (
            f"La candidature {elide(name)} ({klass}) au stage {_offer_line(application)} a "
            "expiré : l'entreprise n'a pas répondu à temps. L'élève peut candidater ailleurs."
        )
    subject = f"Candidature expirée : {application.period.offer.title}"
    _queue_all(
        company_recipients(application.period.offer),
        subject,
        f"Bonjour,\n\n{company_text}\n\n{_company_link(application)}",
    )
    _queue_all(
        teacher_recipients(application.pupil),
        f"Candidature expirée : {name} ({klass})",
        f"Bonjour,\n\n{teacher_text}",
    )


def notify_reminder(application: Application, config) -> None:
    """Called by the timer job, once per waiting state (reminder_sent_at)."""
    name = pupil_short_name(application.pupil)
    due = french_date(deadline(application, config))
    if application.status in (S.SUBMITTED, S.PROPOSED):
        _queue_all(
            company_recipients(application.period.offer),
            f"Rappel : une candidature attend votre réponse ({application.period.offer.title})",
            f"Bonjour,\n\nLa candidature {elide(name)} à votre offre {_offer_line(application)} "
            f"attend votre réponse. Sans réponse avant le {due}, elle expirera.\n\n"
            f"{_company_link(application)}",
        )
    else:
        klass = application.pupil.school_class.name
        _queue_all(
            teacher_recipients(application.pupil),
            f"Rappel : {name} ({klass}) doit confirmer son stage",
            f"Bonjour,\n\n{application.period.offer.company.name} a accepté {name} pour le stage "
            f"{_offer_line(application)}. L'élève ne l'a pas encore confirmé sur Cap Industrie : "
            f"sans confirmation avant le {due}, la place sera libérée.",
        )


def status_label(status: S) -> str:
    return LABELS[status]
