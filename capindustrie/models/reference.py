"""Reference data of Seine-et-Marne: EPCIs, communes and schools (shipped in data/)."""

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capindustrie.models.base import Base, str_enum


class SchoolType(StrEnum):
    COLLEGE = "college"
    LYCEE = "lycee"
    LP = "lp"


class Epci(Base):
    __tablename__ = "epci"

    siren: Mapped[str] = mapped_column(sa.String(9), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(4))
    population_77: Mapped[int | None]

    communes: Mapped[list["Commune"]] = relationship(back_populates="epci")


class Commune(Base):
    __tablename__ = "commune"

    insee: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    postcodes: Mapped[str] = mapped_column(sa.String(100))
    search_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    latitude_center: Mapped[float]
    longitude_center: Mapped[float]
    # The town hall is the point used for distances: a large commune's centre can lie in a forest.
    latitude_townhall: Mapped[float]
    longitude_townhall: Mapped[float]
    population: Mapped[int | None]
    epci_siren: Mapped[str] = mapped_column(sa.ForeignKey("epci.siren"), index=True)

    epci: Mapped[Epci] = relationship(back_populates="communes")


class School(Base):
    __tablename__ = "school"
    __table_args__ = (
        sa.CheckConstraint(
            "priority_education IS NULL OR priority_education IN ('REP', 'REP+')",
            name="priority_education",
        ),
        sa.Index("ix_school_lat_lon", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[SchoolType] = mapped_column(str_enum(SchoolType, "school_kind"))
    public: Mapped[bool]
    address: Mapped[str | None] = mapped_column(sa.String(300))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    commune_insee: Mapped[str] = mapped_column(sa.ForeignKey("commune.insee"), index=True)
    # Where the source has no point, the loader takes the commune's town hall and says so.
    latitude: Mapped[float]
    longitude: Mapped[float]
    location_precision: Mapped[str] = mapped_column(sa.String(60))
    priority_education: Mapped[str | None] = mapped_column(sa.String(4))
    parent_uai: Mapped[str | None] = mapped_column(sa.String(8))
    open: Mapped[bool] = mapped_column(server_default=sa.true())
    search_key: Mapped[str] = mapped_column(sa.String(400), index=True)

    commune: Mapped[Commune] = relationship()

    @property
    def ordinary_postcode(self) -> str:
        """The postcode families know. The ministry's address often carries a CEDEX code
        (« 77011 » for a Melun collège), which is a mail-sorting code, not the commune's: show
        the commune's own postcode unless the school's is one of them."""
        postcodes = self.commune.postcodes.split() if self.commune else []
        if self.postcode in postcodes or not postcodes:
            return self.postcode or self.commune_insee
        return postcodes[0]

    @property
    def is_priority(self) -> bool:
        return self.priority_education is not None
