"""Configuration: defaults in code, CAPINDUSTRIE_* environment variables, explicit mapping last;
production refuses the development secret key."""

import os
from datetime import date
from pathlib import Path

import pytest

from capindustrie import create_app
from capindustrie.config import DEFAULT_SECRET_KEY, seconde_period
from capindustrie.extensions import db

REAL_KEY = "k3y-" + "x" * 60


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """The developer's own CAPINDUSTRIE_* variables must not change what these tests see."""
    for name in list(os.environ):
        if name.startswith("CAPINDUSTRIE_") and name != "CAPINDUSTRIE_TEST_DATABASE_URL":
            monkeypatch.delenv(name)


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="CAPINDUSTRIE_SECRET_KEY"):
        create_app({"ENV": "production", "TESTING": True})


@pytest.mark.parametrize("key", ["", None])
def test_production_refuses_an_empty_secret_key(key):
    with pytest.raises(RuntimeError):
        create_app({"ENV": "production", "SECRET_KEY": key, "TESTING": True})


def test_production_mode_from_the_environment_refuses_the_default_key_too(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_ENV", "production")

    with pytest.raises(RuntimeError):
        create_app({"TESTING": True})


def test_production_starts_with_a_real_secret_key(monkeypatch, database_url):
    monkeypatch.setenv("CAPINDUSTRIE_ENV", "production")
    monkeypatch.setenv("CAPINDUSTRIE_SECRET_KEY", REAL_KEY)
    # A shared store: redis-py connects lazily, so no server is needed to build the app.
    monkeypatch.setenv("CAPINDUSTRIE_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6399/0")
    monkeypatch.setenv("CAPINDUSTRIE_DATABASE_URL", database_url)

    app = create_app({"TESTING": True})

    assert app.config["ENV"] == "production"
    assert app.config["SECRET_KEY"] == REAL_KEY
    try:
        assert app.test_client().get("/sante").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_production_refuses_the_per_process_memory_rate_limit_store(monkeypatch):
    # With 4 gunicorn workers each would count alone: 40 wrong passwords instead of 10.
    monkeypatch.setenv("CAPINDUSTRIE_ENV", "production")
    monkeypatch.setenv("CAPINDUSTRIE_SECRET_KEY", REAL_KEY)
    monkeypatch.setenv("CAPINDUSTRIE_RATELIMIT_STORAGE_URI", "memory://")

    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI.*SINGLE_PROCESS"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_the_default_rate_limit_store_too():
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({"ENV": "production", "SECRET_KEY": REAL_KEY, "TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_accepts_memory_store_when_one_process_is_declared(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_ENV", "production")
    monkeypatch.setenv("CAPINDUSTRIE_SECRET_KEY", REAL_KEY)
    monkeypatch.setenv("CAPINDUSTRIE_SINGLE_PROCESS", "true")

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["SINGLE_PROCESS"] is True


def test_production_accepts_a_redis_rate_limit_store(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_ENV", "production")
    monkeypatch.setenv("CAPINDUSTRIE_SECRET_KEY", REAL_KEY)
    monkeypatch.setenv("CAPINDUSTRIE_RATELIMIT_STORAGE_URI", "redis://redis.internal:6379/0")

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"


def test_development_keeps_the_memory_rate_limit_store_without_declaring_anything():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["SINGLE_PROCESS"] is False


def test_development_accepts_the_default_key():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_capindustrie_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_ACADEMIC_EMAIL_DOMAIN", "ac-versailles.fr")
    # Values are parsed as JSON when they can be: numbers stay numbers.
    monkeypatch.setenv("CAPINDUSTRIE_MAX_ACTIVE_APPLICATIONS", "3")
    monkeypatch.setenv("CAPINDUSTRIE_GEOCODER_ENABLED", "false")

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["ACADEMIC_EMAIL_DOMAIN"] == "ac-versailles.fr"
    assert app.config["MAX_ACTIVE_APPLICATIONS"] == 3
    assert app.config["GEOCODER_ENABLED"] is False


def test_nested_keys_add_one_year_of_seconde_dates_from_the_environment(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_SECONDE_PERIODS__2027", '["2028-06-19", "2028-06-30"]')

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert seconde_period(app.config, 2027) == (date(2028, 6, 19), date(2028, 6, 30))
    assert seconde_period(app.config, 2025) == (date(2026, 6, 15), date(2026, 6, 26))


def test_an_explicit_mapping_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CAPINDUSTRIE_ACADEMIC_EMAIL_DOMAIN", "ac-versailles.fr")

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "ACADEMIC_EMAIL_DOMAIN": "ac-paris.fr",
        }
    )

    assert app.config["ACADEMIC_EMAIL_DOMAIN"] == "ac-paris.fr"


def test_defaults_apply_without_environment():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["ACADEMIC_EMAIL_DOMAIN"] == "ac-creteil.fr"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize(
    ("given", "used"),
    [
        # Heroku-style URLs and plain postgresql:// both go to psycopg 3.
        ("postgres://capi:secret@db.example/capindustrie",
         "postgresql+psycopg://capi:secret@db.example/capindustrie"),
        ("postgresql://capi:secret@db.example/capindustrie",
         "postgresql+psycopg://capi:secret@db.example/capindustrie"),
        ("postgresql+psycopg://capi:secret@db.example/capindustrie",
         "postgresql+psycopg://capi:secret@db.example/capindustrie"),
        ("sqlite:////var/lib/capindustrie/app.sqlite3", "sqlite:////var/lib/capindustrie/app.sqlite3"),
    ],
)
def test_database_url_from_the_environment(monkeypatch, given, used):
    monkeypatch.setenv("CAPINDUSTRIE_DATABASE_URL", given)

    app = create_app({"TESTING": True})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == used


def test_default_database_is_sqlite_in_the_instance_folder():
    app = create_app({"TESTING": True})
    expected_file = Path(app.instance_path) / "capindustrie.sqlite3"
    existed_before = expected_file.exists()

    uri = app.config["SQLALCHEMY_DATABASE_URI"]

    assert uri == f"sqlite:///{expected_file}"
    assert Path(app.instance_path).name == "instance"
    # Building the app opens no connection: no database file appears by itself.
    assert expected_file.exists() == existed_before
