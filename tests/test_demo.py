"""`flask demo load`: a complete, published, idempotent demo at mid-season on the real reference
data: every role's first screen shows real work (issue 17)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.auth.passwords import password_problem, verify_password
from capindustrie.config import seconde_period
from capindustrie.extensions import db
from capindustrie.geo.distance import haversine_km
from capindustrie.models import (
    AgreementVersion,
    Application,
    ApplicationStatus,
    Company,
    CompanyStatus,
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    OfferTransition,
    Period,
    Placement,
    Pupil,
    Role,
    School,
    SchoolClass,
    SchoolType,
    User,
)
from capindustrie.offers.lifecycle import completeness
from capindustrie.offers.rules import check_period, check_schedule
from capindustrie.refdata import demo
from capindustrie.validation import luhn_valid, siret_problem

NOW = datetime(2026, 11, 2, 9, 0)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def count_where(*conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(Application).where(*conditions))


def snapshot() -> dict:
    return {
        model.__name__: count(model)
        for model in (Company, User, Offer, Period, OfferTransition, SchoolClass, Pupil,
                      Application, Placement, AgreementVersion)
    } | {"hashes": sorted(db.session.scalars(select(User.password_hash)))}


@pytest.fixture
def loaded(app):
    report = demo.load_demo(now=NOW)
    db.session.expire_all()
    return report


def published() -> list[Offer]:
    return db.session.scalars(select(Offer).where(Offer.status == OfferStatus.PUBLISHED)).all()


def test_load_creates_the_demo(loaded):
    # 16 approved companies and one waiting; 25 published offers and one waiting.
    assert count(Company) == 17 and count(Offer) == 26 and count(SchoolClass) == 2
    assert count(Pupil) == 14 and len(published()) == 25
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {Role.COMPANY: 17, Role.TEACHER: 1, Role.PUPIL: 14, Role.STAFF: 1}
    assert loaded.created["offer"] == 25 and loaded.created["submitted_offer"] == 1
    assert loaded.created["period"] == count(Period) - 1  # the submitted offer's one week


def test_applications_are_in_every_state_with_seats_that_add_up(loaded):
    states = db.session.execute(
        select(Application.status, func.count()).group_by(Application.status)
    ).all()
    assert {status for status, _ in states} == {
        ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
        ApplicationStatus.VALIDATED, ApplicationStatus.REFUSED, ApplicationStatus.EXPIRED,
        ApplicationStatus.WITHDRAWN,  # withdrawn by the service when Inès chose
    }
    holding = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED,
               ApplicationStatus.VALIDATED)
    for period in db.session.scalars(select(Period)):
        held = count_where(Application.period_id == period.id, Application.status.in_(holding))
        assert period.seats_taken == held, period.offer.title
    # Every application was sent before the demo's « now », to a period still to come.
    for application in db.session.scalars(select(Application)):
        assert application.created_at < NOW < datetime.combine(
            application.period.start_date, datetime.min.time())


def test_one_placement_has_its_convention_and_one_waits_for_the_family(loaded):
    placements = {p.pupil.user.username: p for p in db.session.scalars(select(Placement))}
    assert set(placements) == {"noah.martin", "emma.leroy"}
    frozen = db.session.scalars(
        select(AgreementVersion).where(
            AgreementVersion.placement_id == placements["noah.martin"].id)
    ).all()
    assert [v.number for v in frozen] == [1]
    assert not db.session.scalars(
        select(AgreementVersion).where(
            AgreementVersion.placement_id == placements["emma.leroy"].id)
    ).all()


def test_two_classes_with_different_weeks_and_pupils_with_nothing_yet(loaded):
    classes = db.session.scalars(select(SchoolClass).order_by(SchoolClass.name)).all()
    assert [c.name for c in classes] == ["3e A", "3e B"]
    assert classes[0].internship_start > classes[1].internship_start
    without = {p.user.username for p in db.session.scalars(select(Pupil))
               if not count_where(Application.pupil_id == p.id)}
    assert without == {"hugo.laurent", "adam.michel", "camille.morel", "sacha.fournier"}


def test_a_company_and_an_offer_wait_for_moderation(loaded):
    [pending] = db.session.scalars(
        select(Company).where(Company.status == CompanyStatus.PENDING)).all()
    assert pending.users and siret_problem(pending.siret) is None
    [submitted] = db.session.scalars(
        select(Offer).where(Offer.status == OfferStatus.SUBMITTED)).all()
    assert submitted.company.status == CompanyStatus.APPROVED
    assert completeness(submitted, NOW.date()).complete


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    report = demo.load_demo(now=datetime(2026, 11, 3, 10, 0))
    assert report.changed == 0
    assert report.summary() == "La démonstration est déjà chargée : aucun changement."
    db.session.expire_all()
    assert snapshot() == before


def test_companies_are_approved_with_valid_sirets_in_every_filiere(loaded):
    companies = db.session.scalars(
        select(Company).where(Company.status == CompanyStatus.APPROVED)).all()
    assert len(companies) == 16 and all(siret_problem(c.siret) is None for c in companies)
    assert len({c.siret for c in companies}) == 16
    assert len({c.filiere for c in companies}) == 9  # every filière of the model
    assert len({c.commune_insee for c in companies}) == 16  # spread over the département
    for company in companies:
        [user] = company.users
        assert user.role == Role.COMPANY and user.email.endswith(".example")


def test_every_offer_is_published_complete_and_legal(loaded, app):
    today = NOW.date()
    for offer in published():
        assert offer.published_at == NOW
        assert offer.observation_commitment_at is not None
        assert completeness(offer, today).complete, completeness(offer, today).missing
        expected_days = 10 if offer.for_2nde else 5
        assert [d.day_number for d in offer.program_days] == list(range(1, expected_days + 1))
        assert all(d.title and d.activities for d in offer.program_days)
        commune = offer.site_commune
        assert (offer.latitude, offer.longitude) == (
            commune.latitude_townhall, commune.longitude_townhall
        )
        assert offer.geo_precision == GeoPrecision.COMMUNE
        assert 1 <= len(offer.periods) <= 3
        for period in offer.periods:
            assert period.level in offer.levels and 1 <= period.seats <= 20
            assert check_period(period.level, period.start_date, period.end_date, today,
                                app.config) == []
        assert check_schedule(offer.day_start, offer.day_end, offer.break_start,
                              offer.break_end).ok
        moves = [(t.from_status, t.to_status) for t in offer.transitions]
        assert moves == [(None, OfferStatus.DRAFT), (OfferStatus.DRAFT, OfferStatus.SUBMITTED),
                         (OfferStatus.SUBMITTED, OfferStatus.PUBLISHED)]
        assert offer.transitions[-1].actor_id == _staff().id


def test_periods_are_winter_weeks_and_the_national_fortnight(loaded, app):
    fortnight = seconde_period(app.config, 2026)
    periods = db.session.scalars(select(Period)).all()
    third = [p for p in periods if p.level == Level.TROISIEME]
    assert third and all(
        date(2026, 12, 1) <= p.start_date and p.end_date <= date(2027, 2, 28)
        and p.start_date.weekday() == 0 and (p.end_date - p.start_date).days == 4
        for p in third
    )
    second = [p for p in periods if p.level == Level.SECONDE]
    assert second and all((p.start_date, p.end_date) == fortnight for p in second)


def test_offers_sit_near_real_colleges(loaded):
    colleges = db.session.scalars(select(School).where(School.kind == SchoolType.COLLEGE)).all()
    for offer in published():
        near = [s for s in colleges
                if haversine_km(offer.latitude, offer.longitude, s.latitude, s.longitude) <= 5]
        assert len(near) >= 2, offer.title


def test_teacher_class_and_pupils(loaded):
    teacher = db.session.scalar(select(User).where(User.email == "prof.demo@ac-creteil.fr"))
    assert teacher.role == Role.TEACHER and teacher.school.uai == "0770002J"
    klass = db.session.scalar(select(SchoolClass).where(SchoolClass.name == "3e B"))
    assert (klass.name, klass.school_year, klass.level) == ("3e B", 2026, Level.TROISIEME)
    assert klass.teachers == [teacher] and klass.school == teacher.school
    assert klass.internship_start.weekday() == 0
    usernames = sorted(p.user.username for p in klass.pupils)
    assert "lea.durand" in usernames and len(usernames) == 8
    # The class's week is offered within reach of Bois-le-Roi (Melun, 8 km away).
    reachable = db.session.scalars(
        select(Period).join(Offer).where(
            Period.start_date == klass.internship_start, Offer.site_commune_insee == "77288"
        )
    ).all()
    assert reachable


def test_demo_passwords_work_and_pass_the_policy(loaded):
    assert {a.role for a in loaded.accounts} == set(Role)
    assert len(loaded.accounts) == len({a.login for a in loaded.accounts}) == 33
    one_per_role = {a.role: a for a in loaded.accounts}.values()  # argon2 is slow: 4 checks
    for account in one_per_role:
        assert password_problem(account.password) is None
        user = db.session.scalar(
            select(User).where((User.email == account.login) | (User.username == account.login))
        )
        assert user.role == account.role
        assert verify_password(user.password_hash, account.password)


def test_cli_prints_the_accounts_table_and_is_idempotent(runner):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False):
        first = runner.invoke(args=["demo", "load"])
        second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Démonstration chargée : " in first.output and "25 offres publiées" in first.output
    assert "1 offre à modérer" in first.output and "1 événement" in first.output
    for login in ("staff.demo@seine-et-marne.fr", "prof.demo@ac-creteil.fr", "lea.durand",
                  "claire.lefebvre@fromagerie-briarde.example"):
        assert login in first.output and login in second.output
    assert "Rôle" in first.output and "Mot de passe" in first.output
    assert demo.PASSWORDS[Role.PUPIL] in first.output
    assert second.exit_code == 0
    assert "aucun changement" in second.output


def test_luhn_sirets_are_computed():
    siret = demo.demo_siret("83241756")
    assert len(siret) == 14 and siret_problem(siret) is None
    assert luhn_valid(siret[:9])  # the SIREN carries its own key too


@pytest.mark.parametrize(("today", "school_year"), [
    (date(2026, 7, 1), 2026), (date(2026, 11, 2), 2026), (date(2027, 1, 24), 2026),
    (date(2027, 1, 25), 2027), (date(2027, 2, 1), 2027), (date(2027, 9, 6), 2027),
])
def test_demo_school_year_keeps_a_period_to_come(today, school_year):
    assert demo.demo_school_year(today) == school_year


@pytest.mark.parametrize("now", [datetime(2027, 1, 24, 8, 0), datetime(2027, 1, 29, 8, 0)])
def test_late_in_the_season_every_offer_still_publishes(app, now):
    # The day before the first class's week, and once it has started (next school year).
    report = demo.load_demo(now=now)
    assert len(published()) == 25 and report.created["application"] == 15


def test_next_school_year_uses_the_national_rule_when_dates_are_not_configured(make_app):
    only_2026 = {2026: ("2027-06-14", "2027-06-25")}
    with make_app(SECONDE_PERIODS=only_2026).app_context():
        demo.load_demo(now=datetime(2027, 3, 1, 8, 0))  # 2027-2028 is not configured
        seconde = db.session.scalars(select(Period).where(Period.level == Level.SECONDE)).all()
        # The two Monday–Friday weeks ending on the last Friday before 1 July 2028.
        assert seconde and {(p.start_date, p.end_date) for p in seconde} == {
            (date(2028, 6, 19), date(2028, 6, 30))
        }


def _staff() -> User:
    return db.session.scalar(select(User).where(User.role == Role.STAFF))
