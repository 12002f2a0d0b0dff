"""The retention rules applied (capindustrie/privacy/retention.py): the yearly pupil purge, the
inactive and never-confirmed accounts, the outbox and the audit log.

Deleting an account reduces its row to an anonymous tombstone (`delete_account`): no name, no
login, no password, no session, so it can never sign in again and nothing identifies the person;
the row stays because old applications, placements and transitions point at it and the
indicators count them (an application keeps its pupil's class: level, school, school year).

Every unit of work is its own transaction (one pupil, one account), so a run interrupted
half-way leaves each pupil either untouched or fully anonymised, and the next run finishes the
rest; what is done is marked (`deleted_at`, `deletion_warned_at`), so a second run finds nothing.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, or_, select, update

from capindustrie.extensions import db
from capindustrie.models import (
    AgreementParties,
    AgreementVersion,
    Application,
    ApplicationTransition,
    AuditEntry,
    CalendarFeed,
    Company,
    CompanyStatus,
    Event,
    LoginSlipBatch,
    Offer,
    OfferReport,
    OfferStatus,
    OfferTransition,
    OutboxMessage,
    ParentLink,
    Placement,
    Pupil,
    PupilFamily,
    PupilFeedback,
    PupilWish,
    RecoveryCode,
    Registration,
    Role,
    SchoolClass,
    TwoFactor,
    User,
    UserSession,
    class_teacher,
)
from capindustrie.privacy import retention as r

log = logging.getLogger("capindustrie.privacy")

# The kinds a run handles, in order, with their French operator label.
KINDS = {
    "pupils": "Comptes d'élèves de l'année terminée (supprimés, candidatures anonymisées)",
    "warnings": "Comptes inactifs prévenus de leur suppression dans 30 jours",
    "accounts": "Comptes inactifs depuis 2 ans supprimés",
    "unconfirmed": "Comptes jamais confirmés supprimés",
    "outbox": "E-mails de plus de 6 mois supprimés",
    "audit": "Entrées du journal de plus de 5 ans supprimées",
}
# The daily run: everything but the pupils, whose date is once a year.
DAILY_KINDS = ("warnings", "accounts", "unconfirmed", "outbox", "audit")

DELETED_FIRST_NAME = "Compte"
DELETED_LAST_NAME = "supprimé"
# Not an argon2 hash: no password ever matches it.
NO_PASSWORD = "!"
ORPHAN_OFFER_MESSAGE = (
    "Plus aucun compte actif pour cette entreprise : l'offre est fermée aux candidatures."
)


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        return ", ".join(f"{kind} : {count}" for kind, count in self.counts.items())


def paris_today(now: datetime) -> date:
    from capindustrie.filters import to_paris

    return to_paris(now.replace(tzinfo=UTC) if now.tzinfo is None else now).date()


# What is due ----------------------------------------------------------------------------------


def due_pupils_select(now: datetime):
    """Pupils of classes whose school year ended by the last 31 July, not yet anonymised."""
    return (
        select(Pupil.id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(User, User.id == Pupil.user_id)
        .where(
            SchoolClass.school_year <= r.finished_school_year(paris_today(now)),
            User.deleted_at.is_(None),
        )
        .order_by(Pupil.id)
    )


def _activity():
    return func.coalesce(User.last_login_at, User.created_at)


def _retained_roles():
    return [
        User.role.in_([Role.TEACHER, Role.COMPANY]),
        User.deleted_at.is_(None),
        User.awaiting_confirmation.is_(False),
    ]


def to_warn_select(now: datetime):
    """Inactive accounts within 30 days of deletion whose owner was not warned since their
    last activity."""
    return (
        select(User.id)
        .where(*_retained_roles())
        .where(_activity() <= now - (r.INACTIVE_ACCOUNT_DELAY - r.DELETION_NOTICE))
        .where(or_(User.deletion_warned_at.is_(None), User.deletion_warned_at < _activity()))
        .order_by(User.id)
    )


def to_delete_select(now: datetime):
    """Accounts 2 years inactive, warned after their last activity and at least 30 days ago:
    a sign-in after the warning makes it void (the activity is then later than the warning)."""
    return (
        select(User.id)
        .where(*_retained_roles())
        .where(_activity() <= now - r.INACTIVE_ACCOUNT_DELAY)
        .where(User.deletion_warned_at.is_not(None))
        .where(User.deletion_warned_at >= _activity())
        .where(User.deletion_warned_at <= now - r.DELETION_NOTICE)
        .order_by(User.id)
    )


def unconfirmed_select(now: datetime):
    return (
        select(User.id)
        .where(
            User.awaiting_confirmation.is_(True),
            User.deleted_at.is_(None),
            User.created_at <= now - r.UNCONFIRMED_DELAY,
        )
        .order_by(User.id)
    )


def _old_outbox(now: datetime):
    return OutboxMessage.created_at < now - r.OUTBOX_DELAY


def _old_audit(now: datetime):
    return AuditEntry.created_at < now - r.AUDIT_DELAY


def plan(now: datetime, kinds: Iterable[str] = KINDS) -> PurgeReport:
    """What a run at `now` would do, per kind, without changing anything (--dry-run)."""
    report = PurgeReport()
    selects = {
        "pupils": due_pupils_select(now),
        "warnings": to_warn_select(now),
        "accounts": to_delete_select(now),
        "unconfirmed": unconfirmed_select(now),
        "outbox": select(OutboxMessage.id).where(_old_outbox(now)),
        "audit": select(AuditEntry.id).where(_old_audit(now)),
    }
    for kind in kinds:
        statement = selects[kind].order_by(None)
        report.counts[kind] = db.session.scalar(
            select(func.count()).select_from(statement.subquery())
        )
    return report


# Running ---------------------------------------------------------------------------------------


def run(now: datetime, kinds: Iterable[str] = KINDS, *, record_audit: bool = True) -> PurgeReport:
    """Apply the retention rules at `now`. Commits after each pupil and each account."""
    kinds = tuple(kinds)
    report = PurgeReport()
    units = {
        "pupils": (
            due_pupils_select,
            lambda pupil_id: anonymise_pupil(
                db.session.get(Pupil, pupil_id), now, outbox_done=True
            ),
        ),
        "warnings": (
            to_warn_select,
            lambda user_id: warn_inactive(db.session.get(User, user_id), now),
        ),
        "accounts": (
            to_delete_select,
            lambda user_id: delete_account(db.session.get(User, user_id), now),
        ),
        "unconfirmed": (
            unconfirmed_select,
            lambda user_id: delete_unconfirmed(db.session.get(User, user_id), now),
        ),
    }
    if "pupils" in kinds:
        # First, in one pass over the outbox, the e-mails naming any pupil due (repeated
        # harmlessly by a resumed run: those pupils are still due and still named).
        scrub_outbox_naming(db.session.scalars(due_pupils_select(now)).all())
    for kind, (due, apply) in units.items():
        if kind not in kinds:
            continue
        for object_id in db.session.scalars(due(now)).all():
            try:
                apply(object_id)
                db.session.commit()
            except BaseException:
                # This unit is rolled back whole; those before it stay done, and the next run
                # picks up from here.
                db.session.rollback()
                raise
            report.counts[kind] += 1
    if "outbox" in kinds:
        report.counts["outbox"] = _bulk_delete(OutboxMessage.__table__, _old_outbox(now))
    if "audit" in kinds:
        # A table-level DELETE: the model refuses deletes made through the ORM (append-only);
        # only this retention rule removes entries, once they are 5 years old.
        report.counts["audit"] = _bulk_delete(AuditEntry.__table__, _old_audit(now))
    if record_audit and report.total:
        from capindustrie.audit.services import record

        record(None, "privacy.purge", now=now, **report.counts)
        db.session.commit()
    log.info("purge at %s: %s", now.isoformat(), report)
    return report


def _bulk_delete(table, condition) -> int:
    result = db.session.execute(delete(table).where(condition))
    db.session.commit()
    return result.rowcount or 0


def purge_job(now: datetime) -> str:
    """The yearly job (31 July): every rule, pupils included."""
    return str(run(now))


def daily_purge_job(now: datetime) -> str:
    """The daily job: inactive and unconfirmed accounts, outbox, audit log."""
    return str(run(now, DAILY_KINDS))


# One pupil, one account ----------------------------------------------------------------------


def identifying_strings(user: User) -> list[str]:
    """What could name the person in a free text: full name, « Prénom N. » (what companies
    see), login and address."""
    strings = [f"{user.first_name} {user.last_name}".strip()]
    if user.first_name and user.last_name:
        strings.append(f"{user.first_name} {user.last_name[0]}.")
    strings += [s for s in (user.username, user.email) if s]
    return [s for s in strings if len(s) >= 3]


def anonymise_pupil(pupil: Pupil, now: datetime, *, outbox_done: bool = False) -> None:
    """Delete the pupil's account and every personal datum, keep the anonymous facts: the
    applications (period, status, dates) and placements, under the pupil's class."""
    applications = select(Application.id).where(Application.pupil_id == pupil.id)
    placements = select(Placement.id).where(Placement.pupil_id == pupil.id)
    db.session.execute(
        update(Application)
        .where(Application.pupil_id == pupil.id)
        .values(message="", answer_message=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(ApplicationTransition)
        .where(ApplicationTransition.application_id.in_(applications))
        .values(message=None),
        execution_options={"synchronize_session": False},
    )
    # The convention's frozen texts, signatures and signing links name the pupil and family.
    db.session.execute(
        delete(AgreementVersion).where(AgreementVersion.placement_id.in_(placements))
    )
    db.session.execute(
        delete(AgreementParties).where(AgreementParties.placement_id.in_(placements))
    )
    db.session.execute(delete(PupilFamily).where(PupilFamily.pupil_id == pupil.id))
    db.session.execute(delete(PupilWish).where(PupilWish.pupil_id == pupil.id))
    # The questionnaire's scores stay for the indicators; what the pupil wrote goes.
    db.session.execute(
        update(PupilFeedback)
        .where(PupilFeedback.placement_id.in_(placements))
        .values(liked=None),
        execution_options={"synchronize_session": False},
    )
    # Parents' read-only links to the placement: the internship is over, the link goes.
    db.session.execute(delete(ParentLink).where(ParentLink.placement_id.in_(placements)))
    db.session.execute(
        update(Registration)
        .where(Registration.pupil_id == pupil.id)
        .values(satisfaction_comment=None),
        execution_options={"synchronize_session": False},
    )
    pupil.birth_date = None
    delete_account(pupil.user, now, outbox_done=outbox_done)
    log.info("pupil %s anonymised", pupil.id)


def delete_account(user: User, now: datetime, *, outbox_done: bool = False) -> None:
    """Reduce `user` to an anonymous tombstone (see the module's docstring); the caller
    commits. A company left without any account has its published offers closed."""
    strings = identifying_strings(user)
    for model in (UserSession, TwoFactor, RecoveryCode, CalendarFeed):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(LoginSlipBatch).where(LoginSlipBatch.teacher_id == user.id))
    db.session.execute(delete(class_teacher).where(class_teacher.c.user_id == user.id))
    # Reports on offers they made stay for moderation, without their comment or their name.
    db.session.execute(
        update(OfferReport)
        .where(OfferReport.reporter_id == user.id)
        .values(comment=None, reporter_id=None),
        execution_options={"synchronize_session": False},
    )
    if not outbox_done:
        _delete_outbox_naming(strings)
    user.first_name = DELETED_FIRST_NAME
    user.last_name = DELETED_LAST_NAME
    user.email = None
    user.username = f"compte-supprime-{user.id}"
    user.password_hash = NO_PASSWORD
    user.active = False
    user.session_version = user.session_version + 1
    user.must_change_password = False
    user.awaiting_confirmation = False
    user.last_login_at = None
    user.deletion_warned_at = None
    user.deleted_at = now
    db.session.flush()
    if user.role == Role.COMPANY and user.company_id is not None:
        close_orphan_offers(user, now)
    log.info("account %s deleted", user.id)


