"""Moderation of reported offers (staff only): the « Signalements » list, grouped by offer, and
one decision for every open report of an offer — hide it, ask the company to fix it, or dismiss.

Each decision goes to the audit log with its reason, in the transaction that makes it.
"""

from flask import flash, request
from flask_login import current_user

from capindustrie.audit.services import record
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.extensions import db
from capindustrie.htmx import redirect_to, render
from capindustrie.models import Offer, ReportOutcome, Role
from capindustrie.moderation import bp
from capindustrie.moderation.routes import _company_offer_url
from capindustrie.offers.lifecycle import STATUS_LABELS, TransitionError
from capindustrie.reports import services
from capindustrie.reports.forms import DECISION_LABELS, MESSAGE_MAX, ReportDecisionForm
from capindustrie.urls import public_url

DONE = {
    ReportOutcome.HIDDEN: "L'offre « {} » est retirée ; l'entreprise reçoit votre message.",
    ReportOutcome.FIX_REQUESTED: "La correction de l'offre « {} » est demandée à l'entreprise.",
    ReportOutcome.DISMISSED: "Les signalements de l'offre « {} » sont classés sans suite.",
}


@bp.get("/signalements")
@role_required(Role.STAFF)
def reports():
    return render(
        "moderation/reports.html",
        "moderation/reports.html",
        groups=services.open_groups(),
        recent=services.recent_decisions(),
    )


# One rule for GET (the reports) and POST (the decision): two rules on one path with a bounded
# <int:> would answer 405 instead of 404 to an id beyond the column range (Werkzeug's matcher).
@bp.route("/signalements/<int:offer_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def offer_reports(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    if request.method == "GET":
        return _render_reports(offer, ReportDecisionForm(formdata=None))
    form = ReportDecisionForm()
    if not form.validate_on_submit():
        return _render_reports(offer, form, status=422)
    outcome = ReportOutcome(form.decision.data)
    try:
        decided = services.decide(
            offer,
            outcome,
            form.message.data,
            current_user,
            company_url=_company_offer_url(offer),
            reports_url=public_url("reports.mine"),
        )
        record(
            current_user,
            services.AUDIT_ACTIONS[outcome],
            offer,
            form.message.data,
            title=offer.title,
            reports=len(decided),
        )
    except (services.NothingToDecide, TransitionError) as exc:
        db.session.rollback()
        return _render_reports(offer, form, error=str(exc), status=422)
    db.session.commit()
    flash(DONE[outcome].format(offer.title), "success")
    return redirect_to("moderation.reports")


def _render_reports(offer, form, error=None, status=200):
    offer_reports = services.reports_of(offer)
    return render(
        "moderation/offer_reports.html",
        "moderation/_report_decision.html",
        status=status,
        offer=offer,
        reports=offer_reports,
        open_reports=[r for r in offer_reports if r.outcome is None],
        reporters=services.reporter_labels(offer_reports),
        form=form,
        error=error,
        decision_labels=DECISION_LABELS,
        message_max=MESSAGE_MAX,
        status_labels=STATUS_LABELS,
    )
