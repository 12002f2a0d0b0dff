"""A teacher's classes and their pupils' accounts: the rules. No `request` here; callers pass
`today` or `now` when time matters, and commit (or roll back) themselves.

Temporary passwords are never stored in clear and never sent in a page: they are kept encrypted
on the server for the printable slips, for the teacher who made them, once, for a few minutes
(see `keep_slips`). Hashing costs ~0.1 s a password (argon2), so a class of 30
takes ~3 s to create: acceptable for a once-a-year import.
"""

import base64
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, exists, func, or_, select, update

from capindustrie.applications import services as application_services
from capindustrie.applications import states
from capindustrie.auth.passwords import hash_password
from capindustrie.auth.services import normalise_email
from capindustrie.auth.session import end_all_sessions
from capindustrie.authz import owned_select
from capindustrie.classes.roster import name_key
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.filters import french_date
from capindustrie.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Level,
    LoginSlipBatch,
    Placement,
    Pupil,
    Registration,
    Role,
    SchoolClass,
    User,
    class_teacher,
)
from capindustrie.offers.rules import (
    school_year_label,
    school_year_of,
    seconde_fortnight,
    troisieme_span,
)
from capindustrie.text import search_key

log = logging.getLogger(__name__)

MAX_TEACHERS = 2
# A collège chooses one observation week, sometimes two or three consecutive ones (several
# sequences for a class): the class's window is 1 to 3 whole Monday→Friday weeks.
MAX_INTERNSHIP_WEEKS = 3
ROSTER_SALT = "classes-roster-import"
ROSTER_MAX_AGE = 3600
SLIPS_MAX_AGE = 15 * 60
USERNAME_MAX_LENGTH = 60
# Room for a numeric suffix within the 60-character column.
USERNAME_BASE_MAX_LENGTH = 50

# Short, common, accent-free words that a 14-year-old reads and types without a doubt. With
# digits 2–9 (no 0/O or 1/l confusion), 3 words of 160 and 2 digits give about 28 bits: enough
# for a password that dies at the first login and whose account locks after repeated failures.
WORDS = (
    "abeille", "agneau", "aigle", "algue", "ananas", "ancre", "arbre", "argent", "avion",
    "badge", "baleine", "bambou", "banane", "barque", "bateau", "biscuit", "bison", "blouse",
    "bougie", "bouton", "brique", "brume", "bureau", "cabane", "cactus", "caillou", "camion",
    "canard", "canoe", "carton", "castor", "cerise", "chalet", "chameau", "chapeau", "chaton",
    "cheval", "citron", "clairon", "colibri", "comete", "copain", "corde", "coton", "crayon",
    "cygne", "dauphin", "desert", "domino", "dragon", "dune", "ecureuil", "etoile", "falaise",
    "fanfare", "farine", "fenouil", "feuille", "flocon", "fontaine", "fourmi", "fraise",
    "fusee", "galet", "gateau", "girafe", "glacier", "gomme", "goujon", "grenier", "guitare",
    "hamac", "hibou", "horizon", "igloo", "jardin", "jasmin", "jongleur", "kayak", "koala",
    "lagune", "lampion", "lapin", "lavande", "lezard", "licorne", "lumiere", "lutin", "macaron",
    "manege", "mangue", "marmotte", "melon", "meteore", "mimosa", "moulin", "muguet", "myrtille",
    "nuage", "olive", "orange", "ourson", "panda", "papillon", "parasol", "pelican", "pepite",
    "phare", "piano", "pingouin", "planete", "plume", "pommier", "poney", "potager", "prairie",
    "puzzle", "radis", "raisin", "renard", "requin", "rivage", "robot", "rocher", "ruisseau",
    "sablier", "sapin", "sardine", "satellite", "sirop", "soleil", "sorbet", "source", "tambour",
    "tartine", "tigre", "tomate", "tortue", "toucan", "tracteur", "trefle", "tulipe", "vague",
    "valise", "vanille", "velo", "verger", "violon", "voilier", "volcan", "wagon", "yaourt",
    "zebre",
)
DIGITS = "23456789"
# Letters that Unicode does not decompose into an ASCII letter and an accent.
_LIGATURES = str.maketrans({
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "ı": "i",
})


