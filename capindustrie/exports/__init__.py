"""Exports: the versioned offer format, runs (files), delivery to a partner API, public feeds."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from capindustrie.exports import routes, tracking  # noqa: E402, F401
