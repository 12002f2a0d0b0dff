"""The company space over HTTP: dashboard actions, profile, colleagues, invitation links."""

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from capindustrie.auth.session import start_session
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.companies import bp, services
from capindustrie.companies.forms import (
    AcceptInvitationForm,
    ActionForm,
    DuplicateForm,
    InviteForm,
    ProfileForm,
    SeatsForm,
)
from capindustrie.confirmations import Confirmation, render_confirmation
from capindustrie.demand.routes import dashboard_context as demand_context
from capindustrie.errors import render_error
from capindustrie.extensions import db, limiter
from capindustrie.filters import french_date
from capindustrie.htmx import is_fragment_request, redirect_to, render
from capindustrie.models import Offer, OfferStatus, Role, utcnow
from capindustrie.offers.lifecycle import STATUS_LABELS, TransitionError
from capindustrie.text import plural, plural_word
from capindustrie.urls import public_url
from capindustrie.worklist import services as worklist
from capindustrie.worklist.helpers import remember_badge

# --- Dashboard ---------------------------------------------------------------------------------


@bp.get("/entreprise/")
@role_required(Role.COMPANY)
def dashboard():
    return _render_dashboard()


@bp.get("/entreprise/offres/<int:offer_id>/fermer")
@role_required(Role.COMPANY)
def confirm_close_offer(offer_id: int):
    """Closing asks first (issue 17): what the company will no longer receive."""
    offer = get_for_user_or_404(Offer, offer_id)
    cancel = url_for("companies.dashboard", _anchor=f"offre-{offer.id}")
    if offer.status != OfferStatus.PUBLISHED:
        flash("Cette offre n'est pas publiée : il n'y a rien à fermer.", "info")
        return redirect_to("companies.dashboard", _anchor=f"offre-{offer.id}")
    pending = sum(c.pending for c in services.application_counts([offer]).values())
    consequences = [
        "Ne plus recevoir de candidatures : les élèves ne pourront plus candidater à cette "
        "offre, qui n'apparaîtra plus dans leur recherche.",
        f"{plural(pending, 'candidature déjà reçue attend', 'candidatures déjà reçues attendent')}"
        f" votre réponse : {plural_word(pending, 'elle reste', 'elles restent')} à traiter."
        if pending
        else "Aucune candidature n'attend votre réponse.",
        "Vous pourrez la rouvrir depuis « Mes offres ».",
    ]
    return render_confirmation(
        Confirmation(
            title=f"Fermer l'offre « {offer.title} » ?",
            consequences=consequences,
            action_url=url_for("companies.close_offer", offer_id=offer.id),
            button="Fermer l'offre",
            cancel_url=cancel,
            danger=True,
            hx_target="closest tr",
        )
    )


