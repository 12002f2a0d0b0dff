"""Optimal placement proposals for pupils without an internship (issue 15, DESIGN §5)."""

from flask import Blueprint

bp = Blueprint("matching", __name__, url_prefix="/propositions")

from capindustrie.matching import routes  # noqa: E402, F401
