"""Legal pages: « Mentions légales », « Politique de confidentialité », « Déclaration
d'accessibilité » — public, linked from every page's footer, their facts from configuration."""

from flask import Blueprint

bp = Blueprint("legal", __name__)

from capindustrie.legal import routes  # noqa: E402, F401