class ClassRuleError(Exception):
    """A refusal for the teacher (French); `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PayloadError(Exception):
    """A signed payload that is forged, altered, expired or no longer matches the accounts."""


# --- School years and internship dates ----------------------------------------------------------


def school_year_choices(today: date, keep: int | None = None) -> list[int]:
    """The current school year and the next one (classes are set up in June or September),
    plus the year a class already has."""
    current = school_year_of(today)
    years = {current, current + 1}
    if keep is not None:
        years.add(keep)
    return sorted(years)


def default_internship(level: Level, school_year: int, config: Mapping) -> tuple[date, date] | None:
    """2nde: the national fortnight. 3e: none, each collège chooses its weeks."""
    if Level(level) is Level.SECONDE:
        return seconde_fortnight(config, school_year)
    return None


def _range_fr(start: date, end: date) -> str:
    return f"du {french_date(start)} au {french_date(end)}"


def internship_problems(level: Level, start: date | None, end: date | None, school_year: int,
                        config: Mapping) -> list[tuple[str, str]]:
    """(field, French message) pairs; an empty list means the dates are acceptable.

    3e: 1 to 3 whole weeks, Monday to Friday, within the span of the school year (first Monday
    of September to the last Friday before 1 June). 2nde: the national fortnight or one of its
    two weeks. No dates at all is allowed (a 3e class whose collège has not chosen yet; a 2nde
    class gets the national fortnight, see `default_internship`)."""
    if start is None and end is None:
        return []
    if start is None or end is None:
        missing = "internship_start" if start is None else "internship_end"
        return [(missing, "Indiquez le premier et le dernier jour du stage, ou aucun des deux.")]
    if end < start:
        return [("internship_end", "La date de fin doit être après la date de début.")]
    if Level(level) is Level.SECONDE:
        return _seconde_problems(start, end, school_year, config)
    return _troisieme_problems(start, end, school_year)


def _troisieme_problems(start: date, end: date, school_year: int) -> list[tuple[str, str]]:
    problems = []
    if start.weekday() != 0:
        problems.append((
            "internship_start",
            f"Le stage commence un lundi : le {french_date(start)} n'en est pas un.",
        ))
    if end.weekday() != 4:
        problems.append((
            "internship_end", f"Le stage finit un vendredi : le {french_date(end)} n'en est pas un."
        ))
    if (end - start).days > 7 * MAX_INTERNSHIP_WEEKS - 3:
        problems.append((
            "internship_end",
            f"Le stage de 3e dure une semaine, ou au plus {MAX_INTERNSHIP_WEEKS} semaines "
            "consécutives quand le collège en prévoit plusieurs.",
        ))
    span_start, span_end = troisieme_span(school_year)
    if start < span_start or end > span_end:
        problems.append((
            "internship_start",
            "Pour la 3e, le stage a lieu entre le premier lundi de septembre et le dernier "
            f"vendredi avant le 1er juin : en {school_year_label(school_year)}, "
            f"{_range_fr(span_start, span_end)}.",
        ))
    return problems


def _seconde_problems(start: date, end: date, school_year: int,
                      config: Mapping) -> list[tuple[str, str]]:
    n_start, n_end = seconde_fortnight(config, school_year)
    # The first week ends on its Friday, even when a public holiday moved its start.
    first_week = (n_start, n_start + timedelta(days=4 - n_start.weekday()))
    second_week = (n_end - timedelta(days=4), n_end)
    if (start, end) in ((n_start, n_end), first_week, second_week):
        return []
    return [(
        "internship_start",
        "Pour la 2nde, le stage a lieu pendant la quinzaine nationale, "
        f"{_range_fr(n_start, n_end)}, ou l'une de ses deux semaines "
        f"({_range_fr(*first_week)}, ou {_range_fr(*second_week)}).",
    )]


# --- Classes ------------------------------------------------------------------------------------


@dataclass
class ClassDetails:
    name: str
    level: Level
    school_year: int
    internship_start: date | None
    internship_end: date | None


def class_name_problem(school_id: int, school_year: int, name: str,
                       exclude_id: int | None = None) -> str | None:
    """Unique per school and school year, whatever the case, accents or spacing."""
    key = search_key(name)
    names = db.session.scalars(
        select(SchoolClass.name).where(
            SchoolClass.school_id == school_id,
            SchoolClass.school_year == school_year,
            SchoolClass.id != (exclude_id or 0),
        )
    )
    if any(search_key(other) == key for other in names):
        return (
            f"L'établissement a déjà une classe « {name} » en {school_year_label(school_year)} : "
            "choisissez un autre nom (par exemple « 3e B2 »)."
        )
    return None


def teacher_classes(teacher: User) -> list[tuple[SchoolClass, int]]:
    """The classes `teacher` teaches with their number of pupils, most recent year first."""
    pupils = (
        select(Pupil.class_id, func.count(Pupil.id).label("n")).group_by(Pupil.class_id).subquery()
    )
    rows = db.session.execute(
        select(SchoolClass, func.coalesce(pupils.c.n, 0))
        .join(class_teacher, class_teacher.c.class_id == SchoolClass.id)
        .outerjoin(pupils, pupils.c.class_id == SchoolClass.id)
        .where(class_teacher.c.user_id == teacher.id)
        .order_by(SchoolClass.school_year.desc(), SchoolClass.name, SchoolClass.id)
    )
    return [(klass, count) for klass, count in rows]


def create_class(teacher: User, details: ClassDetails, config: Mapping) -> SchoolClass:
    klass = SchoolClass(school_id=teacher.school_id, teachers=[teacher])
    _apply(klass, details, config)
    db.session.add(klass)
    db.session.flush()
    log.info("class %s created by teacher %s", klass.id, teacher.id)
    return klass


def update_class(klass: SchoolClass, details: ClassDetails, config: Mapping) -> None:
    changes_level = (details.level, details.school_year) != (klass.level, klass.school_year)
    if changes_level and _has_applications(klass):
        raise ClassRuleError(
            "Des élèves de cette classe ont déjà candidaté à des stages : son niveau et son "
            "année scolaire ne peuvent plus changer.",
            "level" if details.level != klass.level else "school_year",
        )
    _apply(klass, details, config)
    db.session.flush()


def _apply(klass: SchoolClass, details: ClassDetails, config: Mapping) -> None:
    klass.name = details.name
    klass.level = Level(details.level)
    klass.school_year = details.school_year
    start, end = details.internship_start, details.internship_end
    if start is None and end is None:
        start, end = default_internship(klass.level, klass.school_year, config) or (None, None)
    klass.internship_start, klass.internship_end = start, end


def _has_applications(klass: SchoolClass) -> bool:
    return db.session.scalar(
        select(exists().where(Application.pupil_id == Pupil.id, Pupil.class_id == klass.id))
    )


def class_pupils(klass: SchoolClass) -> list[Pupil]:
    return list(
        db.session.scalars(
            select(Pupil)
            .join(User, User.id == Pupil.user_id)
            .where(Pupil.class_id == klass.id)
            .order_by(User.last_name, User.first_name, Pupil.id)
        )
    )


def class_name_keys(klass: SchoolClass) -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(User.last_name, User.first_name)
        .join(Pupil, Pupil.user_id == User.id)
        .where(Pupil.class_id == klass.id)
    )
    return {name_key(last, first) for last, first in rows}


# --- Co-teachers --------------------------------------------------------------------------------


def add_colleague(klass: SchoolClass, email: str) -> User:
    """A second teacher, who must already have an account at the class's school. One message
    whether the address is unknown or belongs to another school: no account is revealed."""
    colleague = db.session.scalar(
        select(User).where(
            User.email == normalise_email(email),
            User.role == Role.TEACHER,
            User.school_id == klass.school_id,
            User.active.is_(True),
        )
    )
    if colleague is None:
        raise ClassRuleError(
            f"Aucun professeur de l'établissement ({klass.school.name}) n'a de compte avec cette "
            "adresse. Votre collègue doit d'abord créer son compte professeur sur Cap Industrie, "
            "avec cet établissement.",
            "email",
        )
    if colleague in klass.teachers:
        raise ClassRuleError(
            f"{colleague.display_name} est déjà professeur de cette classe.", "email"
        )
    if len(klass.teachers) >= MAX_TEACHERS:
        raise ClassRuleError(
            f"Une classe a au plus {MAX_TEACHERS} professeurs sur Cap Industrie : retirez "
            "d'abord l'autre professeur.",
            "email",
        )
    klass.teachers.append(colleague)
    db.session.flush()
    log.info("teacher %s added to class %s", colleague.id, klass.id)
    return colleague


def remove_colleague(klass: SchoolClass, colleague: User) -> None:
    if colleague not in klass.teachers:
        raise ClassRuleError("Ce professeur n'est pas professeur de cette classe.")
    if len(klass.teachers) == 1:
        raise ClassRuleError("Une classe garde au moins un professeur.")
    klass.teachers.remove(colleague)
    db.session.flush()
    log.info("teacher %s removed from class %s", colleague.id, klass.id)


# --- Pupil accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilDetails:
    last_name: str
    first_name: str
    birth_date: date | None = None


@dataclass
class NewAccount:
    """A pupil account and its temporary password, alive only for the current response."""

    pupil: Pupil
    password: str


def _ascii_words(name: str) -> str:
    """`Zoë-Anaïs` → `zoe-anais`: what a pupil can type on any keyboard; letters with no ASCII
    form (other scripts) are dropped."""
    folded = search_key(name.translate(_LIGATURES))
    return "-".join(re.findall(r"[a-z0-9]+", folded))


def username_base(first_name: str, last_name: str) -> str:
    """`Léa`, `Le Goff` → `lea.le-goff`: ASCII, lower case, letters, digits, dots and dashes."""
    parts = [_ascii_words(first_name), _ascii_words(last_name)]
    base = ".".join(part for part in parts if part)[:USERNAME_BASE_MAX_LENGTH].strip(".-")
    return base or "eleve"


def unique_usernames(people: Iterable[PupilDetails]) -> list[str]:
    """One username per person, unique across the platform and within the batch: the base,
    else the base followed by 2, 3…"""
    people = list(people)
    bases = [username_base(p.first_name, p.last_name) for p in people]
    taken: set[str] = set()
    for base in set(bases):
        # The base holds only [a-z0-9.-]: no LIKE wildcard can slip in.
        taken.update(db.session.scalars(select(User.username).where(User.username.like(f"{base}%"))))
    names = []
    for base in bases:
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        names.append(candidate)
    return names


def temporary_password() -> str:
    """e.g. `castor-tulipe-violon-47`: at least 12 characters, easy to read out and type."""
    words = secrets.SystemRandom().sample(WORDS, 3)
    digits = "".join(secrets.choice(DIGITS) for _ in range(2))
    return "-".join([*words, digits])


def create_pupils(klass: SchoolClass, people: list[PupilDetails]) -> list[NewAccount]:
    """All the accounts or none (the caller commits or rolls back)."""
    accounts = []
    for person, username in zip(people, unique_usernames(people), strict=True):
        password = temporary_password()
        user = User(
            role=Role.PUPIL,
            username=username,
            password_hash=hash_password(password),
            first_name=person.first_name,
            last_name=person.last_name,
            must_change_password=True,
        )
        pupil = Pupil(user=user, school_class=klass, birth_date=person.birth_date)
        db.session.add(pupil)
        accounts.append(NewAccount(pupil, password))
    db.session.flush()
    log.info("%s pupil accounts created in class %s", len(accounts), klass.id)
    return accounts


def duplicate_pupil_problem(klass: SchoolClass, last_name: str, first_name: str) -> str | None:
    if name_key(last_name, first_name) in class_name_keys(klass):
        return f"{first_name} {last_name} est déjà dans la classe « {klass.name} »."
    return None


def reset_password(pupil: Pupil) -> NewAccount:
    """A new temporary password; every open session of the pupil ends (session version)."""
    user = pupil.user
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version = user.session_version + 1
    end_all_sessions(user)
    db.session.flush()
    log.info("temporary password reset for pupil %s", pupil.id)
    return NewAccount(pupil, password)


def pupils_never_logged_in(klass: SchoolClass) -> list[Pupil]:
    """Pupils still on their temporary password (their slip may be lost)."""
    return [p for p in class_pupils(klass) if p.user.must_change_password]


def move_targets(pupil: Pupil, teacher: User) -> list[SchoolClass]:
    """The teacher's other classes of the same school and school year."""
    current = pupil.school_class
    return [
        klass
        for klass, _ in teacher_classes(teacher)
        if klass.id != current.id
        and klass.school_id == current.school_id
        and klass.school_year == current.school_year
    ]


