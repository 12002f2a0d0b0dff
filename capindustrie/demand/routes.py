"""Demand over HTTP: the company opens seats for a demanded week on one of its offers."""

from flask import current_app, flash, render_template
from flask_login import current_user

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.demand import bp, services
from capindustrie.demand.forms import OpenSeatsForm
from capindustrie.extensions import db
from capindustrie.htmx import redirect_to
from capindustrie.inputs import parse_id
from capindustrie.models import Offer, Role, utcnow
from capindustrie.text import plural


@bp.post("/entreprise/demande/places")
@role_required(Role.COMPANY)
def open_seats():
    form = OpenSeatsForm()
    offer_id = parse_id(form.offer.data)
    if not form.validate_on_submit() or offer_id is None:
        messages = [m for errors in form.errors.values() for m in errors]
        return _refused(messages[0] if messages else "Choisissez une offre et un nombre de places.")
    offer = get_for_user_or_404(Offer, offer_id)
    now = utcnow()
    try:
        period = services.open_seats(
            current_user.company,
            offer,
            form.week.data or "",
            form.seats.data,
            current_app.config,
            now,
        )
    except services.DemandError as exc:
        db.session.rollback()
        return _refused(str(exc))
    db.session.commit()
    opened = services.Demand(period.level, period.start_date, period.end_date, "", "", 0)
    flash(
        f"{plural(form.seats.data, 'place ouverte', 'places ouvertes')} pour la "
        f"{opened.period_label} sur « {offer.title} ».",
        "success",
    )
    return redirect_to("companies.dashboard", _anchor=f"offre-{offer.id}")


def _refused(message: str):
    return render_template("demand/refused.html", message=message), 422


def dashboard_context(company, offers, today) -> dict:
    """What the company dashboard shows of the demand: the rows near the company, with a form
    for each row that one of its published offers can answer."""
    rows = services.company_demand(company, today)
    forms = {}
    for row in rows:
        candidates = services.offers_for(row, offers)
        if candidates:
            form = OpenSeatsForm(formdata=None, week=row.key)
            form.offer.choices = [(str(o.id), o.title) for o in candidates]
            forms[row.key] = form
    return {"demand": rows, "demand_forms": forms}
