"""Conventions: the content of the national model, its frozen versions and amendments."""

from flask import Blueprint

bp = Blueprint("conventions", __name__)

from capindustrie.conventions import routes  # noqa: E402, F401
