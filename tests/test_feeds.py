"""Public feeds (RSS for a school's ENT, Atom of new offers) and JSON-LD on the offer page:
nearest first, cached with validators, and no personal data."""

import json
import re
import xml.etree.ElementTree as ET

from capindustrie.extensions import db
from capindustrie.geo.distance import distance_km
from capindustrie.models import OfferStatus
from capindustrie.security import CSP
from tests import factories as f
from tests.export_helpers import published_offer

PERSONAL = ("Sam Leroy", "tuteur@exemple.fr", "+33123456789", "33123456789")


def test_school_feed_lists_published_offers_nearest_first(app, client):
    school = f.school("0770002J")  # Collège Denecourt, Bois-le-Roi
    far = published_offer(title="Loin", commune_insee="77284")
    near = published_offer(title="Près", commune_insee="77037")
    middle = published_offer(title="Milieu", commune_insee="77288")
    published_offer(title="Brouillon", commune_insee="77037").status = OfferStatus.DRAFT
    published_offer(title="Seconde seulement", commune_insee="77037", levels=("2nde",))
    db.session.commit()

    response = client.get("/flux/etablissement/0770002J.rss")
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert "Collège Denecourt" in channel.findtext("title")
    items = channel.findall("item")
    titles = [item.findtext("title").split(" — ")[0] for item in items]
    expected = sorted(
        (
            o
            for o in (far, near, middle)
            if distance_km(school.latitude, school.longitude, o.latitude, o.longitude) <= 50
        ),
        key=lambda o: distance_km(school.latitude, school.longitude, o.latitude, o.longitude),
    )
    assert titles == [o.title for o in expected]
    assert titles[0] == "Près"
    link = items[0].findtext("link")
    assert link.endswith(f"/offres/{near.id}?etablissement=0770002J")
    assert "estimé" in items[0].findtext("description")
    body = response.get_data(as_text=True)
    for secret in PERSONAL:
        assert secret not in body


def test_school_feed_has_at_most_30_items(app, client):
    company = f.company()
    for n in range(32):
        published_offer(company, title=f"Offre {n:02d}", commune_insee="77037")
    items = ET.fromstring(client.get("/flux/etablissement/0770002J.rss").get_data()).findall(
        "channel/item"
    )
    assert len(items) == 30


def test_feeds_are_cached_with_validators(app, client):
    published_offer(commune_insee="77037")
    first = client.get("/flux/etablissement/0770002J.rss")
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=900" in first.headers["Cache-Control"]
    again = client.get(
        "/flux/etablissement/0770002J.rss", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""
    atom = client.get("/flux/offres.atom")
    assert (
        client.get("/flux/offres.atom", headers={"If-None-Match": atom.headers["ETag"]}).status_code
        == 304
    )


def test_a_new_offer_changes_the_etag(app, client):
    published_offer(commune_insee="77037")
    etag = client.get("/flux/etablissement/0770002J.rss").headers["ETag"]
    published_offer(title="Une autre", commune_insee="77037")
    response = client.get("/flux/etablissement/0770002J.rss", headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_unknown_or_malformed_school_is_404(app, client):
    assert client.get("/flux/etablissement/0779999Z.rss").status_code == 404
    assert client.get("/flux/etablissement/n%27importe.rss").status_code == 404


def test_atom_feed_of_new_offers_newest_first_without_personal_data(app, client):
    older = published_offer(title="Plus ancienne")
    newer = published_offer(title="Plus récente")
    newer.published_at = older.published_at.replace(year=older.published_at.year + 1)
    draft = published_offer(title="Pas publiée")
    draft.status = OfferStatus.SUBMITTED
    db.session.commit()
    response = client.get("/flux/offres.atom")
    assert response.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.get_data())
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert [t.split(" — ")[0] for t in titles] == ["Plus récente", "Plus ancienne"]
    body = response.get_data(as_text=True)
    for secret in PERSONAL:
        assert secret not in body


def test_public_offer_page_carries_job_posting_json_ld_allowed_by_the_csp(app, client):
    offer = published_offer(title="Découvrir le contrôle qualité", levels=("3e", "2nde"))
    offer.company.website = "https://usine.example.fr"
    db.session.commit()
    response = client.get(f"/offres/{offer.id}")
    html = response.get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "JobPosting" and data["@context"] == "https://schema.org"
    assert data["title"] == "Découvrir le contrôle qualité"
    assert data["employmentType"] == "INTERN"
    assert data["hiringOrganization"]["name"] == offer.company.name
    assert data["jobLocation"]["address"]["postalCode"] == offer.site_postcode
    assert data["totalJobOpenings"] == 7
    assert data["datePosted"] == offer.published_at.date().isoformat()
    assert data["validThrough"] == "2027-06-14"
    for secret in PERSONAL:
        assert secret not in blocks[0]
    # A data block is never executed: script-src 'self' (no inline script) still holds, and
    # the page has no other inline script.
    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/ld+json"']


def test_closed_offer_page_has_no_job_posting(app, client):
    offer = published_offer()
    offer.status = OfferStatus.CLOSED
    db.session.commit()
    html = client.get(f"/offres/{offer.id}").get_data(as_text=True)
    assert "application/ld+json" not in html
