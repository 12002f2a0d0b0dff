"""Anything that goes into a header — an e-mail subject, a recipient, a display name, a download's
file name — is one line, built here and nowhere else.

Text typed by users (a company name, an offer title) reaches e-mail subjects and file names. The
forms refuse line breaks in single-line fields, but rows saved before that rule, or text from
another source, may still carry them: a line break in a header is either a header injection or,
with Python's e-mail package, an exception that stops the outbox run. So every header value goes
through `one_line`, and every download through `attachment`.
"""

import re
import unicodedata
from urllib.parse import quote

# Any run of whitespace, line breaks of every kind and control characters becomes one space.
_BREAKS_AND_CONTROLS = re.compile(r"[ \x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX_LENGTH = 250


def one_line(value: object, max_length: int | None = None) -> str:
    """`value` as a single line: line breaks, tabs and control characters become single spaces,
    the ends are trimmed, and the result is cut (with « … ») at `max_length`."""
    text = _BREAKS_AND_CONTROLS.sub(" ", str(value if value is not None else "")).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def email_subject(subject: object) -> str:
    return one_line(subject, SUBJECT_MAX_LENGTH)


def _ascii_fallback(filename: str) -> str:
    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_only = "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))
    # Quotes and backslashes would end or escape the quoted-string; path separators are dropped.
    cleaned = re.sub(r'["\\/]', "-", ascii_only)
    return cleaned.strip(" .") or "document"


def file_name(filename: object) -> str:
    """A file name as it may appear in a header: one line, at most 150 characters."""
    return one_line(filename, 150) or "document"


def attachment(filename: str, disposition: str = "attachment") -> str:
    """The Content-Disposition value of a download (`inline` to show it in the browser): one
    line, a plain ASCII `filename` for old clients and the exact UTF-8 name in `filename*`
    (RFC 6266)."""
    name = file_name(filename)
    fallback = _ascii_fallback(name)
    if fallback == name:
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def inline(filename: str) -> str:
    return attachment(filename, "inline")
