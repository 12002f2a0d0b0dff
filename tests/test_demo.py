"""`flask demo load`: a complete, published, idempotent demo on the real reference data."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from capindustrie.auth.passwords import password_problem, verify_password
from capindustrie.config import seconde_period
from capindustrie.extensions import db
from capindustrie.geo.distance import haversine_km
from capindustrie.models import (
    Company,
    CompanyStatus,
    GeoPrecision,
    Level,
    Offer,
    OfferStatus,
    OfferTransition,
    Period,
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


def snapshot() -> dict:
    return {
        model.__name__: count(model)
        for model in (Company, User, Offer, Period, OfferTransition, SchoolClass, Pupil)
    } | {"hashes": sorted(db.session.scalars(select(User.password_hash)))}


@pytest.fixture
def loaded(app):
    report = demo.load_demo(now=NOW)
    db.session.expire_all()
    return report


def test_load_creates_the_demo(loaded):
    assert count(Company) == 5 and count(Offer) == 7 and count(SchoolClass) == 1
    assert count(Pupil) == 5
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {Role.COMPANY: 5, Role.TEACHER: 1, Role.PUPIL: 5, Role.STAFF: 1}
    assert loaded.created["offer"] == 7 and loaded.created["period"] == count(Period)
    assert 6 <= count(Offer) <= 8 and 4 <= count(Company) <= 5


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    report = demo.load_demo(now=datetime(2026, 11, 3, 10, 0))
    assert report.changed == 0
    assert report.summary() == "La démonstration est déjà chargée : aucun changement."
    db.session.expire_all()
    assert snapshot() == before


def test_companies_are_approved_with_valid_sirets_in_distinct_filieres(loaded):
    companies = db.session.scalars(select(Company)).all()
    assert all(siret_problem(c.siret) is None for c in companies)
    assert all(c.status == CompanyStatus.APPROVED for c in companies)
    assert len({c.filiere for c in companies}) == 5
    assert {c.commune_insee for c in companies} == {"77284", "77379", "77108", "77288", "77305"}
    for company in companies:
        [user] = company.users
        assert user.role == Role.COMPANY and user.email.endswith(".example")


def test_every_offer_is_published_complete_and_legal(loaded, app):
    today = NOW.date()
    for offer in db.session.scalars(select(Offer)):
        assert offer.status == OfferStatus.PUBLISHED and offer.published_at == NOW
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
    for offer in db.session.scalars(select(Offer)):
        near = [s for s in colleges
                if haversine_km(offer.latitude, offer.longitude, s.latitude, s.longitude) <= 5]
        assert len(near) >= 2, offer.title


def test_teacher_class_and_pupils(loaded):
    teacher = db.session.scalar(select(User).where(User.email == "prof.demo@ac-creteil.fr"))
    assert teacher.role == Role.TEACHER and teacher.school.uai == "0770002J"
    klass = db.session.scalar(select(SchoolClass))
    assert (klass.name, klass.school_year, klass.level) == ("3e B", 2026, Level.TROISIEME)
    assert klass.teachers == [teacher] and klass.school == teacher.school
    assert klass.internship_start.weekday() == 0
    usernames = sorted(p.user.username for p in klass.pupils)
    assert "lea.durand" in usernames and len(usernames) == 5
    # The class's week is offered within reach of Bois-le-Roi (Melun, 8 km away).
    reachable = db.session.scalars(
        select(Period).join(Offer).where(
            Period.start_date == klass.internship_start, Offer.site_commune_insee == "77288"
        )
    ).all()
    assert reachable


def test_demo_passwords_work_and_pass_the_policy(loaded):
    assert {a.role for a in loaded.accounts} == set(Role)
    assert len({a.login for a in loaded.accounts}) == 12
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
    assert "Démonstration chargée : " in first.output and "7 offre(s) publiée(s)" in first.output
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
    (date(2026, 7, 1), 2026), (date(2026, 11, 2), 2026), (date(2027, 1, 29), 2026),
    (date(2027, 2, 1), 2027), (date(2027, 9, 6), 2027),
])
def test_demo_school_year_keeps_a_period_to_come(today, school_year):
    assert demo.demo_school_year(today) == school_year


def test_late_in_the_season_every_offer_still_publishes(app):
    demo.load_demo(now=datetime(2027, 1, 29, 8, 0))
    offers = db.session.scalars(select(Offer)).all()
    assert len(offers) == 7 and all(o.status == OfferStatus.PUBLISHED for o in offers)


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
