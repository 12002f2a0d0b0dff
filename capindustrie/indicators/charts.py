"""Charts as server-rendered SVG bar charts, each with its numbers beside the bars (and the
same numbers in a table for screen readers): monthly applications and placements, placements
by filière and by EPCI. Their counts come from the dashboard's one pass over the applications
(services.application_pass), shared with the figures within a request."""

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.indicators.filters import Filters
from capindustrie.indicators.services import application_pass
from capindustrie.models import FILIERE_LABELS, Epci

MONTHS = (
    "sept.",
    "oct.",
    "nov.",
    "déc.",
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
)
BAR_COLOURS = ("#4575b4", "#d73027")


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]  # (name, one value per label)
    svg: str = ""


def _months(f: Filters) -> list[str]:
    keys = []
    for i in range(12):
        month = (9 + i - 1) % 12 + 1
        year = f.year if month >= 9 else f.year + 1
        keys.append(date(year, month, 1).strftime("%Y-%m"))
    return keys


def monthly_chart(f: Filters) -> Chart:
    passed = application_pass(f)
    keys = _months(f)
    labels = [f"{MONTHS[i]} {key[:4]}" for i, key in enumerate(keys)]
    chart = Chart(
        "Candidatures et stages validés par mois",
        labels,
        [
            ("Candidatures", [passed.applications_by_month.get(k, 0) for k in keys]),
            ("Stages validés", [passed.placements_by_month.get(k, 0) for k in keys]),
        ],
    )
    chart.svg = bar_svg(chart)
    return chart


def filiere_chart(f: Filters) -> Chart:
    counts = application_pass(f).placements_by_filiere
    chart = Chart(
        "Stages validés par filière",
        [label for label in FILIERE_LABELS.values()],
        [("Stages validés", [counts.get(key, 0) for key in FILIERE_LABELS])],
    )
    chart.svg = bar_svg(chart)
    return chart


def epci_chart(f: Filters) -> Chart:
    counts = application_pass(f).placements_by_epci
    epcis = db.session.execute(select(Epci.siren, Epci.name).order_by(Epci.name)).all()
    chart = Chart(
        "Stages validés par EPCI de l'établissement",
        [name for _, name in epcis],
        [("Stages validés", [counts.get(siren, 0) for siren, _ in epcis])],
    )
    chart.svg = bar_svg(chart)
    return chart


def bar_svg(chart: Chart, width: int = 640) -> str:
    """Horizontal bars, one group per label, the value written after each bar."""
    label_width, value_width, bar_height, gap = 230, 48, 12, 6
    group_height = bar_height * len(chart.series) + gap
    height = group_height * len(chart.labels) + 28
    peak = max([max(values) for _, values in chart.series] + [1])
    scale = (width - label_width - value_width) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(chart.title)} (valeurs dans le tableau '
        f'qui suit)">',
        '<g font-size="11" font-family="sans-serif">',
    ]
    for i, label in enumerate(chart.labels):
        top = i * group_height
        parts.append(
            f'<text x="{label_width - 6}" y="{top + bar_height}" '
            f'text-anchor="end">{escape(label[:34])}</text>'
        )
        for j, (_, values) in enumerate(chart.series):
            y = top + j * bar_height
            w = round(values[i] * scale, 1)
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{w}" height="{bar_height - 2}" '
                f'fill="{BAR_COLOURS[j % 2]}"/>'
            )
            parts.append(
                f'<text x="{label_width + w + 4}" y="{y + bar_height - 3}">{values[i]}</text>'
            )
    legend_y = height - 10
    for j, (name, _) in enumerate(chart.series):
        x = label_width + j * 160
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{BAR_COLOURS[j % 2]}"/>'
        )
        parts.append(f'<text x="{x + 14}" y="{legend_y}">{escape(name)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
