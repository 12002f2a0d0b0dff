"""Browser tests: a real headless Chromium (Debian's, no download) against the app served by a
live werkzeug server in a thread, over the same test database as the other tests (a SQLite file,
or PostgreSQL in the PostgreSQL pass), so threads share it."""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.e2e.helpers import CSP_LISTENER, PageWatch

CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(tryfirst=True)  # before `-m` selection reads the markers
def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(sudo apt-get install -y --no-install-recommends chromium)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Keep the headless browser quiet and offline: no GPU, no phoning home.
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


_responses = threading.local()


def _remember_response(app):
    """Keep each thread's response iterable so that the handler below can close it."""

    def remembering_app(environ, start_response):
        _responses.current = app(environ, start_response)
        return _responses.current

    return remembering_app


class _ClosingHandler(WSGIRequestHandler):
    """werkzeug's server skips closing the response when the browser resets the connection
    mid-file (it reads the dead socket before closing): the static file it was sending is then
    garbage-collected open and pytest, rightly strict about ResourceWarning, fails whichever test
    runs at that moment. Close it here whatever happened."""

    def run_wsgi(self):
        _responses.current = None
        try:
            super().run_wsgi()
        finally:
            response, _responses.current = _responses.current, None
            if hasattr(response, "close"):
                response.close()

    def log_request(self, *args, **kwargs):
        pass


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(make_app):
    app = make_app(
        RATELIMIT_ENABLED=False,
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=False,
    )
    server = make_server(
        "127.0.0.1", 0, _remember_response(app), threaded=True, request_handler=_ClosingHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# pytest-playwright's base_url and browser_context_args are session-scoped; the live server
# lives for one test (tables are emptied after each test), so both follow it. The plugin's
# browser_context_args cannot be extended (it asks for base_url at session scope): this is its
# body, for the options we use, plus the live server's URL and a French locale.
@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def browser_context_args(pytestconfig, playwright, device, base_url, _pw_artifacts_folder):
    args = {"base_url": base_url, "locale": "fr-FR"}
    if device:
        args.update(playwright.devices[device])
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


@pytest.fixture
def watch(page) -> PageWatch:
    """Record console errors, CSP violations and requests of `page` from the first navigation."""
    watched = PageWatch(console_errors=[], requests=[], page=page)
    page.on(
        "console",
        lambda msg: watched.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    page.on("request", lambda request: watched.requests.append(request.url))
    page.add_init_script(CSP_LISTENER)
    return watched
