"""Events views: HTTP only. Public list and page; organisers (staff, companies) create events and
take attendance; teachers (and pupils where allowed) register, resize, name, cancel."""

import secrets
from datetime import date, time, timedelta

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from capindustrie.audit.services import record
from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.confirmations import Confirmation, ConfirmField, render_confirmation
from capindustrie.events import bp, calendar, services
from capindustrie.events import registrations as regs
from capindustrie.events.forms import (
    AttendanceForm,
    CampaignForm,
    CancelEventForm,
    CapacityForm,
    ClassRegistrationForm,
    ConfirmForm,
    EventForm,
    GroupSizeForm,
    NamesForm,
    SatisfactionForm,
)
from capindustrie.events.rules import (
    ATTENDANCE_LABELS,
    AUDIENCE_LABELS,
    KIND_LABELS,
    REGISTRATION_LABELS,
    STATUS_LABELS,
    VISIT_NOTICE,
    SessionInput,
    cancellation_deadline,
    initial_name,
    names_deadline,
    paris_to_utc,
    plural,
    session_problems,
    to_paris,
    when_label,
)
from capindustrie.extensions import db
from capindustrie.forms import MAX_YEAR, MIN_YEAR
from capindustrie.geo.geocoding import GeocodingError
from capindustrie.headers import inline
from capindustrie.htmx import redirect_to, render
from capindustrie.inputs import parse_id
from capindustrie.models import (
    Attendance,
    CalendarFeed,
    Campaign,
    Company,
    CompanyStatus,
    Event,
    EventAudience,
    EventKind,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    Role,
    User,
    utcnow,
)
from capindustrie.moderation.forms import DecisionForm, ReasonForm
from capindustrie.public.services import find_school, normalise_uai
from capindustrie.search.services import pupil_profile
from capindustrie.urls import public_url

HELPERS = dict(
    kind_labels=KIND_LABELS,
    audience_labels=AUDIENCE_LABELS,
    status_labels=STATUS_LABELS,
    registration_labels=REGISTRATION_LABELS,
    attendance_labels=ATTENDANCE_LABELS,
    when_label=when_label,
    plural=plural,
    initial_name=initial_name,
    organiser_name=calendar.organiser_name,
    place_label=calendar.place_label,
)


def _page(template: str, status: int = 200, **context):
    return render_template(template, **HELPERS, **context), status


def _register_page(status: int = 200, **context):
    """The registration page, or only its form for htmx (errors swapped in place)."""
    return render(
        "events/register.html", "events/_register_form.html", status, **HELPERS, **context
    )


# --- public ------------------------------------------------------------------------------------


@bp.get("/")
def public_list():
    now = utcnow()
    campaign_id = parse_id(request.args.get("campagne"))
    kind = request.args.get("type") or None
    audience = request.args.get("public") or None
    kind = EventKind(kind) if kind in {k.value for k in EventKind} else None
    audience = EventAudience(audience) if audience in {a.value for a in EventAudience} else None
    school = _chosen_school()
    listed = services.upcoming(now, campaign_id, kind, audience, school)
    week = None
    if request.args.get("vue") == "semaine":
        monday = _monday(request.args.get("semaine"), now)
        week = (monday, services.week_of(listed, monday))
    return render(
        "events/list.html",
        "events/_results.html",
        listed=listed,
        school=school,
        week=week,
        campaigns=services.campaigns(),
        campaign_id=campaign_id,
        kind=kind,
        audience=audience,
        timedelta=timedelta,
        to_paris=to_paris,
        **HELPERS,
    )


def _chosen_school():
    uai = normalise_uai(request.args.get("uai"))
    if uai:
        return find_school(uai)
    return services.user_school(current_user)


def _monday(value: str | None, now) -> date:
    try:
        day = date.fromisoformat(value) if value else to_paris(now).date()
    except ValueError:
        day = to_paris(now).date()
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        # A week of year 9999 would overflow when its days are counted: this week instead.
        day = to_paris(now).date()
    return day - timedelta(days=day.weekday())


