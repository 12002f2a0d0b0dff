"""Issue 17 point 11: the home page shows a count only where it flatters the service (a count
of 0 or a handful makes it look empty), and presents the service in four steps and its
filières."""

import html

from capindustrie.extensions import db
from capindustrie.main.routes import flattering
from capindustrie.models import FILIERE_LABELS, OfferStatus
from tests import factories as f


def counts_block(client) -> str:
    page = html.unescape(client.get("/").get_data(as_text=True))
    return page.split('<ul class="key-counts"')[1].split("</ul>")[0] if "key-counts" in page else ""


def publish(n: int, companies: int) -> None:
    owners = [f.company(f"Usine {i}") for i in range(companies)]
    for i in range(n):
        f.complete_offer(owners[i % companies], status=OfferStatus.PUBLISHED, title=f"Stage {i}")
    db.session.commit()


def test_flattering_drops_zero_and_small_counts():
    assert flattering({"offers": 0, "companies": 3, "schools": 263}, 10) == {"schools": 263}
    assert flattering({"offers": 10, "companies": 9}, 10) == {"offers": 10}


def test_home_hides_offer_and_company_counts_while_they_are_small(client):
    publish(3, companies=2)
    block = counts_block(client)
    assert "collèges et lycées de Seine-et-Marne" in block  # the reference schools: many
    assert "offre" not in block and "entreprise" not in block


def test_home_shows_the_counts_once_they_flatter(make_app):
    app = make_app(HOME_COUNT_MINIMUM=3)
    with app.app_context():
        publish(4, companies=3)
    block = counts_block(app.test_client())
    assert "<strong>4</strong> offres de stage publiées" in block
    assert "<strong>3</strong> entreprises industrielles engagées" in block


def test_a_draft_offer_is_not_counted(make_app):
    app = make_app(HOME_COUNT_MINIMUM=1)
    with app.app_context():
        f.complete_offer(status=OfferStatus.DRAFT)
        db.session.commit()
    assert "offre" not in counts_block(app.test_client())


def test_home_explains_how_it_works_and_lists_every_filiere(client):
    page = html.unescape(client.get("/").get_data(as_text=True))
    steps = page.split('<ol class="how-steps">')[1].split("</ol>")[0]
    assert steps.count('<li class="how-step">') == 4
    filieres = page.split('<ul class="filiere-list">')[1].split("</ul>")[0]
    for label in FILIERE_LABELS.values():
        assert f"<span>{label}</span>" in filieres
    assert filieres.count('aria-hidden="true"') == len(FILIERE_LABELS)


def test_header_shows_the_configured_departement_logo(make_app):
    client = make_app(
        DEPARTEMENT_LOGO="img/autre-logo.svg", DEPARTEMENT_LOGO_ALT="Département de Test"
    ).test_client()
    page = client.get("/").get_data(as_text=True)
    assert 'src="/static/img/autre-logo.svg" alt="Département de Test"' in page
    assert 'alt="Cap Industrie, accueil"' in page


def test_font_wordmark_and_axe_are_vendored_with_their_licences(client):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    fonts = root / "static" / "fonts" / "source-sans-3"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text()
    css = (root / "static" / "css" / "identity.css").read_text()
    for weight in ("400-normal", "400-italic", "600-normal", "700-normal"):
        name = f"source-sans-3-latin-{weight}.woff2"
        assert (fonts / name).read_bytes()[:4] == b"wOF2"
        assert f"../fonts/source-sans-3/{name}" in css
    for image in ("cap-industrie-wordmark.svg", "cap-industrie-wordmark-light.svg"):
        assert "<title>Cap Industrie</title>" in (root / "static" / "img" / image).read_text()
    # axe-core is for the browser tests only: vendored beside them, never served by the app.
    vendor = root / "tests" / "e2e" / "vendor"
    assert 'axe.version="4.10.3"' in (vendor / "axe.min.js").read_text()
    assert "Mozilla Public License" in (vendor / "axe-core-LICENSE.txt").read_text()
    missing = client.get("/static/vendor/axe.min.js")
    assert missing.status_code == 404
    missing.close()
