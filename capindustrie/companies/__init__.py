"""The company space: dashboard of offers, company profile, colleagues and invitations."""

from flask import Blueprint

bp = Blueprint("companies", __name__)

from capindustrie.companies import routes  # noqa: E402, F401
