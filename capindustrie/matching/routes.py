"""Placement proposals over HTTP: the teacher's review of the proposals for their class.

The class is loaded with get_for_user_or_404 (restricted to the classes the teacher teaches):
another teacher's class is simply not found. Computing is read-only, so a GET.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capindustrie.applications import proposals
from capindustrie.applications.states import TransitionError
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.extensions import db
from capindustrie.htmx import is_fragment_request, render
from capindustrie.matching import bp, services
from capindustrie.matching.forms import DepartementForm, SendProposalsForm, StarForm, WishesForm
from capindustrie.models import (
    FILIERE_LABELS,
    Level,
    Offer,
    OfferStatus,
    Pupil,
    Role,
    SchoolClass,
    utcnow,
)
from capindustrie.models.users import Filiere
from capindustrie.offers.rules import school_year_label, school_year_of


@bp.get("/classes/<int:class_id>")
@role_required(Role.TEACHER)
def class_proposals(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    return _review(klass)


@bp.post("/classes/<int:class_id>/envoyer")
@role_required(Role.TEACHER)
def send_proposals(class_id: int):
    """Send the kept proposals: all of them become « proposed » applications, or none."""
    klass = get_for_user_or_404(SchoolClass, class_id)
    form = SendProposalsForm()
    if not form.validate_on_submit():
        return _review(klass, 422, ("error", "Le formulaire a expiré : rechargez la page."))
    try:
        choices = [proposals.Choice.parse(value) for value in form.propositions.data or []]
        sent = proposals.send(klass, current_user, choices, utcnow())
    except (proposals.ProposalError, TransitionError) as error:
        db.session.rollback()
        return _review(klass, 422, ("error", str(error)))
    except IntegrityError:
        # Two sends at the same moment: the unique (pupil, period) stopped the second.
        db.session.rollback()
        return _review(klass, 422, ("error", ALREADY_SENT))
    db.session.commit()
    count = len(sent)
    success = (
        f"{count} proposition{'s' if count > 1 else ''} envoyée{'s' if count > 1 else ''} aux "
        "entreprises : vous serez prévenu par e-mail de leurs réponses."
    )
    if is_fragment_request():
        return _review(klass, 200, ("success", success))
    flash(success, "success")
    return redirect(url_for("matching.class_proposals", class_id=klass.id), code=303)


ALREADY_SENT = "Ces propositions viennent d'être envoyées : rechargez la page."


def _review(klass: SchoolClass, status: int = 200, send_message=None):
    """The review page (or its fragment for htmx), recomputed from the database."""
    max_minutes = int(current_app.config["MATCHING_MAX_TRAVEL_MINUTES"])
    context = {
        "klass": klass,
        "result": None,
        "message": None,
        "filiere_labels": FILIERE_LABELS,
        "send_form": SendProposalsForm(formdata=None),
        "send_message": send_message,
    }
    try:
        context["result"] = services.class_proposals(klass, utcnow().date(), max_minutes)
    except services.MatchingError as error:
        context["message"] = str(error)
        if status == 200 and send_message is None:
            status = 409
    # The review fragment answers a send (POST); a plain htmx GET gets the page.
    fragment = (
        "matching/_class_proposals.html"
        if request.method == "POST"
        else "matching/class_proposals.html"
    )
    return render("matching/class_proposals.html", fragment, status, **context)


# --- Pupils' wishes ------------------------------------------------------------------------------


def _current_pupil() -> Pupil:
    pupil = db.session.scalar(select(Pupil).where(Pupil.user_id == current_user.id))
    if pupil is None:
        abort(404)
    return pupil


def _wish_choices(pupil: Pupil) -> dict[str, str]:
    choices = {f"filiere:{f.value}": f"Filière : {FILIERE_LABELS[f]}" for f in Filiere}
    for wish in services.pupil_wishes(pupil):
        if wish.offer is not None:
            choices[f"offre:{wish.offer_id}"] = f"Offre : {wish.offer.title}"
    return choices


def _wishes_page(pupil: Pupil, form: WishesForm, status: int = 200, message: str | None = None):
    return (
        render_template(
            "matching/wishes.html",
            form=form,
            message=message,
            wishes=services.pupil_wishes(pupil),
            labels=FILIERE_LABELS,
        ),
        status,
    )


def _fill(form: WishesForm, current) -> None:
    for wish, slot in zip(current, form.slots(), strict=False):
        slot.data = f"filiere:{wish.filiere.value}" if wish.filiere else f"offre:{wish.offer_id}"


@bp.route("/voeux", methods=["GET", "POST"])
@role_required(Role.PUPIL)
def wishes():
    pupil = _current_pupil()
    current = services.pupil_wishes(pupil)
    form = WishesForm()
    form.set_choices(_wish_choices(pupil))
    if request.method == "GET":
        for wish, slot in zip(current, form.slots(), strict=False):
            slot.data = (
                f"filiere:{wish.filiere.value}" if wish.filiere else f"offre:{wish.offer_id}"
            )
        return _wishes_page(pupil, form)
    if not form.validate_on_submit():
        return _wishes_page(pupil, form, 422)
    services.replace_wishes(pupil, form.targets())
    db.session.commit()
    flash("Vos vœux sont enregistrés.", "success")
    return redirect(url_for("matching.wishes"))


@bp.post("/voeux/offres/<int:offer_id>")
@role_required(Role.PUPIL)
def star_offer(offer_id: int):
    pupil = _current_pupil()
    if not StarForm().validate_on_submit():
        abort(400)
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.status != OfferStatus.PUBLISHED:
        abort(404)
    try:
        services.star_offer(pupil, offer)
    except services.MatchingError as error:
        db.session.rollback()
        form = WishesForm(formdata=None)
        form.set_choices(_wish_choices(pupil))
        _fill(form, services.pupil_wishes(pupil))
        return _wishes_page(pupil, form, 409, str(error))
    db.session.commit()
    flash(f"« {offer.title} » est ajoutée à vos vœux.", "success")
    return redirect(url_for("matching.wishes"))


# --- Staff: the whole département ----------------------------------------------------------------


@bp.get("/departement")
@role_required(Role.STAFF)
def departement():
    form = DepartementForm(request.args)
    today = utcnow().date()
    school_year = school_year_of(today)
    context = {
        "form": form,
        "school_year": school_year_label(school_year),
        "result": None,
        "message": None,
    }
    if "niveau" not in request.args:
        return render_template("matching/departement.html", **context)
    if not form.validate():
        return render_template("matching/departement.html", **context), 422
    max_minutes = int(current_app.config["MATCHING_MAX_TRAVEL_MINUTES"])
    try:
        context["result"] = services.departement_proposals(
            Level(form.niveau.data), school_year, today, max_minutes
        )
    except services.MatchingError as error:
        context["message"] = str(error)
        return render_template("matching/departement.html", **context), 409
    return render_template("matching/departement.html", **context)
