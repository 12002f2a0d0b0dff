"""A parent's view (issue 14): once a placement is validated, the pupil or a teacher of the
class creates a read-only link for the pupil's legal representatives (no account needed)."""

from flask import Blueprint

bp = Blueprint("family", __name__)

from capindustrie.family import routes  # noqa: E402, F401
