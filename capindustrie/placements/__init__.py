"""Placements: the teacher's class dashboard, validation of chosen internships, the convention."""

from flask import Blueprint

bp = Blueprint("placements", __name__)

from capindustrie.placements import routes  # noqa: E402, F401
