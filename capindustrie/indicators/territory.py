"""Tables by EPCI and by school, their sorting, and the public key figures.

Counts of pupils (pupils, applicants, placements) go through `masked_count`: 1 to 4 show as
« < 5 » on screen and in every download."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import distinct, func, select

from capindustrie.extensions import db
from capindustrie.indicators import coverage as coverage_mod
from capindustrie.indicators.filters import FilterError, Filters, school_year_of
from capindustrie.indicators.privacy import masked_count, masked_sort_key
from capindustrie.indicators.services import (
    applications_select,
    period_conditions,
    placements_select,
    school_conditions,
)
from capindustrie.models import (
    Application,
    Commune,
    Epci,
    Offer,
    Period,
    Placement,
    Pupil,
    School,
    SchoolClass,
)


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, French header)
    rows: list[dict]
    masked: frozenset = frozenset()
    sort: str | None = None
    descending: bool = False

    def cell(self, row: dict, key: str):
        value = row[key]
        return masked_count(value) if key in self.masked else value

    def display_rows(self) -> list[list]:
        return [[self.cell(row, key) for key, _ in self.columns] for row in self.rows]

    @property
    def headers(self) -> list[str]:
        return [label for _, label in self.columns]


PUPIL_COLUMNS = frozenset({"pupils", "applicants", "validated"})


def _pupil_side(f: Filters, group_column, join_commune: bool = True) -> dict[str, dict]:
    """Pupils, applicants and validated placements grouped by a school-side column."""
    pupils = db.session.execute(
        select(group_column, func.count(Pupil.id))
        .select_from(Pupil)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(School, School.id == SchoolClass.school_id)
        .join(Commune, Commune.insee == School.commune_insee)
        .where(*school_conditions(f))
        .group_by(group_column)
    ).all()
    applicants = db.session.execute(
        applications_select(f, group_column, func.count(distinct(Application.pupil_id)))
        .join(Commune, Commune.insee == School.commune_insee)
        .group_by(group_column)
    ).all()
    validated = db.session.execute(
        placements_select(f, group_column, func.count(Placement.id))
        .join(Commune, Commune.insee == School.commune_insee)
        .group_by(group_column)
    ).all()
    result: dict = {}
    for name, rows in (("pupils", pupils), ("applicants", applicants), ("validated", validated)):
        for key, value in rows:
            result.setdefault(key, {})[name] = value
    return result


def by_epci(f: Filters) -> Table:
    """One row per EPCI of the département (all 23, zeros included)."""
    f = replace(f, epci=None)
    offer_side = {
        siren: (offers, seats, companies)
        for siren, offers, seats, companies in db.session.execute(
            select(
                Commune.epci_siren,
                func.count(distinct(Offer.id)),
                func.coalesce(func.sum(Period.seats), 0),
                func.count(distinct(Offer.company_id)),
            )
            .select_from(Period)
            .join(Offer, Offer.id == Period.offer_id)
            .join(Commune, Commune.insee == Offer.site_commune_insee)
            .where(*period_conditions(f, with_epci=False))
            .group_by(Commune.epci_siren)
        )
    }
    pupil_side = _pupil_side(f, Commune.epci_siren)
    rows = []
    for epci in db.session.scalars(select(Epci).order_by(Epci.name)):
        offers, seats, companies = offer_side.get(epci.siren, (0, 0, 0))
        pupils = pupil_side.get(epci.siren, {})
        rows.append(
            {
                "siren": epci.siren,
                "name": epci.name,
                "companies": companies,
                "offers": offers,
                "seats": int(seats),
                "pupils": pupils.get("pupils", 0),
                "applicants": pupils.get("applicants", 0),
                "validated": pupils.get("validated", 0),
            }
        )
    return Table(
        "epci",
        "Par EPCI",
        [
            ("name", "EPCI"),
            ("siren", "SIREN"),
            ("companies", "Entreprises avec une offre"),
            ("offers", "Offres publiées"),
            ("seats", "Places offertes"),
            ("pupils", "Élèves avec un compte"),
            ("applicants", "Élèves ayant candidaté"),
            ("validated", "Stages validés"),
        ],
        rows,
        PUPIL_COLUMNS,
    )


def by_school(f: Filters, now: datetime) -> Table:
    """Every school with a class this year or an open seat within 10 km."""
    pupil_side = _pupil_side(f, School.id)
    with_class = set(
        db.session.scalars(
            select(SchoolClass.school_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(*school_conditions(f))
            .distinct()
        )
    )
    epci_name = db.session.scalar(select(Epci.name).where(Epci.siren == f.epci)) if f.epci else None
    rows = []
    for cov in coverage_mod.coverage(now.date()):
        if cov.school_id not in with_class and cov.seats_10km == 0:
            continue
        if epci_name is not None and cov.epci != epci_name:
            continue
        counts = pupil_side.get(cov.school_id, {})
        rows.append(
            {
                "uai": cov.uai,
                "name": cov.name,
                "commune": cov.commune,
                "epci": cov.epci,
                "priority": cov.priority or "",
                "pupils": counts.get("pupils", 0),
                "applicants": counts.get("applicants", 0),
                "validated": counts.get("validated", 0),
                "seats_10km": cov.seats_10km,
            }
        )
    rows.sort(key=lambda r: r["name"])
    return Table(
        "colleges",
        "Par établissement",
        [
            ("name", "Établissement"),
            ("uai", "UAI"),
            ("commune", "Commune"),
            ("epci", "EPCI"),
            ("priority", "Éducation prioritaire"),
            ("pupils", "Élèves avec un compte"),
            ("applicants", "Élèves ayant candidaté"),
            ("validated", "Stages validés"),
            ("seats_10km", "Places ouvertes à 10 km"),
        ],
        rows,
        PUPIL_COLUMNS,
    )


def sorted_table(table: Table, column: str | None, order: str | None) -> Table:
    """Sort by a column (masked counts sort together: their order reveals nothing)."""
    if not column:
        return table
    keys = {key for key, _ in table.columns}
    if column not in keys:
        raise FilterError("Ce tableau ne peut pas être trié par cette colonne.")
    if order not in (None, "", "asc", "desc"):
        raise FilterError("L'ordre de tri est « asc » ou « desc ».")
    descending = order == "desc"

    def key(row):
        value = row[column]
        if column in table.masked:
            return (0, masked_sort_key(value))
        return (0, value) if isinstance(value, int | float) else (1, str(value).lower())

    table.rows = sorted(table.rows, key=key, reverse=descending)
    table.sort, table.descending = column, descending
    return table


def public_figures(now: datetime) -> dict:
    """Key figures of the current school year: no personal data, small counts masked."""
    from capindustrie.indicators.services import compute

    f = Filters(school_year_of(now))
    values = compute(f, now)
    schools = coverage_mod.coverage(now.date())
    covered = sum(1 for s in schools if s.seats_10km > 0)
    return {
        "offers": values["offers"],
        "companies": values["companies_active"],
        "seats": values["seats"],
        "validated": masked_count(values["validated"]),
        "schools": len(schools),
        "covered": covered,
    }
