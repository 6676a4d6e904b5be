"""The worker's side of webhooks: claim due deliveries for a lease (the head of each active
endpoint's queue), then record what each POST ended in: delivered, retried on the schedule, or
failed when the schedule is spent, which disables the endpoint and tells program admins by
e-mail. Each call is its own short transaction; nothing is locked while a request travels.

A worker killed after the endpoint answered but before recording posts that delivery again after
its lease, with the same webhook-id, which the receiver uses to drop the copy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.identity.permissions import Permission, require, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.attempts import short_error
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.webhooks.repository import DeliveryRepository, EndpointRepository
from alliance.webhooks.schedule import Attempt, RetrySchedule
from alliance.webhooks.schemas import ClaimedDelivery
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus


@dataclass(frozen=True)
class Claim:
    token: str
    deliveries: list[ClaimedDelivery]
    lease_until: datetime
    buried: int = 0


def claim_deliveries(session: Session, actor: Actor, *, token: str, limit: int, lease: timedelta, schedule: RetrySchedule) -> Claim:
    """Take the due head delivery of up to `limit` endpoints for `token` until the lease ends."""
    require(actor, Permission.OUTBOX_DELIVER)
    now = clock.now()
    repository = DeliveryRepository(session)
    buried = repository.bury_abandoned(now=now, max_attempts=schedule.max_attempts)
    ids = repository.claim(token=token, limit=limit, now=now, lease_until=now + lease, max_attempts=schedule.max_attempts)
    return Claim(token=token, deliveries=repository.claimed(ids, now=now) if ids else [], lease_until=now + lease, buried=buried)


def record_attempts(session: Session, actor: Actor, *, claim: Claim, attempts: Sequence[Attempt], schedule: RetrySchedule) -> list[int]:
    """Store each attempt in the log and its delivery's outcome (only while the claim still holds
    it); disable the endpoints whose delivery ran out of retries. The ids of those endpoints."""
    require(actor, Permission.OUTBOX_DELIVER)
    held = {d.id: d for d in claim.deliveries}
    now = clock.now()
    changes: list[dict[str, Any]] = []
    exhausted: dict[int, tuple[int, Attempt]] = {}
    for attempt in attempts:
        delivery = held[attempt.delivery_id]
        change: dict[str, Any] = {"id": delivery.id, "updated_at": now, "response_status": attempt.response_status}
        if attempt.ok:
            change |= {"status": DeliveryStatus.DELIVERED, "next_attempt_at": now, "delivered_at": now, "last_error": None}
        else:
            retry_at = schedule.next_attempt(attempts=delivery.attempts, now=now)
            change |= {"status": DeliveryStatus.RETRYING if retry_at else DeliveryStatus.FAILED, "next_attempt_at": retry_at or now}
            change["last_error"] = short_error(attempt.failure)
            if retry_at is None:
                exhausted[delivery.id] = (delivery.endpoint_id, attempt)
        changes.append(change)
    repository = DeliveryRepository(session)
    applied = repository.record(token=claim.token, changes=changes)
    repository.add_attempts(
        [
            {
                "delivery_id": a.delivery_id,
                "attempted_at": now,
                "duration_ms": a.duration_ms,
                "request_headers": a.request_headers,
                "response_status": a.response_status,
                "response_excerpt": a.response_excerpt,
                "error": a.error,
            }
            for a in attempts
        ]
    )
    disabled = []
    for delivery_id, (endpoint_id, attempt) in exhausted.items():
        if delivery_id in applied and _disable(session, actor, endpoint_id=endpoint_id, attempts=held[delivery_id].attempts, last=attempt, schedule=schedule):
            disabled.append(endpoint_id)
    return disabled


def _disable(session: Session, actor: Actor, *, endpoint_id: int, attempts: int, last: Attempt, schedule: RetrySchedule) -> bool:
    endpoint = EndpointRepository(session).get_for_change(endpoint_id)
    if endpoint is None or endpoint.status != EndpointStatus.ACTIVE:
        return False
    hours = schedule.total.total_seconds() / 3600
    reason = f"{attempts} attempts over {hours:.0f} h failed; the last: {last.failure}"[:500]
    endpoint.status, endpoint.disabled_at, endpoint.disabled_reason = EndpointStatus.DISABLED, clock.now(), reason
    session.flush()
    audit.record(
        session, actor, "webhook_endpoint.disabled", entity_type="webhook_endpoint", entity_id=endpoint.id, after={"status": "disabled", "reason": reason}
    )
    admins = UserRepository(session).active_vendor_ids(roles=roles_with(Permission.WEBHOOKS_MANAGE))
    notification_service.notify(
        session,
        actor,
        event=EventType.WEBHOOK_ENDPOINT_DISABLED,
        recipients=[Recipient(user_id, "you manage the platform's webhooks") for user_id in admins],
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        facts={"url": endpoint.url, "description": endpoint.description, "reason": reason},
    )
    return True


def give_back(session: Session, actor: Actor, *, claim: Claim, delivery_ids: Sequence[int]) -> None:
    """Release claimed deliveries the worker did not try (it is stopping, or its lease is ending)."""
    require(actor, Permission.OUTBOX_DELIVER)
    DeliveryRepository(session).give_back(token=claim.token, ids=delivery_ids, now=clock.now())
