"""The worker that drains the outbox: claim a batch (a short transaction), deliver it over one
connection, record outcomes every few messages (short transactions again), repeat; sleep when
nothing is due. `alliance worker` runs one; `alliance serve` can run one in a thread.

Crash safety: a worker killed at any point loses nothing. Messages it had claimed stay "sending"
until their lease ends, then any worker takes them again; those it had sent but not yet recorded
(at most `record_every`) are sent a second time with the same Message-ID. A worker never sends
after its lease: it stops early and gives the rest of the batch back, so two live workers never
send one message twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from alliance.config import Settings
from alliance.db import Database
from alliance.delivery.mailer import LogTransport, SmtpSettings, SmtpTransport, Transport
from alliance.delivery.rendering import Renderer
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications import delivery_service, digest_service
from alliance.notifications.attempts import Delivered, Failed, Outcome, RetryPolicy, after_failure
from alliance.notifications.digest_service import DigestLine
from alliance.notifications.schemas import ClaimedMessage
from alliance.notifications.vocabulary import Channel, OutboxStatus

if TYPE_CHECKING:
    from alliance.delivery.webhooks import WebhookLane

logger = logging.getLogger("alliance.worker")
SCOPE = PartnerScope.system(reason="outbox worker")


@dataclass(frozen=True)
class WorkerOptions:
    batch_size: int = 100
    lease: timedelta = timedelta(minutes=5)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    poll_seconds: float = 2.0
    # Outcomes are stored after this many messages (and at the end of a batch): the most a killed
    # worker sends twice.
    record_every: int = 25
    # Daily digests go out at this local hour, in each person's zone (else `default_time_zone`).
    digest_hour: int = 8
    default_time_zone: str = "UTC"

    @classmethod
    def from_settings(cls, settings: Settings, *, batch_size: int | None = None, poll_seconds: float | None = None) -> WorkerOptions:
        """The configured options; a command-line option given wins over its setting."""
        return cls(
            batch_size=batch_size or settings.worker_batch_size,
            lease=timedelta(seconds=settings.worker_lease_seconds),
            policy=RetryPolicy(
                max_attempts=settings.worker_max_attempts,
                first_delay=timedelta(seconds=settings.worker_retry_first_seconds),
                longest_delay=timedelta(seconds=settings.worker_retry_longest_seconds),
            ),
            poll_seconds=poll_seconds or settings.worker_poll_seconds,
            record_every=settings.worker_record_every,
            digest_hour=settings.digest_hour,
            default_time_zone=settings.time_zone,
        )


def transports_from_settings(settings: Settings) -> dict[Channel, Transport]:
    renderer = Renderer(public_base_url=settings.public_base_url, sender=settings.mail_from, link_key=settings.resolved_secret_key())
    if not settings.smtp_host:
        return {Channel.EMAIL: LogTransport(renderer)}
    smtp = SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value(),
        timeout_seconds=settings.smtp_timeout_seconds,
    )
    return {Channel.EMAIL: SmtpTransport(smtp, renderer)}


@dataclass
class Tally:
    """What a worker did: messages per outcome ("sent", "logged", "retrying", "dead"), batches."""

    outcomes: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    given_back: int = 0

    @property
    def delivered(self) -> int:
        return self.outcomes["sent"] + self.outcomes["logged"]

    @property
    def handled(self) -> int:
        return sum(self.outcomes.values())

    def add(self, other: Tally) -> None:
        self.outcomes.update(other.outcomes)
        self.batches += other.batches
        self.given_back += other.given_back

    def summary(self) -> str:
        kinds = ("sent", "logged", "retrying", "dead", "webhooks delivered", "webhooks retrying", "webhooks failed")
        parts = [f"{self.outcomes[k]:,} {k}" for k in kinds if self.outcomes[k]]
        return ", ".join(parts) or "nothing"


class Worker:
    def __init__(
        self,
        database: Database,
        transports: dict[Channel, Transport],
        options: WorkerOptions | None = None,
        *,
        name: str | None = None,
        renderer: Renderer | None = None,
        webhooks: WebhookLane | None = None,
    ) -> None:
        self.database = database
        self.webhooks = webhooks  # posts the webhook deliveries after each e-mail batch
        self.transports = transports
        # Digests list each message by its e-mail's subject and link: the e-mail transport's renderer.
        self.renderer = renderer or getattr(transports.get(Channel.EMAIL), "renderer", None)
        self.options = options or WorkerOptions()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.actor = Actor.system(label=f"worker {self.name}")
        self.stop = threading.Event()
        self._batches = 0

    def run_batch(self) -> Tally:
        """Claim and deliver one batch; an empty tally when nothing is due."""
        self._batches += 1
        options = self.options
        started = time.monotonic()
        with self.database.session_scope(SCOPE) as session:
            claim = delivery_service.claim_messages(
                session,
                self.actor,
                token=f"{self.name}/{self._batches}",
                limit=options.batch_size,
                lease=options.lease,
                max_attempts=options.policy.max_attempts,
            )
        tally = Tally(batches=1 if claim.messages else 0)
        tally.outcomes["dead"] += claim.buried
        if not claim.messages:
            return tally
        # Stop a tenth of the lease early: the clock that matters is the next worker's.
        deadline = started + options.lease.total_seconds() * 0.9
        pending: list[Outcome] = []
        done: set[int] = set()
        by_channel: dict[Channel, list[int]] = {}
        for index, message in enumerate(claim.messages):
            by_channel.setdefault(message.channel, []).append(index)
        for channel, indexes in by_channel.items():
            with self.transports[channel].connection() as connection:
                for index in indexes:
                    if self.stop.is_set() or time.monotonic() > deadline:
                        break
                    message = claim.messages[index]
                    pending.append(connection.send(message))
                    done.add(message.id)
                    if len(pending) >= options.record_every:
                        self._record(claim, pending, tally)
                        pending = []
        self._record(claim, pending, tally)
        left = [m.id for m in claim.messages if m.id not in done]
        if left:
            with self.database.session_scope(SCOPE) as session:
                delivery_service.give_back(session, self.actor, claim=claim, message_ids=left)
            tally.given_back += len(left)
        return tally

    def _record(self, claim: delivery_service.Claim, outcomes: Sequence[Outcome], tally: Tally) -> None:
        if not outcomes:
            return
        with self.database.session_scope(SCOPE) as session:
            delivery_service.record_outcomes(session, self.actor, claim=claim, outcomes=outcomes, policy=self.options.policy)
        attempts = {m.id: m.attempts for m in claim.messages}
        for outcome in outcomes:
            if isinstance(outcome, Delivered):
                tally.outcomes["logged" if outcome.logged else "sent"] += 1
            else:
                assert isinstance(outcome, Failed)
                then = after_failure(self.options.policy, attempts=attempts[outcome.message_id], permanent=outcome.permanent, now=clock.now())
                dead = then.status == OutboxStatus.DEAD
                tally.outcomes["dead" if dead else "retrying"] += 1
                logger.warning("delivery failed", extra={"message_id": outcome.message_id, "error": outcome.error, "gives_up": dead})

    def build_digests(self) -> int:
        """Queue the daily digests due now (bounded batches); how many were queued."""
        renderer = self.renderer
        if renderer is None:
            return 0

        def summarise(message: ClaimedMessage) -> DigestLine:
            try:
                rendered = renderer.render(message)
            except Exception:  # a broken template must not hold back the digest: list it by its event
                logger.exception("digest line could not be rendered", extra={"message_id": message.id})
                return DigestLine(subject=message.event_type.label, link=renderer.base_url)
            return DigestLine(subject=rendered.subject, link=rendered.link)

        built = 0
        while not self.stop.is_set():
            with self.database.session_scope(SCOPE) as session:
                batch = digest_service.build_due_digests(
                    session,
                    self.actor,
                    now=clock.now(),
                    hour=self.options.digest_hour,
                    default_zone=self.options.default_time_zone,
                    summarise=summarise,
                    limit=self.options.batch_size,
                )
            built += batch
            if batch < self.options.batch_size:
                break
        if built:
            logger.info("digests queued", extra={"worker": self.name, "digests": built})
        return built

    def drain(self) -> Tally:
        """Queue the digests due, then deliver until nothing is due (or `stop` is set)."""
        total = Tally()
        try:
            self.build_digests()
        except Exception:  # digests wait for the next pass; what is due is delivered regardless
            logger.exception("building digests failed", extra={"worker": self.name})
        while not self.stop.is_set():
            tally = self.run_batch()
            if self.webhooks is not None:
                tally.add(self.webhooks.run_batch(actor=self.actor, token=f"{self.name}/w{self._batches}", stop=self.stop))
            total.add(tally)
            if not tally.batches:
                break
        return total

    def run(self) -> Tally:
        """Until `stop` is set: deliver what is due, then wait `poll_seconds` for more."""
        total = Tally()
        logger.info("worker started", extra={"worker": self.name})
        while not self.stop.is_set():
            try:
                tally = self.drain()
            except Exception:
                # The database or a transport failed outside one message: try again after a pause.
                logger.exception("worker batch failed", extra={"worker": self.name})
                tally = Tally()
            total.add(tally)
            if tally.handled:
                logger.info("worker delivered", extra={"worker": self.name, "outcomes": tally.summary()})
            self.stop.wait(self.options.poll_seconds)
        logger.info("worker stopped", extra={"worker": self.name, "outcomes": total.summary()})
        return total


def start_thread(database: Database, settings: Settings) -> tuple[Worker, threading.Thread]:
    """A worker in a daemon thread of this process (`alliance serve --worker`); set `worker.stop` to end it."""
    from alliance.delivery.webhooks import WebhookLane

    lane = WebhookLane.from_settings(database, settings)
    worker = Worker(database, transports_from_settings(settings), WorkerOptions.from_settings(settings), webhooks=lane)
    thread = threading.Thread(target=worker.run, name="alliance-worker", daemon=True)
    thread.start()
    return worker, thread
