"""The offer wizard: one step per screen, HTMX-driven, usable without JavaScript."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.extensions import db
from capindustrie.geo.geocoding import GeocodingError
from capindustrie.htmx import is_fragment_request, redirect_to, render
from capindustrie.inputs import parse_id
from capindustrie.models import Filiere, Level, Offer, OfferStatus, Role, utcnow
from capindustrie.offers import bp, forms, lifecycle, services, wizard
from capindustrie.offers.program_templates import OBSERVATION_COMMITMENT

STEP_FORMS = {
    1: forms.LevelFiliereForm,
    2: forms.ProgramForm,
    3: forms.SiteForm,
    4: forms.PeriodsForm,
    5: forms.PracticalForm,
    6: forms.SubmitForm,
}
BLANK_PERIOD_ROWS = 2


@bp.route("/nouvelle", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def new():
    """Step 1 of a new offer; the draft is saved once the step is valid."""
    company = current_user.company
    offer = Offer(title="", filiere=company.filiere, status=OfferStatus.DRAFT, wizard_step=1)
    # Less typing (issue 17): the filière's model title and summary, to adapt.
    prefill = {
        "filiere": company.filiere.value,
        "title": wizard.suggested_title(company.filiere, Level.TROISIEME),
        "summary": wizard.suggested_summary(offer),
    }
    form = forms.LevelFiliereForm(data=None if request.method == "POST" else prefill)
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return show_step(offer, 1, form, status=status, action_url=url_for("offers.new"))
    offer = wizard.create_offer(
        company,
        current_user,
        form.title.data,
        form.for_3e.data,
        form.for_2nde.data,
        Filiere(form.filiere.data),
        form.summary.data,
    )
    wizard.finish_step(offer, 1, wizard.content_snapshot(offer), current_user, utcnow())
    return go_to_step(offer, 1 if request.form.get("direction") == "stay" else 2)


def load_editable_offer(offer_id: int) -> Offer:
    offer = get_for_user_or_404(Offer, offer_id)
    if offer.status not in wizard.EDITABLE:
        abort(404)
    return offer


@bp.route("/<int:offer_id>/etape/<int:step>", methods=["GET", "POST"])
@role_required(Role.COMPANY)
def wizard_step(offer_id: int, step: int):
    offer = load_editable_offer(offer_id)
    if step not in wizard.STEPS:
        abort(404)
    form = build_form(offer, step)
    if request.method == "GET":
        return show_step(offer, step, form)
    direction = request.form.get("direction", "next")
    if step == 2 and direction == "template":
        return reset_to_template(offer, form)
    if step == 4 and (request.form.get("add_week") or direction == "add_row"):
        return add_period_row(offer, form, request.form.get("add_week"))
    if step == wizard.LAST_STEP:
        return submit_offer(offer, form)
    if not form.validate():
        return show_step(offer, step, form, status=422)
    before = wizard.content_snapshot(offer)
    problem = SAVERS[step](offer, form)
    if problem is not None:
        db.session.rollback()
        return show_step(wizard_reload(offer_id), step, form, status=422, **problem)
    wizard.finish_step(offer, step, before, current_user, utcnow())
    target = {"back": step - 1, "stay": step}.get(direction, step + 1)
    return go_to_step(offer, max(1, min(target, wizard.LAST_STEP)))


def wizard_reload(offer_id: int) -> Offer:
    return db.session.get(Offer, offer_id)


def go_to_step(offer: Offer, step: int):
    url = url_for("offers.wizard_step", offer_id=offer.id, step=step)
    if is_fragment_request():
        from htmx_flask import make_response

        response = show_step(offer, step, saved_form(offer, step))
        return make_response(response, push_url=url)
    return redirect(url, code=303)


def show_step(offer: Offer, step: int, form, status: int = 200, **extra):
    context = {
        "action_url": url_for("offers.wizard_step", offer_id=offer.id, step=step)
        if offer.id
        else None,
        "offer": offer,
        "step": step,
        "steps": wizard.STEPS,
        "form": form,
        "status_label": lifecycle.STATUS_LABELS[offer.status],
        "commitment_text": OBSERVATION_COMMITMENT,
        **extra,
    }
    if step == wizard.LAST_STEP:
        context["completeness"] = lifecycle.completeness(offer, utcnow().date())
    if step == 4:
        context["week_choices"] = wizard.week_choices(offer, utcnow().date(), current_app.config)
        context["weeks_taken"] = {
            (e.form.level.data, e.form.start_date.data, e.form.end_date.data)
            for e in form.periods.entries
        }
    if step == 5 and "schedule_warnings" not in extra and offer.day_start and offer.day_end:
        # What the saved hours call for is said on arrival, not only after a save.
        from capindustrie.offers.rules import check_schedule

        saved = check_schedule(offer.day_start, offer.day_end, offer.break_start, offer.break_end)
        context["schedule_warnings"] = saved.warnings
    return render("offers/wizard.html", "offers/_wizard.html", status=status, **context)


# --- Forms prefilled from the offer -------------------------------------------------------------


def build_form(offer: Offer, step: int):
    """The step's form: what was posted, or else what the offer holds."""
    if request.method == "POST":
        return STEP_FORMS[step]()
    return saved_form(offer, step)


