"""The convention over HTTP: its page (what is missing, its versions), the forms that complete
it, issuing and amending.

A placement is loaded with get_for_user_or_404 (the Placement ownership rule: its class
teachers, its company's users, the pupil); each form then checks the role that fills it. The
school profile is the teacher's own school.
"""

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.conventions import bp, services
from capindustrie.conventions.forms import (
    AmendmentForm,
    FamilyForm,
    HostSignatoryForm,
    IssueForm,
    SchoolProfileForm,
)
from capindustrie.extensions import db
from capindustrie.htmx import redirect_to
from capindustrie.models import (
    Placement,
    PupilFamily,
    Role,
    SchoolProfile,
    SchoolStatus,
    utcnow,
)
from capindustrie.offers.rules import display_phone, normalize_phone

PARTIES = (Role.TEACHER, Role.COMPANY, Role.PUPIL)


def _placement(placement_id: int) -> Placement:
    return get_for_user_or_404(Placement, placement_id)


def _overview(placement: Placement, status: int = 200, amendment_form=None):
    versions = services.versions(placement)
    missing = [] if versions else services.missing_items(placement)
    return (
        render_template(
            "conventions/overview.html",
            placement=placement,
            versions=versions,
            missing=missing,
            issue_form=IssueForm(),
            amendment_form=amendment_form or AmendmentForm(formdata=None),
            is_teacher=current_user.role == Role.TEACHER,
            is_company=current_user.role == Role.COMPANY,
        ),
        status,
    )


@bp.get("/stages/<int:placement_id>/convention")
@role_required(*PARTIES)
def overview(placement_id: int):
    return _overview(_placement(placement_id))


# --- Completing it -------------------------------------------------------------------------------


def _phone_or_none(value: str | None) -> str | None:
    return normalize_phone(value) if value else None


