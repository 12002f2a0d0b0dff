"""HTTP validators and a shared page cache for the anonymous public pages: a repeat costs a 304,
a search someone else already made costs a cache read, and nothing personal is ever shared.

Who may store what (a shared cache — nginx's proxy_cache, a school's proxy — may sit in front):
- signed-in users: nothing, ever (`Cache-Control: no-store`, security.py); their pages are
  never read from nor written to the page cache below;
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
  shared cache may), and it is not put in the page cache.

The page cache (server side, shared by the workers: Redis in production, cache_store.py)
- What: the body of an anonymous public page, exactly as rendered, with its ETag.
- Key: the path, page or htmx fragment, and every query parameter (sorted by name, the order
  of repeated values kept): two URLs that the view could answer differently never share a key.
- Validity: each entry carries the catalogue version it was rendered at; it is served only
  while that is still the current version, which changes after every commit that touched an
  offer, a period (a seat taken or freed), a programme, a company or the reference data
  (cache_store.py explains why this is exact). Entries also expire after `PAGE_CACHE_SECONDS`.
- Who: served only to a visitor who is not signed in and has no flash message waiting (the one
  thing of a session a public page shows); stored only from such a visitor's 200 answer that
  sets no cookie. The rate limit of the public search is checked before (the decorator order),
  so a cached answer counts as a request.
- A hit answers from the entry without running the view or touching the database; with
  `If-None-Match` equal to its ETag, the answer is a 304 (make_conditional below).
"""

import hashlib
import logging
from functools import wraps
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

from capindustrie import cache_store
from capindustrie.htmx import is_fragment_request

log = logging.getLogger(__name__)


def public_page(view):
    """Mark a GET view whose anonymous answer is the same for every anonymous visitor."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated:
            return view(*args, **kwargs)
        g.public_page = True
        key = _shareable_key()
        if key is None:
            return view(*args, **kwargs)
        store = cache_store.get_store(current_app)
        try:
            version, entry = store.lookup(key)
        except Exception:  # noqa: BLE001 - without its cache the page is only slower
            log.warning("page cache unreachable", exc_info=True)
            return view(*args, **kwargs)
        if entry is not None and entry.version == version:
            return _cached_response(entry)
        # The version is read before the view's queries: see cache_store.py.
        g.page_cache_slot = (store, key, version)
        return view(*args, **kwargs)

    return wrapper


def is_public_page() -> bool:
    """True while rendering a public page for an anonymous visitor (base.html: no CSRF token)."""
    return bool(g.get("public_page"))


def _shareable_key() -> str | None:
    """The page cache key of this request, or None when its answer must not be shared."""
    if not current_app.config["PAGE_CACHE_ENABLED"] or request.method not in ("GET", "HEAD"):
        return None
    if session.get("_flashes"):
        return None
    args = sorted(request.args.items(multi=True), key=lambda pair: pair[0])
    shape = "fragment" if is_fragment_request() else "page"
    raw = f"{request.path}\0{shape}\0{urlencode(args)}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _cached_response(entry: cache_store.Entry) -> Response:
    response = current_app.response_class(entry.body, mimetype="text/html")
    response.set_etag(entry.etag)
    for header in filter(None, entry.vary.split(",")):
        response.vary.add(header.strip())
    return response


def _keep(response: Response) -> None:
    store, key, version = g.pop("page_cache_slot")
    etag, _weak = response.get_etag()
    entry = cache_store.Entry(version, etag, response.headers.get("Vary", ""), response.get_data())
    try:
        store.store(key, entry, int(current_app.config["PAGE_CACHE_SECONDS"]))
    except Exception:  # noqa: BLE001
        log.warning("page cache unreachable", exc_info=True)


def init_app(app: Flask) -> None:
    cache_store.init_app(app)

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
        if not sets_cookie and g.get("page_cache_slot"):
            _keep(response)
        return response.make_conditional(request)

    app.jinja_env.globals["is_public_page"] = is_public_page
