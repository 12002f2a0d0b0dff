"""Push export records to a partner API with the national platform's semantics (1élève1stage v2).

- `POST /auth/login` {email, password} → {"token": …}; then `Authorization: Bearer <token>`.
- A record the platform does not know: `POST /internship_offers` {"internship_offer": {…}};
  `409` (remote_id exists) → retried as a `PATCH`.
- A known record: `PATCH /internship_offers/{remote_id}`; `404` (the platform lost it) → `POST`.
- A withdrawn record: `PATCH` with `published_at: null` (404 there: nothing to unpublish).
- `422`: the record is refused, the platform's message kept for staff.
- `5xx` and time-outs: retried with exponential back-off (EXPORT_PARTNER_RETRIES,
  EXPORT_PARTNER_BACKOFF_SECONDS); `429`: wait a minute's share and retry.
- At most EXPORT_PARTNER_MAX_CALLS_PER_MINUTE calls in any 60 s (100 on the platform).
Sent: records of offers changed since the last successful run, records still pending or in
error, and unpublications of records the platform knows that are no longer live.
"""

import json
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from capindustrie.exports import formats
from capindustrie.exports.formats import NATIONAL_FIELDS, RecordBuilder
from capindustrie.extensions import db
from capindustrie.models import (
    DeliveryState,
    ExportDelivery,
    ExportRun,
    Level,
    Offer,
    OfferStatus,
    utcnow,
)

UNAVAILABLE_AFTER = 3  # consecutive records that could not reach the platform: stop the run


class PartnerUnavailable(Exception):
    """The platform cannot be reached (or refuses the login): French message for staff."""