def saved_form(offer: Offer, step: int):
    return STEP_FORMS[step](formdata=None, data=PREFILL[step](offer))


def prefill_level(offer: Offer) -> dict:
    return {
        "title": offer.title or "",
        "for_3e": offer.for_3e,
        "for_2nde": offer.for_2nde,
        "filiere": offer.filiere.value,
        "summary": wizard.suggested_summary(offer),
    }


def prefill_program(offer: Offer) -> dict:
    days = [
        {
            "title": d.title,
            "activities": d.activities,
            "with_whom": d.with_whom or "",
            "safety": d.safety or "",
        }
        for d in offer.program_days
    ] or wizard.template_days(offer)
    return {"days": days, "commitment": offer.observation_commitment_at is not None}


def prefill_site(offer: Offer) -> dict:
    if not offer.site_address:
        # Most offers are at the company's own address: its profile's, to change if not.
        company = offer.company
        return {
            "site_address": company.address or "",
            "site_postcode": company.postcode or "",
            "site_commune_insee": company.commune_insee or "",
        }
    return {
        "site_address": offer.site_address or "",
        "site_postcode": offer.site_postcode or "",
        "site_commune_insee": offer.site_commune_insee or "",
    }


def prefill_periods(offer: Offer) -> dict:
    rows = [
        {
            "period_id": str(p.id),
            "level": p.level.value,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "seats": p.seats,
        }
        for p in offer.periods
    ]
    rows += [{"period_id": "", "level": ""} for _ in range(BLANK_PERIOD_ROWS)]
    return {"periods": rows, "reserved_priority_education": offer.reserved_priority_education}


def prefill_practical(offer: Offer) -> dict:
    from capindustrie.offers.rules import display_phone

    data = {name: getattr(offer, name) for name in wizard.PRACTICAL_FIELDS}
    data["tutor_phone"] = display_phone(offer.tutor_phone)
    if not offer.tutor_name and current_user.role == Role.COMPANY:
        # The person writing the offer is often its tutor: prefilled, to change if not.
        data["tutor_name"] = current_user.display_name
        data["tutor_email"] = data["tutor_email"] or current_user.email
    return data


PREFILL = {
    1: prefill_level,
    2: prefill_program,
    3: prefill_site,
    4: prefill_periods,
    5: prefill_practical,
    6: lambda offer: {},
}


# --- Savers: None when saved, else extra context for the 422 page ---------------------------------


def save_level(offer: Offer, form) -> dict | None:
    wizard.save_level_filiere(
        offer,
        form.title.data,
        form.for_3e.data,
        form.for_2nde.data,
        Filiere(form.filiere.data),
        form.summary.data,
    )
    return None


def save_program(offer: Offer, form) -> dict | None:
    expected = services.days_for(offer.for_2nde)
    if len(form.days.entries) != expected:
        form.form_errors.append(f"Le programme doit compter {expected} jours.")
        return {}
    wizard.save_program(
        offer, [entry.data for entry in form.days.entries], form.commitment.data, utcnow()
    )
    return None


