"""Hostile input on every route of the URL map, as every role that can reach it: no 5xx, and a
refused submission saves nothing (issue 10).

Nothing here lists fields or parameters by hand. For each route the test first sends a request
through a request class that records which query-string and form keys the view (and its forms)
read; then it sends each hostile value to each key read, one key at a time, the other fields
keeping the values of the form as its page renders it (empty ones get a plausible valid value,
so that one hostile field reaches the code behind the form). Values: NUL, control characters,
line breaks, 10⁵ characters, huge and negative integers, impossible dates. Every GET route is
visited plainly and with `HX-Request: true`; the hostile requests alternate between the two. Ids
in URLs point at objects of a small world where each role owns something; ids beyond the
database range are tried too.

Sub-form fields repeated by a FieldList (`days-0-title`, `days-1-title`…) are fuzzed on their
first row only: the rows share their fields' rules. Run it on PostgreSQL too: only PostgreSQL
refuses NUL in text.
"""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from capindustrie.applications.states import S
from capindustrie.auth import passwords
from capindustrie.auth import services as auth_services
from capindustrie.companies import services as company_services
from capindustrie.extensions import db
from capindustrie.models import Base, CompanyStatus, OfferStatus, Role
from capindustrie.offers.wizard import STEPS
from tests import factories as f
from tests.conftest import REFERENCE_TABLES
from tests.factories import login
from tests.placement_helpers import application_in
from tests.test_authz_matrix import ARGUMENT, _collection_app, allowed_roles

HOSTILE = [
    "nul\x00octet",
    "ctl\x01\x08\x1b\x7f",
    "ligne\r\nBcc: victime@exemple.fr",
    "x" * 100_000,
    "2147483648",
    "99999999999999999999",
    "-1",
    "9999-12-31",
    "0000-01-01",
    "2026-02-30",
]
HUGE_IDS = ("2147483648", "99999999999999999999")
# Columns a refused request may legitimately touch: a failed login is counted.
VOLATILE_COLUMNS = {"last_login_at"}
# A refused login still counts as a failed attempt for its address and account (throttling).
VOLATILE_TABLES = {"login_throttle"}
ROW_INDEX = re.compile(r"-(\d+)-")


# --- Which keys a view reads -------------------------------------------------------------------

READ: dict[str, set[str]] = {"args": set(), "form": set()}


def _recording(kind: str):
    class Recording(ImmutableMultiDict):
        def __contains__(self, key):
            READ[kind].add(key)
            return super().__contains__(key)

        def get(self, key, default=None, type=None):
            READ[kind].add(key)
            return super().get(key, default, type)

        def getlist(self, key, type=None):
            READ[kind].add(key)
            return super().getlist(key, type)

        def __getitem__(self, key):
            READ[kind].add(key)
            return super().__getitem__(key)

    return Recording


class RecordingRequest(Request):
    """Records the query-string keys (`args`) and the form keys (`form`) the view reads."""

    parameter_storage_class = _recording("form")

    @cached_property
    def args(self):
        return _recording("args")(super().args)


# --- Routes --------------------------------------------------------------------------------------


def all_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    app = _collection_app()
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        routes.append((rule.endpoint, rule.rule, methods))
    return sorted(routes)


ROUTES = all_routes()
# One test per blueprint (the world is built once for its routes); messages name the URL.
AREAS = sorted({endpoint.split(".")[0] for endpoint, _, _ in ROUTES})


def roles_for(view, method: str) -> list[Role | None]:
    roles = allowed_roles(view)
    if roles is not None:
        return list(roles)
    if method == "GET":
        # Open pages: the anonymous visitor and every role (some pages differ once signed in).
        return [None, *Role]
    # Open forms: the visitor, and a pupil for those behind a login only (password change).
    return [None, Role.PUPIL]


# --- A small world where every role owns something ----------------------------------------------


