"""HTTP for the geo area: address suggestions for the offer wizard (an HTMX fragment)."""

from flask import render_template, request

from capindustrie.authz import role_required
from capindustrie.extensions import limiter
from capindustrie.geo import bp
from capindustrie.geo.geocoding import MIN_QUERY_LENGTH, suggest_addresses
from capindustrie.models import Role
from capindustrie.text import search_key


@bp.get("/adresses")
@limiter.limit("60/minute")  # keystrokes are debounced; this protects the shared BAN quota
@role_required(Role.COMPANY)
def address_suggestions():
    # `site_address` lets the wizard's address input itself fire the request (hx-get on it).
    query = (request.args.get("q") or request.args.get("site_address") or "")[:200]
    return render_template(
        "geo/_address_suggestions.html",
        suggestions=suggest_addresses(query),
        searched=len(search_key(query)) >= MIN_QUERY_LENGTH,
    )
