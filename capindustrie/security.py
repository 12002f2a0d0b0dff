"""Security headers for every response (one after_request, as GOV.UK Notify does)."""

from urllib.parse import quote

from flask import Flask, Response, abort, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def request_uri_length(environ) -> int:
    """The length of the request's URI as sent (gunicorn: RAW_URI, werkzeug: REQUEST_URI)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is not None:
        return len(raw)
    query = environ.get("QUERY_STRING", "")
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    return len(path) + (len(query) + 1 if query else 0)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_long_urls():
        # The app's own French 414, below gunicorn's limit_request_line (gunicorn.conf.py), so
        # that the server's page is never the one a user meets.
        if request_uri_length(request.environ) > app.config["MAX_URL_LENGTH"]:
            abort(414)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Flask-WTF needs a same-origin Referer over HTTPS: never "no-referrer".
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
        return response
