"""The staff offer list as a CSV file for French spreadsheets: UTF-8 with a BOM (Excel reads
the accents), « ; » between cells, French headers, the same filters as the list on screen."""

import csv
import io

from capindustrie.extensions import db
from capindustrie.models import Offer
from capindustrie.moderation import services
from capindustrie.offers.lifecycle import STATUS_LABELS

CSV_HEADERS = [
    "N° d'offre",
    "Offre",
    "Entreprise",
    "SIRET",
    "Filière",
    "Commune",
    "EPCI",
    "Statut",
    "Places",
    "Places attribuées",
    "Candidatures",
]


# A cell starting with one of these is a formula to a spreadsheet: a title such as
# « =HYPERLINK(…) » would run when staff open the file. A leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str | int:
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_row(offer: Offer, counts: services.OfferCounts) -> list:
    commune = offer.site_commune
    return [
        _csv_cell(v)
        for v in (
            offer.id,
            offer.title,
            offer.company.name,
            offer.company.siret,
            offer.filiere_label,
            commune.name if commune else "",
            commune.epci.name if commune and commune.epci else "",
            STATUS_LABELS[offer.status],
            counts.seats,
            counts.seats_taken,
            counts.applications,
        )
    ]


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def offers_csv(filters: services.OfferFilters) -> bytes:
    """Every offer the filters select (all pages), with its seats and applications."""
    offers = list(db.session.scalars(services.offers_select(filters)))
    counts = services.offer_counts([offer.id for offer in offers])
    return csv_bytes(CSV_HEADERS, [csv_row(offer, counts[offer.id]) for offer in offers])
