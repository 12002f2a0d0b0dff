"""Accounts: registration, authentication, password change and reset (no `request` here)."""

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import case, delete, exists, literal, or_, select
from sqlalchemy.exc import IntegrityError

from capindustrie.auth import throttle
from capindustrie.auth.passwords import hash_password, needs_rehash, verify_password
from capindustrie.auth.session import end_all_sessions
from capindustrie.auth.throttle import ThrottlePolicy
from capindustrie.emails.services import queue_email
from capindustrie.extensions import db
from capindustrie.models import (
    Company,
    CompanyStatus,
    Filiere,
    OutboxMessage,
    Role,
    School,
    User,
)
from capindustrie.text import plural, search_key
from capindustrie.validation import normalise_siret

log = logging.getLogger(__name__)

RESET_SALT = "password-reset"
CONFIRM_SALT = "email-confirmation"
SCHOOL_RESULTS_LIMIT = 10
SCHOOL_QUERY_MIN_LENGTH = 2
# Verified when no account matches, so that an unknown login costs the same time as a wrong
# password (argon2 dominates the response time) and timing does not reveal who has an account.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(24))

DUPLICATE_SIRET = (
    "Cette entreprise a déjà un compte sur Cap Industrie (SIRET déjà inscrit). Connectez-vous, "
    "ou contactez le Département si vous n'avez pas accès à ce compte."
)
DUPLICATE_EMAIL = (
    "Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou utilisez « Mot de passe "
    "oublié »."
)


class AccountConflict(Exception):
    """A unique value (SIRET, e-mail) was taken between the form check and the insert."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str | None) -> str:
    # Stored lower-cased: PostgreSQL compares strings case-sensitively.
    return (email or "").strip().lower()


def email_taken(email: str) -> bool:
    return db.session.scalar(select(exists().where(User.email == normalise_email(email))))


def siret_taken(siret: str) -> bool:
    return db.session.scalar(select(exists().where(Company.siret == normalise_siret(siret))))


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


# Registration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonDetails:
    first_name: str
    last_name: str
    email: str
    password: str


@dataclass(frozen=True)
class AccountLinks:
    """Absolute links put in the registration e-mails (built by the routes)."""

    confirm: Callable[[str], str]
    login: str
    reset: str


def register_company(*, company_name: str, siret: str, filiere: Filiere, person: PersonDetails,
                     links: AccountLinks, secret_key: str) -> None:
    """The company (pending moderation) and its first user, in one transaction, waiting for the
    e-mail address to be confirmed. When the address already has an account, nothing is created
    and its owner is told instead: the answer must not say whether an address is known."""
    if _address_has_account(person, links):
        return
    company = Company(
        name=company_name.strip(),
        siret=normalise_siret(siret),
        filiere=Filiere(filiere),
        status=CompanyStatus.PENDING,
    )
    user = _new_user(Role.COMPANY, person, company=company, awaiting_confirmation=True)
    _commit_registration(person, links, secret_key, company, user)
    log.info("company %s registered with user %s", company.id, user.id)


def register_teacher(*, school_id: int, person: PersonDetails, links: AccountLinks,
                     secret_key: str) -> None:
    """As register_company, for a teacher."""
    if _address_has_account(person, links):
        return
    user = _new_user(Role.TEACHER, person, school_id=school_id, awaiting_confirmation=True)
    _commit_registration(person, links, secret_key, user)
    log.info("teacher %s registered at school %s", user.id, school_id)


def _address_has_account(person: PersonDetails, links: AccountLinks) -> bool:
    owner = db.session.scalar(select(User).where(User.email == normalise_email(person.email)))
    if owner is None:
        return False
    # The same work as a real registration (argon2 dominates its time): no timing difference.
    hash_password(person.password)
    _tell_owner_of_attempt(owner, links)
    db.session.commit()
    log.info("registration attempted with the address of user %s", owner.id)
    return True


def _commit_registration(person: PersonDetails, links: AccountLinks, secret_key: str,
                         *objects) -> None:
    user = objects[-1]
    try:
        _commit_new_account(*objects)
    except AccountConflict as conflict:
        if conflict.field != "email" or not _address_has_account(person, links):
            raise
        return
    queue_confirmation(user, links, secret_key)
    db.session.commit()


def _tell_owner_of_attempt(owner: User, links: AccountLinks) -> None:
    body = (
        f"Bonjour {owner.first_name},\n\n"
        "Quelqu'un (peut-être vous) vient d'essayer de créer un compte Cap Industrie avec cette "
        "adresse e-mail. Vous avez déjà un compte : aucun autre n'a été créé.\n\n"
        f"Pour vous connecter : {links.login}\n"
        f"Mot de passe oublié ? Choisissez-en un nouveau ici : {links.reset}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre compte "
        "n'a pas changé."
    )
    queue_email(owner.email, "Cap Industrie — vous avez déjà un compte", body)


def confirmation_token(user: User, secret_key: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).dumps(
        {"uid": user.id, "email": user.email}
    )


def queue_confirmation(user: User, links: AccountLinks, secret_key: str) -> None:
    """The link that activates a self-registered account; the caller commits."""
    body = (
        f"Bonjour {user.first_name},\n\n"
        "Votre compte Cap Industrie est presque prêt. Pour confirmer votre adresse e-mail et "
        "l'activer, ouvrez ce lien :\n\n"
        f"{links.confirm(confirmation_token(user, secret_key))}\n\n"
        "Si vous n'avez pas demandé ce compte, ignorez ce message : il ne sera pas activé."
    )
    queue_email(user.email, "Cap Industrie — confirmez votre adresse e-mail", body)


def user_from_confirmation_token(token: str, secret_key: str, max_age: int) -> User | None:
    try:
        data = URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or user.email != data.get("email"):
        return None
    return user


def confirm_email(user: User) -> None:
    if user.awaiting_confirmation:
        user.awaiting_confirmation = False
        db.session.commit()
        log.info("e-mail address of user %s confirmed", user.id)


def create_staff(*, person: PersonDetails) -> User:
    user = _new_user(Role.STAFF, person)
    _commit_new_account(user)
    log.info("staff account %s created", user.id)
    return user


def _new_user(role: Role, person: PersonDetails, **links) -> User:
    return User(
        role=role,
        email=normalise_email(person.email),
        password_hash=hash_password(person.password),
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        **links,
    )


def _commit_new_account(*objects) -> None:
    db.session.add_all(objects)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        # Two registrations raced past the form's uniqueness checks: the constraint decides.
        text = str(error.orig).lower()
        if "siret" in text:
            raise AccountConflict("siret", DUPLICATE_SIRET) from None
        if "email" in text:
            raise AccountConflict("email", DUPLICATE_EMAIL) from None
        raise


# Schools -----------------------------------------------------------------------------------


def search_schools(query: str | None, limit: int = SCHOOL_RESULTS_LIMIT) -> list[School]:
    """Schools whose name, commune or postcode contain every word typed, open schools first."""
    words = search_key(query).split()
    if len("".join(words)) < SCHOOL_QUERY_MIN_LENGTH:
        return []
    # search_key keeps only letters, digits and spaces: no LIKE wildcard can slip in.
    conditions = [School.search_key.contains(word) for word in words]
    # Open schools first; then the words typed together ("bois le" in "bois le roi") first.
    statement = (
        select(School)
        .where(*conditions)
        .order_by(
            case((School.open.is_(True), 0), else_=1),
            case((School.search_key.contains(" ".join(words)), 0), else_=1),
            School.name,
            School.id,
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def school_label(school: School) -> str:
    label = f"{school.name} — {school.commune.name} ({school.ordinary_postcode})"
    return label if school.open else f"{label} — fermé"


# Login -------------------------------------------------------------------------------------


def find_login_user(identifier: str) -> User | None:
    """Pupils log in with a username, every other role with an e-mail address."""
    raw = (identifier or "").strip()
    lowered = raw.lower()
    if not raw:
        return None
    return db.session.scalar(
        select(User).where(or_(User.email == lowered, User.username.in_({raw, lowered})))
    )


def authenticate(identifier: str, password: str, *, address: str, now: datetime,
                 policy: ThrottlePolicy) -> User | None:
    """The user when the password is right and the account usable; None otherwise, for every
    reason alike (unknown, wrong password, deactivated), so that nothing is revealed. Raises
    LoginThrottled, before any password is checked, while this address must wait before trying
    this account again; unknown logins are throttled the same way."""
    user = find_login_user(identifier)
    # Keyed on the account when it exists, so spellings of one login share one counter.
    typed = (identifier or "").strip().lower()
    account = f"user:{user.id}" if user is not None else f"login:{typed}"
    key = throttle.throttle_key(policy, address, account)
    throttle.check(policy, key, now)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        throttle.record_failure(policy, key, now)
        return None
    if not verify_password(user.password_hash, password):
        failures = throttle.record_failure(policy, key, now)
        if policy.delay_after(failures):
            log.warning("user %s: %s failed logins in a row from one address", user.id, failures)
        return None
    if not user.active:
        log.info("login refused for inactive user %s", user.id)
        return None
    throttle.forget(key)
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


# Passwords ---------------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the user (their session id carries the version)."""
    user.password_hash = hash_password(password)
    user.session_version = user.session_version + 1
    end_all_sessions(user)
    user.must_change_password = False
    db.session.commit()
    log.info("password changed for user %s", user.id)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def _fingerprint(password_hash: str) -> str:
    # The token dies once the password changes (it was used, or the user remembered it).
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def reset_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"uid": user.id, "fp": _fingerprint(user.password_hash)})