def _delete_outbox_naming(strings: list[str]) -> None:
    """E-mails to the person or naming them (sent ones are only kept as a log)."""
    if not strings:
        return
    conditions = [OutboxMessage.to_address.in_([s for s in strings if "@" in s])]
    for text in strings:
        conditions += [
            OutboxMessage.subject.contains(text, autoescape=True),
            OutboxMessage.body.contains(text, autoescape=True),
        ]
    db.session.execute(delete(OutboxMessage).where(or_(*conditions)))


_WORD_BREAKS = re.compile(r"[^\w@.+'’-]+")


def _words(text: str) -> list[str]:
    """Lower-cased words; dots ending a word (« D. », an address ending a sentence) dropped."""
    return [w.rstrip(".") for w in _WORD_BREAKS.split(text.casefold()) if w.rstrip(".")]


def scrub_outbox_naming(pupil_ids: list[int], chunk: int = 1000) -> int:
    """Delete the outbox e-mails sent to, or naming, any of these pupils, in one pass over the
    outbox (a LIKE per pupil would scan it once per pupil: 75,000 times in July). A text names
    a pupil when a run of its words is one of the pupil's identifying strings, compared
    word by word and case-insensitively. Commits."""
    needles: set[tuple[str, ...]] = set()
    for first in range(0, len(pupil_ids), chunk):
        users = db.session.scalars(
            select(User)
            .join(Pupil, Pupil.user_id == User.id)
            .where(Pupil.id.in_(pupil_ids[first : first + chunk]))
        )
        for user in users:
            needles.update(tuple(_words(text)) for text in identifying_strings(user))
    needles.discard(())
    if not needles:
        return 0
    starts = {needle[0] for needle in needles}
    longest = max(len(needle) for needle in needles)
    doomed = []
    rows = db.session.execute(
        select(
            OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body
        ).execution_options(yield_per=chunk)
    )
    for message_id, address, subject, body in rows:
        words = _words(f"{address}\n{subject}\n{body}")
        if any(
            words[i] in starts
            and any(tuple(words[i : i + n]) in needles for n in range(1, longest + 1))
            for i in range(len(words))
        ):
            doomed.append(message_id)
    for first in range(0, len(doomed), chunk):
        db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.id.in_(doomed[first : first + chunk]))
        )
    db.session.commit()
    return len(doomed)


