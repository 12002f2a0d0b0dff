"""Production smoke test (run by .ci/run after the two test passes).

Starts the production set-up — a Redis server of its own on a free port, a fresh PostgreSQL
schema migrated with `flask db upgrade` and loaded with the reference data and the demo, the
app under gunicorn with 4 sync workers in production mode — and checks what an operator relies
on:

- production refuses to start with the per-process `memory://` rate-limit store;
- `/sante` answers, a public search finds the demo offers, a teacher logs in;
- a rate limit holds across the workers: N+1 simultaneous searches from one address, served by
  several workers, get exactly N answers and one French 429;
- URLs too long for the app, then for gunicorn, get French 414 pages and no `Server: gunicorn`.

Stops everything it started and exits non-zero on the first failure.

    .venv/bin/python .ci/smoke_production.py --database-url postgresql://u:p@127.0.0.1/db
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from production_stack import ROOT, ProductionStack, redis_server_binary  # noqa: E402

SEARCH_LIMIT = 20
DEMO_SCHOOL = "0770002J"  # Collège Denecourt, Bois-le-Roi (capindustrie/refdata/demo.py)
TEACHER = ("prof.demo@ac-creteil.fr", "Classe-Decouverte-2026")


class SmokeFailure(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    print(f"  ok  {what}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, headers: dict | None = None, data: dict | None = None, opener=None):
    """(status, headers, body text) without following redirects or raising on 4xx/5xx."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def ensure_redis_server() -> None:
    if redis_server_binary():
        return
    print("redis-server is missing: installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "redis-server"],
        check=True,
        env=env,
    )


def check_refusal(stack: ProductionStack) -> None:
    env = stack.env(CAPINDUSTRIE_RATELIMIT_STORAGE_URI="memory://")
    env.pop("CAPINDUSTRIE_SINGLE_PROCESS", None)
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    check(
        result.returncode != 0 and "RATELIMIT_STORAGE_URI" in result.stderr,
        "production refuses to start with the memory:// rate-limit store",
    )


def check_health(stack: ProductionStack) -> None:
    status, headers, body = fetch(stack.base_url + "/sante")
    check(status == 200 and '"ok"' in body, "/sante answers ok")
    check(headers.get("Server") == "Cap Industrie", "the Server header does not name gunicorn")


def check_search(stack: ProductionStack) -> None:
    url = f"{stack.base_url}/offres?etablissement={DEMO_SCHOOL}&rayon=50"
    headers = {"X-Forwarded-For": "203.0.113.10"}
    status, h, page = fetch(url, headers=headers)
    found = re.search(r"<strong>(\d+) offres?</strong>", page)
    check(
        status == 200 and found and int(found.group(1)) > 0,
        f"a public search finds the demo offers ({found.group(1) if found else 0})",
    )
    status, _h, _b = fetch(url, headers={**headers, "If-None-Match": h.get("ETag", "")})
    check(
        status == 304 and h.get("Cache-Control", "").startswith("public"),
        "the anonymous search is publicly cacheable and a repeat costs a 304",
    )
    status, _h, fragment = fetch(url, headers={**headers, "HX-Request": "true"})
    check(
        status == 200 and "<html" not in fragment and 'id="resultats"' in fragment,
        "the same search as an htmx request answers the results fragment",
    )


def check_login(stack: ProductionStack) -> None:
    jar = CookieJar()
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    headers = {"X-Forwarded-For": "203.0.113.11"}
    status, _h, page = fetch(stack.base_url + "/connexion", headers=headers, opener=opener)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    check(status == 200 and token is not None, "the login page has its CSRF token")
    status, answer_headers, _b = fetch(
        stack.base_url + "/connexion",
        headers=headers,
        opener=opener,
        data={"csrf_token": token.group(1), "identifier": TEACHER[0], "password": TEACHER[1]},
    )
    location = answer_headers.get("Location", "")
    check(
        status == 303 and "/connexion" not in location, f"the demo teacher logs in (→ {location})"
    )
    status, answer_headers, page = fetch(
        urllib.parse.urljoin(stack.base_url, location), headers=headers, opener=opener
    )
    check(status == 200 and "Se déconnecter" in page, "the signed-in page shows the account")
    check(
        answer_headers.get("Cache-Control") == "no-store",
        "a signed-in page is never stored by any cache",
    )