def save_site(offer: Offer, form) -> dict | None:
    try:
        wizard.save_site(
            offer, form.site_address.data, form.site_postcode.data, form.site_commune_insee.data
        )
    except GeocodingError as error:
        form.site_postcode.errors.append(error.message)
        return {}
    return None


def save_periods(offer: Offer, form) -> dict | None:
    rows, indexes = [], []
    for index, entry in enumerate(form.periods.entries):
        if entry.form.is_blank() and not entry.form.period_id.data:
            continue
        raw_id = entry.form.period_id.data
        rows.append(
            wizard.PeriodRow(
                period_id=parse_id(raw_id),
                level=entry.form.level.data or "",
                start_date=entry.form.start_date.data,
                end_date=entry.form.end_date.data,
                seats=entry.form.seats.data,
            )
        )
        indexes.append(index)
    result = wizard.save_periods(
        offer, rows, form.reserved_priority_education.data, utcnow().date(), current_app.config
    )
    if result.ok:
        return None
    for row_index, errors in result.row_errors.items():
        form.periods.entries[indexes[row_index]].form.seats.errors = list(errors)
    form.form_errors.extend(result.form_errors)
    return {}


def save_practical(offer: Offer, form) -> dict | None:
    check = wizard.save_practical(offer, form.data)
    if not check.ok:
        # Each refusal beside the field to correct (arrival, departure, break), in the summary
        # under that field's label; one about the schedule as a whole goes to the form.
        for field_name, messages in check.errors_by_field().items():
            if field_name is None:
                form.form_errors.extend(messages)
            else:
                form[field_name].errors = list(form[field_name].errors) + messages
        return {"schedule_warnings": check.warnings}
    if check.warnings:
        flash(" ".join(check.warnings), "info")
    return None


SAVERS = {1: save_level, 2: save_program, 3: save_site, 4: save_periods, 5: save_practical}


def reset_to_template(offer: Offer, form):
    """Step 2's « Repartir du programme type »: the template replaces the form, not yet saved."""
    fresh = forms.ProgramForm(
        formdata=None,
        data={"days": wizard.template_days(offer), "commitment": form.commitment.data},
    )
    return show_step(offer, 2, fresh, template_loaded=True)


def add_period_row(offer: Offer, form, week_key: str | None):
    """Step 4's week chips and « + Ajouter une semaine »: the rows as typed plus one, filled
    with the chosen week (or blank); nothing is saved until « Enregistrer »."""
    rows = [
        entry.form.data
        for entry in form.periods.entries
        if not entry.form.is_blank() or entry.form.period_id.data
    ]
    choices = {c.key: c for c in wizard.week_choices(offer, utcnow().date(), current_app.config)}
    chosen = choices.get(week_key or "")
    if week_key and chosen is None:
        form.validate()
        form.form_errors.append(
            "Cette semaine n'est pas possible pour cette offre : choisissez-en une de la liste."
        )
        return show_step(offer, 4, form, status=422)
    if chosen is not None:
        rows.append(
            {
                "period_id": "",
                "level": chosen.level.value,
                "start_date": chosen.start,
                "end_date": chosen.end,
                "seats": 2,
            }
        )
    rows += [{"period_id": "", "level": ""} for _ in range(1 if chosen else BLANK_PERIOD_ROWS)]
    fresh = forms.PeriodsForm(
        formdata=None,
        data={
            "periods": rows,
            "reserved_priority_education": form.reserved_priority_education.data,
        },
    )
    added = chosen.label if chosen else None
    return show_step(offer, 4, fresh, week_added=added)


def submit_offer(offer: Offer, form):
    if not form.validate():
        return show_step(offer, wizard.LAST_STEP, form, status=422)
    try:
        wizard.submit(offer, current_user)
    except lifecycle.TransitionError as error:
        db.session.rollback()
        offer = wizard_reload(offer.id)
        # What is missing is said once, by step 6's list (with links to the steps); any other
        # refusal goes to the error summary.
        if lifecycle.completeness(offer, utcnow().date()).complete:
            form.form_errors.append(str(error))
        return show_step(offer, wizard.LAST_STEP, form, status=422, refused=True)
    flash(
        "Votre offre est envoyée au Département pour modération. "
        "Vous recevrez un e-mail à sa publication.",
        "success",
    )
    return redirect_to("companies.dashboard")
