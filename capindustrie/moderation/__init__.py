"""Staff moderation: the queue of submitted offers and new companies, decisions e-mailed."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from capindustrie.moderation import report_routes, routes  # noqa: E402, F401
