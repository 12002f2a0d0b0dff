"""Indicators for the Département (issue 13): a staff dashboard per school year and territory,
tables by EPCI and by school, the coverage of every school by nearby seats (with a map),
downloads (CSV, xlsx), SVG charts, and the public key figures page."""

from flask import Blueprint

bp = Blueprint("indicators", __name__)

from capindustrie.indicators import routes  # noqa: E402,F401
