"""The printable login slips of a class (one per pupil, to cut out), as a PDF.

WeasyPrint renders templates/classes/slips_pdf.html with the stylesheet slips_pdf.css beside it,
given to WeasyPrint directly: no template carries inline CSS (the site's CSP forbids it) and the
PDF links no static file. The page needs no outside resource, and the fetcher refuses any
(nothing in a pupil's name can make the server fetch a URL).
"""

from flask import render_template

from capindustrie.classes.services import Slip


def slips_pdf(slips: list[Slip], login_url: str) -> bytes:
    # Imported here: WeasyPrint takes a while to import and only this view needs it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    html = render_template("classes/slips_pdf.html", slips=slips, login_url=login_url)
    stylesheet = CSS(string=render_template("classes/slips_pdf.css"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
