"""Placements over HTTP: the class dashboard, validation and refusal, the convention PDF.

Teacher routes load the class, pupil or application through get_for_user_or_404 (restricted to
the classes they teach): anything else is simply not found. The convention is reachable by three
paths (class teacher, company of the offer, the pupil), all in the Placement ownership rule.
"""

from flask import abort, current_app, flash, make_response, render_template, request, url_for
from flask_login import current_user

from capindustrie.applications import services as application_services
from capindustrie.applications.states import LABELS, S, TransitionError
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.confirmations import Confirmation, render_confirmation
from capindustrie.conventions import services as conventions
from capindustrie.errors import render_error
from capindustrie.extensions import db
from capindustrie.headers import attachment
from capindustrie.htmx import hx_refresh, is_fragment_request, redirect_to, render
from capindustrie.inputs import parse_id
from capindustrie.models import Application, Placement, Pupil, Role, SchoolClass, utcnow
from capindustrie.placements import agreement as agreement_pdf
from capindustrie.placements import bp, services
from capindustrie.placements.forms import DashboardFilterForm, DecisionForm, RefuseForm
from capindustrie.placements.services import COUNT_LABELS, STATE_LABELS, URGENCY, PupilState
from capindustrie.text import elide

# --- Dashboard -----------------------------------------------------------------------------------


