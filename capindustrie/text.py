"""Text helpers shared by every area."""

import unicodedata


def search_key(*parts: str | None) -> str:
    """Lower-case, accent-free, single-spaced: PostgreSQL LIKE is case-sensitive and SQLite's
    lower() is ASCII-only, so searches compare this stored form."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in ascii_only.lower())
    return " ".join(cleaned.split())
