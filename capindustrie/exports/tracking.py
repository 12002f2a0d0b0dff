"""Keep `offer.updated_at` true to what the export shows, so incremental runs see every change.

An offer's record also depends on its periods (weeks, seats left), its programme and its
company (name, presentation, website): when those change, the offer's `updated_at` is bumped
in the same transaction (after_flush, on the flush's own connection).
"""

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from capindustrie.models import Company, Offer, Period, ProgramDay, utcnow

COMPANY_FIELDS = ("name", "presentation", "website", "siret")


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs)


@event.listens_for(Session, "after_flush")
def _bump_offers_after_flush(session: Session, _flush_context) -> None:
    offer_ids: set[int] = set()
    company_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Period | ProgramDay) and obj.offer_id is not None:
            if obj in session.new or obj in session.deleted or _changed(obj):
                offer_ids.add(obj.offer_id)
        elif isinstance(obj, Company) and obj in session.dirty and obj.id is not None:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in COMPANY_FIELDS):
                company_ids.add(obj.id)
    if not offer_ids and not company_ids:
        return
    connection = session.connection()
    now = utcnow()
    if offer_ids:
        connection.execute(update(Offer).where(Offer.id.in_(offer_ids)).values(updated_at=now))
    if company_ids:
        connection.execute(
            update(Offer).where(Offer.company_id.in_(company_ids)).values(updated_at=now)
        )
