"""Moderation views (staff only). Decisions: POST forms, 303 to the queue, HX-Redirect for htmx.

A decision the lifecycle refuses answers 422 (not 409) with the page and the French message:
htmx swaps 422 (see base.html's responseHandling), so the message shows with or without JS.
"""

from flask import Response, current_app, flash, render_template, request
from flask_login import current_user
from werkzeug.routing import BuildError

from capindustrie.audit.services import record
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.errors import render_error
from capindustrie.extensions import db
from capindustrie.headers import attachment
from capindustrie.htmx import redirect_to, render
from capindustrie.inputs import page_number
from capindustrie.models import Company, CompanyStatus, Filiere, Offer, OfferStatus, Role, utcnow
from capindustrie.moderation import bp, changes, checks, export, services
from capindustrie.moderation.forms import DecisionForm, OfferFilterForm, ReasonForm
from capindustrie.offers.lifecycle import STATUS_LABELS, TransitionError
from capindustrie.offers.wizard import LAST_STEP
from capindustrie.urls import public_url
from capindustrie.worklist import services as worklist
from capindustrie.worklist.helpers import remember_badge

PER_PAGE = 25


@bp.get("/")
@role_required(Role.STAFF)
def queue():
    work = worklist.staff_work()
    remember_badge(work.total)
    return render_template(
        "moderation/queue.html",
        offers=services.submitted_offers(),
        companies=services.pending_companies(),
        status_labels=STATUS_LABELS,
        work=work,
        now=utcnow(),
        waiting_since=worklist.waiting_since,
    )


@bp.get("/offres")
@role_required(Role.STAFF)
def offers():
    form = OfferFilterForm(request.args, epci_choices=services.epci_choices())
    form.clean()
    results = db.paginate(
        services.offers_select(_filters(form)),
        page=_page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render(
        "moderation/offers.html",
        "moderation/_offer_results.html",
        form=form,
        results=results,
        counts=services.offer_counts([offer.id for offer in results.items]),
        query=_filter_query(form),
        status_labels=STATUS_LABELS,
    )


@bp.get("/offres.csv")
@role_required(Role.STAFF)
def offers_csv():
    """The filtered list, every page, for a spreadsheet (UTF-8 with BOM, « ; »). A filter the
    list would report and ignore is refused here: the file must be what was asked for."""
    form = OfferFilterForm(request.args, epci_choices=services.epci_choices())
    if not form.clean():
        problems = " ".join(e for f in form for e in f.errors)
        return render_error(400, f"Export impossible, filtre non valide : {problems}")
    return Response(
        export.offers_csv(_filters(form)),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": attachment("offres-cap-industrie.csv"),
        },
    )


