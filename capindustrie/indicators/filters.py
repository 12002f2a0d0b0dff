"""The dashboard's filters, read from the query string; anything unknown is refused in French.

A school year is named by its first calendar year: 2026 is September 2026 – August 2027."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import FILIERE_LABELS, Campaign, Epci, Filiere, Level

FIRST_YEAR = 2020
PRIORITY_CHOICES = {"rep": "REP et REP+", "hors": "Hors éducation prioritaire"}


class FilterError(ValueError):
    """A filter value that does not exist; the message is French, for the 400 page."""


@dataclass(frozen=True)
class Filters:
    year: int
    epci: str | None = None
    priority: str | None = None  # "rep" (REP or REP+) or "hors"
    level: Level | None = None
    filiere: Filiere | None = None
    campaign_id: int | None = None
    campaign_start: date | None = None
    campaign_end: date | None = None

    @property
    def start(self) -> date:
        return date(self.year, 9, 1)

    @property
    def end(self) -> date:
        """Exclusive: the first day of the next school year."""
        return date(self.year + 1, 9, 1)

    def previous(self) -> "Filters":
        return Filters(
            self.year - 1, self.epci, self.priority, self.level, self.filiere, None, None, None
        )

    def query_args(self, **overrides) -> dict:
        """The query string that reproduces these filters (for links and downloads)."""
        args = {
            "annee": self.year,
            "epci": self.epci,
            "rep": self.priority,
            "niveau": self.level.value if self.level else None,
            "filiere": self.filiere.value if self.filiere else None,
            "campagne": self.campaign_id,
        }
        args.update(overrides)
        return {key: value for key, value in args.items() if value not in (None, "")}


def school_year_of(moment: date | datetime) -> int:
    return moment.year if moment.month >= 9 else moment.year - 1


def year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def year_choices(now: datetime) -> list[int]:
    return list(range(school_year_of(now), FIRST_YEAR - 1, -1))


def parse_filters(args, now: datetime) -> Filters:
    """Filters from a request's query arguments; FilterError (French) for any unknown value."""
    year = _parse_year(args.get("annee", ""), now)
    epci = args.get("epci", "").strip() or None
    # A SIREN is 9 digits: anything else is refused before it reaches the database.
    if epci is not None and not (
        len(epci) == 9 and epci.isdigit() and db.session.get(Epci, epci) is not None
    ):
        raise FilterError("Cet EPCI n'existe pas en Seine-et-Marne.")
    priority = args.get("rep", "").strip() or None
    if priority is not None and priority not in PRIORITY_CHOICES:
        raise FilterError("Le filtre « éducation prioritaire » accepte « rep » ou « hors ».")
    level = _parse_enum(Level, args.get("niveau", ""), "Le niveau doit être « 3e » ou « 2nde ».")
    filiere = _parse_enum(Filiere, args.get("filiere", ""), "Cette filière n'existe pas.")
    campaign = None
    raw_campaign = args.get("campagne", "").strip()
    if raw_campaign:
        if not raw_campaign.isdigit() or len(raw_campaign) > 9:  # beyond any id: not a query
            raise FilterError("Cette campagne n'existe pas.")
        campaign = db.session.get(Campaign, int(raw_campaign))
        if campaign is None:
            raise FilterError("Cette campagne n'existe pas.")
    return Filters(
        year,
        epci,
        priority,
        level,
        filiere,
        campaign.id if campaign else None,
        campaign.starts_on if campaign else None,
        campaign.ends_on if campaign else None,
    )


def _parse_year(raw: str, now: datetime) -> int:
    raw = raw.strip()
    current = school_year_of(now)
    if not raw:
        return current
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= current:
        raise FilterError(
            f"L'année scolaire doit être une année de {FIRST_YEAR} à {current} "
            f"(l'année {current} désigne {year_label(current)})."
        )
    return int(raw)


def _parse_enum(enum_cls, raw: str, message: str):
    raw = raw.strip()
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        raise FilterError(message) from None


def epci_choices() -> list[tuple[str, str]]:
    return [(e.siren, e.name) for e in db.session.scalars(select(Epci).order_by(Epci.name))]


def campaign_choices() -> list[tuple[int, str]]:
    return [
        (c.id, c.name) for c in db.session.scalars(select(Campaign).order_by(Campaign.starts_on))
    ]


def filiere_choices() -> list[tuple[str, str]]:
    return [(f.value, label) for f, label in FILIERE_LABELS.items()]