def close_orphan_offers(departing: User, now: datetime) -> int:
    """The company and its offers stay (the Département's catalogue and its indicators), but
    once nobody can answer, its published offers stop taking applications. The departing
    (now anonymous) account is the closing actor, so a freed seat does not reopen them."""
    live = db.session.scalar(
        select(func.count(User.id)).where(
            User.company_id == departing.company_id, User.deleted_at.is_(None)
        )
    )
    if live:
        return 0
    offers = db.session.scalars(
        select(Offer).where(
            Offer.company_id == departing.company_id, Offer.status == OfferStatus.PUBLISHED
        )
    ).all()
    for offer in offers:
        db.session.add(
            OfferTransition(
                offer_id=offer.id,
                actor_id=departing.id,
                from_status=offer.status,
                to_status=OfferStatus.CLOSED,
                message=ORPHAN_OFFER_MESSAGE,
                created_at=now,
            )
        )
        offer.status = OfferStatus.CLOSED
    return len(offers)


def delete_unconfirmed(user: User, now: datetime) -> None:
    """A never-confirmed account never did anything: its row goes, and with it the company it
    registered when that company is still pending and holds nothing else (otherwise its SIRET
    would stay taken by nobody). Should any row point at it, it becomes a tombstone instead."""
    company = user.company
    savepoint = db.session.begin_nested()
    try:
        for model in (UserSession, TwoFactor, RecoveryCode, CalendarFeed):
            db.session.execute(delete(model).where(model.user_id == user.id))
        _delete_outbox_naming(identifying_strings(user))
        db.session.delete(user)
        db.session.flush()
        if company is not None and _empty_pending(company):
            db.session.delete(company)
            db.session.flush()
        savepoint.commit()
    except Exception:  # an unexpected reference: keep a tombstone, as for any account
        savepoint.rollback()
        delete_account(db.session.get(User, user.id), now)


