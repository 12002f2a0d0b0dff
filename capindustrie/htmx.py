"""The one place that speaks HTMX: page or fragment, and HTMX response headers.

htmx-flask is used thinly here; views never read HX-* headers themselves.
"""

from flask import Response, redirect, render_template, request, url_for
from htmx_flask import make_response as htmx_make_response


def is_fragment_request() -> bool:
    """A fragment only for a real HTMX swap; boosted links and history misses get the page."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the full page, or only its fragment for an HTMX request (same context)."""
    template = fragment if is_fragment_request() else page
    response = htmx_make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to(endpoint: str, **values) -> Response:
    """After a successful mutation: HX-Redirect for HTMX, 303 otherwise."""
    url = url_for(endpoint, **values)
    if is_fragment_request():
        return htmx_make_response("", 200, redirect=url)
    return redirect(url, code=303)


def hx_redirect(url: str, status: int = 200) -> Response:
    return htmx_make_response("", status, redirect=url)


def hx_refresh(status: int = 200) -> Response:
    return htmx_make_response("", status, refresh=True)


def with_trigger(response: Response, event: str | dict) -> Response:
    return htmx_make_response(response, trigger=event)