class RateLimiter:
    """At most `limit` calls in any `window` seconds (a sliding window of call times)."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        clock: Callable = time.monotonic,
        sleep: Callable = time.sleep,
    ):
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
        self.calls: deque[float] = deque()

    def wait(self) -> None:
        now = self.clock()
        while self.calls and self.calls[0] <= now - self.window:
            self.calls.popleft()
        if len(self.calls) >= self.limit:
            self.sleep(self.calls[0] + self.window - now)
            now = self.clock()
            self.calls.popleft()
        self.calls.append(now)


class Answer:
    def __init__(self, status: int, body):
        self.status, self.body = status, body

    def message(self) -> str:
        body = self.body
        if isinstance(body, dict):
            for key in ("error", "message", "errors", "detail"):
                if body.get(key):
                    value = body[key]
                    return (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
        return (body if isinstance(body, str) else json.dumps(body, ensure_ascii=False))[:1000]


class PartnerClient:
    def __init__(
        self,
        base_url: str,
        email: str,
        password: str,
        timeout: float = 10,
        max_calls_per_minute: int = 100,
        retries: int = 3,
        backoff: float = 2,
        sleep: Callable = time.sleep,
        clock: Callable = time.monotonic,
    ):
        self.base_url = base_url.rstrip("/")
        self.email, self.password = email, password
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.sleep = sleep
        self.limiter = RateLimiter(max_calls_per_minute, clock=clock, sleep=sleep)
        self.token: str | None = None
        self.calls = 0

    @classmethod
    def from_config(cls, config) -> "PartnerClient":
        return cls(
            config["EXPORT_PARTNER_URL"],
            config.get("EXPORT_PARTNER_EMAIL") or "",
            config.get("EXPORT_PARTNER_PASSWORD") or "",
            timeout=config["EXPORT_PARTNER_TIMEOUT"],
            max_calls_per_minute=config["EXPORT_PARTNER_MAX_CALLS_PER_MINUTE"],
            retries=config["EXPORT_PARTNER_RETRIES"],
            backoff=config["EXPORT_PARTNER_BACKOFF_SECONDS"],
        )

    def _once(self, method: str, path: str, payload) -> Answer:
        self.limiter.wait()
        self.calls += 1
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return Answer(response.status, _decode(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, _decode(error.read()))

    def call(self, method: str, path: str, payload=None) -> Answer:
        """One API call, retried with back-off on 5xx, 429, time-outs and refused connections."""
        last_problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                answer = self._once(method, path, payload)
            except TimeoutError:
                last_problem = f"délai de {self.timeout} s dépassé"
                continue
            except urllib.error.URLError as error:
                if isinstance(error.reason, TimeoutError):
                    last_problem = f"délai de {self.timeout} s dépassé"
                else:
                    last_problem = f"connexion impossible ({error.reason})"
                continue
            except (ConnectionError, OSError) as error:
                last_problem = f"connexion impossible ({error})"
                continue
            if answer.status >= 500 or answer.status == 429:
                last_problem = f"HTTP {answer.status}"
                continue
            return answer
        raise PartnerUnavailable(
            f"Plateforme partenaire injoignable après {self.retries + 1} essai(s) : {last_problem}."
        )

    def login(self) -> None:
        answer = self.call("POST", "/auth/login", {"email": self.email, "password": self.password})
        token = answer.body.get("token") if isinstance(answer.body, dict) else None
        if answer.status not in (200, 201) or not token:
            raise PartnerUnavailable(
                f"Connexion à la plateforme partenaire refusée (HTTP {answer.status}) : "
                f"{answer.message()}"
            )
        self.token = token


def _decode(raw: bytes):
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return text


def national_payload(record: dict) -> dict:
    """The body the platform expects: its own fields only, nulls left out."""
    return {key: record[key] for key in NATIONAL_FIELDS if record.get(key) is not None}


class Delivery:
    def __init__(self, client: PartnerClient, run_id: int):
        self.client, self.run_id = client, run_id
        self.counts = dict.fromkeys(DeliveryState, 0)
        self.unreachable = 0
        self.unreached = 0
        self.last_problem = ""

    def _state_for(self, remote_id: str, offer_id: int, level: str) -> ExportDelivery:
        row = db.session.scalar(select(ExportDelivery).where(ExportDelivery.remote_id == remote_id))
        if row is None:
            row = ExportDelivery(
                remote_id=remote_id,
                offer_id=offer_id,
                level=level,
                state=DeliveryState.PENDING,
                attempts=0,
                remote_known=False,
            )
            db.session.add(row)
        return row

    def _record_outcome(
        self,
        row: ExportDelivery,
        state: DeliveryState,
        answer: Answer | None,
        message: str | None = None,
    ) -> None:
        row.state = state
        row.http_status = answer.status if answer else None
        row.message = message
        row.attempts += 1
        row.last_run_id = self.run_id
        row.updated_at = utcnow()
        self.counts[state] += 1
        db.session.commit()

    def _guard(self, action) -> Answer | None:
        try:
            answer = action()
        except PartnerUnavailable as exc:
            self.unreachable += 1
            self.unreached += 1
            self.last_problem = str(exc)
            if self.unreachable >= UNAVAILABLE_AFTER:
                raise
            return None
        self.unreachable = 0
        return answer

    def push(self, record: dict) -> None:
        row = self._state_for(
            record["remote_id"], int(record["remote_id"].split("-")[1]), record["level"]
        )
        body = {"internship_offer": national_payload(record)}
        path = f"/internship_offers/{record['remote_id']}"

        def send() -> Answer:
            if row.remote_known:
                answer = self.client.call("PATCH", path, body)
                if answer.status == 404:
                    answer = self.client.call("POST", "/internship_offers", body)
            else:
                answer = self.client.call("POST", "/internship_offers", body)
                if answer.status == 409:  # the platform already has it: an update
                    answer = self.client.call("PATCH", path, body)
            return answer

        answer = self._guard(send)
        if answer is None:
            self._record_outcome(
                row,
                DeliveryState.ERROR,
                None,
                "Plateforme injoignable : nouvel essai au prochain export.",
            )
        elif 200 <= answer.status < 300:
            row.remote_known = True
            self._record_outcome(row, DeliveryState.SENT, answer)
        elif answer.status == 422:
            self._record_outcome(row, DeliveryState.REFUSED, answer, answer.message())
        else:
            self._record_outcome(row, DeliveryState.ERROR, answer, answer.message())

    def unpublish(self, row: ExportDelivery) -> None:
        path = f"/internship_offers/{row.remote_id}"
        answer = self._guard(
            lambda: self.client.call("PATCH", path, {"internship_offer": {"published_at": None}})
        )
        if answer is None:
            self._record_outcome(
                row,
                DeliveryState.ERROR,
                None,
                "Plateforme injoignable : dépublication au prochain export.",
            )
        elif 200 <= answer.status < 300 or answer.status in (404, 422):
            # 404: unknown there; 422 "nothing to change": already unpublished.
            self._record_outcome(row, DeliveryState.WITHDRAWN, answer)
        else:
            self._record_outcome(row, DeliveryState.ERROR, answer, answer.message())

    def summary(self) -> str:
        c = self.counts
        return (
            f"Plateforme partenaire : {c[DeliveryState.SENT]} envoyée(s), "
            f"{c[DeliveryState.REFUSED]} refusée(s), {c[DeliveryState.WITHDRAWN]} "
            f"dépubliée(s), {c[DeliveryState.ERROR]} en erreur ; "
            f"{self.client.calls} appel(s)."
        )


def _withdrawn_rows() -> list[ExportDelivery]:
    """Records the platform knows whose offer is no longer published at that level."""
    rows = db.session.scalars(
        select(ExportDelivery)
        .join(Offer, Offer.id == ExportDelivery.offer_id)
        .where(
            ExportDelivery.remote_known.is_(True), ExportDelivery.state != DeliveryState.WITHDRAWN
        )
    ).all()
    withdrawn = []
    for row in rows:
        offer = row.offer
        live = offer.status == OfferStatus.PUBLISHED and (
            offer.for_3e if row.level == Level.TROISIEME.value else offer.for_2nde
        )
        if not live:
            withdrawn.append(row)
    return withdrawn


def deliver(
    run: ExportRun,
    changed_ids: list[int],
    client: PartnerClient | None = None,
    heartbeat: Callable | None = None,
) -> str:
    """Push a successful run's changes; raises PartnerUnavailable when the platform is down."""
    from capindustrie.exports.runs import iter_offers_by_id, permalink_builder

    config = current_app.config
    client = client or PartnerClient.from_config(config)
    delivery = Delivery(client, run.id)
    client.login()
    retry_ids = db.session.scalars(
        select(ExportDelivery.offer_id).where(
            ExportDelivery.state.in_((DeliveryState.PENDING, DeliveryState.ERROR))
        )
    ).all()
    offer_ids = sorted(set(changed_ids) | set(retry_ids))
    builder = RecordBuilder(permalink_builder(), config["EXPORT_DESCRIPTION_MAX_LENGTH"])
    for batch in iter_offers_by_id(offer_ids, config["EXPORT_BATCH_SIZE"]):
        for offer in batch:
            for record in builder.records(offer):
                delivery.push(record)
        if heartbeat:
            heartbeat()
    for row in _withdrawn_rows():
        delivery.unpublish(row)
    if delivery.unreached:
        # Some records never reached the platform: the run fails, so the next one resends.
        raise PartnerUnavailable(
            f"{delivery.unreached} envoi(s) impossible(s). {delivery.last_problem} "
            f"({delivery.summary()})"
        )
    return delivery.summary()


__all__ = ["PartnerClient", "PartnerUnavailable", "RateLimiter", "deliver", "formats"]
