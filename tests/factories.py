"""Plain functions that create test objects (no factory library, nothing hidden)."""

from datetime import date
from itertools import count

from sqlalchemy import select

from capindustrie.auth.passwords import hash_password
from capindustrie.extensions import db
from capindustrie.models import (
    Company,
    CompanyStatus,
    Filiere,
    Level,
    Pupil,
    Role,
    School,
    SchoolClass,
    User,
)

PASSWORD = "Correct-Cheval-9-Agrafe"
_seq = count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str) -> str:
    """argon2 costs ~0.1 s a hash: hash each test password once per run."""
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def luhn_siret(prefix: str) -> str:
    """Complete a 13-digit prefix into a 14-digit SIRET with a valid Luhn key."""
    for last in "0123456789":
        candidate = prefix + last
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch)
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        if total % 10 == 0:
            return candidate
    raise ValueError(prefix)


def school(uai: str = "0770002J") -> School:
    return db.session.scalar(select(School).where(School.uai == uai))


def company(
    name: str | None = None,
    filiere: Filiere = Filiere.FUTURE_INDUSTRY,
    status: CompanyStatus = CompanyStatus.APPROVED,
) -> Company:
    n = next(_seq)
    obj = Company(
        siret=luhn_siret(f"{123456789 + n:09d}{n:04d}"),
        name=name or f"Entreprise {n}",
        filiere=filiere,
        status=status,
        commune_insee="77288",
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def user(
    role: Role,
    *,
    email: str | None = None,
    username: str | None = None,
    company_obj: Company | None = None,
    school_obj: School | None = None,
    password: str = PASSWORD,
    first_name: str = "Camille",
    last_name: str = "Martin",
) -> User:
    n = next(_seq)
    if role == Role.COMPANY and company_obj is None:
        company_obj = company()
    if role == Role.TEACHER and school_obj is None:
        school_obj = school()
    if role == Role.PUPIL:
        username = username or f"eleve.{n}"
    else:
        email = email or f"{role.value}{n}@" + (
            "ac-creteil.fr" if role == Role.TEACHER else "exemple.fr"
        )
    obj = User(
        role=role,
        email=email,
        username=username,
        password_hash=password_hash(password),
        first_name=first_name,
        last_name=last_name,
        company=company_obj,
        school=school_obj,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def school_class(
    teacher: User,
    level: Level = Level.TROISIEME,
    name: str = "3e B",
    start: date | None = None,
    end: date | None = None,
) -> SchoolClass:
    obj = SchoolClass(
        school=teacher.school,
        name=name,
        level=level,
        school_year=2026,
        internship_start=start,
        internship_end=end,
        teachers=[teacher],
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def pupil(
    klass: SchoolClass,
    first_name: str = "Léa",
    last_name: str = "Durand",
    birth_date: date | None = None,
) -> Pupil:
    account = user(Role.PUPIL, first_name=first_name, last_name=last_name)
    obj = Pupil(user=account, school_class=klass, birth_date=birth_date)
    db.session.add(obj)
    db.session.flush()
    return obj


def complete_offer(
    company_obj: Company | None = None,
    *,
    status=None,
    commune_insee: str = "77284",
    title: str = "Découvrir la maintenance industrielle",
    levels=("3e",),
    periods=((date(2027, 1, 11), date(2027, 1, 15), 4),),
):
    """An offer with every wizard step filled (site at the commune's town hall)."""
    from datetime import time

    from capindustrie.models import Commune, Offer, OfferStatus, Period, ProgramDay, utcnow

    company_obj = company_obj or company()
    commune = db.session.get(Commune, commune_insee)
    for_2nde = "2nde" in levels
    offer = Offer(
        company=company_obj,
        title=title,
        summary="Observer la maintenance d'une usine : les machines, les contrôles et les "
        "métiers de l'atelier, accompagné par un tuteur.",
        filiere=company_obj.filiere,
        for_3e="3e" in levels,
        for_2nde=for_2nde,
        status=status or OfferStatus.DRAFT,
        observation_commitment_at=utcnow(),
        site_address="1 rue de l'Industrie",
        site_postcode=commune.postcodes.split()[0],
        site_commune_insee=commune.insee,
        latitude=commune.latitude_townhall,
        longitude=commune.longitude_townhall,
        geo_precision="commune",
        tutor_name="Sam Leroy",
        tutor_role="Technicien",
        tutor_email="tuteur@exemple.fr",
        tutor_phone="+33123456789",
        day_start=time(9),
        day_end=time(16, 30),
        break_start=time(12),
        break_end=time(13),
    )
    offer.program_days = [
        ProgramDay(day_number=n, title=f"Jour {n}", activities="Observation de l'atelier.")
        for n in range(1, (10 if for_2nde else 5) + 1)
    ]
    offer.periods = [
        Period(
            level=Level.SECONDE if (end - start).days > 7 or start.month == 6 else Level.TROISIEME,
            start_date=start,
            end_date=end,
            seats=seats,
        )
        for start, end, seats in periods
    ]
    db.session.add(offer)
    db.session.flush()
    return offer


def session_id(user: User) -> str:
    """A new server-side login session for `user`: what a login puts in the cookie's
    `_user_id`."""
    from datetime import timedelta

    from capindustrie.auth.session import open_session

    db.session.commit()
    return open_session(user, timedelta(hours=8))


def login(client, user: User) -> None:
    """Log `user` in on `client` without the login form (the auth tests use the real form), as
    if the second factor had been passed (tests/test_two_factor.py goes through that step)."""
    user_id = session_id(user)
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session["two_factor_for"] = user_id


def signed_in(app, user: User):
    """A test client of `app` with `user` logged in (as `login`)."""
    client = app.test_client()
    login(client, user)
    return client