@bp.get("/offres/<int:offer_id>")
@role_required(Role.STAFF)
def offer_detail(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    return _render_offer(offer, DecisionForm(prefix="publish"), ReasonForm(prefix="reject"))


@bp.post("/offres/<int:offer_id>/publier")
@role_required(Role.STAFF)
def publish_offer(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    form = DecisionForm(prefix="publish")
    if not form.validate_on_submit():
        return _render_offer(offer, form, ReasonForm(prefix="reject"), status=422)
    try:
        services.publish_offer(offer, current_user, _public_offer_url(offer))
        # The content as published: the next review shows what changed since (changes.py).
        content = {changes.CONTENT_KEY: changes.content_detail(offer)}
        record(current_user, "offer.publish", offer, title=offer.title, **content)
    except TransitionError as exc:
        db.session.rollback()
        return _render_offer(offer, form, ReasonForm(prefix="reject"), error=str(exc), status=422)
    db.session.commit()
    flash(
        f"L'offre « {offer.title} » est publiée ; l'entreprise est prévenue par e-mail.", "success"
    )
    return redirect_to("moderation.queue")


@bp.post("/offres/<int:offer_id>/refuser")
@role_required(Role.STAFF)
def reject_offer(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return _render_offer(offer, DecisionForm(prefix="publish"), form, status=422)
    try:
        services.reject_offer(offer, current_user, form.reason.data, _company_offer_url(offer))
        record(current_user, "offer.reject", offer, form.reason.data, title=offer.title)
    except TransitionError as exc:
        db.session.rollback()
        return _render_offer(
            offer, DecisionForm(prefix="publish"), form, error=str(exc), status=422
        )
    db.session.commit()
    flash(f"L'offre « {offer.title} » est refusée ; le motif est envoyé à l'entreprise.", "success")
    return redirect_to("moderation.queue")


@bp.get("/entreprises/<int:company_id>")
@role_required(Role.STAFF)
def company_detail(company_id: int):
    company = get_for_user_or_404(Company, company_id)
    return _render_company(company, DecisionForm(prefix="approve"), ReasonForm(prefix="reject"))


@bp.post("/entreprises/<int:company_id>/valider")
@role_required(Role.STAFF)
def approve_company(company_id: int):
    company = get_for_user_or_404(Company, company_id)
    form = DecisionForm(prefix="approve")
    if not form.validate_on_submit():
        return _render_company(company, form, ReasonForm(prefix="reject"), status=422)
    try:
        services.approve_company(company, _company_space_url())
        record(current_user, "company.approve", company, siret=company.siret, name=company.name)
    except services.CompanyDecisionError as exc:
        db.session.rollback()
        return _render_company(
            company, form, ReasonForm(prefix="reject"), error=str(exc), status=422
        )
    db.session.commit()
    flash(
        f"L'entreprise « {company.name} » est validée ; ses utilisateurs sont prévenus.", "success"
    )
    return redirect_to("moderation.queue")


@bp.post("/entreprises/<int:company_id>/refuser")
@role_required(Role.STAFF)
def reject_company(company_id: int):
    company = get_for_user_or_404(Company, company_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return _render_company(company, DecisionForm(prefix="approve"), form, status=422)
    try:
        services.reject_company(company, form.reason.data, _company_space_url())
        record(
            current_user,
            "company.reject",
            company,
            form.reason.data,
            siret=company.siret,
            name=company.name,
        )
    except services.CompanyDecisionError as exc:
        db.session.rollback()
        return _render_company(
            company, DecisionForm(prefix="approve"), form, error=str(exc), status=422
        )
    db.session.commit()
    flash(f"L'entreprise « {company.name} » est refusée ; le motif lui est envoyé.", "success")
    return redirect_to("moderation.queue")


# --- helpers -------------------------------------------------------------------------------------


def _render_offer(offer, publish_form, reject_form, error=None, status=200):
    return render(
        "moderation/offer_detail.html",
        "moderation/_offer_decision.html",
        status=status,
        offer=offer,
        log=services.transition_log(offer),
        checks=checks.automatic_checks(offer),
        content_changes=(
            changes.changes_since_publication(offer)
            if offer.status == OfferStatus.SUBMITTED
            else None
        ),
        register_url=services.company_register_url(offer.company.siret),
        submitted_at=services.last_submitted_at(offer),
        publish_form=publish_form,
        reject_form=reject_form,
        error=error,
        status_labels=STATUS_LABELS,
        company_statuses=CompanyStatus,
    )


def _render_company(company, approve_form, reject_form, error=None, status=200):
    return render(
        "moderation/company_detail.html",
        "moderation/_company_decision.html",
        status=status,
        company=company,
        commune=services.company_commune(company),
        register_url=services.company_register_url(company.siret),
        offers=services.company_offers(company),
        status_labels=STATUS_LABELS,
        approve_form=approve_form,
        reject_form=reject_form,
        error=error,
        company_statuses=CompanyStatus,
    )


def _page_number() -> int:
    return page_number(request.args.get("page"))


def _filter_query(form: OfferFilterForm) -> dict[str, str]:
    """The known filters, for pagination links (unknown values are not carried on)."""
    return {f.name: f.data for f in (form.statut, form.filiere, form.epci, form.q) if f.data}


def _filters(form: OfferFilterForm) -> services.OfferFilters:
    return services.OfferFilters(
        status=OfferStatus(form.statut.data) if form.statut.data else None,
        filiere=Filiere(form.filiere.data) if form.filiere.data else None,
        epci_siren=form.epci.data or None,
        text=form.q.data or None,
    )


def _public_offer_url(offer: Offer) -> str:
    return public_url("public.offer", offer_id=offer.id)


def _external_url(endpoint: str, **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return public_url(endpoint, **values)
    except BuildError:
        return None


def _company_offer_url(offer: Offer) -> str:
    """The offer's review step (the wizard's last: the company edits and resubmits there), else
    its dashboard, else the home page: these pages live in other blueprints."""
    return (
        _external_url("offers.wizard_step", offer_id=offer.id, step=LAST_STEP)
        or _company_space_url()
    )


def _company_space_url() -> str:
    return _external_url("companies.dashboard") or public_url("main.index")
