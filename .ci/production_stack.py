"""The production set-up on one machine, for the smoke test (.ci/smoke_production.py) and the
load benchmark (bench/load.py): a Redis server started here, a PostgreSQL database (given, its
`public` schema rebuilt), the real migrations and reference data through the `flask` CLI, and
the app under gunicorn (`gunicorn.conf.py`, 4 sync workers) in production mode.

Everything started here is stopped by `stop()` (also on Ctrl-C and on errors, when used as a
context manager). Standard library only, plus SQLAlchemy/psycopg from the project's environment.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (from /proc; 0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # Fields after "(comm)": state is [0], utime [11], stime [12].
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


class ProductionStack:
    def __init__(
        self,
        database_url: str,
        *,
        web_port: int | None = None,
        redis_port: int | None = None,
        workers: int = 4,
        extra_env: dict[str, str] | None = None,
        log_dir: Path | None = None,
    ):
        self.database_url = database_url
        self.web_port = web_port or free_port()
        self.redis_port = redis_port or free_port()
        self.workers = workers
        self.extra_env = extra_env or {}
        self.tmp = Path(tempfile.mkdtemp(prefix="capindustrie-prod-"))
        self.log_dir = log_dir or self.tmp
        self.redis: subprocess.Popen | None = None
        self.gunicorn: subprocess.Popen | None = None

    # Environment ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAPINDUSTRIE_")}
        env.update(
            {
                "FLASK_APP": "wsgi.py",
                "CAPINDUSTRIE_ENV": "production",
                "CAPINDUSTRIE_SECRET_KEY": getattr(self, "_key", None) or self._new_key(),
                "CAPINDUSTRIE_DATABASE_URL": self.database_url,
                "CAPINDUSTRIE_RATELIMIT_STORAGE_URI": self.redis_url,
                "CAPINDUSTRIE_BIND": f"127.0.0.1:{self.web_port}",
                "WEB_CONCURRENCY": str(self.workers),
            }
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def _new_key(self) -> str:
        self._key = secrets.token_urlsafe(48)
        return self._key

    def flask(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env(**env),
            check=True,
            capture_output=True,
            text=True,
        )

    # Parts --------------------------------------------------------------------------------------

    def reset_database(self) -> None:
        import sqlalchemy as sa

        url = self.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()

    def migrate(self) -> None:
        self.flask("db", "upgrade")
        self.flask("refdata", "load")

    def start_redis(self) -> None:
        binary = redis_server_binary()
        if binary is None:
            raise RuntimeError(
                "redis-server is missing: sudo apt-get install -y --no-install-recommends "
                "redis-server"
            )
        self.redis = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
                "--protected-mode",
                "yes",
                "--loglevel",
                "warning",
            ],
            stdout=open(self.log_dir / "redis.log", "w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.redis.poll() is not None:
                raise RuntimeError(f"redis-server exited: see {self.log_dir / 'redis.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not answer PING")

    def start_gunicorn(self, *extra_args: str, app_dir: Path = ROOT) -> None:
        """gunicorn with the project's gunicorn.conf.py, serving the app found in `app_dir`
        (another checkout for a benchmark baseline)."""
        self.gunicorn_log = self.log_dir / "gunicorn.log"
        self.access_log = self.log_dir / "access.log"
        self.gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                str(self.access_log),
                # The worker's pid on each line: the smoke test checks requests were spread.
                "--access-logformat",
                '%(p)s %(s)s "%(m)s %(U)s" %({x-forwarded-for}i)s',
                *extra_args,
                "wsgi:app",
            ],
            cwd=app_dir,
            env=self.env(),
            stdout=open(self.gunicorn_log, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180  # workers boot slowly on a busy machine
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.gunicorn_log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/sante", timeout=2) as answer:
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer:\n{self.gunicorn_log.read_text()[-3000:]}")

    def stop_gunicorn(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()
        self.gunicorn = None

    def worker_pids(self) -> list[int]:
        return children(self.gunicorn.pid) if self.gunicorn else []

    def start(self) -> "ProductionStack":
        """Redis, a fresh schema, the migrations and reference data (gunicorn comes later)."""
        self.start_redis()
        self.reset_database()
        self.migrate()
        return self

    def stop(self) -> None:
        for proc, name in ((self.gunicorn, "gunicorn"), (self.redis, "redis-server")):
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop on SIGTERM: killing it", file=sys.stderr)
                proc.kill()
                proc.wait()
        self.gunicorn = self.redis = None

    def __enter__(self) -> "ProductionStack":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
