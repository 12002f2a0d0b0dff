"""Two-factor views: the code step after the password, enrolment (QR code + recovery codes),
turning the optional factor off, and a staff reset of another account's factor (audited).

The gate (`require_second_factor`, run before every request) keeps a logged-in user whose login
is not complete on these pages: staff without a factor must enrol, anyone with a factor must
type a code. The login session is complete once its id is stored under SESSION_KEY.
"""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from capindustrie.audit.services import record
from capindustrie.auth import bp
from capindustrie.auth import two_factor as tf
from capindustrie.auth.forms import TwoFactorCodeForm, TwoFactorRemoveForm, TwoFactorResetForm
from capindustrie.auth.session import end_all_sessions
from capindustrie.authz import role_required
from capindustrie.extensions import db, limiter
from capindustrie.models import Role, User

WRONG_CODE = (
    "Code refusé : il est faux, expiré ou déjà utilisé. Saisissez le code affiché maintenant "
    "par votre application (ou un code de secours non utilisé)."
)
# Reachable before the second step: the step itself, enrolment, logging out, static files and
# the public home page (nothing private on it; it carries the CSRF token pages rely on) and
# the health check.
OPEN_ENDPOINTS = {
    "main.index",
    "main.health",
    "auth.two_factor_verify",
    "auth.two_factor_setup",
    "auth.logout",
    "auth.login",
    "static",
}


def second_step_passed() -> bool:
    return session.get(tf.SESSION_KEY) == current_user.login_session_id


def mark_second_step_passed() -> None:
    session[tf.SESSION_KEY] = current_user.login_session_id


@bp.before_app_request
def require_second_factor():
    if not current_user.is_authenticated or current_user.role == Role.PUPIL:
        return None
    if request.endpoint in OPEN_ENDPOINTS or second_step_passed():
        return None
    if tf.confirmed_factor(current_user) is not None:
        return redirect(url_for("auth.two_factor_verify", next=_next_path()))
    if current_user.role == Role.STAFF:
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _next_path() -> str | None:
    return request.full_path.rstrip("?") if request.method == "GET" else None


def _user_key() -> str:
    return f"two-factor:{current_user.id}"


@bp.route("/connexion/code", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_key)
def two_factor_verify():
    from capindustrie.auth.routes import home_endpoint, safe_next

    factor = tf.confirmed_factor(current_user)
    if factor is None or second_step_passed():
        return redirect(url_for(home_endpoint(current_user)))
    form = TwoFactorCodeForm()
    error = None
    if form.validate_on_submit():
        typed = form.code.data
        if tf.check_code(factor, typed) or tf.use_recovery_code(current_user, typed):
            db.session.commit()
            mark_second_step_passed()
            next_url = safe_next(request.args.get("next"))
            return redirect(next_url or url_for(home_endpoint(current_user)), 303)
        db.session.rollback()
        error = WRONG_CODE
    status = 422 if error or form.errors else 200
    return render_template("auth/two_factor_verify.html", form=form, error=error), status


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 5 minutes", methods=["POST"], key_func=_user_key)
def two_factor_setup():
    user = current_user._get_current_object()
    if not tf.may_enrol(user):
        abort(403)
    confirmed = tf.confirmed_factor(user)
    if confirmed is not None:
        return render_template(
            "auth/two_factor_status.html",
            remaining=tf.remaining_recovery_codes(user),
            remove_form=TwoFactorRemoveForm(),
        )
    form = TwoFactorCodeForm()
    error = None
    factor = tf.pending_factor(user)
    if form.validate_on_submit() and factor is not None:
        codes = tf.confirm_enrolment(factor, form.code.data)
        if codes is not None:
            db.session.commit()
            mark_second_step_passed()
            from capindustrie.auth.routes import home_endpoint

            home_url = url_for(home_endpoint(user))
            return render_template("auth/two_factor_codes.html", codes=codes, home_url=home_url)
        error = WRONG_CODE
    elif factor is None or request.method == "GET":
        factor = tf.start_enrolment(user)
    db.session.commit()
    uri = tf.provisioning_uri(factor, user)
    status = 422 if error or form.errors else 200
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        error=error,
        secret=factor.secret,
        qr=tf.qr_svg(uri),
    ), status


@bp.post("/compte/double-authentification/desactiver")
@role_required(Role.TEACHER, Role.COMPANY)
def two_factor_remove():
    form = TwoFactorRemoveForm()
    if form.validate_on_submit():
        tf.remove(current_user)
        db.session.commit()
        flash("La double authentification est désactivée pour votre compte.", "info")
    return redirect(url_for("auth.two_factor_setup"), 303)


@bp.route("/staff/double-authentification", methods=["GET", "POST"])
@role_required(Role.STAFF)
def two_factor_reset():
    form = TwoFactorResetForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        target = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if target is None or tf.confirmed_factor(target) is None:
            form.email.errors.append("Aucun compte avec double authentification à cette adresse.")
        elif target.id == current_user.id:
            form.email.errors.append(
                "Un autre agent doit réinitialiser votre propre double authentification."
            )
        else:
            tf.remove(target)
            end_all_sessions(target)
            record(current_user, "two_factor.reset", target, form.reason.data, email=target.email)
            db.session.commit()
            flash(
                f"La double authentification de {target.email} est réinitialisée ; "
                "ses sessions sont fermées.",
                "success",
            )
            return redirect(url_for("auth.two_factor_reset"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/two_factor_reset.html", form=form), status
