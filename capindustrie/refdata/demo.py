"""`flask demo load`: a living demo at mid-season on the real reference data, loaded idempotently.

Sixteen fictional industrial companies of the 77 and 25 published offers at their communes' town
halls (near real collèges; demo_catalogue.py holds the wider part), a teacher at Collège
Denecourt with two 3e classes whose internship weeks differ, their pupils' applications in every
state (demo_season.py), a company and an offer waiting for moderation, an event, and a staff
agent. Every object is looked up by a natural key (SIRET, e-mail, username, title…)
before it is created, so a second run changes nothing; existing rows are never modified.
Offers go through the real lifecycle (draft → submitted → published), so they are complete.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from capindustrie.auth.passwords import hash_password, password_problem
from capindustrie.config import seconde_period
from capindustrie.extensions import db
from capindustrie.models import (
    Commune,
    Company,
    CompanyStatus,
    Filiere,
    GeoPrecision,
    Level,
    Offer,
    Period,
    ProgramDay,
    Pupil,
    Role,
    School,
    SchoolClass,
    SizeBand,
    User,
    utcnow,
)
from capindustrie.models import OfferStatus as S
from capindustrie.offers import lifecycle
from capindustrie.offers.program_templates import pick_first_choice, program_template
from capindustrie.offers.rules import school_year_of
from capindustrie.refdata import demo_season
from capindustrie.refdata.demo_catalogue import MORE_COMPANIES, MORE_OFFERS
from capindustrie.text import plural, search_key

DEMO_SCHOOL_UAI = "0770002J"  # Collège Denecourt, Bois-le-Roi
DEMO_CLASS_NAME = "3e B"  # week « jan2 »; the second class, 3e A, has the « feb » week

PASSWORDS = {
    Role.COMPANY: "Usine-Ouverte-2026",
    Role.TEACHER: "Classe-Decouverte-2026",
    Role.PUPIL: "Eleve-Curieux-2026",
    Role.STAFF: "Agent-Departement-2026",
}
ROLE_LABELS = {
    Role.COMPANY: "Entreprise",
    Role.TEACHER: "Enseignant",
    Role.PUPIL: "Élève",
    Role.STAFF: "Agent du Département",
}

STAFF = {"email": "staff.demo@seine-et-marne.fr", "first_name": "Marc", "last_name": "Dubois"}
# Staff sign in with a second factor (issue 14): the demo agent is enrolled with this published
# key so a tester can add it to an authenticator app (`flask demo load` prints it). Demo only.
DEMO_STAFF_TOTP_SECRET = "CAPINDUSTRIEDEMOSTAFFAGENTTOTP77"
TEACHER = {"email": "prof.demo@ac-creteil.fr", "first_name": "Isabelle", "last_name": "Garnier"}
PUPILS = [("Léa", "Durand"), ("Noah", "Martin"), ("Inès", "Bernard"), ("Lucas", "Petit"),
          ("Jade", "Moreau")]

# Fictional companies; ".example" domains can never receive mail (RFC 2606).
COMPANIES = [
    {
        "key": "brie", "siren": "83241756", "name": "Fromagerie Briarde de Meaux",
        "filiere": Filiere.AGRI_FOOD, "insee": "77284", "address": "12 rue de la Laiterie",
        "postcode": "77100", "size": SizeBand.SMALL,
        "presentation": "Fromagerie familiale qui fabrique et affine du brie de Meaux depuis "
        "1952 : 38 salariés, caves d'affinage, conditionnement et expédition.",
        "domain": "fromagerie-briarde.example", "user": ("Claire", "Lefebvre"),
    },
    {
        "key": "verre", "siren": "79418263", "name": "Verrerie d'Art de Provins",
        "filiere": Filiere.MATERIALS, "insee": "77379", "address": "8 chemin des Verriers",
        "postcode": "77160", "size": SizeBand.MEDIUM,
        "presentation": "Verrerie qui façonne des flacons et des pièces techniques en verre : "
        "four, moulage, décoration et contrôle qualité, 120 salariés.",
        "domain": "verrerie-provins.example", "user": ("Karim", "Benali"),
    },
    {
        "key": "logi", "siren": "88153049", "name": "LogiMarne Chelles",
        "filiere": Filiere.LOGISTICS, "insee": "77108", "address": "3 rue des Entrepôts",
        "postcode": "77500", "size": SizeBand.LARGE,
        "presentation": "Plateforme logistique de 40 000 m² : réception, stockage, préparation "
        "de commandes et expédition pour l'industrie et la distribution.",
        "domain": "logimarne.example", "user": ("Sophie", "Nguyen"),
    },
    {
        "key": "pharma", "siren": "81720394", "name": "Laboratoires Almont Santé",
        "filiere": Filiere.HEALTH_PHARMA, "insee": "77288", "address": "40 rue des Chimistes",
        "postcode": "77000", "size": SizeBand.LARGE,
        "presentation": "Site de production de médicaments génériques (comprimés et sirops) "
        "avec son laboratoire de contrôle qualité, 300 salariés.",
        "domain": "almont-sante.example", "user": ("Julien", "Robert"),
    },
    {
        "key": "meca", "siren": "90562817", "name": "Mécatronique du Confluent",
        "filiere": Filiere.FUTURE_INDUSTRY, "insee": "77305", "address": "5 rue de l'Usinage",
        "postcode": "77130", "size": SizeBand.SMALL,
        "presentation": "Atelier d'usinage de précision et d'assemblage de robots pour "
        "l'industrie, avec un atelier d'impression 3D, 25 salariés.",
        "domain": "mecatronique-confluent.example", "user": ("Nadia", "Haddad"),
    },
]

# Periods name weeks of the demo school year: see demo_weeks().
OFFERS = [
    {
        "company": "brie", "title": "Du lait au brie de Meaux : une semaine en fromagerie",
        "levels": (Level.TROISIEME,), "periods": [("dec", 4), ("feb", 4)],
        "hours": (time(9, 0), time(16, 30)),
        "summary": "Suivre le lait depuis sa réception jusqu'au fromage affiné : fabrication, "
        "moulage, affinage en caves, emballage et contrôles d'hygiène.",
        "tutor": ("Thomas Girard", "Responsable de fabrication", "0199000101"),
        "dress_code": "Vêtements confortables et chaussures fermées.",
        "protective_equipment": "Blouse, charlotte et chaussures de sécurité prêtées sur place.",
        "meals": "Salle de pause avec réfrigérateur et micro-ondes ; apporter son repas.",
        "transport": "Gare de Meaux (ligne P) à 15 minutes à pied ; bus urbains.",
        "pmr": True,
    },
    {
        "company": "brie", "title": "Qualité et sécurité des aliments en fromagerie",
        "levels": (Level.SECONDE,), "periods": [("seconde", 2)],
        "hours": (time(9, 0), time(16, 30)),
        "summary": "Découvrir le laboratoire qualité d'une fromagerie : prélèvements, analyses, "
        "traçabilité des lots et règles d'hygiène de la production.",
        "tutor": ("Amélie Roux", "Responsable qualité", "0199000102"),
        "dress_code": "Vêtements confortables et chaussures fermées.",
        "protective_equipment": "Blouse, charlotte et surchaussures fournies.",
        "meals": "Salle de pause ; apporter son repas.",
        "transport": "Gare de Meaux (ligne P) à 15 minutes à pied.",
        "pmr": True,
    },
    {
        "company": "verre", "title": "Les métiers du verre, du four au contrôle qualité",
        "levels": (Level.TROISIEME, Level.SECONDE), "periods": [("jan", 3), ("seconde", 2)],
        "hours": (time(9, 0), time(16, 0)),
        "summary": "Observer la fusion du verre, le moulage des flacons, la décoration et le "
        "contrôle qualité, et rencontrer verriers, techniciens et ingénieurs.",
        "tutor": ("Hélène Marchand", "Cheffe d'atelier", "0199000201"),
        "dress_code": "Pantalon long en coton et chaussures fermées.",
        "protective_equipment": "Lunettes, bouchons d'oreilles et chaussures de sécurité "
        "prêtés ; on reste à distance des fours.",
        "meals": "Restaurant d'entreprise (repas offert aux stagiaires).",
        "transport": "Gare de Provins (ligne P) puis 10 minutes de bus.",
        "pmr": False,
    },
    {
        "company": "logi", "title": "Dans les coulisses d'un entrepôt logistique",
        "levels": (Level.TROISIEME,), "periods": [("dec", 6), ("jan2", 6), ("feb", 6)],
        "hours": (time(9, 0), time(16, 30)),
        "summary": "Comprendre comment une commande est reçue, stockée, préparée et expédiée : "
        "quais, gestion des stocks, informatique et transport.",
        "tutor": ("Mehdi Lambert", "Chef d'équipe", "0199000301"),
        "dress_code": "Tenue chaude en hiver : l'entrepôt n'est pas chauffé.",
        "protective_equipment": "Gilet haute visibilité et chaussures de sécurité prêtés ; "
        "circulation uniquement dans les allées piétonnes.",
        "meals": "Cantine sur place (ticket fourni).",
        "transport": "RER E, gare de Chelles-Gournay, puis bus.",
        "pmr": True,
    },
    {
        "company": "pharma", "title": "Fabriquer un médicament : production et contrôle",
        "levels": (Level.TROISIEME,), "periods": [("jan2", 3), ("feb", 3)],
        "hours": (time(9, 0), time(16, 30)),
        "summary": "De la pesée des matières premières au conditionnement des boîtes : "
        "observer les ateliers de production et le laboratoire qui libère les lots.",
        "tutor": ("Céline Fontaine", "Pharmacienne responsable de production", "0199000401"),
        "dress_code": "Pas de bijoux ni de maquillage dans les ateliers.",
        "protective_equipment": "Combinaison, charlotte, masque et surchaussures fournis.",
        "meals": "Restaurant d'entreprise (repas offert).",
        "transport": "Gare de Melun (RER D et ligne R) puis 10 minutes de bus.",
        "pmr": True,
    },
    {
        "company": "pharma", "title": "Découvrir le laboratoire de contrôle qualité",
        "levels": (Level.SECONDE,), "periods": [("seconde", 2)],
        "hours": (time(9, 0), time(16, 0)),
        "summary": "Deux semaines au laboratoire qui analyse chaque lot avant sa mise sur le "
        "marché : chromatographie, microbiologie et documentation.",
        "tutor": ("Antoine Mercier", "Responsable du laboratoire", "0199000402"),
        "dress_code": "Cheveux attachés, chaussures fermées.",
        "protective_equipment": "Blouse et lunettes fournies.",
        "meals": "Restaurant d'entreprise (repas offert).",
        "transport": "Gare de Melun (RER D et ligne R) puis 10 minutes de bus.",
        "pmr": True,
    },
    {
        "company": "meca", "title": "Usinage, robots et impression 3D : l'industrie du futur",
        "levels": (Level.TROISIEME, Level.SECONDE),
        "periods": [("dec", 2), ("jan2", 2), ("seconde", 1)],
        "hours": (time(8, 30), time(16, 0)),
        "summary": "Voir une pièce naître sur un plan numérique, puis être usinée, contrôlée "
        "et assemblée dans un robot, et découvrir l'impression 3D.",
        "tutor": ("Paul Lemoine", "Technicien méthodes", "0199000501"),
        "dress_code": "Vêtements sans parties flottantes, cheveux attachés.",
        "protective_equipment": "Lunettes, bouchons d'oreilles et chaussures de sécurité "
        "prêtés ; aucune machine n'est utilisée par le stagiaire.",
        "meals": "Salle de pause avec micro-ondes ; apporter son repas.",
        "transport": "Gare de Montereau (ligne R) à 10 minutes à pied.",
        "pmr": False,
    },
]
BREAK = (time(12, 0), time(13, 0))
# 3e weeks: the Monday on or after each (month, day). Every offer has the "feb" week or the
# 2nde fortnight, so it keeps a period to come until the demo moves to the next school year.
THIRD_WEEKS = {"dec": (12, 7), "jan": (1, 11), "jan2": (1, 25), "feb": (2, 1)}
COMPANIES += MORE_COMPANIES
OFFERS += MORE_OFFERS
COMPANY_SPECS = {spec["key"]: spec for spec in COMPANIES}


CREATED_LABELS = {
    "user_staff": ("compte agent", "comptes agent"), "company": ("entreprise", None),
    "user_company": ("compte entreprise", "comptes entreprise"),
    "offer": ("offre publiée", "offres publiées"), "period": ("période", None),
    "user_teacher": ("compte enseignant", "comptes enseignant"),
    "school_class": ("classe", None), "user_pupil": ("compte élève", "comptes élève"),
    "pupil": ("élève", None), "event": ("événement", None),
    "application": ("candidature", None),
    "submitted_offer": ("offre à modérer", "offres à modérer"),
}


class DemoError(Exception):
    """The demo cannot be loaded; the message is French, for the person at the console."""


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    login: str
    password: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    accounts: list[DemoAccount] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.created.values())

    def summary(self) -> str:
        if not self.changed:
            return "La démonstration est déjà chargée : aucun changement."
        created = ", ".join(plural(n, *CREATED_LABELS[k]) for k, n in self.created.items())
        return f"Démonstration chargée : {created}."


def accounts_table(accounts: list[DemoAccount]) -> list[str]:
    """The demo accounts as aligned text lines, with a header."""
    rows = [("Rôle", "Identifiant", "Mot de passe")]
    rows += [(a.role_label, a.login, a.password) for a in accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def luhn_complete(prefix: str) -> str:
    """`prefix` followed by the one digit that gives the whole number a valid Luhn key."""
    for last in "0123456789":
        candidate = prefix + last
        total = 0
        for position, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if position % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable: one of ten digits always completes a Luhn number")


def demo_siret(siren_without_key: str, nic_without_key: str = "0001") -> str:
    """A SIRET whose SIREN and whole number both carry a valid Luhn key, like real ones."""
    return luhn_complete(luhn_complete(siren_without_key) + nic_without_key)


def demo_school_year(today: date) -> int:
    """The first school year whose demo classes' weeks are both still ahead: every demo offer
    then has a period to come, which publication requires, and the season's applications
    (back-dated a few days) are to periods that have not started."""
    year = school_year_of(today)
    return year if today < third_weeks(year)["jan2"][1] else year + 1


def monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def third_weeks(school_year: int) -> dict[str, tuple[Level, date, date]]:
    """Four Monday–Friday 3e weeks between December and February (none holds a public holiday)."""
    weeks = {}
    for key, (month, day) in THIRD_WEEKS.items():
        year = school_year if month >= 9 else school_year + 1
        monday = monday_on_or_after(date(year, month, day))
        weeks[key] = (Level.TROISIEME, monday, monday + timedelta(days=4))
    return weeks


def demo_weeks(school_year: int) -> dict[str, tuple[Level, date, date]]:
    """The demo periods: the 3e weeks and the national 2nde fortnight (configured or, for a
    year the ministry has not published yet, computed by the national rule)."""
    fortnight = seconde_period(current_app.config, school_year)
    return third_weeks(school_year) | {"seconde": (Level.SECONDE, *fortnight)}


def load_demo(now: datetime | None = None) -> DemoReport:
    """Create what is missing of the demo and commit; raise DemoError when it cannot."""
    now = now or utcnow()
    school = _reference_school()
    school_year = demo_school_year(now.date())
    weeks = demo_weeks(school_year)
    loader = _Loader(now)
    staff = loader.user(Role.STAFF, **STAFF)
    _enrol_demo_staff(staff, now)
    companies = {spec["key"]: loader.company(spec) for spec in COMPANIES}
    for spec in OFFERS:
        company, company_user = companies[spec["company"]]
        loader.offer(spec, company, company_user, staff, weeks)
    teacher = loader.user(Role.TEACHER, school=school, **TEACHER)
    _, jan2_start, jan2_end = weeks["jan2"]
    klass = loader.school_class(school, teacher, school_year, jan2_start, jan2_end)
    _, feb_start, feb_end = weeks["feb"]
    second = loader.school_class(school, teacher, school_year, feb_start, feb_end,
                                 name=demo_season.SECOND_CLASS_NAME)
    for first_name, last_name in PUPILS:
        loader.pupil(klass, first_name, last_name)
    loader.weeks = weeks
    demo_season.play(loader, teacher, klass, second, companies, staff, now)
    from capindustrie.events.demo import ensure_demo_event

    first_company, _ = companies[COMPANIES[0]["key"]]
    if ensure_demo_event(first_company, staff, now):
        loader.report.created["event"] += 1
    db.session.commit()
    return loader.report


def _enrol_demo_staff(staff: User, now: datetime) -> None:
    from capindustrie.auth import two_factor

    db.session.flush()
    if two_factor.confirmed_factor(staff) is None and two_factor.pending_factor(staff) is None:
        factor = two_factor.start_enrolment(staff, secret=DEMO_STAFF_TOTP_SECRET)
        factor.confirmed_at = now


def _reference_school() -> School:
    school = db.session.scalar(select(School).where(School.uai == DEMO_SCHOOL_UAI))
    communes = db.session.scalar(
        select(db.func.count()).select_from(Commune).where(
            Commune.insee.in_([spec["insee"] for spec in COMPANIES])
        )
    )
    if school is None or communes != len(COMPANIES):
        raise DemoError(
            "Les données de référence (établissements, communes) ne sont pas chargées : "
            "lancez d'abord « flask refdata load »."
        )
    return school


_HASHES: dict[str, str] = {}


class _Loader:
    """Get-or-create for each demo object, counting what it creates."""

    def __init__(self, now: datetime):
        self.now = now
        self.report = DemoReport()

    @staticmethod
    def _hash(password: str) -> str:
        # argon2 costs ~0.1 s: each demo password is hashed once per process.
        if password not in _HASHES:
            _HASHES[password] = hash_password(password)
        return _HASHES[password]

    def user(self, role: Role, *, first_name: str, last_name: str, email: str | None = None,
             username: str | None = None, company: Company | None = None,
             school: School | None = None) -> User:
        password = PASSWORDS[role]
        login = email or username
        # A demo password that the site itself would refuse would teach the wrong thing.
        problem = password_problem(password, first_name, last_name, login)
        if problem:
            raise ValueError(f"demo password for {role.value} refused: {problem}")
        if all(account.login != login for account in self.report.accounts):
            self.report.accounts.append(DemoAccount(role, login, password))
        key = User.email == email if email else User.username == username
        user = db.session.scalar(select(User).where(key))
        if user is None:
            user = User(
                role=role, email=email, username=username, password_hash=self._hash(password),
                first_name=first_name, last_name=last_name, company=company, school=school,
                created_at=self.now,
            )
            db.session.add(user)
            db.session.flush()
            self.report.created[f"user_{role.value}"] += 1
        return user

    def company(self, spec: dict) -> tuple[Company, User]:
        siret = demo_siret(spec["siren"])
        company = db.session.scalar(select(Company).where(Company.siret == siret))
        if company is None:
            company = Company(
                siret=siret, name=spec["name"], filiere=spec["filiere"], address=spec["address"],
                postcode=spec["postcode"], commune_insee=spec["insee"], size_band=spec["size"],
                presentation=spec["presentation"], status=CompanyStatus.APPROVED,
                created_at=self.now,
            )
            db.session.add(company)
            db.session.flush()
            self.report.created["company"] += 1
        first_name, last_name = spec["user"]
        email = f"{login_name(first_name, last_name)}@{spec['domain']}"
        user = self.user(Role.COMPANY, first_name=first_name, last_name=last_name, email=email,
                         company=company)
        return company, user

    def offer(self, spec: dict, company: Company, company_user: User, staff: User,
              weeks: dict) -> Offer:
        existing = db.session.scalar(
            select(Offer).where(Offer.company_id == company.id, Offer.title == spec["title"])
        )
        if existing is not None:
            return existing
        offer = _build_offer(spec, company, weeks, self.now)
        db.session.add(offer)
        db.session.flush()
        lifecycle.record_creation(offer, company_user, self.now)
        try:
            lifecycle.transition(offer, S.SUBMITTED, company_user, now=self.now)
            lifecycle.transition(offer, S.PUBLISHED, staff, now=self.now)
        except lifecycle.TransitionError as exc:
            raise DemoError(f"L'offre de démonstration « {offer.title} » : {exc}") from exc
        self.report.created["offer"] += 1
        self.report.created["period"] += len(offer.periods)
        return offer

    def school_class(self, school: School, teacher: User, school_year: int, start: date,
                     end: date, name: str = DEMO_CLASS_NAME) -> SchoolClass:
        klass = db.session.scalar(
            select(SchoolClass).where(
                SchoolClass.school_id == school.id,
                SchoolClass.school_year == school_year,
                SchoolClass.name == name,
            )
        )
        if klass is None:
            klass = SchoolClass(
                school=school, name=name, level=Level.TROISIEME,
                school_year=school_year, internship_start=start, internship_end=end,
                teachers=[teacher], created_at=self.now,
            )
            db.session.add(klass)
            db.session.flush()
            self.report.created["school_class"] += 1
        return klass

    def pupil(self, klass: SchoolClass, first_name: str, last_name: str) -> Pupil:
        username = login_name(first_name, last_name)
        user = self.user(Role.PUPIL, first_name=first_name, last_name=last_name,
                         username=username)
        pupil = db.session.scalar(select(Pupil).where(Pupil.user_id == user.id))
        if pupil is None:
            pupil = Pupil(user=user, school_class=klass)
            db.session.add(pupil)
            db.session.flush()
            self.report.created["pupil"] += 1
        return pupil


def login_name(first_name: str, last_name: str) -> str:
    """`Léa`, `Durand` → `lea.durand`."""
    return f"{search_key(first_name)}.{search_key(last_name)}".replace(" ", "-")


def _build_offer(spec: dict, company: Company, weeks: dict, now: datetime) -> Offer:
    commune = db.session.get(Commune, company.commune_insee)
    levels = spec["levels"]
    tutor_name, tutor_role, tutor_phone = spec["tutor"]
    domain = COMPANY_SPECS[spec["company"]]["domain"]
    offer = Offer(
        company=company, title=spec["title"], filiere=company.filiere,
        for_3e=Level.TROISIEME in levels, for_2nde=Level.SECONDE in levels,
        summary=spec["summary"], observation_commitment_at=now,
        site_address=company.address, site_postcode=company.postcode,
        site_commune_insee=commune.insee,
        latitude=commune.latitude_townhall, longitude=commune.longitude_townhall,
        geo_precision=GeoPrecision.COMMUNE,
        tutor_name=tutor_name, tutor_role=tutor_role,
        tutor_email=f"{login_name(*tutor_name.split(' ', 1))}@{domain}",
        tutor_phone=f"+33{tutor_phone[1:]}",
        day_start=spec["hours"][0], day_end=spec["hours"][1],
        break_start=BREAK[0], break_end=BREAK[1],
        dress_code=spec["dress_code"], protective_equipment=spec["protective_equipment"],
        meals=spec["meals"], transport_access=spec["transport"], pmr_access=spec["pmr"],
        created_at=now, updated_at=now,
    )
    # An offer open to 2nde follows the 10-day fortnight; a 3e-only offer the 5-day week.
    program_level = Level.SECONDE if offer.for_2nde else Level.TROISIEME
    offer.program_days = [
        # A real site has chosen among the template's alternatives: the first one here.
        ProgramDay(day_number=number, **{k: pick_first_choice(v) for k, v in day.items()})
        for number, day in enumerate(program_template(company.filiere, program_level), start=1)
    ]
    for week_key, seats in spec["periods"]:
        level, start, end = weeks[week_key]
        offer.periods.append(Period(level=level, start_date=start, end_date=end, seats=seats))
    return offer
