"""The parent link over HTTP.

- `/stages/<id>/lien-parents`: the pupil or a teacher of the class manages the link (the
  Placement ownership rule: anyone else's placement is not found; companies are refused by role).
- `/parents/<token>`: the read-only page, no account. Unknown or tampered token → 404, revoked or
  expired → 410, each a French page, never a 500. Rate-limited per address; `noindex`,
  `Referrer-Policy: no-referrer` (the token is in the URL: no link followed from the page may
  carry it away) and `Cache-Control: no-store` on every answer, errors included.
"""

from flask import current_app, flash, make_response, render_template, request, url_for
from flask_login import current_user

from capindustrie.applications.states import S
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.conventions import services as conventions
from capindustrie.errors import render_error
from capindustrie.extensions import db, limiter
from capindustrie.family import bp, services
from capindustrie.family.forms import CreateLinkForm, RevokeLinkForm
from capindustrie.headers import attachment
from capindustrie.htmx import redirect_to, render
from capindustrie.models import Application, Placement, Role, utcnow
from capindustrie.placements import agreement as agreement_pdf
from capindustrie.placements.services import placement_of
from capindustrie.urls import public_url

UNKNOWN_LINK = (
    "Ce lien n'existe pas : vérifiez qu'il est complet, tel que vous l'avez reçu. Sinon, "
    "demandez un nouveau lien à l'élève ou à son professeur."
)

INVALID_FORM = "Le formulaire n'est pas valide : rechargez la page puis recommencez."


# --- Managing the link (pupil, teacher) ----------------------------------------------------------


def _manage(placement, status=200, token=None, error=None):
    is_pupil = current_user.role == Role.PUPIL
    return render(
        "family/manage.html",
        "family/_link.html",
        status=status,
        placement=placement,
        first_name=placement.pupil.user.first_name,
        tu=is_pupil,
        link=services.active_link(placement),
        new_url=public_url("family.view", token=token) if token else None,
        create_form=CreateLinkForm(formdata=None),
        revoke_form=RevokeLinkForm(formdata=None),
        validated=services.is_validated(placement),
        expires_at=services.expiry_of(placement),
        error=error,
    )


# One rule for GET (the page) and POST (create a link): see reports/routes.py.
@bp.route("/stages/<int:placement_id>/lien-parents", methods=["GET", "POST"])
@role_required(Role.PUPIL, Role.TEACHER)
def manage(placement_id: int):
    placement = get_for_user_or_404(Placement, placement_id)
    if request.method == "GET":
        return _manage(placement)
    if not CreateLinkForm().validate_on_submit():
        return _manage(placement, status=400, error=INVALID_FORM)
    try:
        _, token = services.create_link(placement, current_user, utcnow())
    except services.LinkRefused as exc:
        db.session.rollback()
        return _manage(placement, status=422, error=str(exc))
    db.session.commit()
    # The token is shown on this answer only (it is stored hashed): no redirect.
    return _manage(placement, token=token)


@bp.post("/stages/<int:placement_id>/lien-parents/desactiver")
@role_required(Role.PUPIL, Role.TEACHER)
def revoke(placement_id: int):
    placement = get_for_user_or_404(Placement, placement_id)
    if not RevokeLinkForm().validate_on_submit():
        return _manage(placement, status=400, error=INVALID_FORM)
    revoked = services.revoke_links(placement, utcnow())
    db.session.commit()
    flash(
        "Le lien est désactivé : il ne s'ouvre plus." if revoked else "Aucun lien n'était actif.",
        "success",
    )
    return redirect_to("family.manage", placement_id=placement.id)


@bp.app_context_processor
def _parent_link_helpers():
    return {"parent_link_url": _parent_link_url}


def _parent_link_url(application: Application) -> str | None:
    """The link page of a validated application, for the pupil's card."""
    if application.status != S.VALIDATED:
        return None
    placement = placement_of(application)
    return url_for("family.manage", placement_id=placement.id) if placement else None


# --- The parents' page (no account) --------------------------------------------------------------


def _parent_view_rate_limit() -> str:
    return current_app.config["PARENT_VIEW_RATE_LIMIT"]


parent_view_limit = limiter.shared_limit(_parent_view_rate_limit, scope="parent-view")


def _private(response):
    """Every answer under /parents/: not indexed, not cached, no Referer sent onwards."""
    response = make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _open_link(token: str):
    """(link, None) or (None, the French error answer)."""
    link = services.link_for_token(token)
    if link is None:
        return None, _private(render_error(404, UNKNOWN_LINK))
    try:
        services.check_open(link, utcnow())
    except services.LinkUnavailable as exc:
        return None, _private(render_error(410, str(exc)))
    return link, None


@bp.get("/parents/<token>")
@parent_view_limit
def view(token: str):
    link, error = _open_link(token)
    if error is not None:
        return error
    page = services.parent_view(link)
    return _private(render_template("family/view.html", view=page, token=token))


@bp.get("/parents/<token>/convention.pdf")
@parent_view_limit
def convention(token: str):
    link, error = _open_link(token)
    if error is not None:
        return error
    version = conventions.latest_version(link.placement)
    if version is None:
        return _private(render_error(404, "La convention de ce stage n'est pas encore établie."))
    try:
        content = conventions.stored_content(version)
        pdf = agreement_pdf.render_pdf(version)
    except conventions.ConventionRefused as exc:
        return _private(render_error(409, str(exc)))
    response = _private(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = attachment(agreement_pdf.filename(version, content))
    return response
