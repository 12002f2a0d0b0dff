"""Privacy (issue 14): the retention table and the purge that applies it, and « Mes données »
(what the service holds about the signed-in user, readable and as JSON; closing an account)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/mes-donnees")

from capindustrie.privacy import routes  # noqa: E402, F401
