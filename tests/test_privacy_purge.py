"""The retention rules applied with a frozen clock (issue 14): the yearly pupil purge leaves
nothing that identifies a pupil in any column of any table and keeps every indicator; inactive
accounts are warned at D-30 then deleted unless they sign in; the outbox, the audit log and
never-confirmed accounts are trimmed; the purge is idempotent and resumable."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from capindustrie.applications.states import S
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.indicators import services as indicators
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.territory import by_epci
from capindustrie.models import (
    Application,
    AuditEntry,
    Base,
    Company,
    CompanyStatus,
    Offer,
    OfferReport,
    OfferStatus,
    OutboxMessage,
    ProgrammeFollowed,
    Pupil,
    PupilFeedback,
    PupilWish,
    ReportReason,
    Role,
    SchoolClass,
    User,
)
from capindustrie.privacy import purge, retention
from capindustrie.scheduler import next_run_times, run_job
from tests import convention_helpers as conv
from tests import factories as f
from tests import indicator_data
from tests.placement_helpers import application_in

# 31 July 2027, 02:00 in Paris (summer time): the yearly run for 2026-2027.
PURGE_AT = datetime(2027, 7, 31, 0, 0)
BIRTH = date(2012, 3, 14)
NEEDLES = (
    "Zéphyrine",
    "Quatremare",
    "zquatremare",
    "zephyrine.q@exemple.fr",
    "2012-03-14",
    "14/03/2012",
    "14 mars 2012",
    "Nadia Durand",  # her legal representative (convention data)
    "+33612345678",
    "Mon message très personnel",
)


@pytest.fixture
def world(app):
    data = indicator_data.build()
    klass = db.session.scalar(select(SchoolClass).where(SchoolClass.name == "3e A"))
    pupil = f.pupil(klass, first_name="Zéphyrine", last_name="Quatremare", birth_date=BIRTH)
    pupil.user.username = "zquatremare"
    pupil.user.email = "zephyrine.q@exemple.fr"
    period = data["periods"][2]  # P3, C2's offer in Fontainebleau, 11-15 January 2027
    application = application_in(pupil, period, S.VALIDATED)
    application.message = "Mon message très personnel : Zéphyrine Quatremare, née le 14/03/2012."
    application.answer_message = "Bienvenue Zéphyrine Q. !"
    db.session.commit()
    placement = application_in.__globals__["placing"].placement_of(application)
    conv.complete(placement)
    conv.issue(placement)
    db.session.add(PupilWish(pupil_id=pupil.id, rank=1, offer_id=period.offer_id))
    db.session.add(
        PupilFeedback(
            placement_id=placement.id,
            desire_before=2,
            desire_after=5,
            programme_followed=ProgrammeFollowed.YES,
            liked="Les robots ! Zéphyrine Quatremare, 3e A",
        )
    )
    db.session.add(
        OfferReport(
            offer_id=period.offer_id,
            reason=ReportReason.OTHER,
            comment="Signalé par Zéphyrine Quatremare",
            reporter_id=pupil.user_id,
        )
    )
    queue_email("zephyrine.q@exemple.fr", "Votre candidature", "Bonjour Zéphyrine Quatremare.")
    queue_email("rh@exemple.fr", "Nouvelle candidature", "Zéphyrine Q. a candidaté.")
    db.session.commit()
    data["pupil_id"] = pupil.id
    data["user_id"] = pupil.user_id
    return data


def indicator_snapshot() -> dict:
    snapshot = {}
    for year in (2025, 2026):
        snapshot[year] = indicators.compute(Filters(year), PURGE_AT)
        snapshot[(year, "epci")] = by_epci(Filters(year)).rows
        snapshot[(year, "melun")] = indicators.compute(
            Filters(year, epci=indicator_data.MELUN_EPCI), PURGE_AT
        )
    return snapshot


def identifying_hits() -> list[str]:
    """Every (table, column) where a needle appears, any text column of any table (the
    metadata walked, so tables added later are searched too); and any date column holding the
    birth date."""
    db.session.expire_all()
    hits = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.String | sa.Text | sa.JSON):
                    for (value,) in conn.execute(select(column)):
                        text = str(value or "").casefold()
                        hits += [
                            f"{table.name}.{column.name}: {needle}"
                            for needle in NEEDLES
                            if needle.casefold() in text
                        ]
                elif isinstance(column.type, sa.Date) and not isinstance(column.type, sa.DateTime):
                    count = conn.execute(
                        select(func.count()).select_from(table).where(column == BIRTH)
                    ).scalar()
                    hits += [f"{table.name}.{column.name}: birth date"] * bool(count)
    return hits


def test_the_pupils_data_is_everywhere_before_the_purge(world):
    """Guards the search below: it finds the pupil where the app stores her."""
    hits = identifying_hits()
    for where in (
        "user_account.first_name",
        "user_account.username",
        "user_account.email",
        "application.message",
        "pupil_family.rep1_name",
        "agreement_version.content",
        "outbox_message.body",
        "offer_report.comment",
        "pupil_feedback.liked",
        "pupil.birth_date",
    ):
        assert any(hit.startswith(where) for hit in hits), where


def test_yearly_purge_leaves_nothing_identifying_and_keeps_the_indicators(world):
    before = indicator_snapshot()

    report = purge.run(PURGE_AT)

    assert report.counts["pupils"] == 7  # 3e A (4), 3e B (2), and 3e Z of 2025-2026
    assert identifying_hits() == []
    assert indicator_snapshot() == before
    user = db.session.get(User, world["user_id"])
    assert user.deleted_at == PURGE_AT and not user.active and user.email is None
    assert user.display_name == "Compte supprimé"
    # The anonymous facts stay: the class (level, school, year), the period, status and dates.
    application = db.session.scalar(
        select(Application).where(Application.pupil_id == world["pupil_id"])
    )
    assert application.status == S.VALIDATED and application.period_id
    assert application.pupil.school_class.name == "3e A"
    assert application.message == "" and application.answer_message is None
    assert db.session.scalar(select(func.count(PupilWish.id))) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.purge"))
    assert entry.details["pupils"] == 7 and entry.created_at == PURGE_AT


def test_pupils_stay_until_31_july(world):
    # 30 July 2027, 23:59 in Paris: only 2025-2026's pupil is due.
    assert purge.plan(datetime(2027, 7, 30, 21, 59)).counts["pupils"] == 1
    assert purge.plan(PURGE_AT).counts["pupils"] == 7
    assert retention.finished_school_year(date(2027, 7, 30)) == 2025
    assert retention.finished_school_year(date(2027, 7, 31)) == 2026


def test_a_second_run_does_nothing(world):
    purge.run(PURGE_AT)
    entries = db.session.scalar(select(func.count(AuditEntry.id)))

    again = purge.run(PURGE_AT)

    assert again.total == 0
    assert purge.plan(PURGE_AT).total == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries


def test_an_interrupted_purge_leaves_no_pupil_half_done_and_resumes(world, monkeypatch):
    before = indicator_snapshot()
    real_delete_account = purge.delete_account
    calls = []

    def failing(user, now, **options):
        calls.append(user.id)
        if len(calls) == 4:
            # The fourth pupil's (b1) applications are already cleared in this transaction.
            raise RuntimeError("coupure au milieu de la purge")
        real_delete_account(user, now, **options)

    monkeypatch.setattr(purge, "delete_account", failing)
    with pytest.raises(RuntimeError):
        purge.run(PURGE_AT)

    deleted = db.session.scalar(select(func.count(User.id)).where(User.deleted_at.is_not(None)))
    assert deleted == 3
    third = db.session.get(User, calls[3])
    assert third.deleted_at is None and third.first_name != purge.DELETED_FIRST_NAME
    third_pupil = db.session.scalar(select(Pupil).where(Pupil.user_id == third.id))
    messages = db.session.scalars(
        select(Application.message).where(Application.pupil_id == third_pupil.id)
    ).all()
    assert messages and all(messages)  # rolled back whole: its messages are still there

    monkeypatch.setattr(purge, "delete_account", real_delete_account)
    report = purge.run(PURGE_AT)

    assert report.counts["pupils"] == 4
    assert identifying_hits() == []
    assert indicator_snapshot() == before


# Teachers and company users ------------------------------------------------------------------

LAST_LOGIN = datetime(2027, 1, 10, 8)
WARN_AT = LAST_LOGIN + retention.INACTIVE_ACCOUNT_DELAY - retention.DELETION_NOTICE
DUE_AT = LAST_LOGIN + retention.INACTIVE_ACCOUNT_DELAY


def _inactive(role, **kwargs):
    user = f.user(role, **kwargs)
    user.created_at = LAST_LOGIN - timedelta(days=30)
    user.last_login_at = LAST_LOGIN
    db.session.commit()
    return user


def _outbox_to(address):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).all()


def test_an_inactive_teacher_is_warned_at_d_minus_30_then_deleted(app):
    teacher = _inactive(Role.TEACHER)
    address = teacher.email
    f.school_class(teacher)
    db.session.commit()

    assert purge.run(WARN_AT - timedelta(minutes=1), purge.DAILY_KINDS).total == 0
    assert purge.run(WARN_AT, purge.DAILY_KINDS).counts["warnings"] == 1
    (mail,) = _outbox_to(address)
    assert "supprimé" in mail.subject and "connecter" in mail.body
    assert "mardi 9 janvier 2029" in mail.body  # 2 years after the last sign-in
    # Warned once only, and not deleted before the date.
    assert purge.run(WARN_AT + timedelta(days=10), purge.DAILY_KINDS).total == 0
    assert len(_outbox_to(address)) == 1

    report = purge.run(DUE_AT, purge.DAILY_KINDS)

    assert report.counts["accounts"] == 1
    db.session.expire_all()
    assert teacher.deleted_at == DUE_AT and teacher.email is None and not teacher.active
    # No class keeps a deleted teacher; the warning to the old address went with the account.
    assert db.session.scalar(select(SchoolClass)).teachers == []
    assert _outbox_to(address) == []


def test_a_sign_in_after_the_warning_cancels_the_deletion(app):
    teacher = _inactive(Role.TEACHER)
    purge.run(WARN_AT, purge.DAILY_KINDS)
    # What auth.services.authenticate records on a successful sign-in.
    teacher.last_login_at = WARN_AT + timedelta(days=5)
    db.session.commit()

    assert purge.run(DUE_AT, purge.DAILY_KINDS).total == 0
    assert purge.run(DUE_AT + timedelta(days=20), purge.DAILY_KINDS).total == 0
    db.session.expire_all()
    assert teacher.deleted_at is None
    # Two years after that sign-in, a new warning then the deletion.
    later = teacher.last_login_at + retention.INACTIVE_ACCOUNT_DELAY
    assert purge.run(later - retention.DELETION_NOTICE, purge.DAILY_KINDS).counts["warnings"] == 1
    assert purge.run(later, purge.DAILY_KINDS).counts["accounts"] == 1


def test_a_late_warning_still_gives_30_days(app):
    teacher = _inactive(Role.TEACHER)
    late = DUE_AT + timedelta(days=100)  # the scheduler was down

    assert purge.run(late, purge.DAILY_KINDS).counts == {
        **dict.fromkeys(purge.KINDS, 0),
        "warnings": 1,
    }
    assert purge.run(late + timedelta(days=29), purge.DAILY_KINDS).counts["accounts"] == 0
    assert purge.run(late + timedelta(days=30), purge.DAILY_KINDS).counts["accounts"] == 1
    db.session.expire_all()
    assert teacher.deleted_at is not None


def test_the_last_company_user_leaving_closes_the_offers_but_keeps_the_company(app):
    user = _inactive(Role.COMPANY, first_name="Hortense", last_name="Vaillancourt")
    company_id = user.company_id
    offer = f.complete_offer(user.company, status=OfferStatus.PUBLISHED)
    db.session.commit()
    purge.run(WARN_AT, purge.DAILY_KINDS)

    purge.run(DUE_AT, purge.DAILY_KINDS)

    db.session.expire_all()
    assert db.session.get(Company, company_id).name
    assert offer.status == OfferStatus.CLOSED
    assert offer.transitions[-1].message == purge.ORPHAN_OFFER_MESSAGE
    assert offer.transitions[-1].actor_id == user.id  # not the system: a freed seat keeps it shut
    assert user.first_name == purge.DELETED_FIRST_NAME


def test_a_colleague_left_keeps_the_offers_open(app):
    user = _inactive(Role.COMPANY)
    colleague = f.user(Role.COMPANY, company_obj=user.company)
    colleague.last_login_at = DUE_AT - timedelta(days=10)  # still active
    offer = f.complete_offer(user.company, status=OfferStatus.PUBLISHED)
    db.session.commit()
    purge.run(WARN_AT, purge.DAILY_KINDS)

    assert purge.run(DUE_AT, purge.DAILY_KINDS).counts["accounts"] == 1
    db.session.expire_all()
    assert offer.status == OfferStatus.PUBLISHED


def test_never_confirmed_accounts_go_after_a_week_with_their_empty_pending_company(app):
    registered = datetime(2027, 3, 1, 10)
    pending = f.company(status=CompanyStatus.PENDING)
    waiting = f.user(Role.COMPANY, company_obj=pending)
    recent = f.user(Role.TEACHER)
    for user, created in ((waiting, registered), (recent, registered + timedelta(days=2))):
        user.awaiting_confirmation = True
        user.created_at = created
    db.session.commit()
    waiting_id, pending_id = waiting.id, pending.id

    report = purge.run(registered + retention.UNCONFIRMED_DELAY, purge.DAILY_KINDS)

    assert report.counts["unconfirmed"] == 1
    db.session.expire_all()
    assert db.session.get(User, waiting_id) is None
    assert db.session.get(Company, pending_id) is None
    assert db.session.get(User, recent.id).deleted_at is None


def test_outbox_older_than_six_months_and_audit_older_than_five_years_go(app):
    now = datetime(2027, 9, 1, 10)
    old = queue_email("a@exemple.fr", "Ancien", "Ancien message.")
    old.created_at = now - retention.OUTBOX_DELAY - timedelta(days=1)
    recent = queue_email("b@exemple.fr", "Récent", "Message récent.")
    recent.created_at = now - timedelta(days=150)
    for age in (retention.AUDIT_DELAY + timedelta(days=1), timedelta(days=4 * 365)):
        db.session.add(
            AuditEntry(
                created_at=now - age,
                actor_label="staff@exemple.fr",
                action="export.run",
                details={},
            )
        )
    db.session.commit()

    report = purge.run(now, purge.DAILY_KINDS)

    assert (report.counts["outbox"], report.counts["audit"]) == (1, 1)
    assert db.session.scalars(select(OutboxMessage.subject)).all() == ["Récent"]
    kept = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert kept == ["export.run", "privacy.purge"]


# Scheduler and command line ---------------------------------------------------------------


def test_the_yearly_purge_is_scheduled_on_31_july_at_2_in_paris():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    runs = {name: when for name, _, when in next_run_times(datetime(2027, 3, 1, tzinfo=paris))}
    assert runs["privacy_purge"] == datetime(2027, 7, 31, 2, 0, tzinfo=paris)
    assert runs["privacy_accounts"].hour == 4


def test_the_schedule_is_configurable(monkeypatch):
    from capindustrie.scheduler import jobs

    monkeypatch.setenv("CAPINDUSTRIE_PURGE_SCHEDULE", "08-15 03:30")
    trigger = jobs.yearly_at(jobs.purge_schedule())
    assert trigger.fields == {"month": 8, "day": 15, "hour": 3, "minute": 30}
    with pytest.raises(ValueError):
        jobs.yearly_at("10-25 02:30")  # a daylight-saving night


def test_the_scheduler_runs_the_purge_job(app, world):
    outcome = run_job(app, "privacy_purge", now=PURGE_AT)
    assert outcome.ok and "pupils : 7" in outcome.result


@pytest.fixture
def frozen_cli(monkeypatch):
    from capindustrie.privacy import cli

    monkeypatch.setattr(cli, "utcnow", lambda: PURGE_AT)


def test_flask_purge_dry_run_prints_counts_and_changes_nothing(app, world, runner, frozen_cli):
    result = runner.invoke(args=["purge", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Simulation : rien n'est modifié." in result.output
    assert "     7  Comptes d'élèves de l'année terminée" in result.output
    assert identifying_hits() != []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_flask_purge_does_it_and_records_it(app, world, runner, frozen_cli):
    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "Purge terminée (inscrite au journal)." in result.output
    assert identifying_hits() == []
    again = runner.invoke(args=["purge"])
    assert "Purge terminée : rien à faire." in again.output
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_retention_table_is_plain_french_data():
    rows = retention.rules_as_dicts()
    assert {row["key"] for row in rows} >= {"pupils", "accounts", "outbox", "audit", "unconfirmed"}
    assert all(set(row) == {"key", "what", "duration", "why", "how"} for row in rows)
    pupils = next(row for row in rows if row["key"] == "pupils")
    assert "31 juillet" in pupils["duration"]
    assert Offer  # the catalogue stays: offers are not personal data


def test_the_outbox_pass_finds_a_pupil_word_by_word(app):
    klass = f.school_class(f.user(Role.TEACHER))
    lea = f.pupil(klass, first_name="Léa", last_name="Durand")
    lea.user.email = "lea.d@exemple.fr"
    named = [
        queue_email("prof@ac-creteil.fr", "Stage à valider : Léa D. (3e B)", "Bonjour."),
        queue_email("rh@exemple.fr", "Candidature", "LÉA DURAND a candidaté."),
        queue_email("x@exemple.fr", "Contact", "Écrire à lea.d@exemple.fr."),
        queue_email("lea.d@exemple.fr", "Bienvenue", "Bonjour."),
        queue_email("y@exemple.fr", "Identifiant", f"Votre identifiant : {lea.user.username}"),
    ]
    kept = [
        queue_email("z@exemple.fr", "Autre", "Léa Dupont et Léandre Durand ont candidaté."),
        queue_email("w@exemple.fr", "Autre", "Léa B. et M. Durand"),
    ]
    db.session.commit()
    kept_ids = [m.id for m in kept]

    assert purge.scrub_outbox_naming([lea.id]) == len(named)
    assert db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all() == kept_ids
