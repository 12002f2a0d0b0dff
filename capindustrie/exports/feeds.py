"""Public feeds and structured data: no login, no personal data (no tutor, no pupil, no e-mail).

- RSS 2.0 of a school's nearest published offers (for the ENT's RSS widget): the search's own
  distance code (search_offers: bounding box, then geodesic on a page of candidates), the
  school's level (3e for a collège, 2nde for a lycée), 30 items.
- Atom of the newest published offers.
- schema.org JobPosting JSON-LD for the public offer page.
Feeds are cached by clients and proxies with validators (ETag, Last-Modified) and max-age.
"""

import hashlib
from datetime import UTC, datetime

from flask import Response, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capindustrie.extensions import db
from capindustrie.models import Offer, OfferStatus, School
from capindustrie.search.services import (
    RADII_KM,
    default_level,
    normalise_uai,
    school_by_uai,
    search_offers,
)
from capindustrie.urls import public_url

FEED_ITEMS = 30


def school_for_feed(uai: str) -> School | None:
    school = school_by_uai(normalise_uai(uai))
    return school if school is not None and school.open else None


def nearest_offers(school: School, limit: int = FEED_ITEMS):
    return search_offers(
        school.latitude,
        school.longitude,
        default_level(school),
        max(RADII_KM),
        page=1,
        per_page=limit,
    ).items


def newest_offers(limit: int = FEED_ITEMS) -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.status == OfferStatus.PUBLISHED, Offer.published_at.is_not(None))
            .options(selectinload(Offer.company), selectinload(Offer.site_commune))
            .order_by(Offer.published_at.desc(), Offer.id.desc())
            .limit(limit)
        )
    )


def last_modified(offers) -> datetime | None:
    stamps = [o.updated_at for o in offers if o.updated_at]
    return max(stamps).replace(tzinfo=UTC) if stamps else None


def cached_feed_response(render_body, mimetype: str, modified: datetime | None) -> Response:
    body = render_body()
    response = Response(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:32])
    if modified is not None:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE_SECONDS"]
    return response.make_conditional(request)


def rfc822(value: datetime | None) -> str:
    from email.utils import format_datetime

    value = value or datetime(2026, 1, 1)
    return format_datetime(value.replace(tzinfo=UTC), usegmt=True)


def rfc3339(value: datetime | None) -> str:
    value = value or datetime(2026, 1, 1)
    return value.replace(microsecond=0).isoformat() + "Z"


def job_posting(offer: Offer) -> dict:
    """schema.org JobPosting of a public offer: company, place and dates only."""
    open_periods = [p for p in offer.periods if p.seats_left > 0]
    site = offer.site_commune
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.summary or offer.title,
        "datePosted": (offer.published_at or offer.created_at).date().isoformat(),
        "employmentType": "INTERN",
        "directApply": True,
        "url": public_url("public.offer", offer_id=offer.id),
        "identifier": {"@type": "PropertyValue", "name": "Cap Industrie", "value": str(offer.id)},
        "hiringOrganization": {
            "@type": "Organization",
            "name": offer.company.name,
            **({"sameAs": offer.company.website} if offer.company.website else {}),
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": offer.site_address or "",
                "postalCode": offer.site_postcode or "",
                "addressLocality": site.name if site else "",
                "addressRegion": "Île-de-France",
                "addressCountry": "FR",
            },
        },
        "totalJobOpenings": sum(p.seats_left for p in open_periods),
        "educationRequirements": ", ".join(
            {"3e": "Élève de 3e", "2nde": "Élève de 2nde"}[lvl.value] for lvl in offer.levels
        ),
    }
    if offer.latitude is not None:
        data["jobLocation"]["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": offer.latitude,
            "longitude": offer.longitude,
        }
    if open_periods:
        data["validThrough"] = max(p.start_date for p in open_periods).isoformat()
        data["jobStartDate"] = min(p.start_date for p in open_periods).isoformat()
    return data