@bp.route("/etablissement/profil-convention", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def school_profile():
    """The teacher's own school: filled once, used by every convention of the school."""
    school = current_user.school
    profile = services.school_profile(school.id)
    back = request.args.get("stage", type=int)
    if back is not None:
        _placement(back)  # only a placement the teacher may see
    form = SchoolProfileForm(obj=profile)
    if request.method == "GET" and profile is None:
        form.status.data = (
            SchoolStatus.PUBLIC.value if school.public else SchoolStatus.PRIVATE_CONTRACT.value
        )
    if profile is not None and request.method == "GET":
        form.status.data = profile.status.value
        form.phone.data = display_phone(profile.phone)
    if form.validate_on_submit():
        profile = profile or SchoolProfile(school_id=school.id)
        profile.status = SchoolStatus(form.status.data)
        profile.phone = normalize_phone(form.phone.data)
        profile.email = form.email.data.lower()
        profile.head_name = form.head_name.data
        profile.board_authorisation_date = (
            form.board_authorisation_date.data if profile.status is SchoolStatus.PUBLIC else None
        )
        profile.updated_by_id = current_user.id
        db.session.add(profile)
        db.session.commit()
        flash(f"Profil de l'établissement enregistré pour {school.name}.", "success")
        if back is not None:
            return redirect_to("conventions.overview", placement_id=back)
        return redirect_to("conventions.school_profile")
    status = 422 if form.errors else 200
    return render_template(
        "conventions/school_profile.html", form=form, school=school, back=back
    ), status


@bp.route("/stages/<int:placement_id>/convention/famille", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def family(placement_id: int):
    placement = _placement(placement_id)
    pupil = placement.pupil
    family_row = services.family_of(pupil.id)
    parties = services.parties_of(placement)
    form = FamilyForm(obj=family_row)
    if request.method == "GET":
        form.birth_date.data = pupil.birth_date
        form.referent_phone.data = display_phone(parties.referent_phone)
        if family_row is not None:
            form.pai.data = {None: None, True: "oui", False: "non"}[family_row.pai]
            for n in (1, 2):
                field = form[f"rep{n}_phone"]
                field.data = display_phone(getattr(family_row, f"rep{n}_phone"))
    if services.versions(placement):
        flash("La convention est déjà établie : ces informations ne la modifient plus.", "info")
    if form.validate_on_submit():
        family_row = family_row or PupilFamily(pupil_id=pupil.id)
        for n in (1, 2):
            setattr(family_row, f"rep{n}_name", form[f"rep{n}_name"].data or None)
            email = form[f"rep{n}_email"].data
            setattr(family_row, f"rep{n}_email", email.lower() if email else None)
            setattr(family_row, f"rep{n}_phone", _phone_or_none(form[f"rep{n}_phone"].data))
        family_row.pai = {"oui": True, "non": False}.get(form.pai.data)
        family_row.pai_kit = form.pai_kit.data if family_row.pai else None
        family_row.insurance_certificate = form.insurance_certificate.data
        db.session.add(family_row)
        pupil.birth_date = form.birth_date.data
        parties.referent_phone = _phone_or_none(form.referent_phone.data)
        db.session.commit()
        flash("Informations de la convention enregistrées.", "success")
        return redirect_to("conventions.overview", placement_id=placement.id)
    status = 422 if form.errors else 200
    return render_template("conventions/family.html", form=form, placement=placement), status


@bp.route("/stages/<int:placement_id>/convention/signataire", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def host_signatory(placement_id: int):
    placement = _placement(placement_id)
    parties = services.parties_of(placement)
    form = HostSignatoryForm(obj=parties)
    if request.method == "GET":
        form.host_rep_phone.data = display_phone(parties.host_rep_phone)
        if not parties.host_rep_name:
            form.host_rep_name.data = current_user.display_name
            form.host_rep_email.data = current_user.email
    if form.validate_on_submit():
        if services.versions(placement):
            flash("La convention est déjà établie : son signataire ne peut plus changer.", "error")
            return _overview(placement, status=409)
        parties.host_rep_name = form.host_rep_name.data
        parties.host_rep_function = form.host_rep_function.data
        parties.host_rep_email = form.host_rep_email.data.lower()
        parties.host_rep_phone = normalize_phone(form.host_rep_phone.data)
        db.session.commit()
        flash("Signataire de l'entreprise enregistré.", "success")
        return redirect_to("conventions.overview", placement_id=placement.id)
    status = 422 if form.errors else 200
    return render_template(
        "conventions/host_signatory.html", form=form, placement=placement
    ), status


# --- Issuing and amending ------------------------------------------------------------------------


@bp.post("/stages/<int:placement_id>/convention/etablir")
@role_required(Role.TEACHER)
def issue(placement_id: int):
    placement = _placement(placement_id)
    if not IssueForm().validate_on_submit():
        abort(400)
    try:
        version = services.issue(placement, current_user, utcnow())
    except services.ConventionRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _overview(placement, status=409)
    db.session.commit()
    flash(
        f"Convention {version.content_hash[:12]}… établie (version 1) : son contenu est figé, "
        "chacun télécharge le même document.",
        "success",
    )
    return redirect_to("conventions.overview", placement_id=placement.id)


@bp.post("/stages/<int:placement_id>/convention/avenant")
@role_required(Role.TEACHER)
def amend(placement_id: int):
    placement = _placement(placement_id)
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _overview(placement, status=422, amendment_form=form)
    try:
        version = services.amend(placement, form.reason.data, current_user, utcnow())
    except services.ConventionRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _overview(placement, status=409, amendment_form=form)
    db.session.commit()
    flash(f"Avenant établi : version {version.number} de la convention.", "success")
    return redirect_to("conventions.overview", placement_id=placement.id)


@bp.app_context_processor
def _convention_links():
    return {"convention_page_url": _convention_page_url}


def _convention_page_url(placement: Placement) -> str:
    return url_for("conventions.overview", placement_id=placement.id)
