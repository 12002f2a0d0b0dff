"""Every route that declares its roles (role_required) refuses the anonymous and every other role.

The routes are read from the application's URL map, so routes added later are covered without
touching this file: anonymous → login (a redirect, or 401 + HX-Redirect for htmx), any role that
is not allowed → 403. Ids in URLs are dummies (1): the role gate answers before any lookup.
"""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from flask import Blueprint, url_for

from capindustrie import create_app
from capindustrie.authz import role_required
from capindustrie.extensions import db
from capindustrie.models import Role
from tests import factories as f
from tests.factories import login as login_as

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def allowed_roles(view):
    """The roles a view declares, looking through decorators stacked above role_required."""
    while view is not None:
        roles = getattr(view, "allowed_roles", None)
        if roles is not None:
            return roles
        view = getattr(view, "__wrapped__", None)
    return None


def dummy_values(rule: str) -> dict:
    values = {}
    for match in ARGUMENT.finditer(rule):
        converter = match.group("converter") or "default"
        if converter == "int":
            value = 1
        elif converter == "float":
            value = 1.0
        elif converter == "uuid":
            value = uuid.UUID(int=1)
        elif converter == "any":
            value = match.group("args").split(",")[0].strip().strip("'\"")
        else:
            value = "x"
        values[match.group("name")] = value
    return values


def protected_routes(app) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if allowed_roles(app.view_functions[rule.endpoint]) is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, rule.rule, method))
    return routes


def _collection_app():
    # Only its URL map is read: no database is touched.
    return create_app({"TESTING": True, "SECRET_KEY": "collection",
                       "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False,
                       "ENV": "development"})


PROTECTED = protected_routes(_collection_app())




def route_url(app, endpoint: str, rule: str, method: str) -> str:
    with app.test_request_context():
        return url_for(endpoint, _method=method, **dummy_values(rule))


def check_route(app, endpoint: str, rule: str, method: str) -> None:
    """Anonymous and every role not declared are refused, before the view runs."""
    url = route_url(app, endpoint, rule, method)
    roles = allowed_roles(app.view_functions[endpoint])

    anonymous = app.test_client().open(url, method=method)
    assert anonymous.status_code == 302, f"anonymous {method} {url}: {anonymous.status_code}"
    assert urlsplit(anonymous.headers["Location"]).path == "/connexion"

    htmx = app.test_client().open(url, method=method, headers={"HX-Request": "true"})
    assert htmx.status_code == 401, f"anonymous htmx {method} {url}: {htmx.status_code}"
    assert urlsplit(htmx.headers["HX-Redirect"]).path == "/connexion"

    for role in Role:
        if role in roles:
            continue
        user = f.user(role)
        db.session.commit()
        client = app.test_client()
        login_as(client, user)
        response = client.open(url, method=method)
        assert response.status_code == 403, (
            f"{role.value} got {response.status_code} on {method} {url} (allowed: "
            f"{', '.join(r.value for r in roles)})"
        )


@pytest.mark.parametrize(("endpoint", "rule", "method"), PROTECTED,
                         ids=[f"{m} {r}" for _, r, m in PROTECTED])
def test_route_refuses_anonymous_and_wrong_roles(app, endpoint, rule, method):
    check_route(app, endpoint, rule, method)


def test_the_matrix_sees_the_protected_routes():
    """Guards the walk itself: the company area is protected and found in the URL map."""
    endpoints = {endpoint for endpoint, _, _ in PROTECTED}
    assert PROTECTED, "no route declares its roles: role_required is not detected"
    assert all(allowed_roles(_collection_app().view_functions[e]) for e in endpoints)


# The checker itself, on routes made for the purpose --------------------------------------


@pytest.fixture
def probe_app(make_app):
    app = make_app()
    probe = Blueprint("probe", __name__)

    @probe.route("/sonde/<int:item_id>/<slug>", methods=["GET", "POST"])
    @role_required(Role.STAFF, Role.TEACHER)
    def guarded(item_id, slug):
        return f"ok {item_id} {slug}"

    def forgetful(item_id):
        return "open to all"

    forgetful.allowed_roles = (Role.STAFF,)  # declares a role but never checks it
    probe.add_url_rule("/sonde-oubli/<int:item_id>", view_func=forgetful)
    app.register_blueprint(probe)
    with app.app_context():
        yield app


def test_checker_passes_a_guarded_route_and_lets_allowed_roles_in(probe_app):
    routes = [r for r in protected_routes(probe_app) if r[0] == "probe.guarded"]
    assert {method for _, _, method in routes} == {"GET", "POST"}
    for route in routes:
        check_route(probe_app, *route)
    staff = f.user(Role.STAFF)
    db.session.commit()
    client = probe_app.test_client()
    login_as(client, staff)
    assert client.get("/sonde/1/x").get_data(as_text=True) == "ok 1 x"


def test_checker_catches_a_route_that_does_not_check_roles(probe_app):
    with pytest.raises(AssertionError, match="anonymous GET /sonde-oubli/1"):
        check_route(probe_app, "probe.forgetful", "/sonde-oubli/<int:item_id>", "GET")


def test_login_required_page_answers_htmx_with_hx_redirect(client):
    """Without it, htmx would swap the whole login page into the middle of the current page."""
    response = client.get("/mot-de-passe", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/connexion?next=/mot-de-passe"
    assert response.get_data(as_text=True) == ""

    plain = client.get("/mot-de-passe")
    assert plain.status_code == 302
    assert plain.headers["Location"] == "/connexion?next=/mot-de-passe"
    assert "Connectez-vous pour accéder à cette page." in client.get(
        plain.headers["Location"]
    ).get_data(as_text=True)
