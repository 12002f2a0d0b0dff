"""Shared fixtures: one migrated database per run (SQLite file, or PostgreSQL when
CAPINDUSTRIE_TEST_DATABASE_URL is set), reference data loaded once, and every other table
emptied after each test."""

import os
import re

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from capindustrie import create_app
from capindustrie.extensions import db
from capindustrie.models import Base, Role
from tests import factories
from tests.factories import login

REFERENCE_TABLES = {"epci", "commune", "school", "alembic_version"}
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "GEOCODER_ENABLED": False,
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("CAPINDUSTRIE_TEST_DATABASE_URL")
    if url:
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated_database(database_url) -> str:
    """The schema built by the real migration chain, plus the shipped reference data."""
    from flask_migrate import upgrade

    from capindustrie.refdata.services import load_reference_data

    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        load_reference_data()
        db.engine.dispose()
    return database_url


def empty_non_reference_tables() -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())


class CSRFClient(FlaskClient):
    """A test client that sends the page's CSRF token with every unsafe request, as htmx does.

    Pass `csrf=False` to send a request without it (to prove it is refused)."""

    def open(self, *args, **kwargs):
        send_csrf = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if send_csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        _forget_request_globals()
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        _forget_request_globals()
        page = super().open("/", method="GET")
        match = CSRF_IN_PAGE.search(page.get_data(as_text=True))
        assert match, "the page carries no CSRF token for htmx"
        return match.group(1)


def _forget_request_globals() -> None:
    """The `app` fixture keeps one app context pushed for the whole test and Flask reuses it, with
    its `g`, for every request. Flask-Login caches the user in `g`: without this, the user of one
    request would leak into the next request of another client (a server has one `g` a request)."""
    if has_app_context():
        g.__dict__.clear()


@pytest.fixture
def make_app(migrated_database):
    apps = []

    def factory(**overrides):
        app = create_app({**base_config(migrated_database), **overrides})
        app.test_client_class = CSRFClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
    if apps:
        with apps[0].app_context():
            empty_non_reference_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_collection_modifyitems(config, items):
    """Row-lock races only mean something on PostgreSQL (SQLite ignores FOR UPDATE): those tests
    are deselected on SQLite and run in the PostgreSQL pass of .ci/run."""
    if os.environ.get("CAPINDUSTRIE_TEST_DATABASE_URL"):
        return
    deselected = [item for item in items if "postgres_only" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "postgres_only" not in item.keywords]


# A teacher's class, shared by the teacher-side test modules (a module may override `teacher`:
# `klass` and `teacher_client` then use its own).


@pytest.fixture
def teacher(app):
    user = factories.user(Role.TEACHER, first_name="Anne", last_name="Prof")
    db.session.commit()
    return user


@pytest.fixture
def klass(teacher):
    obj = factories.school_class(teacher)
    db.session.commit()
    return obj


@pytest.fixture
def teacher_client(client, teacher):
    login(client, teacher)
    return client


# Races (PostgreSQL-only tests): one app a contender, each with its own connection pool.


@pytest.fixture
def new_app(make_app):
    """make_app, and every engine disposed at the end (each app has its own connection pool)."""
    made = []

    def factory():
        app = make_app()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
