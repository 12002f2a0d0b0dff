"""Company offers: the turnkey offer wizard, its rules, lifecycle and program templates."""

from flask import Blueprint

bp = Blueprint("offers", __name__, url_prefix="/entreprise/offres")

from capindustrie.offers import routes  # noqa: E402, F401