@bp.get("/<int:event_id>")
def public_event(event_id: int):
    event = services.public_event(event_id)
    if event is None:
        abort(404)
    now = utcnow()
    school = _chosen_school()
    commute = services.commute(event, school) if school is not None else None
    sessions = [s for s in event.sessions if s.starts_at > now]
    return _page(
        "events/event.html",
        event=event,
        sessions=sessions,
        commute=commute,
        school=school,
        windows={s.id: regs.window_problem(s, now) for s in sessions},
        visit_notice=VISIT_NOTICE,
    )


@bp.get("/campagnes/<int:campaign_id>.ics")
def campaign_feed(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    listed = services.upcoming(utcnow(), campaign_id=campaign.id)
    sessions = [s for item in listed for s in item.sessions]
    body = calendar.sessions_ics(sessions, campaign.name, utcnow(), _event_url)
    return _ics(body, f"campagne-{campaign.id}.ics")


@bp.get("/agenda/<token>.ics")
def private_feed(token: str):
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token[:64]))
    if feed is None:
        abort(404)
    user = db.session.get(User, feed.user_id)
    registrations = [
        r for r in services.registrations_of(user) if r.status != RegistrationStatus.WAITLISTED
    ]
    body = calendar.registrations_ics(
        registrations, "Cap Industrie — mes événements", utcnow(), _event_url
    )
    return _ics(body, "cap-industrie.ics")


