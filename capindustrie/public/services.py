"""What the public offer page needs: visible offers only, and distances from a chosen school."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capindustrie.extensions import db
from capindustrie.geo.distance import (
    TravelEstimate,
    distance_km,
    estimate_travel_minutes,
    haversine_km,
)
from capindustrie.models import Offer, OfferStatus, School
from capindustrie.refdata import cache as school_cache

# A closed offer stays visible (shown « Complet »): pupils and teachers may have its link.
PUBLIC_STATUSES = (OfferStatus.PUBLISHED, OfferStatus.CLOSED)
UAI = re.compile(r"\d{7}[A-Z]")
NEARBY_SCHOOLS = 15


@dataclass(frozen=True)
class Commute:
    school: School
    km: float
    travel: TravelEstimate


def public_offer(offer_id: int) -> Offer | None:
    """The offer if anyone may see it; drafts, submissions and refusals do not exist publicly."""
    return db.session.scalar(
        select(Offer)
        .where(Offer.id == offer_id, Offer.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Offer.company),
            selectinload(Offer.site_commune),
            selectinload(Offer.periods),
            selectinload(Offer.program_days),
        )
    )


def normalise_uai(value: str | None) -> str:
    return (value or "").strip().upper()[:20]


def find_school(uai: str) -> School | None:
    if not UAI.fullmatch(uai):
        return None
    return school_cache.school_by_uai(uai)


def commute(school: School, offer: Offer) -> Commute | None:
    if offer.latitude is None or offer.longitude is None:
        return None
    school_point = (school.latitude, school.longitude)
    site = (offer.latitude, offer.longitude)
    km = distance_km(*school_point, *site)
    # The same estimate as the search results, train leg included.
    return Commute(school, km, estimate_travel_minutes(km, school_point, site))


def nearest_schools(offer: Offer, limit: int = NEARBY_SCHOOLS) -> list[tuple[School, float]]:
    """The open schools nearest the site. ~260 rows, read once per process (refdata/cache.py):
    a haversine over all of them costs < 1 ms."""
    if offer.latitude is None or offer.longitude is None:
        return []
    schools = school_cache.open_schools()
    ranked = sorted(
        (
            (s, haversine_km(offer.latitude, offer.longitude, s.latitude, s.longitude))
            for s in schools
        ),
        key=lambda pair: pair[1],
    )
    return ranked[:limit]


def _address(*parts: str | None) -> str:
    return ", ".join(" ".join(p.split()) for p in parts if p and p.strip())


def journey_planner_url(template: str, school: School, offer: Offer) -> str | None:
    """The regional journey planner prefilled from the school to the site (a plain link: the
    page loads nothing from it), or None without a template or the site's position."""
    if not template or offer.latitude is None or offer.longitude is None:
        return None
    commune = offer.site_commune.name if offer.site_commune else None
    values = {
        "from_lat": f"{school.latitude:.6f}",
        "from_lon": f"{school.longitude:.6f}",
        "from_label": _address(school.name, school.address, school.postcode, school.commune.name),
        "to_lat": f"{offer.latitude:.6f}",
        "to_lon": f"{offer.longitude:.6f}",
        "to_label": _address(offer.site_address, offer.site_postcode, commune),
    }
    return template.format(**{k: quote(v, safe="") for k, v in values.items()})
