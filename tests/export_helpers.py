"""Shared helpers of the export tests: published offers and the app with an export directory."""

from datetime import date

from capindustrie.extensions import db
from capindustrie.models import OfferStatus, utcnow
from tests import factories as f


def published_offer(
    company=None,
    levels=("3e",),
    title="Découvrir la maintenance industrielle",
    commune_insee="77288",
    **kwargs,
):
    periods = []
    if "3e" in levels:
        periods.append((date(2027, 1, 11), date(2027, 1, 15), 4))
    if "2nde" in levels:
        periods.append((date(2027, 6, 14), date(2027, 6, 25), 3))
    offer = f.complete_offer(
        company,
        status=OfferStatus.PUBLISHED,
        levels=levels,
        title=title,
        commune_insee=commune_insee,
        periods=tuple(periods),
        **kwargs,
    )
    offer.published_at = utcnow()
    offer.summary = "Une semaine à l'atelier, aux côtés des techniciens de maintenance."
    db.session.commit()
    return offer
