"""Reports of offers (« Signaler cette offre »): anyone may report a public offer; staff decide
in the moderation area (capindustrie/moderation/report_routes.py)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from capindustrie.reports import routes  # noqa: E402, F401
