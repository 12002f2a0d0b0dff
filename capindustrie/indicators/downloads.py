"""Downloads: each table as CSV (UTF-8 with BOM, « ; », as French spreadsheets expect) and the
whole dashboard as an .xlsx workbook, one sheet per table (openpyxl)."""

import csv
import io
from datetime import datetime

from flask import Response
from openpyxl import Workbook

from capindustrie.indicators import coverage, services, territory
from capindustrie.indicators.filters import Filters, year_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _format(value, kind: str):
    if value is None:
        return ""
    if kind == "rate":
        return round(value * 100, 1)
    if kind in ("days", "km", "minutes", "score"):
        return round(value, 1)
    return value


UNITS = {"rate": " (%)", "days": " (jours)", "km": " (km)", "minutes": " (min)", "score": ""}


def dashboard_table(f: Filters, now: datetime) -> tuple[list[str], list[list]]:
    board = services.dashboard(f, now)
    headers = ["Indicateur", year_label(f.year)]
    if board.previous is not None:
        headers.append(year_label(f.year - 1))
    body = []
    for spec in services.FIGURES:
        row = [spec.label + UNITS.get(spec.kind, ""), _format(board.values[spec.key], spec.kind)]
        if board.previous is not None:
            row.append(_format(board.previous[spec.key], spec.kind))
        body.append(row)
    return headers, body


def epci_table(f: Filters, now: datetime):
    table = territory.by_epci(f)
    return table.headers, table.display_rows()


def school_table(f: Filters, now: datetime):
    table = territory.by_school(f, now)
    return table.headers, table.display_rows()


def coverage_rows(f: Filters, now: datetime):
    return coverage.coverage_table(coverage.coverage(now.date()))


TABLES = {
    "tableau-de-bord": dashboard_table,
    "epci": epci_table,
    "colleges": school_table,
    "couverture": coverage_rows,
}
SHEET_TITLES = {
    "tableau-de-bord": "Tableau de bord",
    "epci": "Par EPCI",
    "colleges": "Par établissement",
    "couverture": "Couverture",
}


def feedback_rows(f: Filters, now: datetime):
    from capindustrie.indicators import feedback

    return feedback.table(f, now)


# Issue 13, point 4: the feedback after the internship, its own sheet and CSV (avis.csv).
TABLES["avis"] = feedback_rows
SHEET_TITLES["avis"] = "Avis après le stage"


def csv_bytes(headers: list[str], body: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(body)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(name: str, table: tuple[list[str], list[list]]) -> Response:
    return Response(
        csv_bytes(*table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def xlsx_bytes(f: Filters, now: datetime) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, build in TABLES.items():
        headers, body = build(f, now)
        sheet = workbook.create_sheet(SHEET_TITLES[name])
        sheet.append(headers)
        for row in body:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(f: Filters, now: datetime) -> Response:
    return Response(
        xlsx_bytes(f, now),
        mimetype=XLSX_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="indicateurs-{year_label(f.year)}.xlsx"'
        },
    )
