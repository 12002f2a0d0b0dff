"""Teachers' classes and their pupils' accounts: classes, roster import, login slips."""

from flask import Blueprint

bp = Blueprint("classes", __name__, url_prefix="/classes")

from capindustrie.classes import routes  # noqa: E402, F401
