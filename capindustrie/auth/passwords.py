"""Password hashing (argon2id) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 128
# Context words and the most common passwords are refused whatever their length.
FORBIDDEN_WORDS = ("capindustrie", "cap industrie", "seine-et-marne", "motdepasse", "password")
COMMON_PASSWORDS = {
    "123456789012", "azertyuiop", "azertyuiop1", "1234567890", "qwertyuiop", "motdepasse1",
    "password123", "soleil12345", "bonjour1234", "0123456789", "aaaaaaaaaa", "iloveyou12",
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


def password_problem(password: str, *context: str) -> str | None:
    """The French reason a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "Ce mot de passe est trop courant ou trop simple : choisissez-en un autre."
    words = [w for w in FORBIDDEN_WORDS] + [c.lower() for c in context if c and len(c) >= 4]
    if any(word in lowered for word in words):
        return "Le mot de passe ne doit pas contenir le nom du service, votre nom ou votre e-mail."
    return None
