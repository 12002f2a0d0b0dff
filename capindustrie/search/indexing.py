"""The offer columns that exist for the search: a normalised text and the site's coordinates.

- `Offer.search_text`: `search_document` of the title, summary, company name and commune name
  (their `search_key` text, then their French stems), so that a keyword is matched accent- and
  case-insensitively, inflections included, by a plain SQL `LIKE` on both SQLite and PostgreSQL
  (neither can fold accents or stem French portably at query time).
- `Offer.site_x_km`, `site_y_km`, `site_z_km`: the site on the WGS-84 ellipsoid in earth-centred
  coordinates (`earth_centred_km`), whose squared chord to a school SQL computes in six
  operations.

Both are derived from other columns, some of them on other tables. Rather than trusting every
code path that edits an offer, renames a company or moves a site to remember them, a session
hook recomputes them before each flush for the offers being written and for the offers of a
company whose name changes. Bulk SQL that bypasses the ORM (the benchmark) calls
`search_columns` itself.
"""

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from capindustrie.geo.distance import earth_centred_km
from capindustrie.models import Commune, Company, Offer
from capindustrie.text import search_document


def search_columns(title: str | None, summary: str | None, company_name: str | None,
                   commune_name: str | None, latitude: float | None,
                   longitude: float | None) -> dict:
    """The values of the derived columns for an offer with these sources."""
    if latitude is None or longitude is None:
        x = y = z = None
    else:
        x, y, z = earth_centred_km(latitude, longitude)
    return {
        "search_text": search_document(title, summary, company_name, commune_name),
        "site_x_km": x,
        "site_y_km": y,
        "site_z_km": z,
    }


def _current(session: Session, model, key, assigned):
    """The related row by its foreign key as it is now, or the object assigned to the
    relationship (a pending object, or no key yet)."""
    found = session.get(model, key) if key is not None else None
    return found or assigned


def refresh_search_columns(session: Session, offer: Offer) -> None:
    company = _current(session, Company, offer.company_id, offer.company)
    commune = _current(session, Commune, offer.site_commune_insee, offer.site_commune)
    values = search_columns(offer.title, offer.summary, company.name if company else None,
                            commune.name if commune else None, offer.latitude, offer.longitude)
    for name, value in values.items():
        if getattr(offer, name) != value:
            setattr(offer, name, value)


def _renamed_companies(session: Session) -> list[int]:
    return [
        company.id
        for company in session.dirty
        if isinstance(company, Company) and company.id is not None
        and inspect(company).attrs.name.history.has_changes()
    ]


@event.listens_for(Session, "before_flush")
def _refresh_offers_before_flush(session: Session, _flush_context, _instances) -> None:
    offers = {id(o): o for o in (*session.new, *session.dirty) if isinstance(o, Offer)}
    renamed = _renamed_companies(session)
    if renamed:
        for offer in session.scalars(select(Offer).where(Offer.company_id.in_(renamed))):
            offers[id(offer)] = offer
    for offer in offers.values():
        if offer not in session.deleted:
            refresh_search_columns(session, offer)
