"""The convention over HTTP: its page (what is missing, its versions), the forms that complete
it, issuing and amending.

A placement is loaded with get_for_user_or_404 (the Placement ownership rule: its class
teachers, its company's users, the pupil); each form then checks the role that fills it. The
school profile is the teacher's own school.
"""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.conventions import bp, services, signatures
from capindustrie.conventions.forms import (
    AmendmentForm,
    CodeForm,
    FamilyForm,
    HostSignatoryForm,
    IssueForm,
    PaperSignatureForm,
    PupilSignatureForm,
    RequestCodeForm,
    SchoolProfileForm,
)
from capindustrie.errors import render_error
from capindustrie.extensions import db, limiter
from capindustrie.headers import attachment
from capindustrie.htmx import redirect_to
from capindustrie.inputs import parse_id
from capindustrie.models import (
    SIGNATURE_PARTY_LABELS,
    AgreementSignature,
    Placement,
    PupilFamily,
    Role,
    SchoolProfile,
    SchoolStatus,
    SignatureParty,
    utcnow,
)
from capindustrie.offers.rules import display_phone, normalize_phone
from capindustrie.placements import agreement as agreement_pdf

PARTIES = (Role.TEACHER, Role.COMPANY, Role.PUPIL)
_DEFAULT = object()


def _placement(placement_id: int) -> Placement:
    return get_for_user_or_404(Placement, placement_id)


