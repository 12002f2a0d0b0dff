"""The menu's counts (templates/partials/_menu.html): one query per page at most, computed the
first time the menu asks and kept for the rest of the request."""

from flask import g
from flask_login import current_user

from capindustrie.models import Role
from capindustrie.worklist import bp, services


@bp.app_context_processor
def _worklist_helpers():
    return {"menu_badge": menu_badge}


def menu_badge() -> int:
    """What waits for the signed-in adult: the company's applications to answer, the
    teacher's internships to validate, the staff's moderation items; 0 for anyone else."""
    if "worklist_badge" not in g:
        g.worklist_badge = _count()
    return g.worklist_badge


def _count() -> int:
    if not current_user.is_authenticated:
        return 0
    role = current_user.role
    if role == Role.COMPANY and current_user.company_id:
        return services.company_work(current_user.company_id).applications.count
    if role == Role.TEACHER:
        return services.to_validate_count(current_user)
    if role == Role.STAFF:
        return services.staff_work().total
    return 0


def remember_badge(count: int) -> None:
    """A landing page that has just counted what waits gives the menu its count: no second
    query for the same figure."""
    g.worklist_badge = count
