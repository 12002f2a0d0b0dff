"""« À traiter » (issue 17, point 5): what waits for each adult, on their landing page and as
counts in the menu. No route of its own: the landing pages and the menu read its services."""

from flask import Blueprint

bp = Blueprint("worklist", __name__)

from capindustrie.worklist import helpers  # noqa: E402, F401