def _overview(
    placement: Placement, status: int = 200, amendment_form=None, pupil_form=None, paper_form=None
):
    versions = services.versions(placement)
    missing = [] if versions else services.missing_items(placement)
    last = versions[-1] if versions else None
    signed = signatures.signatures_of(last) if last else {}
    return (
        render_template(
            "conventions/overview.html",
            placement=placement,
            versions=versions,
            missing=missing,
            issue_form=IssueForm(),
            amendment_form=amendment_form or AmendmentForm(formdata=None),
            awaited=signatures.parties_of(last) if last else [],
            signed=signed,
            fully_signed=bool(last) and signatures.is_fully_signed(last),
            pupil_form=pupil_form or PupilSignatureForm(formdata=None),
            paper_form=paper_form or (_paper_form(last, formdata=None) if last else None),
            is_teacher=current_user.role == Role.TEACHER,
            is_company=current_user.role == Role.COMPANY,
            is_pupil=current_user.role == Role.PUPIL,
            party_labels=SIGNATURE_PARTY_LABELS,
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
    back = parse_id(request.args.get("stage")) if request.args.get("stage") else None
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
        f"Convention établie (version 1, empreinte {version.content_hash[:12]}…) : son contenu "
        "est figé et les demandes de signature sont parties par e-mail.",
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
    flash(
        f"Avenant établi : version {version.number} de la convention. Chacun est invité à le "
        "signer.",
        "success",
    )
    return redirect_to("conventions.overview", placement_id=placement.id)


@bp.app_context_processor
def _convention_links():
    return {"convention_page_url": _convention_page_url}


def _convention_page_url(placement: Placement) -> str:
    return url_for("conventions.overview", placement_id=placement.id)


# --- Signatures ----------------------------------------------------------------------------------


def _current_version_or_409(placement: Placement):
    version = services.latest_version(placement)
    if version is None:
        flash("La convention n'est pas encore établie : rien à signer.", "error")
    return version


@bp.post("/stages/<int:placement_id>/convention/signer")
@role_required(Role.PUPIL)
def pupil_sign(placement_id: int):
    placement = _placement(placement_id)
    version = _current_version_or_409(placement)
    if version is None:
        return _overview(placement, status=409)
    form = PupilSignatureForm()
    if not form.validate_on_submit():
        return _overview(placement, status=422, pupil_form=form)
    try:
        signatures.sign_as_pupil(version, current_user, request.remote_addr, utcnow())
    except signatures.SignatureRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _overview(placement, status=409)
    db.session.commit()
    flash("Votre signature est enregistrée.", "success")
    return redirect_to("conventions.overview", placement_id=placement.id)


@bp.post("/stages/<int:placement_id>/convention/signature-papier")
@role_required(Role.TEACHER)
def paper_signature(placement_id: int):
    placement = _placement(placement_id)
    version = _current_version_or_409(placement)
    if version is None:
        return _overview(placement, status=409)
    form = _paper_form(version)
    if not form.validate_on_submit():
        return _overview(placement, status=422, paper_form=form)
    data = form.scan.data.read()
    try:
        signatures.record_paper(
            version,
            SignatureParty(form.party.data),
            form.signer_name.data,
            form.scan.data.filename or "scan",
            data,
            current_user,
            request.remote_addr,
            utcnow(),
        )
    except signatures.SignatureRefused as exc:
        db.session.rollback()
        form.scan.errors = [str(exc)]
        return _overview(placement, status=422, paper_form=form)
    db.session.commit()
    flash("Signature sur papier enregistrée, avec son scan.", "success")
    return redirect_to("conventions.overview", placement_id=placement.id)


@bp.get("/stages/<int:placement_id>/convention/signatures/<int:signature_id>/scan")
@role_required(Role.TEACHER)
def paper_scan(placement_id: int, signature_id: int):
    placement = _placement(placement_id)
    signature = db.session.get(AgreementSignature, signature_id)
    if (
        signature is None
        or signature.scan_data is None
        or signature.version.placement_id != placement.id
    ):
        abort(404)
    response = make_response(signature.scan_data)
    response.mimetype = signature.scan_mimetype
    response.headers["Content-Disposition"] = attachment(f"scan-{signature.id}")
    response.headers["Cache-Control"] = "no-store"
    return response


def _paper_form(version, formdata=_DEFAULT):
    kwargs = {} if formdata is _DEFAULT else {"formdata": formdata}
    form = PaperSignatureForm(**kwargs)
    signed = signatures.signatures_of(version)
    form.party.choices = [
        SelectChoice(p.party.value, f"{p.label} — {p.name}")
        for p in signatures.parties_of(version)
        if p.party not in signed
    ]
    return form


# Signing links: no account, the token is the key (404 when unknown, never a hint).


def _invitation_or_404(token: str):
    invitation = signatures.invitation_for(token)
    if invitation is None:
        return None, render_error(
            404,
            "Ce lien de signature n'existe pas : vérifiez qu'il est complet, tel que reçu par "
            "e-mail.",
        )
    return invitation, None


def _sign_page(
    token, invitation, status=200, code_form=None, problem=None, code_sent=False, signed=None
):
    version = invitation.version
    return (
        render_template(
            "conventions/sign.html",
            token=token,
            invitation=invitation,
            label=SIGNATURE_PARTY_LABELS[invitation.party],
            content=services.stored_content(version),
            version=version,
            request_form=RequestCodeForm(),
            code_form=code_form or CodeForm(formdata=None),
            problem=problem,
            code_sent=code_sent,
            signed=signed,
        ),
        status,
    )


@bp.get("/signature/<token>")
def sign(token: str):
    invitation, error = _invitation_or_404(token)
    if error:
        return error
    signed = signatures.signatures_of(invitation.version).get(invitation.party)
    if signed is not None:
        return _sign_page(token, invitation, signed=signed)
    try:
        signatures.check_invitation(invitation, utcnow())
    except signatures.SignatureRefused as exc:
        return _sign_page(token, invitation, status=410, problem=str(exc))
    return _sign_page(token, invitation)


@bp.post("/signature/<token>/code")
@limiter.limit("10/hour", methods=["POST"])
def sign_send_code(token: str):
    invitation, error = _invitation_or_404(token)
    if error:
        return error
    if not RequestCodeForm().validate_on_submit():
        abort(400)
    try:
        signatures.send_code(invitation, utcnow())
    except signatures.SignatureRefused as exc:
        db.session.rollback()
        return _sign_page(token, invitation, status=410, problem=str(exc))
    db.session.commit()
    return _sign_page(token, invitation, code_sent=True)


@bp.post("/signature/<token>")
@limiter.limit("30/hour", methods=["POST"])
def sign_with_code(token: str):
    invitation, error = _invitation_or_404(token)
    if error:
        return error
    form = CodeForm()
    if not form.validate_on_submit():
        return _sign_page(token, invitation, status=422, code_form=form, code_sent=True)
    try:
        signatures.sign_with_code(invitation, form.code.data, request.remote_addr, utcnow())
    except signatures.WrongCode as exc:
        db.session.commit()  # the attempt counts; nothing is signed
        form.code.errors = [str(exc)]
        return _sign_page(token, invitation, status=422, code_form=form, code_sent=True)
    except signatures.SignatureRefused as exc:
        db.session.rollback()
        return _sign_page(token, invitation, status=409, problem=str(exc))
    db.session.commit()
    flash("Votre signature est enregistrée. Merci !", "success")
    return redirect(url_for("conventions.sign", token=token), code=303)


@bp.get("/signature/<token>/convention.pdf")
def sign_pdf(token: str):
    invitation, error = _invitation_or_404(token)
    if error:
        return error
    if invitation.expires_at <= utcnow():
        return render_error(410, "Ce lien de signature a expiré.")
    version = invitation.version
    response = make_response(agreement_pdf.render_pdf(version))
    response.mimetype = "application/pdf"
    filename = agreement_pdf.filename(version, services.stored_content(version))
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response
