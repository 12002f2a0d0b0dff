"""HTTP validators for the anonymous public pages: a repeat costs a 304, and nothing personal is
ever stored in a shared cache.

Who may store what (a shared cache — nginx's proxy_cache, a school's proxy — may sit in front):
- signed-in users: nothing, ever (`Cache-Control: no-store`, security.py);
- anonymous visitors, on the views marked `@public_page` (public search, its fragments and
  school suggestions, the public offer page): `Cache-Control: public, max-age=N`
  (`PUBLIC_CACHE_MAX_AGE`), a strong `ETag` (a hash of the body) answered with
  `304 Not Modified` when it still matches, and `Vary: Cookie` (plus `Vary: HX-Request` where
  a fragment is answered) so a signed-in visitor, who sends a cookie, is never given the
  anonymous copy. For this, these pages leave the CSRF
  token out of `<body hx-headers>` for anonymous visitors (base.html): they make no htmx
  mutation, and a token there would tie the page to one visitor's session and create that
  session (a `Set-Cookie`) on every visit. The body is then the same for every anonymous
  visitor: the ETag can match, and a shared copy leaks nothing;
- a response that sets a cookie anyway (a flash message shown, a session refreshed) belongs to
  its visitor: `Cache-Control: private, no-cache` (the browser may keep it and revalidate, no
  shared cache may).
The validator is computed from the rendered body, so it is always exact (seats taken, an offer
published): what a 304 saves is the transfer and, within max-age, the request itself.
"""

from functools import wraps

from flask import Flask, Response, g, request, session
from flask_login import current_user


def public_page(view):
    """Mark a GET view whose anonymous answer is the same for every anonymous visitor."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            g.public_page = True
        return view(*args, **kwargs)

    return wrapper


def is_public_page() -> bool:
    """True while rendering a public page for an anonymous visitor (base.html: no CSRF token)."""
    return bool(g.get("public_page"))


def init_app(app: Flask) -> None:
    @app.after_request
    def add_validators(response: Response) -> Response:
        if not g.get("public_page") or current_user.is_authenticated:
            return response
        if response.status_code != 200 or response.is_streamed:
            return response
        response.vary.add("Cookie")
        sets_cookie = "Set-Cookie" in response.headers or app.session_interface.should_set_cookie(
            app, session
        )
        if sets_cookie:
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            response.headers["Cache-Control"] = (
                f"public, max-age={int(app.config['PUBLIC_CACHE_MAX_AGE'])}"
            )
        response.add_etag()
        return response.make_conditional(request)

    app.jinja_env.globals["is_public_page"] = is_public_page