def _empty_pending(company: Company) -> bool:
    if company.status != CompanyStatus.PENDING:
        return False
    users = db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id))
    offers = db.session.scalar(select(func.count(Offer.id)).where(Offer.company_id == company.id))
    events = db.session.scalar(select(func.count(Event.id)).where(Event.company_id == company.id))
    return not (users or offers or events)


# The warning e-mail --------------------------------------------------------------------------


def warn_inactive(user: User, now: datetime) -> None:
    from flask import current_app

    from capindustrie.emails.services import queue_email
    from capindustrie.filters import french_date

    deletion = max(r.deletion_due(user.last_login_at, user.created_at), now + r.DELETION_NOTICE)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    message = queue_email(
        user.email,
        "Votre compte Cap Industrie sera supprimé dans 30 jours",
        f"Bonjour,\n\n"
        f"Vous ne vous êtes pas connecté(e) à Cap Industrie depuis près de 2 ans. Comme "
        f"l'indique notre politique de confidentialité, votre compte et vos données "
        f"personnelles seront supprimés le {french_date(deletion)}.\n\n"
        f"Pour garder votre compte, il suffit de vous connecter avant cette date : "
        f"{base}/connexion\n\n"
        f"Vous pouvez aussi télécharger vos données dès maintenant depuis la page "
        f"« Mes données » ({base}/mes-donnees/).",
    )
    # Dated by the run's clock, like the rest of the run (the outbox keeps it 6 months).
    message.created_at = message.next_attempt_at = now
    user.deletion_warned_at = now
    log.info("account %s warned of its deletion", user.id)
