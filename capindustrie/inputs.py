"""Numbers typed in URLs, parsed in one place so that none reaches the database out of range.

Every id column is a 32-bit `integer` on PostgreSQL: a larger number in a query is a database
error (`integer out of range`), not an empty result. So every id read from a URL — a path
segment (`<int:…>`, through the converter below, which replaces Werkzeug's for the whole app) or a
query parameter (`parse_id`) — is bounded here, and every `?page=` goes through `page_number`.
"""

import builtins

from werkzeug.routing import IntegerConverter, Map

# The largest value of a PostgreSQL `integer` (and of every id column of the app).
DB_INT_MAX = 2**31 - 1
# Beyond this, a list page is certainly past the end; bounded so that OFFSET stays a bigint.
MAX_LIST_PAGE = 100_000
PAGE_INVALID = "Numéro de page invalide : il doit s'agir d'un nombre entier à partir de 1."


def digits_up_to(limit: int) -> str:
    """A regular expression matching the decimal numbers from 0 to `limit` (leading zeros
    allowed up to the limit's length), and nothing longer or larger."""
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for position, digit in enumerate(text):
        if digit != "0":
            below = f"[0-{int(digit) - 1}]" if digit != "1" else "0"
            options.append(text[:position] + below + f"[0-9]{{{len(text) - position - 1}}}")
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` for the whole app: a number above the id columns' range is a 404, as an
    unknown id is, instead of a database error. The bound is in the pattern itself, not only
    in the conversion: a path that no rule's pattern matches is a 404 for every method, whereas
    a number refused after matching let Werkzeug answer 405 when another method's rule (a
    confirmation page's GET beside its POST) had the same path."""

    regex = digits_up_to(DB_INT_MAX)

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        # Werkzeug's keyword names shadow the builtins `min` and `max` here.
        bounded = DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX)
        super().__init__(map, fixed_digits, min, bounded, signed)


def whole_number(raw: object) -> int | None:
    """A whole number written with ASCII digits only (no sign, no « ² », no spaces inside),
    or None. Longer than the id range's 10 digits is refused before `int()` reads it."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_id(raw: object) -> int | None:
    """An id from a form or a query string: 1…DB_INT_MAX, else None (the caller says « not
    found » or « unknown », in French)."""
    value = whole_number(raw)
    return value if value is not None and 1 <= value <= DB_INT_MAX else None


def page_problem(raw: object, max_page: int = MAX_LIST_PAGE) -> str | None:
    """Why `?page=` is refused (French), or None. Empty means the first page."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not text.strip("0"):
        return PAGE_INVALID
    # Compared as text first: int() of a 100,000-digit string is refused by Python itself.
    significant = text.lstrip("0")
    if len(significant) > len(str(max_page)) or int(significant) > max_page:
        return f"Numéro de page trop grand ({max_page} au plus)."
    return None


def page_number(raw: object, max_page: int = MAX_LIST_PAGE) -> int:
    """The `?page=` of every list: a whole number from 1 to `max_page`; anything else (not a
    number, 0, negative, huge) is the first page."""
    if raw is None or page_problem(raw, max_page):
        return 1
    return int(str(raw).strip().lstrip("0") or "1")