def _ics(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = inline(filename)
    return response


def _event_url(event: Event) -> str:
    return public_url("events.public_event", event_id=event.id)


# --- organisers: create, list, moderate --------------------------------------------------------


@bp.route("/gestion/nouveau", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.COMPANY)
def create():
    if current_user.role == Role.COMPANY and current_user.company.status != CompanyStatus.APPROVED:
        flash("Votre entreprise doit être validée avant de proposer un événement.", "error")
        return redirect_to("events.company_events")
    form = EventForm()
    _fill_choices(form)
    if not form.is_submitted():
        return _page("events/create.html", form=form, visit_notice=VISIT_NOTICE)
    valid = form.validate()
    sessions = _collect_sessions(form)
    valid = _check_organiser(form) and valid and bool(sessions)
    if valid and sessions:
        first = min(paris_to_utc(s.day, s.start) for s in sessions)
        opens = paris_to_utc(form.opens_on.data, time(0))
        closes = paris_to_utc(form.closes_on.data, time(23, 59))
        if closes <= opens:
            form.closes_on.errors.append("Les inscriptions doivent fermer après leur ouverture.")
            valid = False
        elif opens >= first:
            form.opens_on.errors.append("Les inscriptions doivent ouvrir avant la première séance.")
            valid = False
    if not valid:
        return _page("events/create.html", 422, form=form, visit_notice=VISIT_NOTICE)
    data = services.EventInput(
        kind=EventKind(form.kind.data),
        title=form.title.data,
        description=form.description.data,
        audience=EventAudience(form.audience.data),
        campaign_id=parse_id(form.campaign.data),
        company_id=parse_id(form.organiser.data),
        address=form.address.data,
        postcode=form.postcode.data,
        commune_insee=None,
        meeting_point=form.meeting_point.data or None,
        accessibility=form.accessibility.data or None,
        practical_notes=form.practical_notes.data or None,
        allow_individual=form.allow_individual.data,
        waitlist_allow_skip=form.waitlist_allow_skip.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        cancellation_days=form.cancellation_days.data,
        names_days=form.names_days.data,
        sessions=sessions,
    )
    try:
        event = services.create_event(data, current_user, utcnow())
    except GeocodingError as exc:
        db.session.rollback()
        form.postcode.errors.append(exc.message)
        return _page("events/create.html", 422, form=form, visit_notice=VISIT_NOTICE)
    db.session.commit()
    if current_user.role == Role.STAFF:
        flash(f"L'événement « {event.title} » est publié.", "success")
    else:
        flash(f"L'événement « {event.title} » est envoyé au Département pour relecture.", "success")
    return redirect_to("events.company_events")


def _fill_choices(form: EventForm) -> None:
    form.campaign.choices = {"": "Hors campagne"} | {
        str(c.id): f"{c.name} ({c.starts_on:%d/%m/%Y} – {c.ends_on:%d/%m/%Y})"
        for c in services.campaigns()
    }
    if current_user.role == Role.STAFF:
        companies = db.session.scalars(
            select(Company).where(Company.status == CompanyStatus.APPROVED).order_by(Company.name)
        )
        form.organiser.choices = {"": "Département de Seine-et-Marne"} | {
            str(c.id): c.name for c in companies
        }
    else:
        form.organiser.choices = {"": current_user.company.name}


def _check_organiser(form: EventForm) -> bool:
    ok = True
    for field in (form.campaign, form.organiser):
        if field.data and field.data not in field.choices:
            field.errors.append("Choix inconnu : choisissez dans la liste.")
            ok = False
    return ok


def _collect_sessions(form: EventForm) -> list[SessionInput]:
    """The filled session rows, each checked; errors go beside their fields."""
    kind = EventKind(form.kind.data) if form.kind.data in {k.value for k in EventKind} else None
    items = []
    now = utcnow()
    for entry in form.sessions:
        sub = entry.form
        if sub.is_blank():
            continue
        item = SessionInput(
            sub.day.data, sub.start.data, sub.end_day.data, sub.end.data, sub.capacity.data
        )
        if kind is not None and not sub.errors:
            for name, message in session_problems(kind, item, now).items():
                getattr(sub, name).errors = [*getattr(sub, name).errors, message]
        items.append(item)
    if not items:
        first = form.sessions[0].form.day
        first.errors = [*first.errors, "Ajoutez au moins une séance (date, horaires, capacité)."]
        form.sessions.errors = ["Ajoutez au moins une séance."]
    if any(entry.form.errors for entry in form.sessions):
        form.sessions.errors = form.sessions.errors or ["Vérifiez les séances."]
        return []
    return items


@bp.get("/gestion")
@role_required(Role.STAFF, Role.COMPANY)
def company_events():
    return _page(
        "events/manage.html",
        events=services.organiser_events(current_user),
        submitted=services.submitted_events() if current_user.role == Role.STAFF else [],
    )


@bp.route("/gestion/campagnes", methods=["GET", "POST"])
@role_required(Role.STAFF)
def campaigns():
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = Campaign(
            name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data
        )
        db.session.add(campaign)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors.append("Une campagne porte déjà ce nom.")
        else:
            flash(f"La campagne « {campaign.name} » est créée.", "success")
            return redirect_to("events.campaigns")
    status = 422 if form.errors else 200
    return _page("events/campaigns.html", status, form=form, campaigns=services.campaigns())


@bp.get("/moderation/<int:event_id>")
@role_required(Role.STAFF)
def moderate(event_id: int):
    event = get_for_user_or_404(Event, event_id)
    return _page(
        "events/moderate.html",
        event=event,
        publish_form=DecisionForm(prefix="publish"),
        reject_form=ReasonForm(prefix="reject"),
        visit_notice=VISIT_NOTICE,
    )


@bp.post("/moderation/<int:event_id>/publier")
@role_required(Role.STAFF)
def publish(event_id: int):
    event = get_for_user_or_404(Event, event_id)
    form = DecisionForm(prefix="publish")
    error = None
    if form.validate_on_submit():
        try:
            services.publish(event, utcnow())
            record(current_user, "event.publish", event, title=event.title)
        except services.ModerationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(
                f"L'événement « {event.title} » est publié ; l'entreprise est prévenue.", "success"
            )
            return redirect_to("events.company_events")
    return _page(
        "events/moderate.html",
        422,
        event=event,
        publish_form=form,
        reject_form=ReasonForm(prefix="reject"),
        error=error,
        visit_notice=VISIT_NOTICE,
    )


@bp.post("/moderation/<int:event_id>/refuser")
@role_required(Role.STAFF)
def reject(event_id: int):
    event = get_for_user_or_404(Event, event_id)
    form = ReasonForm(prefix="reject")
    error = None
    if form.validate_on_submit():
        try:
            services.reject(event, form.reason.data)
            record(current_user, "event.reject", event, form.reason.data, title=event.title)
        except services.ModerationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"L'événement « {event.title} » est refusé ; le motif est envoyé.", "success")
            return redirect_to("events.company_events")
    return _page(
        "events/moderate.html",
        422,
        event=event,
        publish_form=DecisionForm(prefix="publish"),
        reject_form=form,
        error=error,
        visit_notice=VISIT_NOTICE,
    )


