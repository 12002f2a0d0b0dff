"""HTTP only: the questionnaires, the company's list, the class's answers. Every view checks
the role (role_required) and the ownership (get_for_user_or_404 on Placement / SchoolClass:
a pupil only their placements, a company user only their company's, a teacher only their
classes); the rules (open, editable, dates) are in services.py."""

from flask import flash, render_template, request
from flask_login import current_user

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.extensions import db
from capindustrie.feedback import bp, services
from capindustrie.feedback.forms import CompanyFeedbackForm, PupilFeedbackForm, RecruitmentForm
from capindustrie.feedback.services import FeedbackClosed
from capindustrie.htmx import redirect_to
from capindustrie.models import (
    Placement,
    ProgrammeFollowed,
    RecruitmentKind,
    Role,
    SchoolClass,
    utcnow,
)
from capindustrie.models.feedback import PROGRAMME_LABELS, RECRUITMENT_LABELS

LABELS = {"programme_labels": PROGRAMME_LABELS, "recruitment_labels": RECRUITMENT_LABELS}


def _closed(placement: Placement, message: str, *, pupil: bool, status: int = 403):
    return render_template(
        "feedback/closed.html", placement=placement, message=message, pupil=pupil
    ), status


# --- Pupil -------------------------------------------------------------------------------------


@bp.route("/stages/<int:placement_id>/avis", methods=["GET", "POST"])
@role_required(Role.PUPIL)
def pupil_form(placement_id: int):
    placement = get_for_user_or_404(Placement, placement_id)
    now = utcnow()
    try:
        services.check_open(placement, now, pupil=True)
    except FeedbackClosed as exc:
        return _closed(placement, str(exc), pupil=True)
    answer = services.pupil_answer(placement)
    if answer is not None and not services.is_editable(answer, now):
        message = services.read_only_message(answer, pupil=True)
        status = 403 if _submitted() else 200
        return render_template(
            "feedback/pupil_answer.html",
            placement=placement,
            answer=answer,
            message=message,
            **LABELS,
        ), status
    form = PupilFeedbackForm(obj=answer)
    if form.validate_on_submit():
        services.save_pupil_answer(
            placement,
            now,
            desire_before=form.desire_before.data,
            desire_after=form.desire_after.data,
            programme_followed=ProgrammeFollowed(form.programme_followed.data),
            liked=form.liked.data,
        )
        db.session.commit()
        flash("Merci ! Tes réponses sont enregistrées.", "success")
        return redirect_to("applications.pupil_dashboard")
    return render_template(
        "feedback/pupil_form.html",
        form=form,
        placement=placement,
        answer=answer,
        editable_until=services.editable_until(answer) if answer else None,
    ), 422 if form.is_submitted() else 200


def _submitted() -> bool:
    return request.method == "POST"


# --- Company -----------------------------------------------------------------------------------


@bp.get("/entreprise/avis")
@role_required(Role.COMPANY)
def company_list():
    now = utcnow()
    return render_template(
        "feedback/company_list.html", due=services.company_due(current_user.company_id, now)
    )


@bp.route("/entreprise/stages/<int:placement_id>/avis", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def company_form(placement_id: int):
    placement = get_for_user_or_404(Placement, placement_id)
    now = utcnow()
    try:
        services.check_open(placement, now, pupil=False)
    except FeedbackClosed as exc:
        return _closed(placement, str(exc), pupil=False)
    answer = services.company_answer(placement)
    editable = services.is_editable(answer, now)
    if _submitted() and not editable:
        return _company_page(
            placement, answer, None, RecruitmentForm(formdata=None), now, status=403
        )
    form = _company_feedback_form(answer, posted=_submitted()) if editable else None
    if form is not None and form.validate_on_submit():
        services.save_company_answer(
            placement,
            current_user,
            now,
            satisfaction=form.satisfaction.data,
            would_host_again=form.would_host_again.data == "oui",
        )
        db.session.commit()
        flash("Merci : vos réponses sont enregistrées.", "success")
        return redirect_to("feedback.company_form", placement_id=placement.id)
    status = 422 if form is not None and form.is_submitted() else 200
    return _company_page(placement, answer, form, RecruitmentForm(formdata=None), now, status)


@bp.post("/entreprise/stages/<int:placement_id>/retours")
@role_required(Role.COMPANY)
def add_recruitment(placement_id: int):
    placement = get_for_user_or_404(Placement, placement_id)
    now = utcnow()
    try:
        services.check_open(placement, now, pupil=False)
    except FeedbackClosed as exc:
        return _closed(placement, str(exc), pupil=False)
    answer = services.company_answer(placement)
    form = RecruitmentForm()
    if form.validate_on_submit():
        try:
            services.add_recruitment(
                placement,
                current_user,
                now,
                kind=RecruitmentKind(form.kind.data),
                started_on=form.started_on.data,
            )
        except FeedbackClosed as exc:
            db.session.rollback()
            form.started_on.errors = [*form.started_on.errors, str(exc)]
        else:
            db.session.commit()
            flash("Merci : ce retour est enregistré.", "success")
            return redirect_to("feedback.company_form", placement_id=placement.id)
    feedback_form = (
        _company_feedback_form(answer, posted=False) if services.is_editable(answer, now) else None
    )
    return _company_page(placement, answer, feedback_form, form, now, status=422)


def _company_feedback_form(answer, *, posted: bool) -> CompanyFeedbackForm:
    """The posted form, or the saved answers to edit."""
    if posted:
        return CompanyFeedbackForm()
    form = CompanyFeedbackForm(formdata=None)
    if answer is not None:
        form.satisfaction.data = answer.satisfaction
        form.would_host_again.data = "oui" if answer.would_host_again else "non"
    return form


def _company_page(placement, answer, form, recruitment_form, now, status=200):
    return render_template(
        "feedback/company_form.html",
        placement=placement,
        answer=answer,
        form=form,
        read_only_message=None
        if form is not None
        else services.read_only_message(answer, pupil=False),
        editable_until=services.editable_until(answer) if answer else None,
        recruitment_form=recruitment_form,
        recruitments=services.recruitments(placement),
        **LABELS,
    ), status


# --- Teacher -----------------------------------------------------------------------------------


@bp.get("/classes/<int:class_id>/avis")
@role_required(Role.TEACHER)
def class_answers(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    return render_template(
        "feedback/class_answers.html",
        school_class=klass,
        rows=services.class_answers(klass.id, utcnow()),
        **LABELS,
    )


# --- Links on the other areas' pages -----------------------------------------------------------


@bp.app_context_processor
def _feedback_helpers():
    """Called only by the pages that include the feedback fragments (lazy: no query else)."""
    return {
        "feedback_pupil_due": lambda: services.pupil_due(current_user, utcnow()),
        "feedback_company_due": lambda: services.company_due(current_user.company_id, utcnow()),
        "feedback_pupil_rows": lambda pupil_id: services.pupil_rows(pupil_id, utcnow()),
        "feedback_labels": LABELS,
    }
