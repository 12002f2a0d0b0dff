"""Moderation of reported offers (staff only): the « Signalements » list, grouped by offer, and
one decision for every open report of an offer — hide it, ask the company to fix it, or dismiss.

Each decision goes to the audit log with its reason, in the transaction that makes it.
"""

from flask import flash, request, url_for
from flask_login import current_user

from capindustrie.audit.services import record
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.confirmations import Confirmation, ConfirmField, render_confirmation
from capindustrie.extensions import db
from capindustrie.htmx import redirect_to, render
from capindustrie.models import Offer, ReportOutcome, Role
from capindustrie.moderation import bp
from capindustrie.moderation.routes import _company_offer_url
from capindustrie.offers.lifecycle import STATUS_LABELS, TransitionError
from capindustrie.reports import services
from capindustrie.reports.forms import (
    DECISION_LABELS,
    MESSAGE_MAX,
    HideOfferForm,
    ReportDecisionForm,
)
from capindustrie.text import plural, plural_word
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
    if outcome == ReportOutcome.HIDDEN:
        # Hiding closes the pupils' waiting applications: it asks first (issue 17), with the
        # message carried over to the confirmation.
        if not services.has_open_reports(offer):
            return _render_reports(offer, form, error=services.NOTHING_TO_DECIDE, status=422)
        hide_form = HideOfferForm(formdata=None, data={"message": form.message.data})
        return render_confirmation(_hide_confirmation(offer, hide_form))
    return _decide(
        offer,
        outcome,
        form.message.data,
        lambda error: _render_reports(offer, form, error=error, status=422),
    )


@bp.route("/signalements/<int:offer_id>/retirer", methods=["GET", "POST"])
@role_required(Role.STAFF)
def hide_offer(offer_id: int):
    """« Retirer l'offre »: the GET states what hiding does to the applications; the POST hides
    the offer and decides every open report."""
    offer = get_for_user_or_404(Offer, offer_id)
    if request.method == "GET":
        if not services.has_open_reports(offer):
            flash(services.NOTHING_TO_DECIDE, "info")
            return redirect_to("moderation.offer_reports", offer_id=offer.id)
        return render_confirmation(_hide_confirmation(offer, HideOfferForm(formdata=None)))
    form = HideOfferForm()
    if not form.validate_on_submit():
        return render_confirmation(_hide_confirmation(offer, form), status=422)
    return _decide(
        offer,
        ReportOutcome.HIDDEN,
        form.message.data,
        lambda error: render_confirmation(_hide_confirmation(offer, form, error), status=422),
    )


def _decide(offer: Offer, outcome: ReportOutcome, message: str, refused):
    impact = services.hide_impact(offer) if outcome == ReportOutcome.HIDDEN else None
    try:
        decided = services.decide(
            offer,
            outcome,
            message,
            current_user,
            company_url=_company_offer_url(offer),
            reports_url=public_url("reports.mine"),
        )
        record(
            current_user,
            services.AUDIT_ACTIONS[outcome],
            offer,
            message,
            title=offer.title,
            reports=len(decided),
        )
    except (services.NothingToDecide, TransitionError) as exc:
        db.session.rollback()
        return refused(str(exc))
    db.session.commit()
    done = DONE[outcome].format(offer.title)
    if impact is not None:
        done += " " + _hidden_applications_sentence(impact)
    flash(done, "success")
    return redirect_to("moderation.reports")


def _hidden_applications_sentence(impact: "services.HideImpact") -> str:
    closed = plural(
        impact.waiting, "candidature en attente close", "candidatures en attente closes"
    )
    sentence = f"{closed} (élèves et professeurs prévenus)."
    if impact.chosen:
        kept = plural(
            impact.chosen, "stage choisi ou validé reste", "stages choisis ou validés restent"
        )
        sentence += f" {kept} : contactez l'établissement."
    return sentence


def _hide_confirmation(offer: Offer, form: HideOfferForm, error: str | None = None):
    impact = services.hide_impact(offer)
    consequences = [
        f"L'offre « {offer.title} » ({offer.company.name}) quittera la recherche et les "
        "exports ; l'entreprise reçoit votre message et pourra la corriger puis la soumettre de "
        "nouveau.",
    ]
    if impact.waiting:
        consequences.append(
            f"{plural(impact.waiting, 'candidature en attente', 'candidatures en attente')} "
            "(envoyée, acceptée mais pas encore choisie, ou proposée) "
            f"{plural_word(impact.waiting, 'sera close', 'seront closes')} : chaque élève et "
            "son professeur principal sont prévenus, les places sont libérées."
        )
    else:
        consequences.append("Aucune candidature n'attend sur cette offre.")
    if impact.chosen:
        kept = plural(
            impact.chosen, "stage déjà choisi ou validé", "stages déjà choisis ou validés"
        )
        consequences.append(
            f"{kept} {plural_word(impact.chosen, 'reste', 'restent')} en place : rien ne "
            f"{plural_word(impact.chosen, 'le', 'les')} change automatiquement. Contactez "
            f"l'établissement pour décider de la suite : {', '.join(impact.schools)}."
        )
    return Confirmation(
        title=f"Retirer l'offre « {offer.title} » ?",
        consequences=consequences,
        action_url=url_for("moderation.hide_offer", offer_id=offer.id),
        button="Retirer l'offre",
        cancel_url=url_for("moderation.offer_reports", offer_id=offer.id),
        form=form,
        fields=[ConfirmField(form.message, extra={"maxlength": MESSAGE_MAX, "rows": 5})],
        danger=True,
        error=error,
    )


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