def check_shared_rate_limit(stack: ProductionStack) -> None:
    """N+1 simultaneous searches from one address: with one counter per worker (memory://)
    every one of them would pass; with Redis exactly one is refused."""
    address = "198.51.100.7"
    url = f"{stack.base_url}/offres?etablissement={DEMO_SCHOOL}"
    statuses: list[int] = []
    bodies: list[str] = []
    start = threading.Barrier(SEARCH_LIMIT + 1)
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        status, _h, body = fetch(url, headers={"X-Forwarded-For": address})
        with lock:
            statuses.append(status)
            bodies.append(body)

    threads = [threading.Thread(target=one) for _ in range(SEARCH_LIMIT + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    served_by = {
        line.split()[0]
        for line in stack.access_log.read_text().splitlines()
        if line.endswith(address) and '"GET /offres"' in line
    }
    check(
        len(served_by) >= 2,
        f"the {SEARCH_LIMIT + 1} searches were served by "
        f"{len(served_by)} of the {stack.workers} workers",
    )
    check(
        sorted(statuses) == [200] * SEARCH_LIMIT + [429],
        f"limit {SEARCH_LIMIT}/minute held across workers: {statuses.count(200)} served, "
        f"{statuses.count(429)} refused",
    )
    refused = bodies[statuses.index(429)]
    check("Trop de demandes" in refused, "the 429 page is French")
    status, _h, _b = fetch(url, headers={"X-Forwarded-For": "198.51.100.8"})
    check(status == 200, "another address still has its own budget")


def check_long_urls(stack: ProductionStack) -> None:
    for length, who in ((5000, "the app"), (9000, "gunicorn")):
        status, headers, page = fetch(f"{stack.base_url}/offres?ecole={'a' * length}")
        check(
            status == 414
            and "Adresse trop longue" in page
            and 'lang="fr"' in page
            and headers.get("Server") == "Cap Industrie",
            f"a {length}-character URL gets {who}'s French 414 page",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CAPINDUSTRIE_SMOKE_DATABASE_URL"),
        required=not os.environ.get("CAPINDUSTRIE_SMOKE_DATABASE_URL"),
        help="PostgreSQL database whose public schema is rebuilt",
    )
    parser.add_argument("--web-port", type=int)
    parser.add_argument("--redis-port", type=int)
    args = parser.parse_args()

    ensure_redis_server()
    stack = ProductionStack(
        args.database_url,
        web_port=args.web_port,
        redis_port=args.redis_port,
        workers=4,
        extra_env={"CAPINDUSTRIE_PUBLIC_SEARCH_RATE_LIMIT": f"{SEARCH_LIMIT}/minute"},
    )
    print(f"== Production smoke test: gunicorn :{stack.web_port}, redis :{stack.redis_port} ==")
    with stack:
        try:
            check_refusal(stack)
            stack.start()
            stack.flask("demo", "load")
            print("  ..  database migrated, reference data and demo loaded")
            stack.start_gunicorn()
            check(len(stack.worker_pids()) == 4, "gunicorn runs 4 workers in production mode")
            check_health(stack)
            check_search(stack)
            check_login(stack)
            check_shared_rate_limit(stack)
            check_long_urls(stack)
        except (SmokeFailure, RuntimeError, subprocess.CalledProcessError) as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            if isinstance(failure, subprocess.CalledProcessError):
                print(failure.stdout, failure.stderr, file=sys.stderr)
            log = getattr(stack, "gunicorn_log", None)
            if log and log.exists():
                print(log.read_text()[-4000:], file=sys.stderr)
            return 1
    print("== Production smoke test passed ==")
    return 0


if __name__ == "__main__":
    sys.exit(main())
