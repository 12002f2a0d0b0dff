from flask import render_template
from sqlalchemy import func, select

from capindustrie.demand.services import open_demand
from capindustrie.extensions import db
from capindustrie.main import bp
from capindustrie.models import Offer, OfferStatus, School, utcnow


@bp.get("/")
def index():
    counts = {
        "schools": db.session.scalar(select(func.count(School.id))),
        "offers": db.session.scalar(
            select(func.count(Offer.id)).where(Offer.status == OfferStatus.PUBLISHED)
        ),
    }
    return render_template(
        "main/index.html", counts=counts, demand=open_demand(utcnow().date())
    )


@bp.get("/sante")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
