"""The demo at mid-season (`flask demo load`): two classes with different internship weeks and
their pupils' applications in every state — waiting for the company, accepted, chosen, validated
with a frozen convention, validated with a convention to complete, refused, expired — plus a
company and an offer waiting for moderation. So every role's first screen shows real work.

Everything goes through the real services (apply, accept, choose, validate, the expiry timer,
convention issue), back-dated a few days before `now`, so states, seats, transitions and e-mails
are what the service itself would have produced. Idempotent: a pupil who already has an
application is left alone; the moderation items are found by their SIRET and title.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from capindustrie.applications import jobs as application_jobs
from capindustrie.applications import services as applying
from capindustrie.conventions import services as conventions
from capindustrie.extensions import db
from capindustrie.models import (
    Application,
    ApplicationStatus,
    Company,
    CompanyStatus,
    Offer,
    Period,
    Pupil,
    PupilFamily,
    Role,
    SchoolClass,
    SchoolProfile,
    SchoolStatus,
    User,
)
from capindustrie.models import OfferStatus as OS
from capindustrie.offers import lifecycle
from capindustrie.placements import services as placing

S = ApplicationStatus

MESSAGES = [
    "Bonjour, j'aimerais découvrir comment on fabrique les choses dans votre entreprise. Je "
    "suis curieux et j'aime comprendre comment marchent les machines.",
    "Bonjour, je m'intéresse aux sciences et je voudrais voir à quoi ressemble un vrai métier "
    "de l'industrie. Je serai ponctuelle et attentive.",
    "Bonjour, mon oncle travaille dans l'industrie et ça m'a donné envie de voir un atelier. "
    "Je voudrais apprendre le plus de choses possible pendant cette semaine.",
]


@dataclass(frozen=True)
class Step:
    """One application of a demo pupil: to the offer `title` in the class's week, moved to
    `status`, sent `days_ago` days before the demo is loaded."""

    title: str
    status: S
    days_ago: int = 3


# Class 3e B (week « jan2 ») and 3e A (week « feb »), Collège Denecourt, Bois-le-Roi.
SCENARIOS_B = {
    ("Léa", "Durand"): [
        Step("Fabriquer un médicament : production et contrôle", S.ACCEPTED, 2),
        Step("Une semaine dans une chocolaterie", S.SUBMITTED, 2),
    ],
    ("Noah", "Martin"): [Step("Entretenir des trains : l'atelier de maintenance", S.VALIDATED, 9)],
    ("Inès", "Bernard"): [
        # Her choice withdraws the other application of the same week, as the service does.
        Step("Construire en bois : bureau d'études et charpente", S.SUBMITTED, 6),
        Step("Décolletage et contrôle de pièces de précision", S.CONFIRMED, 5),
    ],
    ("Lucas", "Petit"): [
        Step("Usinage, robots et impression 3D : l'industrie du futur", S.REFUSED, 6),
        Step("Une semaine dans une chocolaterie", S.SUBMITTED, 1),
    ],
    ("Jade", "Moreau"): [Step("Fabriquer une crème : de la formule au flacon", S.EXPIRED, 14)],
    ("Hugo", "Laurent"): [],  # no application yet: the teacher is told
    ("Chloé", "Simon"): [
        Step("Dans les coulisses d'un entrepôt logistique", S.SUBMITTED, 4),
        Step("Entretenir des trains : l'atelier de maintenance", S.SUBMITTED, 3),
    ],
    ("Adam", "Michel"): [],
}
SCENARIOS_A = {
    ("Emma", "Leroy"): [Step("Fabriquer un médicament : production et contrôle", S.VALIDATED, 8)],
    ("Louis", "Roux"): [Step("Une semaine dans une chocolaterie", S.ACCEPTED, 2)],
    ("Manon", "David"): [
        Step("Construire en bois : bureau d'études et charpente", S.SUBMITTED, 2),
        Step("Câbler et tester des armoires électriques", S.SUBMITTED, 3),
    ],
    ("Gabriel", "Bertrand"): [
        Step("Souder, plier, assembler : la métallerie", S.REFUSED, 7),
    ],
    ("Camille", "Morel"): [],
    ("Sacha", "Fournier"): [],
}
SECOND_CLASS_NAME = "3e A"
# Noah's convention is issued at once: his family, the school and the host are all known.
FROZEN_CONVENTION_PUPIL = ("Noah", "Martin")

PENDING_COMPANY = {
    "siren": "85048217", "name": "Chaudronnerie Industrielle de Nangis",
    "address": "3 rue de la Tôlerie", "postcode": "77370", "insee": "77327",
    "presentation": "Chaudronnerie et tuyauterie industrielle pour l'agroalimentaire et "
    "l'énergie : cuves, réservoirs et réseaux en inox, 18 salariés.",
    "user": ("Patrick", "Lefort"), "domain": "chaudronnerie-nangis.example",
}
SUBMITTED_OFFER_TITLE = "Maintenance des lignes de conditionnement du fromage"


def play(loader, teacher: User, klass_b: SchoolClass, klass_a: SchoolClass,
         companies: dict, staff: User, now: datetime) -> None:
    """Apply the scenarios to the pupils who have none yet, then the moderation items."""
    _school_profile(klass_b, teacher, now)
    played = False
    for klass, scenarios in ((klass_b, SCENARIOS_B), (klass_a, SCENARIOS_A)):
        for (first_name, last_name), steps in scenarios.items():
            pupil = loader.pupil(klass, first_name, last_name)
            if _has_applications(pupil):
                continue
            for number, step in enumerate(steps):
                _play_step(loader, pupil, teacher, step, number, now)
                played = True
    if played:
        # The timer turns the stale application into « expired », as it does every hour.
        application_jobs.expire_stale_applications(now)
    _pending_company(loader, now)
    _submitted_offer(loader, companies, now)


def _has_applications(pupil: Pupil) -> bool:
    return db.session.scalar(select(Application.id).where(Application.pupil_id == pupil.id)
                             .limit(1)) is not None


def _class_period(klass: SchoolClass, title: str) -> Period:
    period = db.session.scalar(
        select(Period).join(Offer).where(
            Offer.title == title, Period.start_date == klass.internship_start
        )
    )
    if period is None:  # a demo data error, caught by the tests
        raise ValueError(f"no period of « {title} » in the week of {klass.name}")
    return period


def _play_step(loader, pupil: Pupil, teacher: User, step: Step, number: int,
               now: datetime) -> None:
    period = _class_period(pupil.school_class, step.title)
    sent = now - timedelta(days=step.days_ago, hours=number)
    application = applying.apply(pupil, period, MESSAGES[(pupil.id + number) % len(MESSAGES)],
                                 sent)
    loader.report.created["application"] += 1
    if step.status in (S.SUBMITTED, S.EXPIRED):
        return
    company_user = next(u for u in period.offer.company.users if u.role == Role.COMPANY)
    answered = sent + timedelta(days=1)
    if step.status == S.REFUSED:
        applying.refuse(application, company_user, "Nous avons déjà accueilli beaucoup de "
                        "stagiaires cette semaine-là ; tente ta chance chez nous l'an prochain.",
                        answered)
        return
    applying.accept(application, company_user, "Avec plaisir : nous t'attendons.", answered)
    if step.status == S.ACCEPTED:
        return
    applying.choose(application, pupil.user, answered + timedelta(hours=20))
    if step.status == S.CONFIRMED:
        return
    if (pupil.user.first_name, pupil.user.last_name) == FROZEN_CONVENTION_PUPIL:
        _family(pupil, now)
    placement = placing.validate(application, teacher, answered + timedelta(days=1))
    if (pupil.user.first_name, pupil.user.last_name) == FROZEN_CONVENTION_PUPIL:
        _issue_convention(placement, teacher, company_user, answered + timedelta(days=1))


def _school_profile(klass: SchoolClass, teacher: User, now: datetime) -> None:
    if db.session.scalar(select(SchoolProfile).where(SchoolProfile.school_id == klass.school_id)):
        return
    db.session.add(SchoolProfile(
        school_id=klass.school_id, status=SchoolStatus.PUBLIC, phone="0199002001",
        email="secretariat.college-demo@ac-creteil.example", head_name="Martine Lambert",
        board_authorisation_date=date(klass.school_year, 9, 28), updated_at=now,
        updated_by_id=teacher.id,
    ))


def _family(pupil: Pupil, now: datetime) -> None:
    pupil.birth_date = pupil.birth_date or date(pupil.school_class.school_year - 14, 3, 14)
    if db.session.scalar(select(PupilFamily).where(PupilFamily.pupil_id == pupil.id)):
        return
    db.session.add(PupilFamily(
        pupil_id=pupil.id, rep1_name=f"Sandrine {pupil.user.last_name}",
        rep1_email="famille.martin@demo-famille.example", rep1_phone="0699002001",
        pai=False, insurance_certificate=True, updated_at=now,
    ))
    db.session.flush()


def _issue_convention(placement, teacher: User, company_user: User, when: datetime) -> None:
    parties = conventions.parties_of(placement)
    parties.host_rep_name = parties.host_rep_name or company_user.display_name
    parties.host_rep_email = parties.host_rep_email or company_user.email
    parties.host_rep_function = parties.host_rep_function or "Directeur du site"
    parties.host_rep_phone = parties.host_rep_phone or "0199002101"
    parties.referent_phone = parties.referent_phone or "0199002002"
    db.session.flush()
    if conventions.latest_version(placement) is None:
        conventions.issue(placement, teacher, when)


def _pending_company(loader, now: datetime) -> None:
    """A company that registered and waits for the Département's check."""
    from capindustrie.refdata.demo import demo_siret

    spec = PENDING_COMPANY
    siret = demo_siret(spec["siren"])
    company = db.session.scalar(select(Company).where(Company.siret == siret))
    if company is None:
        from capindustrie.models import Filiere, SizeBand

        company = Company(
            siret=siret, name=spec["name"], filiere=Filiere.MATERIALS, address=spec["address"],
            postcode=spec["postcode"], commune_insee=spec["insee"], size_band=SizeBand.SMALL,
            presentation=spec["presentation"], status=CompanyStatus.PENDING,
            created_at=now - timedelta(days=2),
        )
        db.session.add(company)
        db.session.flush()
        loader.report.created["company"] += 1
    first_name, last_name = spec["user"]
    from capindustrie.refdata.demo import login_name

    loader.user(Role.COMPANY, first_name=first_name, last_name=last_name,
                email=f"{login_name(first_name, last_name)}@{spec['domain']}", company=company)


def _submitted_offer(loader, companies: dict, now: datetime) -> None:
    """An offer of an approved company, submitted and waiting for moderation."""
    from capindustrie.refdata.demo import OFFERS, _build_offer

    company, company_user = companies["brie"]
    if db.session.scalar(select(Offer.id).where(Offer.company_id == company.id,
                                                Offer.title == SUBMITTED_OFFER_TITLE)):
        return
    spec = dict(next(o for o in OFFERS if o["company"] == "brie"))
    spec.update(
        title=SUBMITTED_OFFER_TITLE, periods=[("feb", 2)],
        tutor=("Rémi Vasseur", "Responsable maintenance", "0199000103"),
        summary="Accompagner les techniciens qui règlent et dépannent les machines de "
        "moulage, de découpe et d'emballage des fromages, et découvrir la maintenance "
        "préventive.",
    )
    offer = _build_offer(spec, company, loader.weeks, now - timedelta(days=1))
    db.session.add(offer)
    db.session.flush()
    submitted_at = now - timedelta(days=1)
    lifecycle.record_creation(offer, company_user, submitted_at)
    lifecycle.transition(offer, OS.SUBMITTED, company_user, now=submitted_at)
    loader.report.created["submitted_offer"] += 1
