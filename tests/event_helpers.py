"""Events built directly in the database, for the events tests (no factory library)."""

from datetime import datetime, timedelta

from capindustrie.extensions import db
from capindustrie.models import (
    Commune,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
)

# Naive UTC, like every stored datetime. The sessions are in November 2026.
NOW = datetime(2026, 11, 2, 9, 0)
SESSION_START = datetime(2026, 11, 17, 8, 0)  # 09:00 in Paris


def event(
    *,
    capacity: int = 30,
    sessions: int = 1,
    company=None,
    skip: bool = False,
    individual: bool = False,
    audience: EventAudience = EventAudience.ALL,
    kind: EventKind = EventKind.VISIT,
    status: EventStatus = EventStatus.PUBLISHED,
    commune_insee: str = "77284",
) -> Event:
    commune = db.session.get(Commune, commune_insee)
    obj = Event(
        kind=kind,
        title="Visite de l'usine de Meaux",
        description="Découverte des métiers de la maintenance.",
        company=company,
        audience=audience,
        status=status,
        address="1 rue de l'Industrie",
        postcode=commune.postcodes.split()[0],
        commune_insee=commune.insee,
        latitude=commune.latitude_townhall,
        longitude=commune.longitude_townhall,
        geo_precision="commune",
        allow_individual=individual,
        waitlist_allow_skip=skip,
        registration_opens_at=datetime(2026, 10, 1),
        registration_closes_at=datetime(2026, 11, 16),
        cancellation_days=2,
        names_days=7,
    )
    obj.sessions = [
        EventSession(
            starts_at=SESSION_START + timedelta(days=n),
            ends_at=SESSION_START + timedelta(days=n, hours=3),
            capacity=capacity,
        )
        for n in range(sessions)
    ]
    db.session.add(obj)
    db.session.flush()
    return obj
