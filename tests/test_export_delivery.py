"""Delivery to a partner API with the national platform's semantics, against a fake server
started here on 127.0.0.1 (no network): login, POST, PATCH, 409, 422, 5xx, time-outs,
unpublication, rate limit; per-offer states shown to staff."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from capindustrie.exports import runs
from capindustrie.exports.delivery import RateLimiter
from capindustrie.extensions import db
from capindustrie.models import (
    DeliveryState,
    ExportDelivery,
    ExportKind,
    ExportStatus,
    OfferStatus,
    Role,
)
from tests import factories as f
from tests.export_helpers import published_offer
from tests.factories import login

TOKEN = "jwt-fake-token"


class FakePartner:
    """The platform's behaviour, with scripted answers: script[(method, remote_id)] is a list of
    (status, body) or ("sleep", seconds) consumed one per call."""

    def __init__(self):
        self.offers: dict[str, dict] = {}
        self.script: dict[tuple[str, str], list] = {}
        self.log: list[tuple[str, str, dict | None]] = []
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                partner.log.append((method, self.path, body))
                if self.path == "/auth/login":
                    ok = body == {"email": "partenaire@cd77.fr", "password": "secret"}
                    return self._answer(
                        200 if ok else 401, {"token": TOKEN} if ok else {"error": "bad"}
                    )
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, {"error": "token"})
                offer = (body or {}).get("internship_offer", {})
                rid = self.path.rsplit("/", 1)[1] if method == "PATCH" else offer.get("remote_id")
                scripted = partner.script.get((method, rid)) or partner.script.get((method, "*"))
                if scripted:
                    step = scripted.pop(0)
                    if step[0] == "sleep":
                        time.sleep(step[1])
                    else:
                        return self._answer(*step)
                if method == "POST":
                    if rid in partner.offers:
                        return self._answer(409, {"error": "remote_id already exists"})
                    partner.offers[rid] = dict(offer)
                    return self._answer(201, {"id": len(partner.offers)})
                if rid not in partner.offers:
                    return self._answer(404, {"error": "not found"})
                partner.offers[rid].update(offer)
                return self._answer(200, {"ok": True})

            def do_POST(self):
                self._handle("POST")

            def do_PATCH(self):
                self._handle("PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def calls(self, method=None):
        return [
            entry
            for entry in self.log
            if entry[1] != "/auth/login" and (method is None or entry[0] == method)
        ]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner():
    fake = FakePartner()
    yield fake
    fake.stop()


@pytest.fixture
def app(make_app, tmp_path, partner):
    app = make_app(
        EXPORT_DIR=str(tmp_path / "exports"),
        EXPORT_ASYNC=False,
        EXPORT_PARTNER_URL=partner.url,
        EXPORT_PARTNER_EMAIL="partenaire@cd77.fr",
        EXPORT_PARTNER_PASSWORD="secret",
        EXPORT_PARTNER_TIMEOUT=0.5,
        EXPORT_PARTNER_RETRIES=2,
        EXPORT_PARTNER_BACKOFF_SECONDS=0.01,
    )
    with app.app_context():
        yield app


def state(remote_id):
    return db.session.scalar(select(ExportDelivery).where(ExportDelivery.remote_id == remote_id))


def test_new_offers_are_posted_then_changes_patched(app, partner):
    offer = published_offer(levels=("3e", "2nde"), title="Maintenance")
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.SUCCESS, run.error
    assert [c[0] for c in partner.calls()] == ["POST", "POST"]
    sent = partner.offers[f"capindustrie-{offer.id}-3e"]
    assert sent["title"] == "Maintenance" and sent["grades"] == ["troisieme"]
    assert "siret" not in sent and "programme" not in sent  # only the platform's fields
    assert partner.offers[f"capindustrie-{offer.id}-2nde"]["grades"] == ["seconde"]
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.SENT
    assert "2 envoyée(s)" in run.delivery_summary

    offer.title = "Maintenance industrielle"
    db.session.commit()
    partner.log.clear()
    runs.run_export(ExportKind.INCREMENTAL, "cli")
    patches = partner.calls()
    assert [(m, p) for m, p, _ in patches] == [
        ("PATCH", f"/internship_offers/capindustrie-{offer.id}-3e"),
        ("PATCH", f"/internship_offers/capindustrie-{offer.id}-2nde"),
    ]
    assert partner.offers[f"capindustrie-{offer.id}-3e"]["title"] == "Maintenance industrielle"


def test_unchanged_offers_are_not_sent_again(app, partner):
    published_offer()
    runs.run_export(ExportKind.FULL, "cli")
    partner.log.clear()
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.SUCCESS
    assert partner.calls() == []


def test_409_on_a_known_remote_id_is_handled_as_an_update(app, partner):
    offer = published_offer()
    rid = f"capindustrie-{offer.id}-3e"
    partner.offers[rid] = {"title": "Ancienne version"}
    run = runs.run_export(ExportKind.FULL, "cli")
    assert [c[0] for c in partner.calls()] == ["POST", "PATCH"]
    assert partner.offers[rid]["title"] == offer.title
    assert state(rid).state == DeliveryState.SENT and state(rid).remote_known
    assert run.status == ExportStatus.SUCCESS


def test_422_is_reported_per_offer_with_the_platform_message(app, partner, client):
    good = published_offer(title="Acceptée")
    bad = published_offer(title="Refusée")
    partner.script[("POST", f"capindustrie-{bad.id}-3e")] = [
        (422, {"error": "weeks : la semaine 2027-W02 n'est pas ouverte"})
    ]
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.SUCCESS  # one refusal does not fail the run
    refused = state(f"capindustrie-{bad.id}-3e")
    assert refused.state == DeliveryState.REFUSED and refused.http_status == 422
    assert refused.message == "weeks : la semaine 2027-W02 n'est pas ouverte"
    assert state(f"capindustrie-{good.id}-3e").state == DeliveryState.SENT
    assert "1 refusée(s)" in run.delivery_summary

    staff = f.user(Role.STAFF)
    login(client, staff)
    page = client.get("/export/").get_data(as_text=True)
    assert "Offres refusées par la plateforme partenaire" in page
    assert "la semaine 2027-W02 n&#39;est pas ouverte" in page
    listing = client.get("/export/envois?etat=refused").get_data(as_text=True)
    assert "Refusée" in listing and f"capindustrie-{bad.id}-3e" in listing
    assert f"capindustrie-{good.id}-3e" not in listing
    every = client.get("/export/envois").get_data(as_text=True)
    assert "Envoyée" in every


def test_500_then_success_is_retried_with_back_off(app, partner):
    offer = published_offer()
    partner.script[("POST", "*")] = [(500, {"error": "boom"})]
    run = runs.run_export(ExportKind.FULL, "cli")
    assert [c[0] for c in partner.calls()] == ["POST", "POST"]
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.SENT
    assert run.status == ExportStatus.SUCCESS


def test_a_timeout_is_retried(app, partner):
    offer = published_offer()
    partner.script[("POST", "*")] = [("sleep", 1.0)]
    run = runs.run_export(ExportKind.FULL, "cli")
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.SENT
    assert run.status == ExportStatus.SUCCESS
    assert len(partner.calls("POST")) == 2


def test_partner_down_fails_the_run_keeps_the_files_and_the_next_run_completes(
    app, partner, tmp_path
):
    offer = published_offer()
    partner.script[("POST", "*")] = [(503, {"error": "maintenance"})] * 12
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.FAILED
    assert "injoignable" in run.error and "HTTP 503" in run.error
    assert (tmp_path / "exports" / run.csv_file).is_file()  # the files themselves are good
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.ERROR

    partner.script.clear()
    again = runs.run_export(ExportKind.FULL, "cli")
    assert again.status == ExportStatus.SUCCESS, again.error
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.SENT


def test_login_refused_fails_the_run_with_the_reason(app, partner):
    published_offer()
    app.config["EXPORT_PARTNER_PASSWORD"] = "wrong"
    run = runs.run_export(ExportKind.FULL, "cli")
    assert run.status == ExportStatus.FAILED
    assert "Connexion à la plateforme partenaire refusée (HTTP 401)" in run.error


def test_withdrawn_offers_are_unpublished(app, partner):
    offer = published_offer(levels=("3e", "2nde"))
    runs.run_export(ExportKind.FULL, "cli")
    offer.for_2nde = False
    db.session.commit()
    runs.run_export(ExportKind.INCREMENTAL, "cli")
    rid = f"capindustrie-{offer.id}-2nde"
    assert (
        "PATCH",
        f"/internship_offers/{rid}",
        {"internship_offer": {"published_at": None}},
    ) in partner.log
    assert state(rid).state == DeliveryState.WITHDRAWN
    assert partner.offers[rid]["published_at"] is None
    offer.status = OfferStatus.CLOSED
    db.session.commit()
    runs.run_export(ExportKind.FULL, "cli")
    assert state(f"capindustrie-{offer.id}-3e").state == DeliveryState.WITHDRAWN


def test_rate_limiter_allows_100_calls_a_minute():
    clock = {"now": 0.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds

    limiter = RateLimiter(100, clock=lambda: clock["now"], sleep=sleep)
    for _ in range(100):
        limiter.wait()
        clock["now"] += 0.1
    assert slept == []
    limiter.wait()  # the 101st call within the minute waits for the first to leave the window
    assert slept == [pytest.approx(50.0)]
    assert clock["now"] == pytest.approx(60.0)
