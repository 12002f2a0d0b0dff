from flask import current_app, render_template
from sqlalchemy import func, select

from capindustrie.demand.services import open_demand
from capindustrie.extensions import db
from capindustrie.main import bp
from capindustrie.models import FILIERE_LABELS, Offer, OfferStatus, School, utcnow


def flattering(counts: dict[str, int], minimum: int) -> dict[str, int]:
    """The counts worth showing on the home page: a small number (« 2 offres publiées ») makes
    a young service look empty, so a count below `minimum` is left out rather than shown."""
    return {name: count for name, count in counts.items() if count and count >= minimum}


@bp.get("/")
def index():
    published = Offer.status == OfferStatus.PUBLISHED
    counts = {
        "schools": db.session.scalar(select(func.count(School.id))),
        "offers": db.session.scalar(select(func.count(Offer.id)).where(published)),
        "companies": db.session.scalar(
            select(func.count(func.distinct(Offer.company_id))).where(published)
        ),
    }
    return render_template(
        "main/index.html",
        counts=flattering(counts, current_app.config["HOME_COUNT_MINIMUM"]),
        filieres=FILIERE_LABELS,
        demand=open_demand(utcnow().date()),
    )


@bp.get("/sante")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