@bp.get("/classes/<int:class_id>/suivi")
@role_required(Role.TEACHER)
def class_dashboard(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = DashboardFilterForm(request.args)
    return _render_dashboard(klass, form)


@bp.get("/classes/<int:class_id>/eleves/<int:pupil_id>/candidatures")
@role_required(Role.TEACHER)
def pupil_applications(class_id: int, pupil_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    pupil = get_for_user_or_404(Pupil, pupil_id)
    if pupil.class_id != klass.id:
        abort(404)
    applications = services.pupil_history(pupil)
    actors = services.actors(applications)
    return render_template(
        "placements/pupil_applications.html",
        school_class=klass,
        pupil=pupil,
        applications=applications,
        placements=services.placements_by_application(applications),
        labels=LABELS,
        actor_label=lambda t: _actor_label(t, actors),
    )


def _actor_label(transition, actors) -> str:
    """Who made a transition, for the teacher: names of teachers, the company, the pupil."""
    if transition.actor_id is None:
        return "automatique"
    actor = actors.get(transition.actor_id)
    if actor is None:
        return "compte supprimé"
    if actor.id == current_user.id:
        return "vous"
    if actor.role == Role.PUPIL:
        return "l'élève"
    if actor.role == Role.COMPANY:
        return f"l'entreprise ({actor.company.name})" if actor.company else "l'entreprise"
    return actor.display_name


# --- Validation ----------------------------------------------------------------------------------


@bp.get("/candidatures/<int:application_id>/valider")
@role_required(Role.TEACHER)
def confirm_validate(application_id: int):
    """Validating asks first (issue 17): it makes the placement and starts the convention."""
    application = get_for_user_or_404(Application, application_id)
    pupil = application.pupil
    if application.status != S.CONFIRMED:
        flash(
            "Ce stage n'attend plus votre validation : voici la situation actuelle de la classe.",
            "info",
        )
        return redirect_to(
            "placements.class_dashboard", class_id=pupil.class_id, _anchor=f"eleve-{pupil.id}"
        )
    return render_confirmation(_validation_confirmation(application))


def _validation_confirmation(application: Application) -> Confirmation:
    pupil = application.pupil
    first_name = pupil.user.first_name
    company = application.period.offer.company.name
    dates = application_services.period_dates(application.period)
    return Confirmation(
        title=f"Valider le stage {elide(first_name)} chez {company} {dates} ?",
        consequences=[
            f"« {application.period.offer.title} » devient le stage validé {elide(first_name)} : "
            "l'entreprise est prévenue par e-mail et la convention de stage s'établit depuis sa "
            "page (à compléter si besoin, puis à faire signer).",
            "La validation est définitive.",
        ],
        action_url=url_for("placements.validate", application_id=application.id),
        button="Confirmer la validation",
        cancel_url=url_for(
            "placements.class_dashboard", class_id=pupil.class_id, _anchor=f"eleve-{pupil.id}"
        ),
        hx_target="closest tr",
    )


@bp.post("/candidatures/<int:application_id>/valider")
@role_required(Role.TEACHER)
def validate(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    pupil = application.pupil
    try:
        services.validate(application, current_user, utcnow())
    except (services.NotWaiting, TransitionError) as exc:
        db.session.rollback()
        return _conflict(pupil.school_class, str(exc))
    except services.PlacementRefused as exc:
        db.session.rollback()
        return _render_after_action(pupil, status=422, message=("error", str(exc)))
    db.session.commit()
    return _done(
        pupil,
        f"Stage validé pour {pupil.user.first_name} {pupil.user.last_name} : l'entreprise est "
        "prévenue ; la convention se complète et s'établit depuis sa page.",
    )


@bp.post("/candidatures/<int:application_id>/refuser")
@role_required(Role.TEACHER)
def refuse(application_id: int):
    application = get_for_user_or_404(Application, application_id)
    pupil = application.pupil
    form = RefuseForm(prefix=_refuse_prefix(application))
    if not form.validate_on_submit():
        return _render_after_action(pupil, status=422, refuse_form=(application.id, form))
    try:
        services.refuse(application, current_user, form.reason.data, utcnow())
    except (services.NotWaiting, TransitionError) as exc:
        db.session.rollback()
        return _conflict(pupil.school_class, str(exc))
    db.session.commit()
    return _done(
        pupil,
        f"Stage refusé pour {pupil.user.first_name} {pupil.user.last_name} : la place est "
        "libérée, l'entreprise reçoit le motif et l'élève peut candidater à nouveau.",
    )


def _done(pupil: Pupil, success: str):
    if is_fragment_request():
        return _render_after_action(pupil, message=("success", success))
    flash(success, "success")
    return redirect_to(
        "placements.class_dashboard", class_id=pupil.class_id, _anchor=f"eleve-{pupil.id}"
    )


def _conflict(klass: SchoolClass, message: str):
    """The application is no longer waiting (another teacher of the class, a second tab): show
    the class as it is now, with why nothing was done."""
    flash(message, "error")
    if is_fragment_request():
        return hx_refresh(409)
    return _render_dashboard(klass, DashboardFilterForm(formdata=None), status=409)


def _render_after_action(pupil: Pupil, status: int = 200, message=None, refuse_form=None):
    """htmx: the pupil's row (and the counts, out of band); otherwise the whole page."""
    klass = pupil.school_class
    dashboard = services.class_dashboard(klass)
    row_message = (pupil.id, *message) if message else None
    if not is_fragment_request():
        return _render_dashboard(
            klass,
            DashboardFilterForm(formdata=None),
            status=status,
            dashboard=dashboard,
            row_message=row_message,
            refuse_form=refuse_form,
        )
    row = dashboard.row_of(pupil.id)
    return render(
        "placements/_row_swap.html",
        "placements/_row_swap.html",
        status=status,
        **_dashboard_context(dashboard, [row], None, row_message, refuse_form),
    )


def _render_dashboard(klass, form, status=200, dashboard=None, row_message=None, refuse_form=None):
    dashboard = dashboard or services.class_dashboard(klass)
    state = form.state()
    context = _dashboard_context(
        dashboard, dashboard.filtered(state), state, row_message, refuse_form
    )
    return render(
        "placements/class_dashboard.html",
        "placements/_dashboard_results.html",
        status=status,
        form=form,
        **context,
    )


def _dashboard_context(dashboard, rows, state, row_message, refuse_form) -> dict:
    refuse_forms = {
        a.id: RefuseForm(formdata=None, prefix=_refuse_prefix(a))
        for row in rows
        for a in row.to_validate
    }
    if refuse_form is not None:
        refuse_forms[refuse_form[0]] = refuse_form[1]
    return {
        "school_class": dashboard.school_class,
        "dashboard": dashboard,
        "counts": dashboard.counts,
        "rows": rows,
        "state": state,
        "states": PupilState,
        "urgency": URGENCY,
        "state_labels": STATE_LABELS,
        "count_labels": COUNT_LABELS,
        "labels": LABELS,
        "statuses": S,
        "refuse_forms": refuse_forms,
        "row_message": row_message,
        "deadline": lambda a: application_services.deadline(a, current_app.config),
    }


def _refuse_prefix(application: Application) -> str:
    return f"refus-{application.id}"


# --- Convention ----------------------------------------------------------------------------------


@bp.get("/stages/<int:placement_id>/convention.pdf")
@role_required(Role.TEACHER, Role.COMPANY, Role.PUPIL)
def agreement(placement_id: int):
    """The latest frozen version (or `?version=N`): the same bytes at every download. Before
    the convention is issued there is no PDF, only the list of what is missing."""
    placement = get_for_user_or_404(Placement, placement_id)
    raw_number = request.args.get("version")
    number = parse_id(raw_number) if raw_number is not None else None
    if raw_number is not None and number is None:
        abort(404)
    version = (
        conventions.latest_version(placement)
        if number is None
        else next((v for v in conventions.versions(placement) if v.number == number), None)
    )
    if version is None:
        if number is not None:
            abort(404)
        flash(
            "La convention n'est pas encore établie : complétez d'abord les informations "
            "manquantes ci-dessous.",
            "error",
        )
        return redirect_to("conventions.overview", placement_id=placement.id)
    try:
        content = conventions.stored_content(version)
        pdf = agreement_pdf.render_pdf(version)
    except conventions.ConventionRefused as exc:
        return render_error(409, str(exc))
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = attachment(agreement_pdf.filename(version, content))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _agreement_links():
    return {"agreement_url": _agreement_url}


def _agreement_url(application: Application) -> str | None:
    """The convention of a validated application, for the pupil's and the company's pages."""
    if application.status != S.VALIDATED:
        return None
    placement = services.placement_of(application)
    return url_for("conventions.overview", placement_id=placement.id) if placement else None
