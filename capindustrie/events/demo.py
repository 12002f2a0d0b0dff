"""The demo's event (`flask demo load`): a company visit three weeks ahead, open to registration,
so that a fresh `make run` shows the events area. Idempotent: found by its title."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from capindustrie.events.rules import paris_to_utc, to_paris
from capindustrie.extensions import db
from capindustrie.models import (
    Commune,
    Company,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    User,
)

DEMO_EVENT_TITLE = "Portes ouvertes de la laiterie : visite d'information pour les classes de 3e"


def ensure_demo_event(company: Company, staff: User, now: datetime) -> bool:
    """Create the demo event if missing; True when created."""
    if db.session.scalar(select(Event.id).where(Event.title == DEMO_EVENT_TITLE)):
        return False
    day = to_paris(now).date() + timedelta(days=21)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
    event = Event(
        kind=EventKind.VISIT,
        title=DEMO_EVENT_TITLE,
        audience=EventAudience.TROISIEME,
        description=(
            "Une matinée pour découvrir la fabrication des produits laitiers : réception du lait, "
            "contrôle qualité au laboratoire, conditionnement. Visite en groupe, sans machine."
        ),
        company_id=company.id,
        status=EventStatus.PUBLISHED,
        published_at=now,
        created_at=now,
        address=company.address or "Mairie",
        postcode=company.postcode or "77100",
        commune_insee=company.commune_insee,
        geo_precision="commune",
        meeting_point="Accueil principal, parking visiteurs.",
        practical_notes="Charlottes et blouses prêtées sur place. Chaussures fermées.",
        registration_opens_at=now - timedelta(hours=1),
        registration_closes_at=paris_to_utc(day - timedelta(days=3), time(23, 59)),
        created_by_id=staff.id,
    )
    commune = db.session.get(Commune, company.commune_insee) if company.commune_insee else None
    if commune is not None:
        event.latitude, event.longitude = commune.latitude_townhall, commune.longitude_townhall
    else:
        event.geo_precision = None
    event.sessions = [
        EventSession(
            starts_at=paris_to_utc(day, time(9)), ends_at=paris_to_utc(day, time(12)), capacity=30
        ),
        EventSession(
            starts_at=paris_to_utc(day, time(14)), ends_at=paris_to_utc(day, time(17)), capacity=30
        ),
    ]
    db.session.add(event)
    db.session.flush()
    return True
