"""Load the shipped reference data (EPCIs, communes, schools) idempotently.

Each row is inserted when new, updated when a value changed, and left alone otherwise, so a
second run changes nothing. The files and their sources are described in data/README.md.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Commune, Epci, School, SchoolType
from capindustrie.text import search_key

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"

Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def read_csv(name: str, data_dir: Path | None = None) -> list[dict[str, str]]:
    with open((data_dir or DATA_DIR) / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def epci_values(row: dict[str, str]) -> dict:
    return {
        "siren": row["epci_siren"],
        "name": row["nom"],
        "kind": row["type"],
        "population_77": int(row["population_communes_77"] or 0) or None,
    }


def commune_values(row: dict[str, str]) -> dict:
    return {
        "insee": row["code_insee"],
        "name": row["nom"],
        "postcodes": row["codes_postaux"],
        "search_key": search_key(row["nom"], row["codes_postaux"]),
        "latitude_center": float(row["latitude_centre"]),
        "longitude_center": float(row["longitude_centre"]),
        "latitude_townhall": float(row["latitude_mairie"]),
        "longitude_townhall": float(row["longitude_mairie"]),
        "population": int(row["population"]) if row["population"] else None,
        "epci_siren": row["epci_siren"],
    }


def school_values(row: dict[str, str], communes: dict[str, dict]) -> dict:
    if row["latitude"] and row["longitude"]:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        precision = row["precision_localisation"] or "source"
    else:
        # The source has no point (a school about to open): the town hall stands in.
        commune = communes[row["code_insee"]]
        lat, lon = commune["latitude_townhall"], commune["longitude_townhall"]
        precision = "mairie de la commune (coordonnées absentes de la source)"
    return {
        "uai": row["uai"],
        "name": row["nom"],
        "kind": SchoolType(row["type"]),
        "public": row["secteur"] == "public",
        "address": row["adresse"] or None,
        "postcode": row["code_postal"] or None,
        "commune_insee": row["code_insee"],
        "latitude": lat,
        "longitude": lon,
        "location_precision": precision[:60],
        "priority_education": row["education_prioritaire"] or None,
        "parent_uai": row["uai_etablissement_mere"] or None,
        "open": row["etat"] == "OUVERT",
        # The commune's postcodes too: suggestions show them instead of a CEDEX code.
        "search_key": search_key(row["nom"], row["commune"], row["code_postal"], row["uai"],
                                 communes[row["code_insee"]]["postcodes"]),
    }


def _upsert(model, key: str, rows: list[dict], report: LoadReport, progress: Progress | None):
    label = model.__tablename__
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    created = updated = unchanged = 0
    for index, values in enumerate(rows, start=1):
        obj = existing.get(values[key])
        if obj is None:
            db.session.add(model(**values))
            created += 1
        else:
            changes = {k: v for k, v in values.items() if getattr(obj, k) != v}
            for name, value in changes.items():
                setattr(obj, name, value)
            updated += bool(changes)
            unchanged += not changes
        if progress and (index % 100 == 0 or index == len(rows)):
            progress(label, index, len(rows))
    db.session.flush()
    report.created[label], report.updated[label], report.unchanged[label] = (
        created,
        updated,
        unchanged,
    )


def load_reference_data(
    data_dir: Path | None = None, progress: Progress | None = None
) -> LoadReport:
    report = LoadReport()
    communes = [commune_values(r) for r in read_csv("communes_77.csv", data_dir)]
    by_insee = {c["insee"]: c for c in communes}
    _upsert(
        Epci, "siren", [epci_values(r) for r in read_csv("epci_77.csv", data_dir)], report, progress
    )
    _upsert(Commune, "insee", communes, report, progress)
    schools = [school_values(r, by_insee) for r in read_csv("schools_77.csv", data_dir)]
    _upsert(School, "uai", schools, report, progress)
    db.session.commit()
    from capindustrie.refdata import cache

    cache.clear()
    return report