def move_pupil(pupil: Pupil, target: SchoolClass, teacher: User) -> None:
    if target.id not in {k.id for k in move_targets(pupil, teacher)}:
        raise ClassRuleError(
            "Choisissez une autre de vos classes du même établissement et de la même année "
            "scolaire.",
            "target",
        )
    user = pupil.user
    if problem := duplicate_pupil_problem(target, user.last_name, user.first_name):
        raise ClassRuleError(problem, "target")
    pupil.school_class = target
    db.session.flush()
    log.info("pupil %s moved to class %s by teacher %s", pupil.id, target.id, teacher.id)


def removal_problem(pupil: Pupil) -> str | None:
    validated = db.session.scalar(
        select(
            or_(
                exists().where(Placement.pupil_id == pupil.id),
                exists().where(
                    Application.pupil_id == pupil.id,
                    Application.status == ApplicationStatus.VALIDATED,
                ),
            )
        )
    )
    if validated:
        return (
            f"{pupil.user.display_name} a un stage validé : son compte ne peut pas être "
            "supprimé avant la fin de l'année scolaire (la convention s'y rapporte). Il sera "
            "effacé avec les données de l'année, le 31 juillet."
        )
    return None


def remove_pupil(pupil: Pupil, teacher: User, now: datetime) -> None:
    """Delete the pupil's account and everything it owns (applications, registrations). The
    seats the pupil held are freed first, and the companies concerned are told."""
    if problem := removal_problem(pupil):
        raise ClassRuleError(problem)
    user = pupil.user
    _release_applications(pupil, teacher, now)
    from capindustrie.events.registrations import release_pupil_registrations

    release_pupil_registrations(pupil, now)
    applications = select(Application.id).where(Application.pupil_id == pupil.id)
    db.session.execute(
        delete(ApplicationTransition).where(ApplicationTransition.application_id.in_(applications))
    )
    # The pupil may have acted elsewhere (a registration made by them): keep those rows.
    db.session.execute(
        update(ApplicationTransition).where(ApplicationTransition.actor_id == user.id)
        .values(actor_id=None)
    )
    db.session.execute(delete(Application).where(Application.pupil_id == pupil.id))
    db.session.execute(delete(Registration).where(Registration.pupil_id == pupil.id))
    db.session.execute(
        update(Registration).where(Registration.registered_by_id == user.id)
        .values(registered_by_id=None)
    )
    pupil_id = pupil.id
    db.session.delete(pupil)
    db.session.flush()
    db.session.delete(user)
    db.session.flush()
    log.info("pupil %s (user %s) removed by teacher %s", pupil_id, user.id, teacher.id)


