"""Password hashing (argon2id) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from capindustrie.voice import Wording

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 128
# Context words and the most common passwords are refused whatever their length.
FORBIDDEN_WORDS = ("capindustrie", "cap industrie", "seine-et-marne", "motdepasse", "password")
COMMON_PASSWORDS = {
    "123456789012",
    "azertyuiop",
    "azertyuiop1",
    "1234567890",
    "qwertyuiop",
    "motdepasse1",
    "password123",
    "soleil12345",
    "bonjour1234",
    "0123456789",
    "aaaaaaaaaa",
    "iloveyou12",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


TOO_COMMON = Wording(
    "Ce mot de passe est trop courant ou trop simple : choisis-en un autre.",
    "Ce mot de passe est trop courant ou trop simple : choisissez-en un autre.",
)
HAS_OWN_WORDS = Wording(
    "Le mot de passe ne doit pas contenir le nom du service, ton prénom, ton nom ni ton "
    "identifiant.",
    "Le mot de passe ne doit pas contenir le nom du service, votre nom ou votre e-mail.",
)
# The same rules, stated before typing (issue 17): the change-password page lists them.
RULES_HEADING = Wording("Ton mot de passe doit :", "Votre mot de passe doit :")
RULES = (
    Wording(
        f"contenir au moins {MIN_LENGTH} caractères (une phrase de plusieurs mots est plus sûre "
        "et plus facile à retenir, par exemple « le chat dort sur 3 coussins ») ;",
        f"contenir au moins {MIN_LENGTH} caractères (une phrase de plusieurs mots est plus sûre "
        "et plus facile à retenir, par exemple « le chat dort sur 3 coussins ») ;",
    ),
    Wording(
        "ne pas être un mot de passe courant (« 1234567890 », « azertyuiop »…) ;",
        "ne pas être un mot de passe courant (« 1234567890 », « azertyuiop »…) ;",
    ),
    Wording(
        "ne pas contenir ton prénom, ton nom, ton identifiant ni le nom du service.",
        "ne pas contenir votre prénom, votre nom, votre e-mail ni le nom du service.",
    ),
)


def password_problem(password: str, *context: str, tu: bool = False) -> str | None:
    """The French reason a password is refused, or None when it is acceptable; `tu`: the
    reader is a pupil (« choisis-en un autre »)."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return TOO_COMMON.pick(tu)
    words = [w for w in FORBIDDEN_WORDS] + [c.lower() for c in context if c and len(c) >= 4]
    if any(word in lowered for word in words):
        return HAS_OWN_WORDS.pick(tu)
    return None
