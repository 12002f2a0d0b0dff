"""Import of headcounts per school (CSV with UAI) and the « part des élèves touchés ».

The file: UTF-8 (with or without BOM), « ; » or « , », a header line with `uai`, `effectif_3e`
and `effectif_2nde` (either count may be empty). Every line is checked before anything is saved:
one bad line (unknown UAI, a number that is not a whole number from 0 to 2,000, a UAI twice)
and the whole file is refused with the list of problems, in French. A valid file replaces the
year's headcounts of the schools it names.
"""

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from capindustrie.extensions import db
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.services import school_conditions, school_only_conditions
from capindustrie.models import Level, Pupil, School, SchoolClass, SchoolHeadcount
from capindustrie.models.indicators import MAX_HEADCOUNT

MAX_BYTES = 200_000
MAX_PROBLEMS = 10
COLUMNS = {"effectif_3e": Level.TROISIEME, "effectif_2nde": Level.SECONDE}


@dataclass
class HeadcountImport:
    rows: list[tuple[int, Level, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse(content: bytes) -> HeadcountImport:
    result = HeadcountImport()
    if len(content) > MAX_BYTES:
        result.problems.append("Le fichier dépasse 200 Ko : un établissement par ligne suffit.")
        return result
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(
            "Le fichier n'est pas en UTF-8. Dans le tableur, enregistrez-le au format "
            "« CSV UTF-8 »."
        )
        return result
    if "\x00" in text:
        result.problems.append("Le fichier contient des caractères invalides.")
        return result
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "uai" not in header or not set(COLUMNS) & set(header):
        result.problems.append(
            "La première ligne doit nommer les colonnes « uai », « effectif_3e » et/ou "
            "« effectif_2nde »."
        )
        return result
    reader.fieldnames = header
    schools = dict(db.session.execute(select(School.uai, School.id)).all())
    seen = set()
    for number, line in enumerate(reader, start=2):
        uai = (line.get("uai") or "").strip().upper()
        if uai not in schools:
            result.problems.append(
                f"Ligne {number} : l'UAI « {uai[:12]} » n'est pas un "
                "établissement de Seine-et-Marne."
            )
        elif uai in seen:
            result.problems.append(f"Ligne {number} : l'UAI {uai} figure deux fois.")
        else:
            seen.add(uai)
            for column, level in COLUMNS.items():
                raw = (line.get(column) or "").strip()
                if not raw:
                    continue
                if not raw.isdigit() or int(raw) > MAX_HEADCOUNT:
                    result.problems.append(
                        f"Ligne {number} : « {raw[:12]} » n'est pas un effectif de {level.value} "
                        f"(un nombre entier de 0 à {MAX_HEADCOUNT:,})".replace(",", " ")
                        + "."
                    )
                    continue
                result.rows.append((schools[uai], level, int(raw)))
        if len(result.problems) >= MAX_PROBLEMS:
            result.problems.append("Trop d'erreurs : corrigez celles-ci puis réessayez.")
            break
    if not result.problems and not result.rows:
        result.problems.append("Le fichier ne contient aucun effectif.")
    return result


def save(year: int, parsed: HeadcountImport) -> int:
    """Replace the year's headcounts of the schools named (all or nothing)."""
    if parsed.problems:
        raise ValueError("refused import")
    school_ids = {school_id for school_id, _, _ in parsed.rows}
    db.session.execute(
        delete(SchoolHeadcount).where(
            SchoolHeadcount.school_year == year, SchoolHeadcount.school_id.in_(school_ids)
        )
    )
    db.session.add_all(
        SchoolHeadcount(school_id=s, school_year=year, level=lvl, pupils=n)
        for s, lvl, n in parsed.rows
    )
    db.session.commit()
    return len(parsed.rows)


def reached_share(f: Filters) -> float | None:
    """Pupils with an account / enrolled pupils, over the schools of the filters that have a
    headcount for the year; None (not shown) without headcounts."""
    conditions = school_only_conditions(f)
    statement = (
        select(func.sum(SchoolHeadcount.pupils), func.count(SchoolHeadcount.id))
        .join(School, School.id == SchoolHeadcount.school_id)
        .where(SchoolHeadcount.school_year == f.year, *conditions)
    )
    if f.level is not None:
        statement = statement.where(SchoolHeadcount.level == f.level)
    total, rows = db.session.execute(statement).one()
    if not rows or not total:
        return None
    with_headcount = select(SchoolHeadcount.school_id).where(SchoolHeadcount.school_year == f.year)
    reached = db.session.scalar(
        select(func.count(Pupil.id))
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .where(*school_conditions(f), School.id.in_(with_headcount))
    )
    return (reached or 0) / total
