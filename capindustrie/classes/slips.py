"""The printable login slips of a class (one per pupil, to cut out), as a PDF.

WeasyPrint renders templates/classes/slips_pdf.html, whose CSS is in its own <style> block: the
page's Content-Security-Policy does not apply to a PDF built on the server. The template needs
no outside resource, and the fetcher refuses any (nothing in a pupil's name can make the server
fetch a URL).
"""

from flask import render_template

from capindustrie.classes.services import Slip


def slips_pdf(slips: list[Slip], login_url: str) -> bytes:
    # Imported here: WeasyPrint takes a while to import and only this view needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_template("classes/slips_pdf.html", slips=slips, login_url=login_url)
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
