"""Applications over HTTP: the pupil applies, withdraws, chooses; the company accepts or refuses.

Every route checks the role (role_required) and loads the application through
get_for_user_or_404: another pupil's or another company's application is simply not found.
A refused action answers 422 with the page (or, for htmx, the card) and the French message.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from capindustrie.applications import bp, confirm, proposals, pupil_view, services, states
from capindustrie.applications.forms import (
    AcceptAllForm,
    ActionForm,
    AnswerForm,
    ApplyForm,
    CompanyFilterForm,
)
from capindustrie.applications.states import S, TransitionError
from capindustrie.authz import get_for_user_or_404, owned_select, role_required
from capindustrie.confirmations import render_confirmation
from capindustrie.extensions import db
from capindustrie.htmx import is_fragment_request, redirect_to, render
from capindustrie.models import Application, Offer, Role, utcnow
from capindustrie.text import plural, plural_word
from capindustrie.worklist import services as worklist
from capindustrie.worklist.helpers import remember_badge

# --- Pupil ---------------------------------------------------------------------------------------


@bp.get("/candidatures")
@role_required(Role.PUPIL)
def pupil_dashboard():
    return _render_pupil_dashboard()


@bp.get("/candidatures/<int:application_id>")
@role_required(Role.PUPIL)
def detail(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    return _render_pupil("applications/detail.html", application=application)


@bp.route("/candidatures/nouvelle/<int:period_id>", methods=["GET", "POST"])
@role_required(Role.PUPIL)
def new(period_id: int):
    pupil = _current_pupil()
    try:
        period = services.open_period(period_id)
    except services.NotApplicable:
        abort(404)
    existing = services.existing_application(pupil, period)
    if existing is not None:
        return _already_applied(existing, posted=request.method == "POST")
    form = ApplyForm()
    now = utcnow()
    if request.method == "GET":
        problem = services.apply_problem(pupil, period, now.date())
        return _render_apply(period, pupil, form, problem, status=422 if problem else 200)
    if not form.validate_on_submit():
        problem = services.apply_problem(pupil, period, now.date())
        return _render_apply(period, pupil, form, problem, status=422)
    try:
        application = services.apply(pupil, period, form.message.data, now)
        db.session.commit()
    except services.AlreadyApplied as exc:
        db.session.rollback()
        return _already_applied(exc.application, posted=True)
    except services.ApplyError as exc:
        db.session.rollback()
        return _render_apply(period, pupil, form, str(exc), status=422)
    except IntegrityError:
        # The unique (pupil, period) constraint: the other click of a double click won.
        db.session.rollback()
        existing = services.existing_application(pupil, period)
        if existing is None:
            raise
        return _already_applied(existing, posted=True)
    flash(
        "Candidature envoyée : l'entreprise est prévenue. Suis sa réponse sur cette page.",
        "success",
    )
    return redirect_to("applications.detail", application_id=application.id)


# Confirmations (issue 17): a GET of an action's URL asks first and states the consequence.


@bp.get("/candidatures/<int:application_id>/retirer")
@role_required(Role.PUPIL)
def confirm_withdraw(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    if not states.can(application, S.WITHDRAWN, current_user):
        return _no_longer_possible(application)
    return render_confirmation(
        confirm.withdraw(
            application,
            url_for("applications.withdraw", application_id=application.id),
            _pupil_card_url(application),
        )
    )


@bp.get("/candidatures/<int:application_id>/choisir")
@role_required(Role.PUPIL)
def confirm_choose(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    if not states.can(application, S.CONFIRMED, current_user):
        return _no_longer_possible(application)
    return render_confirmation(
        confirm.choose(
            application,
            url_for("applications.choose", application_id=application.id),
            _pupil_card_url(application),
        )
    )


def _pupil_card_url(application: Application) -> str:
    return url_for("applications.pupil_dashboard", _anchor=f"candidature-{application.id}")


def _no_longer_possible(application: Application):
    flash(
        "Cette action n'est plus possible : la candidature a changé d'état. Voici sa situation "
        "actuelle.",
        "info",
    )
    if current_user.role == Role.PUPIL:
        return redirect_to("applications.pupil_dashboard", _anchor=f"candidature-{application.id}")
    return redirect_to(
        "applications.company_list",
        offre=application.period.offer_id,
        _anchor=f"candidature-{application.id}",
    )


@bp.post("/candidatures/<int:application_id>/retirer")
@role_required(Role.PUPIL)
def withdraw(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    was_accepted = application.status == S.ACCEPTED
    return _pupil_action(
        application,
        services.withdraw,
        "Proposition déclinée : la place est libérée pour un autre élève."
        if was_accepted
        else "Candidature retirée.",
    )


@bp.post("/candidatures/<int:application_id>/choisir")
@role_required(Role.PUPIL)
def choose(application_id: int):
    application = get_for_user_or_404(Application, application_id)

    def action(app_, user, now):
        withdrawn = services.choose(app_, user, now)
        if withdrawn:
            others = plural(len(withdrawn), "autre candidature", "autres candidatures")
            verb = plural_word(len(withdrawn), "a été retirée", "ont été retirées")
            flash(f"{others} sur les mêmes dates {verb} automatiquement.", "info")

    return _pupil_action(
        application,
        action,
        "Stage choisi ! Ton professeur principal doit maintenant le valider.",
    )


def _pupil_action(application: Application, action, success: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(application, current_user, utcnow())
    except TransitionError as exc:
        db.session.rollback()
        return _render_pupil_dashboard(status=422, card_message=(application.id, "error", str(exc)))
    db.session.commit()
    flash(success, "success")
    return redirect_to("applications.pupil_dashboard", _anchor=f"candidature-{application.id}")


def _current_pupil():
    pupil = services.pupil_of(current_user)
    if pupil is None:
        # A pupil account without its class: nothing to apply from.
        abort(403)
    return pupil


def _already_applied(application: Application, posted: bool):
    if posted:
        flash("Tu as déjà candidaté sur cette période : voici ta candidature.", "info")
    return redirect_to("applications.detail", application_id=application.id)


def _render_apply(period, pupil, form, problem, status=200):
    return render(
        "applications/apply.html",
        "applications/_apply_form.html",
        status=status,
        period=period,
        offer=period.offer,
        pupil=pupil,
        form=form,
        problem=problem,
        max_active=current_app.config["MAX_ACTIVE_APPLICATIONS"],
        outside_warning=pupil_view.outside_warning(pupil.school_class, period),
    )


def _render_pupil_dashboard(status=200, card_message=None):
    pupil = _current_pupil()
    return _render_pupil(
        "applications/pupil_dashboard.html",
        status=status,
        applications=pupil_view.dashboard_order(services.pupil_applications(pupil)),
        highlighted=pupil_view.is_highlighted,
        is_active=pupil_view.is_active,
        card_message=card_message,
        max_active=current_app.config["MAX_ACTIVE_APPLICATIONS"],
        active_count=services.active_count(pupil),
    )


def _render_pupil(template: str, status=200, **context):
    config = current_app.config
    return render_template(
        template,
        labels=states.LABELS,
        next_step=lambda a: services.next_step_for(a, config),
        deadline=lambda a: services.deadline(a, config),
        can=lambda a, to: states.can(a, to, current_user),
        statuses=S,
        actor_label=_actor_label,
        **context,
    ), status


def _actor_label(transition) -> str:
    """Who made a transition, as the pupil may know it (no company user's name)."""
    if transition.actor_id is None:
        return "automatique"
    if transition.actor_id == current_user.id:
        return "toi"
    if transition.to_status in (S.VALIDATED, S.REFUSED_BY_TEACHER, S.PROPOSED):
        return "ton professeur"
    return "l'entreprise"


# --- Company -------------------------------------------------------------------------------------


@bp.get("/entreprise/candidatures")
@role_required(Role.COMPANY)
def company_list():
    return _render_company()


@bp.get("/entreprise/candidatures/<int:application_id>/accepter")
@role_required(Role.COMPANY)
def confirm_accept(application_id: int):
    return _confirm_answer(application_id, confirm.accept, "applications.accept")


@bp.get("/entreprise/candidatures/<int:application_id>/refuser")
@role_required(Role.COMPANY)
def confirm_refuse(application_id: int):
    return _confirm_answer(application_id, confirm.refuse, "applications.refuse")


def _confirm_answer(application_id: int, build, endpoint: str):
    application = get_for_user_or_404(Application, application_id)
    if application.status != S.SUBMITTED:
        return _no_longer_possible(application)
    form = AnswerForm(formdata=None, prefix=f"answer-{application.id}")
    cancel = url_for(
        "applications.company_list",
        offre=application.period.offer_id,
        _anchor=f"candidature-{application.id}",
    )
    return render_confirmation(
        build(application, form, url_for(endpoint, application_id=application.id), cancel)
    )


@bp.post("/entreprise/candidatures/<int:application_id>/accepter")
@role_required(Role.COMPANY)
def accept(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    return _company_answer(
        application,
        services.accept,
        "Candidature acceptée : l'élève doit maintenant confirmer son choix.",
    )


@bp.post("/entreprise/candidatures/<int:application_id>/refuser")
@role_required(Role.COMPANY)
def refuse(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    return _company_answer(application, services.refuse, "Candidature refusée.")


def _company_answer(application: Application, action, success: str):
    form = AnswerForm(prefix=f"answer-{application.id}")
    if not form.validate_on_submit():
        return _render_company(focus=application, status=422, answer_form=form)
    try:
        action(application, current_user, form.message.data or None, utcnow())
    except TransitionError as exc:
        db.session.rollback()
        return _render_company(
            focus=application,
            status=422,
            answer_form=form,
            card_message=(application.id, "error", str(exc)),
        )
    db.session.commit()
    if is_fragment_request():
        return _render_company(focus=application, card_message=(application.id, "success", success))
    flash(success, "success")
    return redirect(
        url_for(
            "applications.company_list",
            offre=application.period.offer_id,
            _anchor=f"candidature-{application.id}",
        ),
        code=303,
    )


def _render_company(
    focus: Application | None = None, status=200, answer_form=None, card_message=None
):
    """The page (filtered by the query string), or for htmx the card of `focus`."""
    offers = services.company_offers(current_user.company_id)
    form = CompanyFilterForm(request.args, offer_choices={str(o.id): o.title for o in offers})
    form.clean()
    if is_fragment_request() and focus is not None:
        groups = []
    else:
        groups = services.company_applications(
            owned_select(Application, current_user),
            offer_id=int(form.offre.data) if form.offre.data else None,
            status=S(form.statut.data) if form.statut.data else None,
        )
    shown = [a for g in groups for pg in g.periods for a in pg.applications]
    if focus is not None and focus not in shown:
        shown.append(focus)
    answer_forms = {
        a.id: AnswerForm(formdata=None, prefix=f"answer-{a.id}")
        for a in shown
        if a.status == S.SUBMITTED
    }
    if answer_form is not None and focus is not None and focus.status == S.SUBMITTED:
        answer_forms[focus.id] = answer_form
    work = None
    if focus is None:
        work = worklist.company_work(current_user.company_id)
        remember_badge(work.applications.count)
    return render(
        "applications/company_list.html",
        # The card fragment answers an action on one application; a plain htmx GET gets the page.
        "applications/_company_card.html"
        if focus is not None
        else "applications/company_list.html",
        status=status,
        filter_form=form,
        groups=groups,
        application=focus,
        answer_forms=answer_forms,
        card_message=card_message,
        labels=states.LABELS,
        short_name=services.pupil_short_name,
        statuses=S,
        work=work,
        expires_on=lambda waiting: worklist.expires_on(waiting, current_app.config),
        chosen_elsewhere=services.chosen_elsewhere(shown),
    )


# --- The public offer page's « Postuler » ------------------------------------------------------


@bp.app_context_processor
def _apply_helpers():
    return {"pupil_period_states": _pupil_period_states}


def _pupil_period_states(offer: Offer):
    """Each period of `offer` for the logged-in pupil (why not, or their application); [] for
    anyone else. Called by templates/public/offer.html."""
    if not (current_user.is_authenticated and current_user.role == Role.PUPIL):
        return []
    pupil = services.pupil_of(current_user)
    if pupil is None:
        return []
    return services.period_states(pupil, offer, utcnow().date())


# --- Company: placement proposals (issue 15) ------------------------------------------------------


@bp.get("/entreprise/propositions")
@role_required(Role.COMPANY)
def company_proposals():
    return _render_proposals()


@bp.get("/entreprise/propositions/<int:application_id>/accepter")
@role_required(Role.COMPANY)
def confirm_accept_proposal(application_id: int):
    return _confirm_proposal(application_id, confirm.accept_proposal, "accept_proposal")


@bp.get("/entreprise/propositions/<int:application_id>/refuser")
@role_required(Role.COMPANY)
def confirm_decline_proposal(application_id: int):
    return _confirm_proposal(application_id, confirm.decline_proposal, "decline_proposal")


def _confirm_proposal(application_id: int, build, endpoint: str):
    application = get_for_user_or_404(Application, application_id)
    if application.status != S.PROPOSED or application.period.start_date <= utcnow().date():
        flash("Cette proposition ne peut plus recevoir de réponse : voici la liste à jour.", "info")
        return redirect_to("applications.company_proposals")
    return render_confirmation(
        build(
            application,
            url_for(f"applications.{endpoint}", application_id=application.id),
            url_for("applications.company_proposals", _anchor=f"proposition-{application.id}"),
        )
    )


@bp.post("/entreprise/propositions/<int:application_id>/accepter")
@role_required(Role.COMPANY)
def accept_proposal(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    return _proposal_answer(
        lambda now: proposals.accept(application, current_user, now),
        f"Proposition acceptée : {services.pupil_short_name(application.pupil)} doit maintenant "
        "confirmer son choix.",
    )


@bp.post("/entreprise/propositions/<int:application_id>/refuser")
@role_required(Role.COMPANY)
def decline_proposal(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    return _proposal_answer(
        lambda now: proposals.decline(application, current_user, now),
        "Proposition refusée : la place est de nouveau libre.",
    )


@bp.post("/entreprise/propositions/tout-accepter")
@role_required(Role.COMPANY)
def accept_all_proposals():
    form = AcceptAllForm()
    if not form.validate_on_submit():
        return _render_proposals(422, ("error", "Le formulaire a expiré : rechargez la page."))
    ids = {int(v) for v in form.propositions.data or [] if proposals.is_id(str(v))}
    # Only the company's own proposals are found: another company's id is silently not there.
    chosen = [
        a
        for a in proposals.pending_for_company(owned_select(Application, current_user))
        if a.id in ids
    ]
    if len(chosen) != len(ids) or len(ids) != len(form.propositions.data or []):
        return _render_proposals(
            422, ("error", "Une des propositions a déjà reçu une réponse : rechargez la page.")
        )

    def accept_them(now):
        count = proposals.accept_all(chosen, current_user, now)
        return count

    return _proposal_answer(
        accept_them,
        lambda count: f"{count} proposition{'s' if count > 1 else ''} acceptée"
        f"{'s' if count > 1 else ''} : les élèves doivent maintenant confirmer leur choix.",
    )


def _proposal_answer(action, success):
    form = ActionForm()
    if not form.validate_on_submit():
        return _render_proposals(422, ("error", "Le formulaire a expiré : rechargez la page."))
    try:
        result = action(utcnow())
    except (proposals.ProposalError, TransitionError) as error:
        db.session.rollback()
        return _render_proposals(422, ("error", str(error)))
    db.session.commit()
    text = success(result) if callable(success) else success
    if is_fragment_request():
        return _render_proposals(200, ("success", text))
    flash(text, "success")
    return redirect(url_for("applications.company_proposals"), code=303)


def _render_proposals(status=200, message=None):
    # The list fragment answers an answer (POST); a plain htmx GET gets the page.
    return render(
        "applications/company_proposals.html",
        "applications/_company_proposals.html"
        if request.method == "POST"
        else "applications/company_proposals.html",
        status=status,
        pending=proposals.pending_for_company(owned_select(Application, current_user)),
        today=utcnow().date(),
        message=message,
        action_form=ActionForm(formdata=None),
        short_name=services.pupil_short_name,
    )
