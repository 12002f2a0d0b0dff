"""Audit log of staff actions (issue 14): who did what, on which object, when and why.

`record(...)` is the one way in; the log has no update or delete path in the app (the model
refuses both), and staff read it, filtered, on `/journal`. Kept 5 years (RETENTION).
"""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/journal")

from capindustrie.audit import routes  # noqa: E402, F401
