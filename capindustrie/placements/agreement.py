"""The convention (« Convention relative à l'organisation de la séquence d'observation en milieu
professionnel ») as a PDF, printed by WeasyPrint from a **frozen version** (conventions/): the
template lays out the stored content and never reads the live offer, company or school, so
every download of a version gives the same bytes.

The page rules (A4, margins, page numbers) live in agreement_pdf.css beside the template: the
project keeps every <style> out of its HTML templates (strict CSP, checked by a test), and
WeasyPrint takes the stylesheet separately just as well.
"""

from flask import render_template
from weasyprint import CSS, HTML

from capindustrie.conventions.services import stored_content
from capindustrie.models import SIGNATURE_PARTY_LABELS, AgreementVersion, SignatureMethod

METHOD_LABELS = {
    SignatureMethod.CODE: "en ligne, code à usage unique envoyé par e-mail",
    SignatureMethod.ACCOUNT: "en ligne, depuis son compte élève",
    SignatureMethod.PAPER: "sur papier, scan enregistré par le professeur référent",
}


def filename(version: AgreementVersion, content: dict) -> str:
    suffix = f"-avenant-{version.number - 1}" if version.number > 1 else ""
    return f"convention-{content['number']}{suffix}.pdf"


def render_html(version: AgreementVersion, content: dict | None = None) -> str:
    """The signature page lists the signatures recorded so far, in the order they came."""
    from capindustrie.conventions.signatures import signatures_of

    content = content or stored_content(version)
    signed = sorted(signatures_of(version).values(), key=lambda s: (s.signed_at, s.id))
    return render_template(
        "placements/agreement_pdf.html",
        c=content,
        content_hash=version.content_hash,
        signatures=signed,
        party_labels=SIGNATURE_PARTY_LABELS,
        method_labels=METHOD_LABELS,
    )


def render_pdf(version: AgreementVersion) -> bytes:
    content = stored_content(version)
    stylesheet = CSS(
        string=render_template(
            "placements/agreement_pdf.css", c=content, content_hash=version.content_hash
        )
    )
    return HTML(string=render_html(version, content)).write_pdf(stylesheets=[stylesheet])
