"""Geography: geocoding of offer sites, distances and travel-time estimates, address suggestions."""

from flask import Blueprint

bp = Blueprint("geo", __name__, url_prefix="/geo")

from capindustrie.geo import routes  # noqa: E402, F401