def build_world() -> dict:
    company_user = f.user(Role.COMPANY)
    company = company_user.company
    weeks = [date(2027, 1, 11) + timedelta(weeks=n) for n in range(4)]
    offer = f.complete_offer(
        company,
        status=OfferStatus.PUBLISHED,
        periods=tuple((w, w + timedelta(days=4), 4) for w in weeks),
    )
    submitted_offer = f.complete_offer(company, status=OfferStatus.SUBMITTED, title="En attente")
    pending = f.company(status=CompanyStatus.PENDING)
    f.user(Role.COMPANY, company_obj=pending)
    teacher = f.user(Role.TEACHER)
    colleague = f.user(Role.TEACHER)
    klass = f.school_class(teacher)
    klass.teachers.append(colleague)
    pupil = f.pupil(klass)
    staff = f.user(Role.STAFF)
    db.session.flush()
    validated = application_in(pupil, offer.periods[3], S.VALIDATED)
    from capindustrie.placements import services as placing

    placement = placing.placement_of(validated)
    confirmed_pupil = f.pupil(klass, first_name="Inès", last_name="Roy")
    confirmed = application_in(confirmed_pupil, offer.periods[2], S.CONFIRMED)
    accepted = application_in(pupil, offer.periods[1], S.ACCEPTED)
    submitted = application_in(pupil, offer.periods[0], S.SUBMITTED)
    for user in (company_user, teacher, colleague, staff, pupil.user, confirmed_pupil.user):
        user.password_hash = passwords.hash_password(f.PASSWORD)
    events = build_events(company, klass, teacher, confirmed_pupil)
    parent_token = build_parent_link(placement, pupil.user)
    ended = build_ended_placement(company, pupil)
    db.session.commit()
    secret = "test-secret-key"
    return {
        "users": {
            Role.COMPANY: company_user,
            Role.TEACHER: teacher,
            Role.PUPIL: pupil.user,
            Role.STAFF: staff,
        },
        "ids": {
            "offer_id": offer.id,
            "period_id": offer.periods[0].id,
            "application_id": submitted.id,
            "class_id": klass.id,
            "pupil_id": pupil.id,
            "user_id": colleague.id,
            "company_id": pending.id,
            "placement_id": placement.id,
            "step": 1,
            # Conventions: no signature exists yet, an unknown signing link (both answer 404).
            "signature_id": 1,
            # Login slips: an unknown batch (answers 400, « fiches introuvables »).
            "batch_id": 1,
            # Exports: an unknown run (404); the school feed of the class's school.
            "run_id": 1,
            "fmt": "csv",
            "uai": klass.school.uai,
            "token": "lien-inconnu",
            **events["ids"],
        },
        # A pupil reaches their own event registration, a teacher their class's.
        "by_role": {Role.PUPIL: events["pupil"]},
        "by_endpoint": {
            "applications.choose": {"application_id": accepted.id},
            "placements.validate": {"application_id": confirmed.id},
            "placements.refuse": {"application_id": confirmed.id},
            "moderation.offer_detail": {"offer_id": submitted_offer.id},
            "moderation.publish_offer": {"offer_id": submitted_offer.id},
            "moderation.reject_offer": {"offer_id": submitted_offer.id},
            "auth.reset_password": {"token": auth_services.reset_token(company_user, secret)},
            "companies.accept_invitation": {
                "token": company_services.invitation_token(company, "nouveau@exemple.fr")
            },
            # Issue 14: the parents' page and its PDF on a live link.
            "family.view": {"token": parent_token},
            "family.convention": {"token": parent_token},
            # Feedback: a placement that has ended, so that the questionnaires are open.
            "feedback.pupil_form": {"placement_id": ended.id},
            "feedback.company_form": {"placement_id": ended.id},
            "feedback.add_recruitment": {"placement_id": ended.id},
        },
    }


def build_parent_link(placement, pupil_user) -> str:
    """A live parent link of the world's placement (issue 14): its token."""
    from capindustrie.family import services as family

    _, token = family.create_link(placement, pupil_user)
    return token


