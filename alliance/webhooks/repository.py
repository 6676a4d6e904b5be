"""Webhook queries. Deliveries are claimed here as a leased queue like the e-mail outbox
(kit/leases.py: one UPDATE over rows selected `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
write lock serialises claims), with one rule more: only the first undelivered row of each active endpoint may be claimed, so an endpoint
receives its events in order and a delivery waiting for a retry holds back the later ones."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, exists, func, insert, select, update
from sqlalchemy.orm import aliased

from alliance.kit.leases import LeasedQueue
from alliance.kit.repository import Repository
from alliance.kit.statements import AnySelect
from alliance.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from alliance.webhooks.schemas import ClaimedDelivery
from alliance.webhooks.vocabulary import PENDING, DeliveryStatus, EndpointStatus

DELIVERY: Table = WebhookDelivery.__table__  # type: ignore[assignment]
# Claimed like the outbox (kit/leases.py), through the head of each endpoint's queue.
QUEUE = LeasedQueue(
    WebhookDelivery, sending=DeliveryStatus.SENDING, queued=DeliveryStatus.QUEUED, retrying=DeliveryStatus.RETRYING, given_up=DeliveryStatus.FAILED
)


class EndpointRepository(Repository[WebhookEndpoint]):
    model = WebhookEndpoint

    def listed(self, *, status: EndpointStatus | None = None, q: str | None = None) -> Select[WebhookEndpoint]:
        statement = select(WebhookEndpoint)
        if status is not None:
            statement = statement.where(WebhookEndpoint.status == status)
        if q:
            pattern = f"%{q.lower()}%"
            statement = statement.where(WebhookEndpoint.url.ilike(pattern) | WebhookEndpoint.description.ilike(pattern))
        return statement

    def counts_by_status(self) -> dict[EndpointStatus, int]:
        rows = self.session.execute(select(WebhookEndpoint.status, func.count()).group_by(WebhookEndpoint.status))
        return {EndpointStatus(status): count for status, count in rows}

    def active(self) -> list[WebhookEndpoint]:
        return list(self.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.status == EndpointStatus.ACTIVE).order_by(WebhookEndpoint.id)))


class DeliveryRepository(Repository[WebhookDelivery]):
    model = WebhookDelivery

    def add_deliveries(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(WebhookDelivery), list(rows))

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        if not keys:
            return set()
        return set(self.session.scalars(select(WebhookDelivery.idempotency_key).where(WebhookDelivery.idempotency_key.in_(keys))))

    def log(self, *, endpoint_id: int, status: DeliveryStatus | None = None) -> AnySelect:
        statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        if status is not None:
            statement = statement.where(WebhookDelivery.status == status)
        return statement.order_by(WebhookDelivery.id.desc())

    def attempts_of(self, delivery_id: int) -> list[WebhookAttempt]:
        return list(self.session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.id.desc())))

    def counts_by_status(self) -> dict[DeliveryStatus, int]:
        rows = self.session.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status))
        return {DeliveryStatus(status): count for status, count in rows}

    def counts(self, endpoint_id: int) -> dict[DeliveryStatus, int]:
        rows = self.session.execute(
            select(WebhookDelivery.status, func.count()).where(WebhookDelivery.endpoint_id == endpoint_id).group_by(WebhookDelivery.status)
        )
        return {DeliveryStatus(status): count for status, count in rows}

    # --- the worker's side ---------------------------------------------------------------------

    def claim(self, *, token: str, limit: int, now: datetime, lease_until: datetime, max_attempts: int) -> list[int]:
        """Mark the due head of up to `limit` active endpoints' queues as being sent by `token`."""
        earlier = aliased(WebhookDelivery)
        held_back = exists().where(earlier.endpoint_id == WebhookDelivery.endpoint_id, earlier.id < WebhookDelivery.id, earlier.status.in_(PENDING))
        heads = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookEndpoint.status == EndpointStatus.ACTIVE, ~held_back)
        )
        due = QUEUE.due(heads, now=now, max_attempts=max_attempts)
        return QUEUE.claim(self.session, due, token=token, limit=limit, now=now, lease_until=lease_until)

    def bury_abandoned(self, *, now: datetime, max_attempts: int) -> int:
        """Deliveries whose every attempt ended with its worker gone (killed while posting them)."""
        return QUEUE.bury_abandoned(self.session, now=now, max_attempts=max_attempts, error="The worker stopped while sending it, on every attempt.")

    def claimed(self, ids: Collection[int], *, now: datetime) -> list[ClaimedDelivery]:
        statement = (
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        )
        found = []
        for delivery, endpoint in self.session.execute(statement):
            secrets = [endpoint.secret]
            if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
                secrets.append(endpoint.previous_secret)
            found.append(
                ClaimedDelivery(
                    id=delivery.id,
                    endpoint_id=endpoint.id,
                    url=endpoint.url,
                    allow_private_network=endpoint.allow_private_network,
                    secrets=secrets,
                    message_id=delivery.message_id,
                    body=delivery.body,
                    attempts=delivery.attempts,
                )
            )
        return found

    def record(self, *, token: str, changes: Sequence[Mapping[str, Any]]) -> set[int]:
        """Apply each delivery's outcome, only while `token` still holds it; the ids applied."""
        applied: set[int] = set()
        for change in changes:
            statement = (
                update(DELIVERY)
                .where(DELIVERY.c.id == change["id"], DELIVERY.c.claimed_by == token, DELIVERY.c.status == DeliveryStatus.SENDING)
                .values({key: value for key, value in change.items() if key != "id"})
            )
            if self.session.connection().execute(statement).rowcount:
                applied.add(change["id"])
        return applied

    def add_attempts(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(WebhookAttempt), list(rows))

    def give_back(self, *, token: str, ids: Collection[int], now: datetime) -> None:
        """Deliveries a worker claimed but did not try: due again now, the claim's attempt uncounted."""
        QUEUE.give_back(self.session, token=token, ids=ids, now=now)
