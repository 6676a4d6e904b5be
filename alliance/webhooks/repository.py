"""Webhook queries. Deliveries are claimed here like the e-mail outbox (one UPDATE over rows
selected `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's write lock serialises claims), with one
rule more: only the first undelivered row of each active endpoint may be claimed, so an endpoint
receives its events in order and a delivery waiting for a retry holds back the later ones."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, case, exists, func, insert, select, update
from sqlalchemy.orm import aliased

from alliance.kit.repository import Repository
from alliance.kit.statements import AnySelect
from alliance.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from alliance.webhooks.schemas import ClaimedDelivery
from alliance.webhooks.vocabulary import PENDING, DeliveryStatus, EndpointStatus

DELIVERY: Table = WebhookDelivery.__table__  # type: ignore[assignment]


class EndpointRepository(Repository[WebhookEndpoint]):
    model = WebhookEndpoint

    def listed(self, *, status: EndpointStatus | None = None, q: str | None = None, sort: str = "url") -> AnySelect:
        statement = select(WebhookEndpoint)
        if status is not None:
            statement = statement.where(WebhookEndpoint.status == status)
        if q:
            pattern = f"%{q.lower()}%"
            statement = statement.where(WebhookEndpoint.url.ilike(pattern) | WebhookEndpoint.description.ilike(pattern))
        column = {"url": WebhookEndpoint.url, "created": WebhookEndpoint.created_at, "status": WebhookEndpoint.status}[sort.lstrip("-")]
        return statement.order_by(column.desc() if sort.startswith("-") else column, WebhookEndpoint.id)

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
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookEndpoint.status == EndpointStatus.ACTIVE,
                WebhookDelivery.status.in_(PENDING),
                WebhookDelivery.next_attempt_at <= now,
                WebhookDelivery.attempts < max_attempts,
                ~held_back,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(of=WebhookDelivery, skip_locked=True)  # rendered on PostgreSQL only
        )
        statement = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(due.scalar_subquery()))
            .values(status=DeliveryStatus.SENDING, claimed_by=token, attempts=WebhookDelivery.attempts + 1, next_attempt_at=lease_until, updated_at=now)
            .returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(self.session.scalars(statement))

    def bury_abandoned(self, *, now: datetime, max_attempts: int) -> int:
        """Deliveries whose every attempt ended with its worker gone (killed while posting them)."""
        statement = (
            update(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.next_attempt_at <= now, WebhookDelivery.attempts >= max_attempts)
            .values(status=DeliveryStatus.FAILED, last_error="The worker stopped while sending it, on every attempt.", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return self.session.execute(statement).rowcount  # type: ignore[attr-defined, no-any-return]

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
        statement = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claimed_by == token, WebhookDelivery.status == DeliveryStatus.SENDING)
            .values(
                status=case((WebhookDelivery.attempts > 1, DeliveryStatus.RETRYING.value), else_=DeliveryStatus.QUEUED.value),
                attempts=WebhookDelivery.attempts - 1,
                next_attempt_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        self.session.execute(statement)
