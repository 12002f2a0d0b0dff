"""School suggestions show the commune's ordinary postcode, never a CEDEX code from the
ministry's address (« Melun (77011) » is a mail-sorting code families do not know)."""

import html

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import School

HX = {"HX-Request": "true"}


def amyot() -> School:
    # Collège Jacques Amyot, Melun: the ministry's address says « 77011 MELUN CEDEX ».
    return db.session.scalar(select(School).where(School.uai == "0771762X"))


def test_the_reference_data_has_cedex_postcodes_and_the_commune_its_own(app):
    school = amyot()
    assert school.postcode == "77011" and school.commune.postcodes == "77000"
    assert school.ordinary_postcode == "77000"


def test_a_school_with_an_ordinary_postcode_keeps_it(app):
    ordinary = db.session.scalars(select(School)).all()
    kept = [s for s in ordinary if s.postcode in s.commune.postcodes.split()]
    assert kept and all(s.ordinary_postcode == s.postcode for s in kept)
    # No school of the shipped data shows a postcode that is not its commune's.
    assert all(s.ordinary_postcode in s.commune.postcodes.split() for s in ordinary)


def test_public_suggestions_show_the_commune_postcode(client):
    fragment = html.unescape(
        client.get("/offres/etablissements?ecole=amyot", headers=HX).get_data(as_text=True)
    )
    assert "Collège Jacques Amyot — Melun (77000)" in fragment
    assert "77011" not in fragment


def test_teacher_registration_suggestions_show_the_commune_postcode(client):
    fragment = html.unescape(
        client.get("/inscription/etablissements?q=amyot", headers=HX).get_data(as_text=True)
    )
    assert "Collège Jacques Amyot — Melun (77000)" in fragment
    assert "77011" not in fragment


def test_the_shown_postcode_finds_the_school(client):
    # What is shown can be typed back: « 77000 » finds the collège whose address is 77011.
    fragment = client.get("/offres/etablissements?ecole=77000 amyot", headers=HX)
    assert "Jacques Amyot" in fragment.get_data(as_text=True)
