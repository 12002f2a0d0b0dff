"""Flask-Login wiring: session ids carry a version so a password change ends older sessions."""

from flask import request, url_for
from flask_login import LoginManager

from capindustrie.extensions import db
from capindustrie.htmx import hx_redirect, is_fragment_request


def load_user(session_id: str):
    from capindustrie.models import User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    # "basic": pupils' IPs change on school networks; "strong" would log them out.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect

        login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
        if is_fragment_request():
            # Without this the login page would be swapped into the middle of a page.
            return hx_redirect(login_url, 401)
        flash(login_manager.login_message, "info")
        return redirect(login_url)
