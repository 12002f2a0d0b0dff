"""The convention (« Convention relative à l'organisation de la séquence d'observation en milieu
professionnel ») as a PDF: a Jinja template rendered to HTML, then printed by WeasyPrint.

The page rules (A4, margins, page numbers) live in agreement_pdf.css beside the template: the
project keeps every <style> out of its HTML templates (strict CSP, checked by a test), and
WeasyPrint takes the stylesheet separately just as well.
"""

from flask import render_template
from weasyprint import CSS, HTML

from capindustrie.models import Level, Placement
from capindustrie.offers.program_templates import OBSERVATION_COMMITMENT
from capindustrie.offers.rules import display_phone
from capindustrie.placements.services import agreement_data, format_siret

# The texts that organise the sequence, by level.
LEGAL_BASIS = {
    Level.TROISIEME: (
        "Code de l'éducation, article D. 332-14 ; circulaire du 12 juillet 2024 relative à la "
        "séquence d'observation en milieu professionnel des élèves de 3e"
    ),
    Level.SECONDE: (
        "Code de l'éducation, article D. 333-3-1 ; circulaire du 28 mars 2024 relative aux "
        "séquences d'observation en milieu professionnel des élèves de seconde générale et "
        "technologique"
    ),
}


def filename(placement: Placement) -> str:
    return f"convention-{placement.id}.pdf"


def render_html(placement: Placement) -> str:
    data = agreement_data(placement)
    return render_template(
        "placements/agreement_pdf.html",
        data=data,
        siret=format_siret(data.company.siret),
        tutor_phone=display_phone(data.offer.tutor_phone),
        legal_basis=LEGAL_BASIS[data.period.level],
        observation_commitment=OBSERVATION_COMMITMENT,
    )


def render_pdf(placement: Placement) -> bytes:
    stylesheet = CSS(string=render_template("placements/agreement_pdf.css", placement=placement))
    return HTML(string=render_html(placement)).write_pdf(stylesheets=[stylesheet])