def _release_applications(pupil: Pupil, teacher: User, now: datetime) -> None:
    active = db.session.scalars(
        select(Application).where(
            Application.pupil_id == pupil.id,
            Application.status.in_(list(states.ACTIVE)),
        ).order_by(Application.id)
    ).all()
    for application in active:
        if application.status == ApplicationStatus.CONFIRMED:
            states.transition(
                application, ApplicationStatus.REFUSED_BY_TEACHER, teacher,
                "Élève retiré de la classe par son professeur.", now,
            )
            _notify_company_removed(application)
        else:
            # The pupil's own withdrawal: it frees the seat and tells the company.
            application_services.withdraw(application, pupil.user, now)


def _notify_company_removed(application: Application) -> None:
    offer = application.period.offer
    body = (
        "Bonjour,\n\n"
        f"{application_services.pupil_short_name(application.pupil)} ne fera pas le stage "
        f"« {offer.title} » "
        f"{application_services.period_dates(application.period)} : l'élève a quitté sa "
        "classe sur Cap Industrie. La place que vous lui aviez attribuée est de nouveau libre."
    )
    for address in application_services.company_recipients(offer):
        queue_email(address, f"Stage annulé : {offer.title}", body)


# --- Signed payloads ----------------------------------------------------------------------------


def _serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def sign_roster(secret_key: str, klass: SchoolClass, people: list[PupilDetails]) -> str:
    """The checked rows of a preview, for the confirm step (no file is kept on the server)."""
    rows = [
        [p.last_name, p.first_name, p.birth_date.isoformat() if p.birth_date else ""]
        for p in people
    ]
    return _serializer(secret_key, ROSTER_SALT).dumps({"class": klass.id, "rows": rows})


