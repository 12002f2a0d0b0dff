"""« Mes données »: the signed-in user's own data (page and JSON), a pupil's data for their
teacher, and closing one's account (teachers and company users)."""

import json

from flask import Response, flash, render_template
from flask_login import current_user

from capindustrie.auth.session import stop_session
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.extensions import db
from capindustrie.headers import attachment
from capindustrie.htmx import redirect_to
from capindustrie.models import Pupil, Role, utcnow
from capindustrie.privacy import bp, services
from capindustrie.privacy.forms import CloseAccountForm
from capindustrie.privacy.retention import RULES

ALL_ROLES = tuple(Role)


@bp.get("/")
@role_required(*ALL_ROLES)
def index():
    return render_template(
        "privacy/index.html",
        sections=services.sections_for(current_user),
        subject=None,
        download_url=None,
        rules=RULES,
        can_close=current_user.role in services.CLOSABLE_ROLES,
        show=services.display,
    )


@bp.get("/mes-donnees.json")
@role_required(*ALL_ROLES)
def download():
    return _json(services.sections_for(current_user), "mes-donnees-cap-industrie.json")


@bp.get("/eleve/<int:pupil_id>")
@role_required(Role.TEACHER)
def pupil(pupil_id: int):
    """A pupil's data, for a teacher of the pupil's class only (another teacher: 404)."""
    subject = get_for_user_or_404(Pupil, pupil_id)
    return render_template(
        "privacy/index.html",
        sections=_pupil_sections(subject),
        subject=subject,
        rules=RULES,
        can_close=False,
        show=services.display,
    )


@bp.get("/eleve/<int:pupil_id>.json")
@role_required(Role.TEACHER)
def pupil_download(pupil_id: int):
    subject = get_for_user_or_404(Pupil, pupil_id)
    return _json(_pupil_sections(subject), f"donnees-eleve-{subject.id}.json")


@bp.route("/fermer-mon-compte", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def remove_account():
    """Confirmation step, then deletion (as the purge does it) and logout. Refused (409) with
    the reason while a placement the user takes part in is in progress."""
    now = utcnow()
    refusal = services.closure_refusal(current_user, now)
    form = CloseAccountForm(user=current_user)
    if refusal is None and form.validate_on_submit():
        services.close_account(current_user._get_current_object(), now)
        db.session.commit()
        stop_session()
        flash("Votre compte est fermé et vos données personnelles sont supprimées.", "success")
        return redirect_to("main.index")
    status = 200
    if form.is_submitted():
        status = 409 if refusal else 422
    return render_template("privacy/close.html", form=form, refusal=refusal), status


def _pupil_sections(subject: Pupil) -> list:
    return [services.profile_section(subject.user), *services.pupil_sections(subject)]


def _json(sections, filename: str) -> Response:
    body = json.dumps(services.as_json(sections, utcnow()), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response
