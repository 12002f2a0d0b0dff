"""Authorisation: which roles reach a view, and which objects a user may touch.

`role_required` is the one declarative gate for views. `get_for_user_or_404` is the one loader
for objects: it adds the ownership rule of the model to the query, so another user's object is
simply not found (404, never a hint that it exists).
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from capindustrie.extensions import db
from capindustrie.models import Role

# model -> function(user) returning a SQL condition, or None when the role may not touch it.
_OWNERSHIP: dict[type, Callable] = {}


def role_required(*roles: Role):
    """Only logged-in users with one of `roles` reach the view (403 for other roles)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            if current_user.must_change_password and view.__name__ != "change_password":
                from flask import redirect, url_for

                return redirect(url_for("auth.change_password"))
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def ownership_rule(model: type):
    """Register how to restrict `model` to what a user may touch."""

    def register(rule: Callable):
        _OWNERSHIP[model] = rule
        return rule

    return register


def owned_select(model: type, user):
    rule = _OWNERSHIP.get(model)
    if rule is None:
        raise LookupError(f"No ownership rule for {model.__name__}")
    condition = rule(user)
    if condition is None:
        return None
    statement = select(model)
    return statement if condition is True else statement.where(condition)


def get_for_user_or_404(model: type, object_id: int, user=None):
    user = user or current_user
    statement = owned_select(model, user)
    if statement is None:
        abort(404)
    obj = db.session.scalar(statement.where(model.id == object_id))
    if obj is None:
        abort(404)
    return obj


def _is(user, *roles: Role) -> bool:
    return user.is_authenticated and user.role in roles


def _register_core_rules() -> None:
    from capindustrie.models import (
        Application,
        Company,
        Offer,
        Pupil,
        SchoolClass,
        class_teacher,
    )

    @ownership_rule(Offer)
    def offer_rule(user):
        if _is(user, Role.STAFF):
            return True
        if _is(user, Role.COMPANY):
            return Offer.company_id == user.company_id
        return None

    @ownership_rule(Company)
    def company_rule(user):
        if _is(user, Role.STAFF):
            return True
        if _is(user, Role.COMPANY):
            return Company.id == user.company_id
        return None

    @ownership_rule(SchoolClass)
    def class_rule(user):
        if _is(user, Role.TEACHER):
            taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
            return SchoolClass.id.in_(taught)
        return None

    @ownership_rule(Pupil)
    def pupil_rule(user):
        if _is(user, Role.TEACHER):
            taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
            return Pupil.class_id.in_(taught)
        if _is(user, Role.PUPIL):
            return Pupil.user_id == user.id
        return None

    @ownership_rule(Application)
    def application_rule(user):
        from capindustrie.models import Period

        if _is(user, Role.PUPIL):
            own = select(Pupil.id).where(Pupil.user_id == user.id)
            return Application.pupil_id.in_(own)
        if _is(user, Role.COMPANY):
            periods = select(Period.id).join(Offer).where(Offer.company_id == user.company_id)
            return Application.period_id.in_(periods)
        if _is(user, Role.TEACHER):
            taught = select(class_teacher.c.class_id).where(class_teacher.c.user_id == user.id)
            pupils = select(Pupil.id).where(Pupil.class_id.in_(taught))
            return Application.pupil_id.in_(pupils)
        return None


_register_core_rules()
