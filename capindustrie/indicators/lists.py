"""The rows behind each counted figure of the dashboard (staff only), same filters."""

from datetime import datetime

from sqlalchemy import distinct, select

from capindustrie.extensions import db
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.services import (
    CHOSEN,
    applications_select,
    companies_registered_select,
    events_held_select,
    offer_periods,
    placements_select,
    pupils_select,
    registrations_select,
)
from capindustrie.models import (
    Application,
    Company,
    Event,
    Offer,
    Period,
    Pupil,
    School,
    SchoolClass,
    User,
)

LIMIT = 500


def _companies_registered(f, now):
    return ["Entreprise", "SIRET", "Filière"], companies_registered_select(
        f, Company.name, Company.siret, Company.filiere
    ).order_by(Company.name)


def _companies_active(f, now):
    ids = select(offer_periods(f).subquery().c.offer_id)
    return ["Entreprise", "SIRET", "Filière"], (
        select(Company.name, Company.siret, Company.filiere)
        .where(Company.id.in_(select(Offer.company_id).where(Offer.id.in_(ids))))
        .order_by(Company.name)
    )


def _offers(f, now):
    ids = select(offer_periods(f).subquery().c.offer_id)
    return ["Offre", "Entreprise", "Filière"], (
        select(Offer.title, Company.name, Offer.filiere)
        .join(Company, Company.id == Offer.company_id)
        .where(Offer.id.in_(ids))
        .order_by(Offer.title)
    )


def _pupils(f, now):
    return ["Élève", "Classe", "Établissement"], (
        select(User.last_name + " " + User.first_name, SchoolClass.name, School.name)
        .select_from(Pupil)
        .join(User, User.id == Pupil.user_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(Pupil.id.in_(pupils_select(f)))
        .order_by(School.name, SchoolClass.name, User.last_name)
    )


def _applications(f, now, *, chosen=False):
    statement = applications_select(
        f,
        User.last_name + " " + User.first_name,
        School.name,
        Offer.title,
        Application.status,
        with_offer=True,
    ).join(User, User.id == Pupil.user_id)
    if chosen:
        statement = statement.where(Application.status.in_(CHOSEN))
    return ["Élève", "Établissement", "Offre", "Statut"], statement.order_by(
        School.name, User.last_name
    )


def _applicants(f, now):
    ids = applications_select(f, distinct(Application.pupil_id))
    return _pupils_of(ids)


def _pupils_of(ids):
    return ["Élève", "Classe", "Établissement"], (
        select(User.last_name + " " + User.first_name, SchoolClass.name, School.name)
        .select_from(Pupil)
        .join(User, User.id == Pupil.user_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(Pupil.id.in_(ids))
        .order_by(School.name, User.last_name)
    )


def _validated(f, now):
    return ["Élève", "Établissement", "Offre", "Début"], (
        placements_select(
            f,
            User.last_name + " " + User.first_name,
            School.name,
            Offer.title,
            Period.start_date,
            with_offer=True,
        )
        .join(User, User.id == Pupil.user_id)
        .order_by(Period.start_date, School.name)
    )


def _events(f, now):
    return ["Événement", "Type"], events_held_select(
        f, now, Event.title, Event.kind
    ).distinct().order_by(Event.title)


def _classes(f, now):
    return ["Classe", "Établissement", "Événement"], registrations_select(
        f, now, SchoolClass.name, School.name, Event.title
    ).order_by(School.name)


LISTS = {
    "companies_registered": _companies_registered,
    "companies_active": _companies_active,
    "offers": _offers,
    "pupils": _pupils,
    "applicants": _applicants,
    "applications": _applications,
    "confirmed": lambda f, now: _applications(f, now, chosen=True),
    "validated": _validated,
    "events": _events,
    "classes_registered": _classes,
}


def rows(figure: str, f: Filters, now: datetime) -> tuple[list[str], list, bool]:
    headers, statement = LISTS[figure](f, now)
    found = db.session.execute(statement.limit(LIMIT + 1)).all()
    return headers, [[_text(v) for v in row] for row in found[:LIMIT]], len(found) > LIMIT


def _text(value):
    return getattr(value, "value", value)