def load_roster(secret_key: str, token: str, klass: SchoolClass) -> list[PupilDetails]:
    try:
        data = _serializer(secret_key, ROSTER_SALT).loads(token or "", max_age=ROSTER_MAX_AGE)
    except SignatureExpired:
        raise PayloadError("expired") from None
    except BadSignature:
        raise PayloadError("bad signature") from None
    if not isinstance(data, dict) or data.get("class") != klass.id:
        raise PayloadError("another class")
    try:
        return [
            PupilDetails(str(last), str(first), date.fromisoformat(born) if born else None)
            for last, first, born in data["rows"]
        ]
    except (KeyError, TypeError, ValueError):
        raise PayloadError("malformed") from None


def _fingerprint(password_hash: str) -> str:
    # The slip dies as soon as the password changes (the pupil chose theirs, or a new reset).
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def _fernet(secret_key: str) -> Fernet:
    # A key of its own, derived from the secret key: the slips share nothing with the cookies.
    key = hashlib.sha256(b"capindustrie login slips|" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def keep_slips(secret_key: str, klass: SchoolClass, teacher: User, accounts: list[NewAccount],
               now: datetime) -> LoginSlipBatch:
    """The temporary passwords just made, encrypted, for this teacher to download once within
    SLIPS_MAX_AGE; the page carries only the row's id. The caller commits."""
    db.session.execute(delete(LoginSlipBatch).where(LoginSlipBatch.expires_at <= now))
    entries = [
        [a.pupil.id, a.password, _fingerprint(a.pupil.user.password_hash)] for a in accounts
    ]
    batch = LoginSlipBatch(
        class_id=klass.id,
        teacher_id=teacher.id,
        sealed=_fernet(secret_key).encrypt(json.dumps(entries).encode()),
        created_at=now,
        expires_at=now + timedelta(seconds=SLIPS_MAX_AGE),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


@dataclass(frozen=True)
class Slip:
    school: str
    class_name: str
    first_name: str
    last_name: str
    username: str
    password: str


def take_slips(secret_key: str, batch_id: int, klass: SchoolClass, teacher: User,
               now: datetime) -> list[Slip]:
    """The slips of a batch this teacher made for this class, still fresh, and every pupil in it
    still theirs with the password of the batch. Single use: the row is deleted as it is read,
    in one statement (two clicks get it once); the caller commits once the PDF is made."""
    row = db.session.execute(
        delete(LoginSlipBatch)
        .where(
            LoginSlipBatch.id == batch_id,
            LoginSlipBatch.class_id == klass.id,
            LoginSlipBatch.teacher_id == teacher.id,
        )
        .returning(LoginSlipBatch.sealed, LoginSlipBatch.expires_at)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        raise PayloadError("gone")
    if row.expires_at <= now:
        raise PayloadError("expired")
    try:
        data = json.loads(_fernet(secret_key).decrypt(row.sealed))
        entries = [(int(pid), str(password), str(fp)) for pid, password, fp in data]
    except (InvalidToken, TypeError, ValueError):
        raise PayloadError("malformed") from None
    if not entries:
        raise PayloadError("empty")
    mine = owned_select(Pupil, teacher)
    pupils = {
        p.id: p for p in db.session.scalars(mine.where(Pupil.id.in_([e[0] for e in entries])))
    }
    slips = []
    for pupil_id, password, fingerprint in entries:
        pupil = pupils.get(pupil_id)
        if pupil is None or _fingerprint(pupil.user.password_hash) != fingerprint:
            raise PayloadError("stale")
        slips.append(Slip(
            school=pupil.school_class.school.name,
            class_name=pupil.school_class.name,
            first_name=pupil.user.first_name,
            last_name=pupil.user.last_name,
            username=pupil.user.username,
            password=password,
        ))
    return slips
