"""Cap Industrie: turnkey industry internships for the pupils of Seine-et-Marne."""

import copy
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from capindustrie.config import DEFAULT_SECRET_KEY, DEFAULTS

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # A deep copy: nested defaults (SECONDE_PERIODS) must not be shared between apps.
    app.config.from_mapping(copy.deepcopy(DEFAULTS))
    app.config.from_prefixed_env("CAPINDUSTRIE")
    if config:
        app.config.from_mapping(config)
    _resolve_database_url(app)
    _refuse_unsafe_production(app)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    _bound_url_integers(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from capindustrie import caching, cli, errors, security

    errors.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    cli.init_app(app)
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    return app


def _resolve_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'capindustrie.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["ENV"] == "production" and app.config["SECRET_KEY"] in (
        DEFAULT_SECRET_KEY,
        "",
        None,
    ):
        raise RuntimeError(
            "CAPINDUSTRIE_SECRET_KEY must be set to a long random value in production."
        )
    _refuse_per_process_rate_limits(app)


def _refuse_per_process_rate_limits(app: Flask) -> None:
    """In production several workers share the limits only through a common store: with
    Flask-Limiter's memory store each worker counts alone, so 4 workers allow 4x the limit."""
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if (
        app.config["ENV"] == "production"
        and app.config.get("RATELIMIT_ENABLED", True)
        and storage.startswith("memory://")
        and not app.config.get("SINGLE_PROCESS")
    ):
        raise RuntimeError(
            "CAPINDUSTRIE_RATELIMIT_STORAGE_URI is memory:// (one counter per process) in "
            "production: set it to a Redis/Valkey URL (redis://host:6379/0), or declare "
            "CAPINDUSTRIE_SINGLE_PROCESS=true if exactly one process serves the site."
        )


def _init_extensions(app: Flask) -> None:
    from capindustrie.extensions import csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    _enable_sqlite_foreign_keys(app)

    from capindustrie.auth import session as auth_session

    auth_session.init_login_manager(login_manager)


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from capindustrie.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _set_pragma(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _bound_url_integers(app: Flask) -> None:
    """Before any route is added: every `<int:…>` of the app stops at the id columns' range."""
    from capindustrie.inputs import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter


def _register_blueprints(app: Flask) -> None:
    from capindustrie import (
        applications,
        auth,
        classes,
        companies,
        conventions,
        demand,
        events,
        exports,
        geo,
        indicators,
        main,
        moderation,
        offers,
        placements,
        public,
        search,
    )

    areas = (
        main,
        auth,
        geo,
        public,
        search,
        companies,
        offers,
        moderation,
        applications,
        classes,
        placements,
        conventions,
        demand,
        events,
        exports,
        indicators,
    )
    for area in areas:
        app.register_blueprint(area.bp)

    from capindustrie import matching

    app.register_blueprint(matching.bp)

    from capindustrie import audit

    app.register_blueprint(audit.bp)

    from capindustrie import family, reports

    app.register_blueprint(reports.bp)
    app.register_blueprint(family.bp)
    from capindustrie import legal

    app.register_blueprint(legal.bp)

    from capindustrie import privacy

    app.register_blueprint(privacy.bp)
    from capindustrie import feedback

    app.register_blueprint(feedback.bp)
    # « À traiter » (issue 17): the menu's counts and the landing pages' worklists.
    from capindustrie import worklist

    app.register_blueprint(worklist.bp)


def _register_template_helpers(app: Flask) -> None:
    from capindustrie import filters
    from capindustrie.formerrors import error_entries

    filters.init_app(app)
    app.add_template_global(error_entries)
