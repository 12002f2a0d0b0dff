"""Reading a class roster from a CSV file: pure functions, no Flask, no database.

What teachers export from their school software or type in a spreadsheet: columns « nom »,
« prénom » and optionally « date de naissance », in any case and with or without accents; UTF-8
(with or without BOM) or Windows-1252 (Excel's « CSV » on Windows); comma or semicolon (Excel
in French writes semicolons). Dates as JJ/MM/AAAA or AAAA-MM-JJ.

A roster is checked whole: one problem with the file (unreadable, a missing column, too many
lines) stops everything; otherwise every line carries its own errors, and the import saves
nothing unless no line has any.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from capindustrie.text import plural_word, search_key

MAX_ROWS = 200
NAME_MAX_LENGTH = 100
MIN_AGE = 10
MAX_AGE = 20

UNREADABLE = "Le fichier n'est pas un fichier CSV lisible (UTF-8 ou Windows-1252)."
EMPTY = (
    "Le fichier ne contient aucun élève : une ligne d'en-tête (nom ; prénom) puis un élève par "
    "ligne."
)
COLUMNS_HELP = "Colonnes attendues : nom, prénom et, si vous le souhaitez, date de naissance."
DATE_FORMAT_HELP = "écrivez-la JJ/MM/AAAA (par exemple 14/03/2012) ou AAAA-MM-JJ"

# Normalised header (see `search_key`) -> column.
HEADERS = {
    "nom": "last_name",
    "nom de famille": "last_name",
    "prenom": "first_name",
    "date de naissance": "birth_date",
    "date naissance": "birth_date",
    "naissance": "birth_date",
}
REQUIRED_COLUMNS = {"last_name": "nom", "first_name": "prénom"}
# Tab, newline and carriage return are text; any other control character means a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class RosterFileError(Exception):
    """The file as a whole is refused; the message is French, for the teacher."""


@dataclass
class RosterRow:
    line: int
    last_name: str
    first_name: str
    birth_date: date | None
    raw_birth_date: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.last_name, self.first_name)


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    error: str | None = None
    has_birth_dates: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)


# --- Names and dates (shared with the one-pupil form) -----------------------------------------


def clean_name(value: str | None) -> str:
    return " ".join((value or "").split())


def name_key(last_name: str, first_name: str) -> tuple[str, str]:
    """Two spellings of the same pupil compare equal: « DURAND Léa » and « Durand Lea »."""
    return search_key(last_name), search_key(first_name)


def name_problem(value: str, what: str) -> str | None:
    if not value:
        return f"{what.capitalize()} manquant."
    if len(value) > NAME_MAX_LENGTH:
        return f"{what.capitalize()} trop long ({NAME_MAX_LENGTH} caractères au maximum)."
    if not any(c.isalpha() for c in value):
        return f"{what.capitalize()} sans aucune lettre : « {value} »."
    return None


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def birth_date_problem(birth_date: date, today: date) -> str | None:
    """Only plausible birth dates for a collégien or lycéen (a typo in the year is common)."""
    if birth_date > today:
        return "Date de naissance dans le futur."
    age = age_on(birth_date, today)
    if age < MIN_AGE:
        return (
            f"Date de naissance improbable : l'élève aurait {age} ans "
            f"(moins de {MIN_AGE} ans)."
        )
    if age > MAX_AGE:
        return (
            f"Date de naissance improbable : l'élève aurait {age} ans (plus de {MAX_AGE} ans)."
        )
    return None


def parse_birth_date(raw: str) -> date:
    """JJ/MM/AAAA (also J/M/AAAA) or AAAA-MM-JJ; ValueError otherwise."""
    text = raw.strip()
    if match := _FRENCH_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return date(year, month, day)


def french_count(n: int) -> str:
    """`5 000` with the narrow no-break space of French typography."""
    return f"{n:,}".replace(",", "\u202f")


# --- The file ---------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252. A NUL byte
    or another control character means a binary file (a picture, a spreadsheet, UTF-16)."""
    if b"\x00" in data:
        raise RosterFileError(UNREADABLE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # 5 bytes have no character in Windows-1252
            raise RosterFileError(UNREADABLE) from None
    if _CONTROL.search(text):
        raise RosterFileError(UNREADABLE)
    return text


def delimiter_of(header_line: str) -> str:
    """The separator used the most in the header line: `;`, `,` or a tab."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = HEADERS.get(search_key(cell))
        if column and column not in columns:
            columns[column] = index
    missing = [label for column, label in REQUIRED_COLUMNS.items() if column not in columns]
    if missing:
        named = " et ".join(f"« {label} »" for label in missing)
        heading = plural_word(len(missing), "Colonne manquante", "Colonnes manquantes")
        raise RosterFileError(f"{heading} : {named}. {COLUMNS_HELP}")
    return columns


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every line that is not blank; line 1 is the header."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(first_line))
    records = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((reader.line_num, cells))
    except csv.Error:
        raise RosterFileError(UNREADABLE) from None
    return records


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _row(line: int, cells: list[str], columns: dict[str, int], today: date) -> RosterRow:
    last_name = clean_name(_cell(cells, columns["last_name"]))
    first_name = clean_name(_cell(cells, columns["first_name"]))
    raw_date = _cell(cells, columns.get("birth_date")).strip()
    row = RosterRow(line, last_name, first_name, None, raw_date)
    for value, what in ((last_name, "nom"), (first_name, "prénom")):
        if problem := name_problem(value, what):
            row.errors.append(problem)
    if raw_date:
        try:
            row.birth_date = parse_birth_date(raw_date)
        except ValueError:
            row.errors.append(f"Date de naissance « {raw_date} » illisible : {DATE_FORMAT_HELP}.")
        else:
            if problem := birth_date_problem(row.birth_date, today):
                row.errors.append(problem)
    return row


def _mark_duplicates(rows: list[RosterRow], existing: set[tuple[str, str]]) -> None:
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.last_name or not row.first_name:
            continue
        key = row.key
        if key in existing:
            row.errors.append(f"{row.first_name} {row.last_name} est déjà dans la classe.")
        elif key in first_seen:
            row.errors.append(f"Élève en double : déjà à la ligne {first_seen[key]}.")
        else:
            first_seen[key] = row.line


def parse_roster(data: bytes, today: date,
                 existing: Iterable[tuple[str, str]] = ()) -> Roster:
    """Read and check a roster; `existing` holds the `name_key`s of the class's pupils."""
    try:
        records = _records(decode(data))
        if not records:
            raise RosterFileError(EMPTY)
        (_, header), body = records[0], records[1:]
        columns = _columns(header)
        if not body:
            raise RosterFileError(EMPTY)
        if len(body) > MAX_ROWS:
            raise RosterFileError(
                f"{french_count(len(body))} lignes : un fichier de classe en compte au plus "
                f"{MAX_ROWS}."
            )
    except RosterFileError as problem:
        return Roster(error=str(problem))
    rows = [_row(line, cells, columns, today) for line, cells in body]
    _mark_duplicates(rows, set(existing))
    return Roster(rows=rows, has_birth_dates="birth_date" in columns)