# --- organisers: the session's registrations and attendance ------------------------------------


@bp.get("/gestion/seances/<int:session_id>")
@role_required(Role.STAFF, Role.COMPANY)
def session_page(session_id: int):
    session = get_for_user_or_404(EventSession, session_id)
    return _page("events/session.html", **_session_context(session))


def _session_context(session: EventSession, capacity_form: CapacityForm | None = None) -> dict:
    now = utcnow()
    rows = services.session_registrations(session)
    return dict(
        session=session,
        event=session.event,
        rows=rows,
        now=now,
        names_shown=now >= names_deadline(session.starts_at, session.event.names_days),
        names_deadline=names_deadline(session.starts_at, session.event.names_days),
        capacity_form=capacity_form or CapacityForm(formdata=None, capacity=session.capacity),
        capacity_open=now < session.starts_at and session.event.status == EventStatus.PUBLISHED,
        attendance_open=_attendance_open(session, now),
        forms={
            r.id: AttendanceForm(
                prefix=f"r{r.id}",
                formdata=None,
                attendance=r.attendance.value if r.attendance else None,
                present_count=r.present_count,
            )
            for r in rows
        },
    )


def _attendance_open(session: EventSession, now) -> bool:
    """From the session's day (Paris) until two days after it ends; then final."""
    day_start = to_paris(session.starts_at).date()
    return to_paris(now).date() >= day_start and now <= session.ends_at + timedelta(days=2)


@bp.post("/gestion/inscriptions/<int:registration_id>/presence")
@role_required(Role.STAFF, Role.COMPANY)
def attendance(registration_id: int):
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    session = get_for_user_or_404(EventSession, registration.session_id)
    if registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    form = AttendanceForm(prefix=f"r{registration.id}")
    now = utcnow()
    status = 200
    if not _attendance_open(session, now):
        form.validate()
        form.attendance.errors = [
            "La présence se saisit le jour de la séance ; elle est définitive deux jours après."
        ]
        status = 422
    elif form.validate_on_submit():
        count = form.present_count.data
        choice = Attendance(form.attendance.data)
        if choice == Attendance.PRESENT and count is None:
            count = registration.pupils
        if choice != Attendance.PRESENT:
            count = 0
        if count < 0 or count > registration.seats:
            form.present_count.errors = [
                f"Entre 0 et {registration.seats} (la taille du groupe inscrit)."
            ]
            status = 422
        else:
            registration.attendance = choice
            registration.present_count = count
            db.session.commit()
            form = AttendanceForm(
                prefix=f"r{registration.id}",
                formdata=None,
                attendance=choice.value,
                present_count=count,
            )
    else:
        status = 422
    context = _session_context(session)
    # The page (no JavaScript) shows every row: the other rows keep their own forms.
    context["forms"] = context["forms"] | {registration.id: form}
    return render(
        "events/session.html",
        "events/_attendance_row.html",
        status,
        row=registration,
        form=form,
        saved=status == 200,
        **context,
        **HELPERS,
    )


@bp.post("/gestion/seances/<int:session_id>/capacite")
@role_required(Role.STAFF, Role.COMPANY)
def change_capacity(session_id: int):
    session = get_for_user_or_404(EventSession, session_id)
    form = CapacityForm()
    if form.validate_on_submit():
        try:
            promoted = regs.change_capacity(session.id, form.capacity.data, utcnow())
        except regs.RegistrationError as exc:
            db.session.rollback()
            form.capacity.errors = [*form.capacity.errors, str(exc)]
        else:
            record(
                current_user,
                "event.capacity",
                session.event,
                title=session.event.title,
                session_id=session.id,
                capacity=session.capacity,
            )
            db.session.commit()
            message = (
                f"La capacité de la séance est maintenant de {plural(session.capacity, 'place')}."
            )
            if promoted:
                message += (
                    f" {plural(len(promoted), 'inscription confirmée', 'inscriptions confirmées')}"
                    " depuis la liste d'attente (les inscrits sont prévenus)."
                )
            flash(message, "success")
            return redirect_to("events.session_page", session_id=session.id)
    db.session.refresh(session)
    return _page("events/session.html", 422, **_session_context(session, form))