def build_ended_placement(company, pupil):
    """A placement of the pupil at the company that ended last month (feedback is open)."""
    from capindustrie.models import Application, Placement, utcnow

    last_month = utcnow().date() - timedelta(days=30)
    start = last_month - timedelta(days=last_month.weekday())
    offer = f.complete_offer(
        company,
        status=OfferStatus.CLOSED,
        title="Stage terminé",
        periods=((start, start + timedelta(days=4), 1),),
    )
    period = offer.periods[0]
    period.seats_taken = 1
    application = Application(
        pupil=pupil, period=period, status=S.VALIDATED, message="Bonjour, je suis intéressée."
    )
    placement = Placement(application=application, pupil=pupil, period=period)
    db.session.add_all([application, placement])
    db.session.flush()
    return placement


def build_events(company, klass, teacher, pupil) -> dict:
    """A published event of the company with one session, a campaign, the teacher's class and a
    pupil registered, and the teacher's private calendar feed."""
    from capindustrie.events import registrations
    from capindustrie.models import CalendarFeed, Campaign
    from tests import event_helpers

    campaign = Campaign(
        name="Semaine de l'industrie", starts_on=date(2026, 11, 16), ends_on=date(2026, 11, 22)
    )
    db.session.add(campaign)
    event = event_helpers.event(company=company, individual=True)
    event.campaign = campaign
    db.session.flush()
    session = event.sessions[0]
    group = registrations.register_class(session.id, klass, 20, 2, teacher, event_helpers.NOW)
    alone = registrations.register_pupil(session.id, pupil, pupil.user, event_helpers.NOW)
    feed = CalendarFeed(user_id=teacher.id, token="f" * 40)
    db.session.add(feed)
    db.session.flush()
    return {
        "ids": {
            "event_id": event.id,
            "session_id": session.id,
            "registration_id": group.id,
            "campaign_id": campaign.id,
            "token": feed.token,
        },
        "pupil": {"registration_id": alone.id},
    }


def urls_for(app, world: dict, endpoint: str, rule: str, role=None) -> list[str]:
    """The route's URL(s) on the world's objects; the wizard on each of its steps."""
    values = {}
    for match in ARGUMENT.finditer(rule):
        name = match.group("name")
        values[name] = (
            world["by_endpoint"].get(endpoint, {}).get(name)
            or world["by_role"].get(role, {}).get(name)
            or world["ids"].get(name)
        )
    steps = list(STEPS) if "step" in values else [None]
    urls = []
    with app.test_request_context():
        from flask import url_for

        for step in steps:
            if step is not None:
                values["step"] = step
            urls.append(url_for(endpoint, **values))
    return urls


def huge_id_urls(url: str, rule: str) -> list[str]:
    """The same URL with each integer segment replaced by ids beyond the column range."""
    if "<int:" not in rule:
        return []
    parts = url.split("/")
    found = []
    for index, part in enumerate(parts):
        if part.isdigit():
            for huge in HUGE_IDS:
                found.append("/".join([*parts[:index], huge, *parts[index + 1 :]]))
    return found


# --- Checks --------------------------------------------------------------------------------------


def snapshot() -> dict:
    """Every non-reference row, minus the columns a refused request may touch."""
    db.session.expire_all()
    state = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in REFERENCE_TABLES | VOLATILE_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            state[table.name] = [tuple(map(repr, row)) for row in rows]
    return state


