"""Text helpers shared by every area."""

import threading
import unicodedata
from functools import lru_cache

import snowballstemmer


def search_key(*parts: str | None) -> str:
    """Lower-case, accent-free, single-spaced: PostgreSQL LIKE is case-sensitive and SQLite's
    lower() is ASCII-only, so searches compare this stored form."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in ascii_only.lower())
    return " ".join(cleaned.split())


# --- Search keywords: French stems ---------------------------------------------------------------
#
# A keyword word matches an offer when it occurs in the offer's `search_key` text as typed (a
# substring, so a word being typed in the live search already finds), or when its French stem
# (Snowball) is one of the text's stems: « médicaments » finds « médicament », « fabriqués »
# finds « fabrique » and « fabrication » (all three stem to « fabriqu »). The stored document is
# the search_key text followed by the stems that are not already one of its words, between
# spaces, so SQL matches a whole stem with LIKE '% stem %' on SQLite and PostgreSQL alike.
# Words are stemmed after search_key (lower case, no accents), on both sides, so a word typed
# with or without its accents gets the same stem. A stemmer upgrade that changes stems needs the
# stored documents recomputed (as migration 0003 did).

_stemmers = threading.local()  # Snowball stemmer objects keep state: one per thread


@lru_cache(maxsize=65_536)
def french_stem(word: str) -> str:
    """The Snowball French stem of one `search_key` word: « fabriques » → « fabriqu »."""
    stemmer = getattr(_stemmers, "french", None)
    if stemmer is None:
        stemmer = _stemmers.french = snowballstemmer.stemmer("french")
    return stemmer.stemWord(word)


def search_document(*parts: str | None) -> str:
    """What `Offer.search_text` stores: « ␣words␣extra-stems␣ »."""
    words = search_key(*parts).split()
    present = set(words)
    stems = []
    for word in words:
        stem = french_stem(word)
        if stem not in present:
            present.add(stem)
            stems.append(stem)
    return f" {' '.join(words + stems)} "


def keyword_terms(keyword: str | None) -> tuple[tuple[str, str], ...]:
    """Each word of a keyword with its stem; every word is required."""
    return tuple((word, french_stem(word)) for word in search_key(keyword).split())


def document_matches(document: str, terms: tuple[tuple[str, str], ...]) -> bool:
    """The keyword rule in Python (the SQL filter does the same with LIKE)."""
    return all(word in document or f" {stem} " in document for word, stem in terms)


# --- Elision and plurals --------------------------------------------------------------------------

# Articles and words that elide before a vowel or a silent h: « de Inès » → « d'Inès ».
ELIDING = {"de": "d'", "le": "l'", "la": "l'", "que": "qu'", "je": "j'", "ne": "n'", "se": "s'"}
VOWELS = set("aeiouæœ")  # after search_key: accents gone, ligatures kept
# A word starting with h elides only when its h is silent (« h muet »), which spelling does not
# tell. Supported: the given names and common nouns below, as prefixes of the accent-free,
# lower-case word (« heure » covers « heures », « henri » covers « Henriette »). Any other h is
# taken as aspirated (« de Haribo », « le hangar »): an unknown brand or surname keeps « de ».
SILENT_H = (
    # given names
    "hector", "helene", "heloise", "henri", "herve", "hippolyte", "hortense", "hubert", "hugo",
    "hyacinthe",
    # common nouns and adjectives of the app's wording
    "habil", "habit", "hebergement", "herbe", "heritage", "heure", "hiver", "histoire", "homme",
    "honneur", "hopital", "horaire", "horizon", "horticult", "hotel", "huile", "humain", "humid",
    "hydraul", "hydrog", "hygiene", "hypermarche",
)
# Vowel-initial words that keep the full article (« le onze », « de oui »).
NO_ELISION = ("onze", "onzieme", "oui", "ouate", "ouistiti")


def _plain(word: str) -> str:
    """First word, lower-case, accent-free (« Élodie » → « elodie »)."""
    parts = search_key(word).split()
    return parts[0] if parts else ""


def starts_with_vowel_sound(word: str) -> bool:
    """Whether « de », « le », « que »… elide before `word`."""
    stripped = word.lstrip()
    if not stripped or not stripped[0].isalpha():  # « de « Atelier » », « de 3e B »
        return False
    plain = _plain(stripped)
    if plain.startswith(NO_ELISION):
        return False
    if plain[0] == "y":
        # « Yves », « Yvelines »: a y before a consonant sounds like i; « Yanis », « yaourt »:
        # a y before a vowel is a consonant.
        return len(plain) > 1 and plain[1] not in VOWELS | {"y"}
    if plain[0] == "h":
        return plain.startswith(SILENT_H)
    return plain[0] in VOWELS


def elide(word: str | None, article: str = "de") -> str:
    """`article` followed by `word`, elided when French requires it: « d'Inès », « de Léa »,
    « l'Hôtel de ville », « qu'Yves », « de Yanis ». The article's capital is kept (« D'Inès »).
    """
    word = "" if word is None else str(word)
    elided = ELIDING.get(article.lower())
    if elided and starts_with_vowel_sound(word):
        if article[:1].isupper():
            elided = elided.capitalize()
        return f"{elided}{word}"
    return f"{article} {word}".rstrip()


def french_number(n: int | float) -> str:
    """`5 000` with the narrow no-break space of French typography; `2,5` with a comma."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,}".replace(",", "\u202f").replace(".", ",")
    return f"{int(n):,}".replace(",", "\u202f")


def french_size(size: int | None) -> str:
    """A file size as French readers write it: « 850 octets », « 3,4 Ko », « 12,5 Mo »."""
    size = size or 0
    if size < 1024:
        return plural(size, "octet")
    for unit in ("Ko", "Mo", "Go"):
        size /= 1024
        if size < 1024 or unit == "Go":
            break
    return f"{french_number(round(size, 1))}\u00a0{unit}"


def plural_word(count: int | float, singular: str, plural: str | None = None) -> str:
    """The noun agreeing with `count`. French uses the singular below 2 (« 0 candidature »,
    « 1,5 heure »); the default plural adds an s (nothing after s, x or z; an x after -eau,
    -au, -eu). Give `plural` for anything else, or for a phrase (« place libre »)."""
    if abs(count) < 2:
        return singular
    if plural is not None:
        return plural
    if singular.endswith(("s", "x", "z")):
        return singular
    if singular.endswith(("eau", "au", "eu")):
        return singular + "x"
    return singular + "s"


def plural(count: int | float, singular: str, plural: str | None = None) -> str:
    """« 0 candidature », « 1 place », « 2 candidatures », « 1 200 offres »."""
    return f"{french_number(count)} {plural_word(count, singular, plural)}"
