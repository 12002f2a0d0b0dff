"""Placement proposals over HTTP: the teacher's review of the proposals for their class.

The class is loaded with get_for_user_or_404 (restricted to the classes the teacher teaches):
another teacher's class is simply not found. Computing is read-only, so a GET.
"""

from flask import current_app, render_template

from capindustrie.authz import get_for_user_or_404, role_required
from capindustrie.matching import bp, services
from capindustrie.models import Role, SchoolClass, utcnow


@bp.get("/classes/<int:class_id>")
@role_required(Role.TEACHER)
def class_proposals(class_id: int):
    klass = get_for_user_or_404(SchoolClass, class_id)
    max_minutes = int(current_app.config["MATCHING_MAX_TRAVEL_MINUTES"])
    try:
        result = services.class_proposals(klass, utcnow().date(), max_minutes)
    except services.MatchingError as error:
        return (
            render_template(
                "matching/class_proposals.html", klass=klass, result=None, message=str(error)
            ),
            409,
        )
    return render_template(
        "matching/class_proposals.html", klass=klass, result=result, message=None
    )