@bp.route("/gestion/<int:event_id>/annuler", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.COMPANY)
def cancel_event(event_id: int):
    """The shared confirmation (capindustrie/confirmations.py): the GET states what cancelling
    undoes and asks the reason sent to every registrant; the POST cancels."""
    event = get_for_user_or_404(Event, event_id)
    form = CancelEventForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            count = services.cancel_event(
                event, form.reason.data, current_user.role == Role.STAFF, utcnow()
            )
        except services.ModerationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            record(current_user, "event.cancel", event, form.reason.data, title=event.title)
            db.session.commit()
            told = plural(count, "inscription annulée", "inscriptions annulées")
            flash(
                f"L'événement « {event.title} » est annulé ; {told}, les inscrits sont prévenus.",
                "success",
            )
            return redirect_to("events.company_events")
    status = 422 if request.method == "POST" else 200
    return render_confirmation(_cancel_confirmation(event, form, error), status=status)


def _cancel_confirmation(event: Event, form: CancelEventForm, error: str | None) -> Confirmation:
    confirmed, people, waiting = services.cancellation_impact(event)
    told = "Chaque inscrit reçoit un e-mail avec le motif ci-dessous."
    if current_user.role == Role.STAFF and event.company is not None:
        told += " L'entreprise organisatrice est prévenue aussi."
    return Confirmation(
        title=f"Annuler « {event.title} » ?",
        consequences=[
            "L'annulation est définitive : l'événement disparaît de la liste publique et "
            "toutes ses inscriptions sont annulées.",
            f"{plural(confirmed, 'inscription confirmée', 'inscriptions confirmées')} "
            f"({plural(people, 'personne')}) et "
            f"{plural(waiting, 'inscription', 'inscriptions')} en liste d'attente.",
            told,
        ],
        action_url=url_for("events.cancel_event", event_id=event.id),
        button="Annuler l'événement et prévenir les inscrits",
        cancel_url=url_for("events.company_events"),
        form=form,
        fields=[ConfirmField(form.reason, extra={"rows": 4, "maxlength": 1000})],
        danger=True,
        error=error,
    )


@bp.get("/gestion/seances/<int:session_id>/liste.pdf")
@role_required(Role.STAFF, Role.COMPANY)
def session_pdf(session_id: int):
    # As the class slips: the stylesheet given to WeasyPrint (no inline CSS), no outside fetch.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    session = get_for_user_or_404(EventSession, session_id)
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    html = render_template("events/session_pdf.html", **_session_context(session), **HELPERS)
    stylesheet = CSS(string=render_template("events/session_pdf.css"), url_fetcher=fetcher)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = inline(f"liste-seance-{session.id}.pdf")
    return response


# --- teachers and pupils: register, follow, cancel ---------------------------------------------


@bp.route("/seances/<int:session_id>/inscrire", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.PUPIL)
def register(session_id: int):
    session = db.session.get(EventSession, session_id)
    if session is None or session.event.status.value != "published":
        abort(404)
    if current_user.role == Role.PUPIL:
        return _register_pupil(session)
    form = ClassRegistrationForm()
    classes = services.teacher_classes(current_user, session.event)
    form.school_class.choices = {
        c.id: f"{c.name} ({c.school_year}-{c.school_year + 1})" for c in classes
    }
    context = dict(
        session=session,
        event=session.event,
        form=form,
        classes=classes,
        window=regs.window_problem(session, utcnow()),
    )
    if not form.is_submitted():
        return _register_page(**context)
    if not form.validate():
        return _register_page(422, **context)
    klass = next((c for c in classes if c.id == form.school_class.data), None)
    if klass is None:
        # Someone else's class, or a tampered id: the same answer as a class of another level.
        form.school_class.errors.append("Choisissez une de vos classes, du niveau de l'événement.")
        return _register_page(422, **context)
    try:
        registration = regs.register_class(
            session.id, klass, form.pupils.data, form.adults.data, current_user, utcnow()
        )
        db.session.commit()
    except regs.RegistrationError as exc:
        db.session.rollback()
        _attach_error(form, exc)
        return _register_page(422, **context)
    except IntegrityError:
        db.session.rollback()
        form.school_class.errors.append(
            "Cette classe est déjà inscrite à cette séance (ou en liste d'attente)."
        )
        return _register_page(409, **context)
    _flash_outcome(registration)
    return redirect_to("events.registration", registration_id=registration.id)


