"""Webhooks leave here: each claimed delivery is POSTed (http.client) to the address its URL
resolves to, checked against private networks at that moment and connected to directly, so a DNS
answer that changes between the check and the connection (rebinding) cannot redirect it. Redirects
are not followed: a 3xx is a failed attempt like any other non-2xx answer.

`WebhookLane` is run by the outbox worker (delivery/worker.py) after each e-mail batch: claim the
due head of each endpoint's queue (a short transaction), post, record every few posts."""

from __future__ import annotations

import http.client
import logging
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from alliance import __version__
from alliance.config import Settings
from alliance.db import Database
from alliance.delivery.worker import SCOPE, Tally
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.webhooks import delivery_service, signing, ssrf
from alliance.webhooks.schedule import Attempt, RetrySchedule, excerpt
from alliance.webhooks.schemas import ClaimedDelivery

logger = logging.getLogger("alliance.webhooks")
RESPONSE_BYTES = 4096  # the start of an answer is what the delivery log shows
USER_AGENT = f"Alliance-Webhooks/{__version__}"


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given address, with the certificate checked against the URL's host name."""

    def __init__(self, address: str, port: int, *, server_name: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(address, port, timeout=timeout, context=context)
        self._server_name = server_name
        self._tls = context

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._tls.wrap_socket(self.sock, server_hostname=self._server_name)


@dataclass
class HttpPoster:
    timeout_seconds: float = 10.0
    resolver: ssrf.Resolver = ssrf.system_resolver
    tls: ssl.SSLContext = field(default_factory=ssl.create_default_context)

    def post(self, delivery: ClaimedDelivery) -> Attempt:
        timestamp = int(clock.now().timestamp())
        sent = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signing.headers(delivery.secrets, message_id=delivery.message_id, timestamp=timestamp, body=delivery.body),
        }
        shown = "\n".join(f"{name}: {value}" for name, value in sent.items())
        started = time.monotonic()
        try:
            target = ssrf.parse(delivery.url)
            address = ssrf.resolve(target, allow_private=delivery.allow_private_network, resolver=self.resolver)
            default_port = 443 if target.scheme == "https" else 80
            host = target.host if ":" not in target.host else f"[{target.host}]"
            sent["host"] = host if target.port == default_port else f"{host}:{target.port}"
            shown = f"POST {target.path}\nhost: {sent['host']}\n{shown}"
            connection: http.client.HTTPConnection = (
                _PinnedHTTPSConnection(address, target.port, server_name=target.host, timeout=self.timeout_seconds, context=self.tls)
                if target.scheme == "https"
                else http.client.HTTPConnection(address, target.port, timeout=self.timeout_seconds)
            )
            try:
                connection.request("POST", target.path, body=delivery.body.encode(), headers=sent)
                response = connection.getresponse()
                answer = response.read(RESPONSE_BYTES).decode("utf-8", "replace")
                status = response.status
            finally:
                connection.close()
        except ssrf.RefusedTarget as refused:
            return Attempt(delivery.id, shown, _ms(started), error=f"Refused: {refused}")
        except (OSError, http.client.HTTPException) as error:
            return Attempt(delivery.id, shown, _ms(started), error=f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
        return Attempt(delivery.id, shown, _ms(started), response_status=status, response_excerpt=excerpt(answer))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@dataclass(frozen=True)
class WebhookOptions:
    batch_size: int = 50
    lease: timedelta = timedelta(minutes=5)
    schedule: RetrySchedule = field(default_factory=RetrySchedule)
    record_every: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookOptions:
        seconds = tuple(float(part) for part in settings.webhook_retry_schedule.split(","))
        return cls(
            batch_size=settings.worker_batch_size,
            lease=timedelta(seconds=settings.worker_lease_seconds),
            schedule=RetrySchedule.of_seconds(seconds),
            record_every=settings.worker_record_every,
        )


class WebhookLane:
    def __init__(self, database: Database, poster: HttpPoster | None = None, options: WebhookOptions | None = None) -> None:
        self.database = database
        self.poster = poster or HttpPoster()
        self.options = options or WebhookOptions()

    @classmethod
    def from_settings(cls, database: Database, settings: Settings) -> WebhookLane:
        return cls(database, HttpPoster(timeout_seconds=settings.webhook_timeout_seconds), WebhookOptions.from_settings(settings))

    def run_batch(self, *, actor: Actor, token: str, stop: threading.Event) -> Tally:
        """Claim and post one batch (one delivery per endpoint at most); an empty tally when none is due."""
        options = self.options
        started = time.monotonic()
        with self.database.session_scope(SCOPE) as session:
            claim = delivery_service.claim_deliveries(session, actor, token=token, limit=options.batch_size, lease=options.lease, schedule=options.schedule)
        tally = Tally(batches=1 if claim.deliveries else 0)
        tally.outcomes["webhooks failed"] += claim.buried
        if not claim.deliveries:
            return tally
        deadline = started + options.lease.total_seconds() * 0.9
        pending: list[Attempt] = []
        done: set[int] = set()
        for delivery in claim.deliveries:
            if stop.is_set() or time.monotonic() > deadline:
                break
            pending.append(self.poster.post(delivery))
            done.add(delivery.id)
            if len(pending) >= options.record_every:
                self._record(actor, claim, pending, tally)
                pending = []
        self._record(actor, claim, pending, tally)
        left = [d.id for d in claim.deliveries if d.id not in done]
        if left:
            with self.database.session_scope(SCOPE) as session:
                delivery_service.give_back(session, actor, claim=claim, delivery_ids=left)
            tally.given_back += len(left)
        return tally

    def _record(self, actor: Actor, claim: delivery_service.Claim, attempts: Sequence[Attempt], tally: Tally) -> None:
        if not attempts:
            return
        with self.database.session_scope(SCOPE) as session:
            disabled = delivery_service.record_attempts(session, actor, claim=claim, attempts=attempts, schedule=self.options.schedule)
        held = {d.id: d for d in claim.deliveries}
        for attempt in attempts:
            if attempt.ok:
                tally.outcomes["webhooks delivered"] += 1
                continue
            last = self.options.schedule.next_attempt(attempts=held[attempt.delivery_id].attempts, now=clock.now()) is None
            tally.outcomes["webhooks failed" if last else "webhooks retrying"] += 1
            logger.warning("webhook delivery failed", extra={"delivery_id": attempt.delivery_id, "error": attempt.failure, "gives_up": last})
        for endpoint_id in disabled:
            logger.warning("webhook endpoint disabled", extra={"endpoint_id": endpoint_id})
