"""Offer search by commute distance: the pupil's search from their school, and the public one."""

from flask import Blueprint

bp = Blueprint("search", __name__)


@bp.app_template_filter("km_fr")
def km_fr(value: float) -> str:
    """« 3,4 km »: one decimal, French decimal comma."""
    return f"{value:.1f}".replace(".", ",") + "\u00a0km"


from capindustrie.search import indexing, routes  # noqa: E402, F401
