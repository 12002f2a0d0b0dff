"""Login, logout, registration, password change and reset: HTTP only, the rules are in services."""

import hashlib
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from capindustrie.auth import bp, services, two_factor_routes
from capindustrie.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RegisterCompanyForm,
    RegisterTeacherForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from capindustrie.auth.session import start_session, stop_session
from capindustrie.auth.throttle import LoginThrottled, ThrottlePolicy
from capindustrie.auth.wording import words_for
from capindustrie.errors import render_error
from capindustrie.extensions import db, limiter
from capindustrie.htmx import redirect_to, render
from capindustrie.models import Role, utcnow
from capindustrie.urls import public_url

LOGIN_FAILED = (
    "Connexion impossible : l'adresse e-mail (ou l'identifiant) ou le mot de passe est "
    "incorrect. Après plusieurs essais infructueux, il faut attendre un peu avant le suivant."
)
RESET_REQUESTED = (
    "Si un compte correspond à cette adresse, un e-mail vient de lui être envoyé avec un lien "
    "pour choisir un nouveau mot de passe. Pensez à regarder dans les courriers indésirables."
)
CONFIRMATION_INVALID = (
    "Ce lien de confirmation n'est pas valable ou a expiré. Connectez-vous avec l'adresse et le "
    "mot de passe choisis à l'inscription : un nouveau lien vous sera envoyé."
)
CONFIRMED = "Votre adresse e-mail est confirmée : connectez-vous pour commencer."
NOT_CONFIRMED = (
    "Votre compte n'est pas encore activé : ouvrez le lien envoyé à votre adresse e-mail lors de "
    "l'inscription. Nous venons de vous en envoyer un nouveau."
)
# Where each role lands after login, when that area exists (later pieces add them).
HOME_ENDPOINTS = {
    Role.COMPANY: "companies.dashboard",
    Role.PUPIL: "search.pupil_search",
    Role.STAFF: "moderation.queue",
    Role.TEACHER: "classes.index",
}


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_rate_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _address_and_account_key() -> str:
    """Attempts on one account from one address. Keyed on the address alone, the pupils of a
    class, who share their school's address, would lock each other out. The login is hashed:
    the limiter's storage (Redis in production) holds no e-mail address or pupil username."""
    typed = request.form.get("identifier") or request.form.get("email") or ""
    digest = hashlib.sha256(typed.strip().lower().encode()).hexdigest()[:16]
    return f"{get_remote_address()}|{digest}"


def _current_user_key() -> str:
    return f"user:{current_user.id}"


def _form_page(template: str, form, **context):
    """The page of a form: 422 when the submitted form was refused, 200 otherwise."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def home_endpoint(user) -> str:
    endpoint = HOME_ENDPOINTS.get(user.role)
    return endpoint if endpoint in current_app.view_functions else "main.index"


def _start_session(user) -> None:
    start_session(user)


def safe_next(target: str | None) -> str | None:
    """Only a local path: `next` must never send a user to another site after login."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


# Registration ------------------------------------------------------------------------------


@bp.route("/inscription/entreprise", methods=["GET", "POST"])
def register_company():
    form = RegisterCompanyForm()
    if form.validate_on_submit():
        try:
            services.register_company(
                company_name=form.company_name.data,
                siret=form.siret.data,
                filiere=form.filiere.data,
                person=form.person(),
                links=_account_links(),
                secret_key=current_app.config["SECRET_KEY"],
            )
        except services.AccountConflict as conflict:
            form[conflict.field].errors.append(conflict.message)
        else:
            return redirect(url_for("auth.registration_sent"), 303)
    return _form_page("auth/register_company.html", form)


@bp.route("/inscription/professeur", methods=["GET", "POST"])
def register_teacher():
    form = RegisterTeacherForm()
    if form.validate_on_submit():
        try:
            services.register_teacher(
                school_id=form.school.id,
                person=form.person(),
                links=_account_links(),
                secret_key=current_app.config["SECRET_KEY"],
            )
        except services.AccountConflict as conflict:
            form[conflict.field].errors.append(conflict.message)
        else:
            return redirect(url_for("auth.registration_sent"), 303)
    school = form.school
    return _form_page(
        "auth/register_teacher.html",
        form,
        school_query=services.school_label(school) if school else "",
        schools=_school_choices([school] if school else []),
        selected_id=school.id if school else None,
    )


def _account_links() -> services.AccountLinks:
    # The configured public address, never the request's Host header (which a sender controls).
    return services.AccountLinks(
        confirm=lambda token: public_url("auth.confirm_email", token=token),
        login=public_url("auth.login"),
        reset=public_url("auth.reset_request"),
    )


@bp.get("/inscription/envoyee")
def registration_sent():
    """The one answer to every accepted registration form, whether the address already had an
    account or not (its owner then gets an e-mail saying so)."""
    return render_template("auth/registration_sent.html")


