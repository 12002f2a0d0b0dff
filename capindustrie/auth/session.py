"""Flask-Login wiring with server-side login sessions.

Each login opens a row of `user_session`; the cookie carries `user id:session version:secret`,
and every request checks that the row still exists and has not expired. Logging out deletes the
row, so a cookie captured before `POST /deconnexion` no longer works; a password change or reset
deletes every row of the user (and bumps the session version). Only a hash of the secret is
stored: a copy of the table opens no session.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, session, url_for
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import delete, select

from capindustrie.extensions import db
from capindustrie.htmx import hx_redirect, is_fragment_request
from capindustrie.models import User, UserSession, utcnow


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(user: User, lifetime: timedelta) -> str:
    """A new login session for `user` (committed); its id, for the cookie."""
    now = utcnow()
    # Expired logins are swept here: one indexed DELETE per login, no job needed.
    db.session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    secret = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id, token_hash=_hash(secret), created_at=now, expires_at=now + lifetime
        )
    )
    db.session.commit()
    user.login_session_id = f"{user.id}:{user.session_version}:{secret}"
    return user.login_session_id


def _parse(session_id: str | None) -> tuple[int, int, str] | None:
    parts = (session_id or "").split(":", 2)
    if len(parts) != 3:
        return None
    user_id, version, secret = parts
    numbers_ok = all(p.isascii() and p.isdigit() and len(p) <= 9 for p in (user_id, version))
    if not numbers_ok or not secret or len(secret) > 100:
        return None
    return int(user_id), int(version), secret


def load_user(session_id: str) -> User | None:
    """The user of a live login session; None for an unknown, ended or expired one."""
    parsed = _parse(session_id)
    if parsed is None:
        return None
    user_id, version, secret = parsed
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            UserSession.token_hash == _hash(secret),
            UserSession.expires_at > utcnow(),
        )
    )
    if user is None or not user.active or user.session_version != version:
        return None
    user.login_session_id = session_id
    return user


def end_session(session_id: str | None) -> None:
    parsed = _parse(session_id)
    if parsed is not None:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(parsed[2])))
        db.session.commit()


def end_all_sessions(user: User) -> None:
    """Every login of `user` ends (password changed or reset); the caller commits."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def start_session(user: User) -> None:
    """Log `user` in: a fresh cookie (nothing planted before login survives it) naming a new
    server-side session."""
    session.clear()
    open_session(user, current_app.permanent_session_lifetime)
    login_user(user)


def stop_session() -> None:
    """Log out: the server-side session is deleted, then the cookie emptied."""
    end_session(session.get("_user_id"))
    logout_user()
    session.clear()


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
