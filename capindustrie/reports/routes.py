"""« Signaler cette offre »: the form (its own page, or a fragment htmx opens under the offer)
and « Mes signalements » for signed-in reporters.

The public offer page stays cacheable: it only links here; the form and its CSRF token live on
this URL. Anyone may report (signed in or not), at most REPORT_RATE_LIMIT per client address.
"""

from flask import abort, current_app, flash, render_template, request
from flask_login import current_user

from capindustrie.authz import role_required
from capindustrie.extensions import db, limiter
from capindustrie.htmx import is_fragment_request, redirect_to, render
from capindustrie.models import ReportReason, Role
from capindustrie.public import services as public_services
from capindustrie.reports import bp, services
from capindustrie.reports.forms import COMMENT_MAX, ReportForm


def _report_rate_limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _public_offer_or_404(offer_id: int):
    offer = public_services.public_offer(offer_id)
    if offer is None:
        abort(404)
    return offer


def _form_page(offer, form, status=200):
    return render(
        "reports/report.html",
        "reports/_report_form.html",
        status=status,
        offer=offer,
        form=form,
        comment_max=COMMENT_MAX,
    )


# One rule for GET and POST: two rules on one path with a bounded <int:> would answer 405
# instead of 404 to an id beyond the column range (Werkzeug's matcher).
@bp.route("/offres/<int:offer_id>/signaler", methods=["GET", "POST"])
@limiter.limit(_report_rate_limit, methods=["POST"])
def report(offer_id: int):
    offer = _public_offer_or_404(offer_id)
    if request.method == "GET":
        return _form_page(offer, ReportForm(formdata=None))
    form = ReportForm()
    if not form.validate_on_submit():
        return _form_page(offer, form, status=422)
    reporter = current_user if current_user.is_authenticated else None
    services.create_report(offer, ReportReason(form.reason.data), form.comment.data, reporter)
    db.session.commit()
    thanks = (
        "Merci, votre signalement est transmis à l'équipe de modération du Département, qui "
        "l'examinera. L'entreprise ne saura pas qui l'a signalée."
    )
    if reporter is not None:
        thanks += " Vous suivrez la décision dans « Mes signalements »."
    if is_fragment_request():
        return render(
            "reports/report.html", "reports/_report_done.html", offer=offer, thanks=thanks
        )
    flash(thanks, "success")
    return redirect_to("public.offer", offer_id=offer.id)


@bp.get("/mes-signalements")
@role_required(*Role)
def mine():
    return render_template("reports/mine.html", reports=services.reports_by(current_user))