def _register_pupil(session: EventSession):
    pupil = pupil_profile(current_user)
    form = ConfirmForm()
    context = dict(
        session=session,
        event=session.event,
        form=form,
        classes=[],
        window=regs.window_problem(session, utcnow()),
        pupil_error=None,
    )
    if not form.is_submitted():
        return _register_page(**context)
    if pupil is None or not form.validate():
        abort(400)
    try:
        registration = regs.register_pupil(session.id, pupil, current_user, utcnow())
        db.session.commit()
    except regs.RegistrationError as exc:
        db.session.rollback()
        context["pupil_error"] = exc.message
        return _register_page(422, **context)
    except IntegrityError:
        db.session.rollback()
        context["pupil_error"] = "Vous êtes déjà inscrit(e) à cette séance."
        return _register_page(409, **context)
    _flash_outcome(registration)
    return redirect_to("events.registration", registration_id=registration.id)


def _attach_error(form, exc: regs.RegistrationError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        field = form.pupils if hasattr(form, "pupils") else None
    if field is not None:
        field.errors = [*field.errors, exc.message]


def _flash_outcome(registration: Registration) -> None:
    if registration.status == RegistrationStatus.CONFIRMED:
        flash(
            "Inscription confirmée : un e-mail de confirmation avec le fichier agenda est envoyé.",
            "success",
        )
    else:
        flash(
            f"La séance est complète : le groupe est en liste d'attente (position "
            f"{regs.waitlist_position(registration)}). Il sera inscrit automatiquement si des "
            "places se libèrent.",
            "success",
        )


@bp.get("/mes-inscriptions")
@role_required(Role.TEACHER, Role.PUPIL)
def my_registrations():
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    registrations = services.registrations_of(current_user)
    return _page(
        "events/mine.html",
        registrations=registrations,
        positions={r.id: regs.waitlist_position(r) for r in registrations},
        feed_url=public_url("events.private_feed", token=feed.token) if feed else None,
        feed_form=ConfirmForm(),
    )


@bp.post("/agenda/nouveau-lien")
@role_required(Role.TEACHER, Role.PUPIL)
def renew_feed():
    """Create the private feed, or revoke the old link by drawing a new token."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    if feed is None:
        feed = CalendarFeed(user_id=current_user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.commit()
    flash("Nouveau lien d'agenda créé : l'ancien ne fonctionne plus.", "success")
    return redirect_to("events.my_registrations")


@bp.route("/inscriptions/<int:registration_id>", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.PUPIL)
def registration(registration_id: int):
    registration = get_for_user_or_404(Registration, registration_id)
    size_form = GroupSizeForm(
        prefix="size", formdata=None, pupils=registration.pupils, adults=registration.adults
    )
    names_form = NamesForm(
        prefix="names", formdata=None, pupils=[p.id for p in registration.named_pupils]
    )
    status = 200
    if request.method == "POST" and current_user.role == Role.TEACHER:
        now = utcnow()
        if "size-pupils" in request.form:
            size_form = GroupSizeForm(prefix="size")
            status = _resize(registration, size_form, now)
        elif "names-csrf_token" in request.form or "names-pupils" in request.form:
            names_form = NamesForm(prefix="names")
            status = _name(registration, names_form)
        else:
            abort(400)
        if status == 303:
            return redirect_to("events.registration", registration_id=registration.id)
    elif request.method == "POST":
        abort(403)
    return _registration_page(registration, size_form, names_form, status)


def _registration_page(registration, size_form, names_form, status=200, cancel_error=None):
    if registration.school_class is not None:
        class_pupils = sorted(
            registration.school_class.pupils, key=lambda p: (p.user.last_name, p.user.first_name)
        )
        names_form.pupils.choices = {
            p.id: f"{p.user.first_name} {p.user.last_name}" for p in class_pupils
        }
    session = registration.session
    return _page(
        "events/registration.html",
        status,
        registration=registration,
        session=session,
        event=session.event,
        size_form=size_form,
        names_form=names_form,
        cancel_form=ConfirmForm(prefix="cancel"),
        position=regs.waitlist_position(registration),
        cancel_deadline=cancellation_deadline(session.starts_at, session.event.cancellation_days),
        names_deadline=names_deadline(session.starts_at, session.event.names_days),
        now=utcnow(),
        cancel_error=cancel_error,
    )


def _resize(registration, form, now) -> int:
    if not form.validate():
        return 422
    try:
        regs.resize(registration, form.pupils.data, form.adults.data, now)
        db.session.commit()
    except regs.RegistrationError as exc:
        db.session.rollback()
        _attach_error(form, exc)
        return 422
    flash("Taille du groupe enregistrée.", "success")
    return 303


def _name(registration, form) -> int:
    class_pupils = (
        {p.id: p for p in registration.school_class.pupils} if (registration.school_class) else {}
    )
    form.pupils.choices = {pid: "" for pid in class_pupils}
    if not form.validate():
        return 422
    chosen = form.pupils.data or []
    if any(pid not in class_pupils for pid in chosen):
        form.pupils.errors = ["Cochez uniquement des élèves de la classe inscrite."]
        return 422
    try:
        regs.set_names(registration, [class_pupils[pid] for pid in chosen])
        db.session.commit()
    except regs.RegistrationError as exc:
        db.session.rollback()
        form.pupils.errors = [exc.message]
        return 422
    flash(
        f"{plural(len(chosen), 'élève')} noté{'s' if len(chosen) > 1 else ''} pour la séance.",
        "success",
    )
    return 303


@bp.post("/inscriptions/<int:registration_id>/annuler")
@role_required(Role.TEACHER, Role.PUPIL)
def cancel(registration_id: int):
    registration = get_for_user_or_404(Registration, registration_id)
    if not ConfirmForm(prefix="cancel").validate_on_submit():
        abort(400)
    was_waiting = registration.status == RegistrationStatus.WAITLISTED
    try:
        regs.cancel(registration, utcnow())
        db.session.commit()
    except regs.RegistrationError as exc:
        db.session.rollback()
        registration = get_for_user_or_404(Registration, registration_id)
        return _registration_page(
            registration,
            GroupSizeForm(
                prefix="size", formdata=None, pupils=registration.pupils, adults=registration.adults
            ),
            NamesForm(
                prefix="names", formdata=None, pupils=[p.id for p in registration.named_pupils]
            ),
            422,
            cancel_error=exc.message,
        )
    flash(
        "Vous avez quitté la liste d'attente."
        if was_waiting
        else "Inscription annulée : les places sont rendues.",
        "success",
    )
    return redirect_to("events.my_registrations")


@bp.route("/inscriptions/<int:registration_id>/avis", methods=["GET", "POST"])
@role_required(Role.TEACHER)
def satisfaction(registration_id: int):
    registration = get_for_user_or_404(Registration, registration_id)
    session = registration.session
    form = SatisfactionForm()
    if utcnow() < session.ends_at or registration.status != RegistrationStatus.CONFIRMED:
        flash("L'avis se donne après la séance.", "error")
        return redirect_to("events.registration", registration_id=registration.id)
    if form.validate_on_submit():
        registration.satisfaction = form.score.data
        registration.satisfaction_comment = form.comment.data or None
        db.session.commit()
        flash("Merci pour votre avis.", "success")
        return redirect_to("events.my_registrations")
    status = 422 if form.is_submitted() else 200
    return _page(
        "events/satisfaction.html",
        status,
        form=form,
        registration=registration,
        event=session.event,
        session=session,
    )
