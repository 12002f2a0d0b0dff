"""The foundation: migrations agree with the models, reference data loads idempotently."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from capindustrie.extensions import db
from capindustrie.models import Base, Commune, Epci, School


def test_migrations_build_exactly_the_models(app):
    """The test database was built by `flask db upgrade`: autogenerate must find nothing."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_reference_data_is_the_real_seine_et_marne(app):
    assert db.session.scalar(select(func.count()).select_from(School)) == 263
    assert db.session.scalar(select(func.count()).select_from(Commune)) == 507
    assert db.session.scalar(select(func.count()).select_from(Epci)) == 23
    meaux = db.session.scalar(select(Commune).where(Commune.insee == "77284"))
    assert meaux.name == "Meaux" and meaux.epci.name.startswith("CA du Pays de Meaux")
    rep = db.session.scalars(select(School).where(School.priority_education.is_not(None))).all()
    assert len(rep) == 17 and {s.priority_education for s in rep} == {"REP", "REP+"}


def test_school_without_coordinates_falls_back_to_town_hall(app):
    jouy = db.session.scalar(select(School).where(School.uai == "0773007A"))
    commune = jouy.commune
    town_hall = (commune.latitude_townhall, commune.longitude_townhall)
    assert (jouy.latitude, jouy.longitude) == town_hall
    assert "mairie" in jouy.location_precision


def test_refdata_load_twice_changes_nothing(runner):
    result = runner.invoke(args=["refdata", "load"])
    assert result.exit_code == 0, result.output
    assert "school" in result.output and "/263" in result.output
    assert "Aucun changement." in result.output
