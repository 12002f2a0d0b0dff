"""Declarative base with a naming convention (so Alembic can alter constraints on SQLite)."""

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC: the one convention for every stored datetime (SQLite and PostgreSQL alike)."""
    return datetime.now(UTC).replace(tzinfo=None)


def str_enum(enum_cls, name: str):
    """A portable enum column type: VARCHAR + CHECK, no native PostgreSQL ENUM."""
    import sqlalchemy as sa

    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda e: [m.value for m in e],
    )
