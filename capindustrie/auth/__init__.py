from flask import Blueprint

bp = Blueprint("auth", __name__)

from capindustrie.auth import routes, two_factor_routes  # noqa: E402, F401
