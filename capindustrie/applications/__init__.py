"""Applications: pupils apply to a period of an offer, companies answer, pupils choose; timers."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from capindustrie.applications import pupil_view, routes  # noqa: E402, F401

pupil_view.register_template_helpers(bp)