def user_from_reset_token(token: str, secret_key: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused token was made for; None otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or data.get("fp") != _fingerprint(user.password_hash):
        return None
    return user


def request_password_reset(email: str, *, secret_key: str, max_age: int,
                           link_for: Callable[[str], str]) -> None:
    """Queue a reset link when an active account has this e-mail. For any other address the
    same work is done — a token signed, a message written to the outbox — and the message is
    dropped before the commit: the time taken does not tell whether the account exists."""
    user = db.session.scalar(
        select(User).where(User.email == normalise_email(email), User.active.is_(True))
    )
    target = user or _NOBODY
    minutes = max_age // 60
    body = (
        f"Bonjour {target.first_name},\n\n"
        "Une réinitialisation du mot de passe de votre compte Cap Industrie a été demandée.\n"
        "Pour choisir un nouveau mot de passe, ouvrez ce lien "
        f"(valable {plural(minutes, 'minute')}, une seule fois) :\n\n"
        f"{link_for(reset_token(target, secret_key))}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de "
        "passe actuel reste valable."
    )
    message = queue_email(
        target.email, "Cap Industrie — réinitialisation de votre mot de passe", body
    )
    db.session.flush()
    # One statement either way, which drops the row when no account matches: nothing is sent
    # to an address without an account, and both cases cost the same round trips.
    db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id == message.id, literal(user is None))
        .execution_options(synchronize_session=False)
    )
    if user is not None:
        # Logged before the commit: reading user.id after it would cost one more query.
        log.info("password reset link queued for user %s", user.id)
    db.session.commit()


@dataclass(frozen=True)
class _Nobody:
    """Stands in for a missing account: an unknown address costs the same work as a known one."""

    id: int = 0
    email: str = "personne@invalid.example"
    first_name: str = ""
    password_hash: str = _DUMMY_HASH


_NOBODY = _Nobody()