def page_form_values(html: str, action: str) -> dict[str, str]:
    """The values of the form posting to `action` as the page renders it (its valid state)."""
    values: dict[str, str] = {}
    for form in re.finditer(r"(?s)<form\b([^>]*)>(.*?)</form>", html):
        attrs, body = form.groups()
        target = re.search(r'action="([^"]*)"', attrs)
        if target and target.group(1).replace("&amp;", "&").split("#")[0] != action:
            continue
        for tag in re.finditer(r"<input\b[^>]*>", body):
            name = re.search(r'name="([^"]+)"', tag.group(0))
            value = re.search(r'value="([^"]*)"', tag.group(0))
            kind = re.search(r'type="([^"]+)"', tag.group(0))
            if not name or (
                kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag.group(0)
            ):
                continue
            values.setdefault(name.group(1), _unescape(value.group(1)) if value else "")
        for area in re.finditer(r'(?s)<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body):
            values.setdefault(area.group(1), _unescape(area.group(2)).lstrip("\n"))
        for select in re.finditer(r'(?s)<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body):
            chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', select.group(2))
            if chosen:
                values.setdefault(select.group(1), _unescape(chosen.group(1)))
        if target:
            break
    values.pop("csrf_token", None)
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def fuzzed_keys(keys: set[str]) -> list[str]:
    """Every key read, repeated sub-form rows reduced to their first."""
    seen, chosen = set(), []
    for key in sorted(keys - {"csrf_token"}):
        shape = ROW_INDEX.sub("-N-", key)
        if shape not in seen:
            seen.add(shape)
            chosen.append(key)
    return chosen


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} on {what}"


class Fuzzer:
    def __init__(self, app, world, role):
        self.role = role
        self.client = app.test_client()
        if role is not None:
            login(self.client, world["users"][role])
        self.token = None
        self.state = None

    def who(self) -> str:
        return self.role.value if self.role else "anonymous"

    def open(self, url, method, data=None, htmx=False):
        headers = {"HX-Request": "true"} if htmx else {}
        if method != "GET":
            # The page's token, fetched once per session rather than before every request.
            self.token = self.token or self.client.csrf_token()
            headers["X-CSRFToken"] = self.token
        READ["args"].clear()
        READ["form"].clear()
        response = self.client.open(url, method=method, data=data, headers=headers, csrf=False)
        if response.status_code < 400:
            self.token = None  # a success may have renewed the session (login, new password)
        label = f"{self.who()} {method} {url[:120]}{' (htmx)' if htmx else ''}"
        assert_no_server_error(
            response, label + (f" {sorted((data or {}).keys())}" if data else "")
        )
        response.get_data()  # buffered, then the file behind a download is closed
        response.close()
        return response

    def fuzz_get(self, url, deep=True):
        self.open(url, "GET", htmx=True)
        self.open(url, "GET")
        keys = fuzzed_keys(set(READ["args"])) if deep else []
        for index, (key, value) in enumerate((k, v) for k in keys for v in HOSTILE):
            separator = "&" if "?" in url else "?"
            self.open(f"{url}{separator}{key}={_quote(value)}", "GET", htmx=index % 2 == 1)
        return keys

    def fuzz_post(self, world, url, methods):
        # Not empty: Flask-WTF reads no field of an empty form body.
        self.open(url, "POST", data={"_": ""})
        read, arg_keys = set(READ["form"]), fuzzed_keys(set(READ["args"]))
        baseline = baseline_of(self, world, url, methods, read)
        keys = fuzzed_keys(read | set(baseline))
        before = snapshot()
        for index, (key, value) in enumerate((k, v) for k in keys for v in HOSTILE):
            response = self.open(url, "POST", data={**baseline, key: value}, htmx=index % 2 == 1)
            after = snapshot()
            if 400 <= response.status_code < 500:
                assert after == before, (
                    f"{self.who()} POST {url} {key}={value[:30]!r}: refused "
                    f"({response.status_code}) but something was saved"
                )
            before = after
        for key in arg_keys:
            for value in HOSTILE:
                separator = "&" if "?" in url else "?"
                self.open(f"{url}{separator}{key}={_quote(value)}", "POST", data=baseline)
        return keys


def plausible_values(world) -> dict[str, str]:
    """Valid answers for the fields a page renders empty, by field name (the part after the
    last « - » of a prefixed name): one hostile field then reaches the code behind the form."""
    return {
        "identifier": world["users"][Role.COMPANY].email,
        "password": f.PASSWORD,
        "current_password": f.PASSWORD,
        "password_confirm": f.PASSWORD,
        "confirmation": f.PASSWORD,
        "email": "nouvelle.personne@ac-creteil.fr",
        "first_name": "Zoé",
        "last_name": "Lemaire",
        "company_name": "Fonderies de Brie",
        "siret": f.luhn_siret("3620000000001"),
        "filiere": "industrie_du_futur",
        "school_id": str(f.school().id),
        "name": "3e Z",
        "message": "Bonjour, je voudrais découvrir votre atelier pendant mon stage de 3e.",
        "reason": "Le motif du refus est expliqué ici.",
        "seats": "3",
        "levels": "same",
        "level": "3e",
        "target": str(world["ids"]["class_id"]),
        "payload": "x",
        # The feedback questionnaires (radio buttons render unchecked).
        "desire_before": "2",
        "desire_after": "4",
        "programme_followed": "oui",
        "satisfaction": "4",
        "would_host_again": "oui",
    }


def baseline_of(fuzzer, world, url: str, methods, keys) -> dict[str, str]:
    """The form as its page renders it (a valid state), empty fields filled plausibly."""
    values = {}
    if "GET" in methods:
        page = fuzzer.client.get(url)
        if page.mimetype == "text/html":
            values = page_form_values(page.get_data(as_text=True), url)
    plausible = plausible_values(world)
    for key in keys:
        if not values.get(key) and key.rsplit("-", 1)[-1] in plausible:
            values[key] = plausible[key.rsplit("-", 1)[-1]]
    return values


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@pytest.fixture
def cheap_passwords(monkeypatch):
    """argon2 at its lowest cost: the fuzzing verifies hundreds of passwords, not their cost."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.mark.parametrize("area", AREAS)
def test_no_hostile_input_causes_a_server_error(make_app, cheap_passwords, area):
    app = make_app()
    app.request_class = RecordingRequest
    with app.app_context():
        world = build_world()
        routes = [r for r in ROUTES if r[0].split(".")[0] == area]
        # Routes that delete their object (or the session) last: the others still find it.
        for endpoint, rule, methods in sorted(routes, key=lambda r: (destructive(r[0]), r[0])):
            fuzz_route(app, world, endpoint, rule, methods)


def destructive(endpoint: str) -> bool:
    return any(word in endpoint for word in ("remove", "logout", "cancel", "move"))


def fuzz_route(app, world, endpoint: str, rule: str, methods) -> None:
    view = app.view_functions[endpoint]
    for method in methods:
        for role in roles_for(view, method):
            for url in urls_for(app, world, endpoint, rule, role):
                fuzzer = Fuzzer(app, world, role)
                for huge in huge_id_urls(url, rule):
                    response = fuzzer.open(huge, method)
                    assert response.status_code in (302, 401, 403, 404), huge
                if method == "GET":
                    # Open pages: every role visits, the visitor and a pupil get the values.
                    deep = allowed_roles(view) is not None or role in (None, Role.PUPIL)
                    fuzzer.fuzz_get(url, deep)
                else:
                    fuzzer.fuzz_post(world, url, methods)


def test_every_route_of_the_url_map_is_fuzzed():
    """Guards the walk: the map is read, not a list kept by hand."""
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"public.offer", "offers.wizard_step", "auth.login", "companies.profile"} <= endpoints
    assert len(ROUTES) == len(list(_collection_app().url_map.iter_rules())) - 1  # all but static


def test_the_recorder_sees_the_fields_a_form_reads(make_app):
    app = make_app()
    app.request_class = RecordingRequest
    with app.app_context():
        client = app.test_client()
        READ["form"].clear()
        client.post("/connexion", data={"_": ""})
        assert {"identifier", "password"} <= READ["form"]


@pytest.mark.parametrize("path", ["/entreprise/", "/entreprise/candidatures"])
def test_company_pages_answer_an_htmx_get_with_the_page(client, path):
    """An htmx GET without an object in focus used to render a row fragment of nothing (500)."""
    user = f.user(Role.COMPANY)
    f.complete_offer(user.company, status=OfferStatus.PUBLISHED)
    login(client, user)
    response = client.get(path, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<h1" in response.get_data(as_text=True)
