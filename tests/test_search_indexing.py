"""The offer columns kept for the search (search/indexing.py) follow their sources whichever
code path changes them, and migration 0002 fills them for offers that existed before it."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from capindustrie import create_app
from capindustrie.extensions import db
from capindustrie.geo.distance import earth_centred_km
from capindustrie.models import Commune, Level, Offer, OfferStatus
from capindustrie.search.services import search_offers
from capindustrie.text import search_document, search_key
from tests import factories
from tests.conftest import base_config

MEAUX, MELUN = "77284", "77288"


def published(**kwargs) -> Offer:
    offer = factories.complete_offer(status=OfferStatus.PUBLISHED, **kwargs)
    db.session.commit()
    return offer


def found_by(keyword: str, commune_insee: str = MEAUX) -> list[int]:
    commune = db.session.get(Commune, commune_insee)
    result = search_offers(commune.latitude_townhall, commune.longitude_townhall,
                           Level.TROISIEME, 50, keyword=keyword)
    return [hit.offer.id for hit in result.items]


def test_a_new_offer_gets_its_text_and_coordinates(app):
    offer = published(title="Usinage de précision")

    assert offer.search_text == search_document(offer.title, offer.summary, offer.company.name,
                                                "Meaux")
    assert (offer.site_x_km, offer.site_y_km, offer.site_z_km) == pytest.approx(
        earth_centred_km(offer.latitude, offer.longitude))
    assert found_by("USINAGE meaux") == [offer.id]


def test_editing_the_title_or_summary_updates_the_text(app):
    offer = published(title="Usinage")

    offer.title = "Chaudronnerie"
    offer.summary = "Découverte de la soudure à l'arc."
    db.session.commit()

    assert found_by("usinage") == []
    assert found_by("chaudronnerie soudure") == [offer.id]


def test_renaming_the_company_updates_all_its_offers(app):
    company = factories.company(name="Briarde de Mécanique")
    first = published(company_obj=company, title="Atelier")
    second = published(company_obj=company, title="Bureau d'études")
    other = published(title="Atelier")

    company.name = "Forges de Brie"
    db.session.commit()

    assert found_by("briarde") == []
    assert sorted(found_by("forges brie")) == sorted([first.id, second.id])
    db.session.refresh(other)
    assert "forges" not in other.search_text


def test_moving_the_site_updates_coordinates_and_commune(app):
    offer = published(title="Atelier")
    melun = db.session.get(Commune, MELUN)

    offer.site_commune_insee = melun.insee
    offer.latitude, offer.longitude = melun.latitude_townhall, melun.longitude_townhall
    db.session.commit()

    assert found_by("meaux") == []
    assert found_by("melun", MELUN) == [offer.id]
    assert (offer.site_x_km, offer.site_y_km, offer.site_z_km) == pytest.approx(
        earth_centred_km(melun.latitude_townhall, melun.longitude_townhall))
    nearest_from_melun = search_offers(melun.latitude_townhall, melun.longitude_townhall,
                                       Level.TROISIEME, 5)
    assert [hit.offer.id for hit in nearest_from_melun.items] == [offer.id]


def test_clearing_the_site_clears_the_coordinates(app):
    offer = factories.complete_offer()
    db.session.commit()

    offer.latitude = offer.longitude = None
    db.session.commit()

    assert (offer.site_x_km, offer.site_y_km, offer.site_z_km) == (None, None, None)


def test_migration_0002_fills_the_columns_of_existing_offers(tmp_path):
    """An offer written under schema 0001 (no derived columns) is searchable after upgrading."""
    from capindustrie.refdata.services import load_reference_data

    app = create_app(base_config(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade(revision="0001")
        load_reference_data()
        meaux = db.session.get(Commune, MEAUX)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO company (id, siret, name, filiere, status, created_at) VALUES "
                "(1, '73282932000074', 'Fromagerie Briarde', 'materiaux', 'approved', "
                "'2026-11-01 09:00:00')"))
            conn.execute(sa.text(
                "INSERT INTO offer (id, company_id, title, filiere, for_3e, status, "
                "site_commune_insee, latitude, longitude, created_at, updated_at) VALUES "
                "(1, 1, 'Affinage des bries', 'materiaux', 1, 'published', :insee, :lat, :lon, "
                "'2026-11-01 09:00:00', '2026-11-01 09:00:00')"),
                {"insee": MEAUX, "lat": meaux.latitude_townhall, "lon": meaux.longitude_townhall})
        db.session.remove()

        upgrade()

        offer = db.session.get(Offer, 1)
        assert offer.search_text == search_document("Affinage des bries", "Fromagerie Briarde",
                                                    "Meaux")
        assert offer.search_text.startswith(" affinage des bries fromagerie briarde meaux ")
        assert (offer.site_x_km, offer.site_y_km, offer.site_z_km) == pytest.approx(
            earth_centred_km(meaux.latitude_townhall, meaux.longitude_townhall))
        db.session.remove()
        db.engine.dispose()


def _revision_before_0003() -> str:
    """0003 follows whatever revision precedes it in the chain (the merge may re-chain it)."""
    from alembic.script import ScriptDirectory

    from capindustrie import create_app as make

    app = make(base_config("sqlite://"))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return ScriptDirectory.from_config(config).get_revision("0003").down_revision


def test_migration_0003_adds_the_stems_to_existing_offers_and_0002_gets_them_back(tmp_path):
    """An offer whose text was written before 0003 (words only, as 0002 wrote it) is found by
    an inflected word after upgrading; downgrading restores the words-only text."""
    from flask_migrate import downgrade

    before = _revision_before_0003()

    from capindustrie.refdata.services import load_reference_data

    app = create_app(base_config(f"sqlite:///{tmp_path / 'before_stems.sqlite3'}"))
    with app.app_context():
        upgrade(revision=before)
        load_reference_data()
        meaux = db.session.get(Commune, MEAUX)
        words_only = search_key("Fabrication de médicaments", "Laboratoires Briards", "Meaux")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO company (id, siret, name, filiere, status, created_at) VALUES "
                "(1, '73282932000074', 'Laboratoires Briards', 'sante_pharmaceutique', "
                "'approved', '2026-11-01 09:00:00')"))
            conn.execute(sa.text(
                "INSERT INTO offer (id, company_id, title, filiere, for_3e, status, "
                "site_commune_insee, latitude, longitude, site_x_km, site_y_km, site_z_km, "
                "search_text, created_at, updated_at) "
                "VALUES (1, 1, 'Fabrication de médicaments', 'sante_pharmaceutique', 1, "
                "'published', :insee, :lat, :lon, :x, :y, :z, :text, '2026-11-01 09:00:00', "
                "'2026-11-01 09:00:00')"),
                {"insee": MEAUX, "lat": meaux.latitude_townhall, "lon": meaux.longitude_townhall,
                 "text": words_only, **dict(zip("xyz", earth_centred_km(
                     meaux.latitude_townhall, meaux.longitude_townhall), strict=True))})
            conn.execute(sa.text(
                "INSERT INTO period (id, offer_id, level, start_date, end_date, seats, "
                "seats_taken) VALUES (1, 1, '3e', '2027-01-11', '2027-01-15', 3, 0)"))
        # Before: the words as typed only.
        assert found_by("fabrication médicaments") == [1]
        assert found_by("médicament fabriqué") == []
        db.session.remove()

        upgrade()

        offer = db.session.get(Offer, 1)
        assert offer.search_text == search_document("Fabrication de médicaments",
                                                    "Laboratoires Briards", "Meaux")
        assert found_by("médicament fabriqué") == [1]
        db.session.remove()

        downgrade(revision=before)
        text = db.session.scalar(sa.text("SELECT search_text FROM offer WHERE id = 1"))
        assert text == words_only
        db.session.remove()
        db.engine.dispose()