@bp.get("/inscription/confirmer/<token>")
def confirm_email(token: str):
    user = services.user_from_confirmation_token(
        token, current_app.config["SECRET_KEY"], current_app.config["EMAIL_CONFIRMATION_MAX_AGE"]
    )
    if user is None:
        return render_error(400, CONFIRMATION_INVALID)
    services.confirm_email(user)
    flash(CONFIRMED, "success")
    return redirect(url_for("auth.login"), 303)


@bp.get("/inscription/etablissements")
def school_search():
    """Autocomplete for HTMX (buttons); without JavaScript, the registration page (radios)."""
    query = request.args.get("q", "")[:100]
    return render(
        "auth/register_teacher.html",
        "auth/_school_results.html",
        form=RegisterTeacherForm(formdata=None),
        school_query=query,
        schools=_school_choices(services.search_schools(query)),
        selected_id=None,
        searched=True,
    )


def _school_choices(schools) -> list[tuple[int, str]]:
    return [(school.id, services.school_label(school)) for school in schools]


# Login and logout --------------------------------------------------------------------------


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_address_and_account_key)
@limiter.limit(_login_ip_rate_limit, methods=["POST"])
def login():
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    error = None
    headers = {}
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.identifier.data,
                form.password.data,
                address=get_remote_address(),
                now=utcnow(),
                policy=ThrottlePolicy.from_config(current_app.config),
            )
        except LoginThrottled as wait:
            error = login_wait_message(wait.seconds)
            headers["Retry-After"] = str(wait.seconds)
        else:
            if user is not None and user.awaiting_confirmation:
                # Right password, address not confirmed yet: a new link, no session.
                services.queue_confirmation(
                    user, _account_links(), current_app.config["SECRET_KEY"]
                )
                db.session.commit()
                error = NOT_CONFIRMED
            elif user is not None:
                _start_session(user)
                if user.must_change_password:
                    # Read on the next page, once signed in: in the user's words (« tu »).
                    flash(words_for(user).choose_personal, "info")
                    # The page the pupil came from (an offer) still waits after the new password.
                    return redirect(url_for("auth.change_password", next=next_url), 303)
                return redirect(next_url or url_for(home_endpoint(user)), 303)
            else:
                error = LOGIN_FAILED
    status = 429 if headers else 422 if error or form.errors else 200
    page = render_template("auth/login.html", form=form, next_url=next_url, login_error=error)
    return page, status, headers


def login_wait_message(seconds: int) -> str:
    if seconds < 60:
        delay = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    else:
        minutes = -(-seconds // 60)
        delay = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return (
        "Trop d'essais infructueux pour ce compte depuis votre connexion : votre mot de passe "
        f"n'a pas été vérifié. Réessayez dans {delay}, ou utilisez « Mot de passe oublié ? »."
    )


@bp.post("/deconnexion")
def logout():
    stop_session()
    flash("Vous êtes déconnecté(e).", "info")
    return redirect_to("main.index")


# Passwords ---------------------------------------------------------------------------------


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_current_user_key)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        # The version in the session id changed: this session is renewed, every other one ends.
        # A second factor passed for this login stays passed for the renewed session.
        passed = two_factor_routes.second_step_passed()
        _start_session(user)
        if passed:
            two_factor_routes.mark_second_step_passed()
        flash(form.words.changed, "success")
        next_url = safe_next(request.args.get("next"))
        return redirect(next_url or url_for(home_endpoint(user)), 303)
    return _form_page(
        "auth/change_password.html",
        form,
        next_url=safe_next(request.args.get("next")),
        words=form.words,
    )


@bp.route("/mot-de-passe/oubli", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_address_and_account_key)
@limiter.limit(_login_ip_rate_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            secret_key=current_app.config["SECRET_KEY"],
            max_age=current_app.config["PASSWORD_RESET_MAX_AGE"],
            link_for=_reset_link,
        )
        flash(RESET_REQUESTED, "info")
        return redirect(url_for("auth.reset_request"), 303)
    return _form_page("auth/reset_request.html", form)


def _reset_link(token: str) -> str:
    # The configured public address, never the request's Host header (which a sender controls).
    return public_url("auth.reset_password", token=token)


@bp.route("/mot-de-passe/reinitialiser/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(
        token, current_app.config["SECRET_KEY"], current_app.config["PASSWORD_RESET_MAX_AGE"]
    )
    if user is None:
        return render_template("auth/reset_password.html", form=None), 400
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        session.clear()
        flash("Votre mot de passe est modifié. Connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"), 303)
    response, status = _form_page("auth/reset_password.html", form, token=token)
    return response, status, {"Cache-Control": "no-store"}
