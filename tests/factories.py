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


def company(name: str | None = None, filiere: Filiere = Filiere.FUTURE_INDUSTRY,
            status: CompanyStatus = CompanyStatus.APPROVED) -> Company:
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


def user(role: Role, *, email: str | None = None, username: str | None = None,
         company_obj: Company | None = None, school_obj: School | None = None,
         password: str = PASSWORD, first_name: str = "Camille", last_name: str = "Martin") -> User:
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


def school_class(teacher: User, level: Level = Level.TROISIEME, name: str = "3e B",
                 start: date | None = None, end: date | None = None) -> SchoolClass:
    obj = SchoolClass(
        school=teacher.school, name=name, level=level, school_year=2026,
        internship_start=start, internship_end=end, teachers=[teacher],
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def pupil(klass: SchoolClass, first_name: str = "Léa", last_name: str = "Durand",
          birth_date: date | None = None) -> Pupil:
    account = user(Role.PUPIL, first_name=first_name, last_name=last_name)
    obj = Pupil(user=account, school_class=klass, birth_date=birth_date)
    db.session.add(obj)
    db.session.flush()
    return obj