@bp.post("/entreprise/offres/<int:offer_id>/fermer")
@role_required(Role.COMPANY)
def close_offer(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    return _lifecycle_action(
        offer, services.close_offer, "Offre fermée : les élèves ne peuvent plus y candidater."
    )


@bp.post("/entreprise/offres/<int:offer_id>/rouvrir")
@role_required(Role.COMPANY)
def reopen_offer(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    return _lifecycle_action(
        offer, services.reopen_offer, "Offre rouverte : les élèves peuvent de nouveau y candidater."
    )


@bp.post("/entreprise/offres/<int:offer_id>/dupliquer")
@role_required(Role.COMPANY)
def duplicate_offer(offer_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    form = DuplicateForm(prefix=f"duplicate-{offer.id}")
    if not form.validate_on_submit():
        return _render_dashboard(
            focus=offer,
            status=422,
            duplicate_forms={offer.id: form},
            message=("error", "Choisissez les niveaux de la copie."),
        )
    copy = services.duplicate_offer(offer, current_user, form.levels.data)
    db.session.commit()
    flash(
        "Copie créée en brouillon, sans ses périodes : vérifiez-la étape par étape, "
        "choisissez ses dates, puis soumettez-la.",
        "success",
    )
    return redirect_to("offers.wizard_step", offer_id=copy.id, step=1)


@bp.post("/entreprise/offres/<int:offer_id>/periodes/<int:period_id>/places")
@role_required(Role.COMPANY)
def set_seats(offer_id: int, period_id: int):
    offer = get_for_user_or_404(Offer, offer_id)
    period = next((p for p in offer.periods if p.id == period_id), None)
    if period is None:
        abort(404)
    locked = services.seats_locked_reason(period, utcnow().date())
    if locked:
        return _render_dashboard(focus=offer, status=422, message=("error", locked))
    form = SeatsForm(prefix=f"period-{period.id}")
    valid = form.validate_on_submit()
    if valid:
        problems = services.change_seats(period, form.seats.data, utcnow())
        form.seats.errors = [*form.seats.errors, *problems]
        valid = not problems
    if not valid:
        db.session.rollback()
        return _render_dashboard(focus=offer, status=422, seat_forms={period.id: form})
    message = (
        f"{plural(period.seats, 'place')} pour la période du "
        f"{french_date(period.start_date)}."
    )
    if offer.status == OfferStatus.CLOSED:
        message += " Plus aucune place n'est libre : l'offre est fermée."
    db.session.commit()
    return _after_row_change(offer, message)


def _lifecycle_action(offer: Offer, action, success: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(offer, current_user, utcnow())
    except TransitionError as exc:
        db.session.rollback()
        return _render_dashboard(focus=offer, status=422, message=("error", str(exc)))
    db.session.commit()
    return _after_row_change(offer, success)


def _after_row_change(offer: Offer, message: str):
    """HTMX swaps the offer's row (with the message in it); without JS, back to the page."""
    if is_fragment_request():
        return _render_dashboard(focus=offer, message=("success", message))
    flash(message, "success")
    return redirect_to("companies.dashboard", _anchor=f"offre-{offer.id}")


def _render_dashboard(
    focus: Offer | None = None,
    status: int = 200,
    message=None,
    seat_forms=None,
    duplicate_forms=None,
):
    """The page, or for HTMX the row of `focus`; `seat_forms`/`duplicate_forms` carry the
    submitted form (with its errors) in place of a fresh one."""
    company = current_user.company
    offers = services.company_offers(company.id)
    seats = {
        p.id: SeatsForm(formdata=None, prefix=f"period-{p.id}", data={"seats": p.seats})
        for o in offers
        for p in o.periods
    }
    duplicates = {o.id: DuplicateForm(formdata=None, prefix=f"duplicate-{o.id}") for o in offers}
    today = utcnow().date()
    work = worklist.company_work(company.id)
    remember_badge(work.applications.count)
    return render(
        "companies/dashboard.html",
        # The row fragment answers an action on one offer; a plain htmx GET gets the page.
        "companies/_offer_row.html" if focus is not None else "companies/dashboard.html",
        status=status,
        company=company,
        offers=offers,
        offer=focus,
        counts=services.application_counts(offers),
        seat_forms=seats | (seat_forms or {}),
        duplicate_forms=duplicates | (duplicate_forms or {}),
        row_message=(
            {"offer_id": focus.id, "kind": message[0], "text": message[1]} if message else None
        ),
        status_labels=STATUS_LABELS,
        work=work,
        expires_on=lambda waiting: worklist.expires_on(waiting, current_app.config),
        locked_periods={
            p.id for o in offers for p in o.periods if services.seats_locked_reason(p, today)
        },
        **demand_context(company, offers, today),
    )


# --- Profile -----------------------------------------------------------------------------------


def _profile_form(company, formdata=None) -> ProfileForm:
    data = {
        "name": company.name,
        "filiere": company.filiere.value,
        "address": company.address,
        "postcode": company.postcode,
        "commune": company.commune_insee,
        "size_band": company.size_band.value if company.size_band else "",
        "presentation": company.presentation,
        "website": company.website,
    }
    if formdata is None:
        return ProfileForm(data=data)
    return ProfileForm(formdata=formdata, data=data, meta={"csrf": False})


@bp.route("/entreprise/profil", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def profile():
    company = current_user.company
    form = _profile_form(company)
    if form.validate_on_submit():
        services.update_profile(company, form.profile_data())
        db.session.commit()
        flash("Profil de l'entreprise enregistré.", "success")
        return redirect_to("companies.profile")
    if not form.is_submitted():
        form.set_communes(services.communes_for_postcode(form.postcode.data or ""))
    status = 422 if form.errors else 200
    return render(
        "companies/profile.html",
        "companies/profile.html",
        status=status,
        company=company,
        form=form,
    )


@bp.get("/entreprise/profil/communes")
@role_required(Role.COMPANY)
def postcode_communes():
    """The commune choice for the postcode typed so far (HTMX); a plain visit gets the page."""
    company = current_user.company
    form = _profile_form(company, formdata=request.args)
    form.set_communes(services.communes_for_postcode((form.postcode.data or "").strip()))
    return render(
        "companies/profile.html", "companies/_commune_field.html", company=company, form=form
    )


# --- Colleagues and invitations ----------------------------------------------------------------

# Each invitation sends an e-mail to an address typed by the user: bound it per account.
INVITATIONS_RATE_LIMIT = "20/hour"


def _current_user_key() -> str:
    return f"user:{current_user.id}"


def _password_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/entreprise/collegues", methods=["GET", "POST"])
@role_required(Role.COMPANY)
@limiter.limit(INVITATIONS_RATE_LIMIT, methods=["POST"], key_func=_current_user_key)
def colleagues():
    company = current_user.company
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        services.invite_colleague(
            company,
            current_user,
            email,
            lambda token: public_url("companies.accept_invitation", token=token),
        )
        db.session.commit()
        flash(
            f"Invitation envoyée à {email}. Le lien reste valable "
            f"{services.invitation_validity()}.",
            "success",
        )
        return redirect_to("companies.colleagues")
    return render(
        "companies/colleagues.html",
        "companies/colleagues.html",
        status=422 if form.errors else 200,
        company=company,
        form=form,
        users=services.colleagues(company),
        invitation_validity=services.invitation_validity(),
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_password_rate_limit, methods=["POST"])
def accept_invitation(token: str):
    try:
        invitation = services.read_invitation(token)
    except services.InvitationError as exc:
        return render_error(400, str(exc))
    form = AcceptInvitationForm()
    form.invited_email = invitation.email
    if form.validate_on_submit():
        user = services.accept_invitation(
            invitation, form.first_name.data, form.last_name.data, form.password.data
        )
        try:
            db.session.commit()
        except IntegrityError:
            # The same link accepted twice at the same moment: the e-mail is unique.
            db.session.rollback()
            return render_error(400, "Cette invitation a déjà été utilisée : connectez-vous.")
        # A fresh session: nothing of a previous visitor's session carries over.
        start_session(user)
        flash(f"Bienvenue, {user.first_name} : votre compte {invitation.company.name} est créé.",
              "success")
        return redirect_to("companies.dashboard")
    return render(
        "companies/accept_invitation.html",
        "companies/accept_invitation.html",
        status=422 if form.errors else 200,
        form=form,
        invitation=invitation,
    )
