"""One delivery per active endpoint subscribed to an event, written in the transaction of the change
that raised it (notification_service.notify calls this once per event, whoever its e-mail
recipients are): a change that rolls back posts nothing, one that commits is never lost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance.db import once_per_transaction
from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from alliance.webhooks import payloads, signing
from alliance.webhooks.models import WebhookEndpoint
from alliance.webhooks.repository import DeliveryRepository, EndpointRepository
from alliance.webhooks.vocabulary import DeliveryStatus


@dataclass(frozen=True)
class Occurrence:
    """One event about one thing: `key` names it (a stable key, a time-based event's, is queued
    once however often it is raised)."""

    key: str
    entity_type: str
    entity_id: int | None
    facts: Mapping[str, Any]


def queue_event(session: Session, *, event: EventType, key: str, stable: bool, entity_type: str, entity_id: int | None, facts: Mapping[str, Any]) -> int:
    """Queue the event for every active endpoint that wants it; how many deliveries were queued."""
    return queue_events(session, event=event, occurrences=[Occurrence(key, entity_type, entity_id, facts)], stable=stable)


def wanted(session: Session, event: EventType) -> list[WebhookEndpoint]:
    """The active endpoints subscribed to `event` (all of them when an endpoint names no types),
    read once per transaction (a submit raises two events)."""
    active = once_per_transaction(session, "active webhook endpoints", EndpointRepository(session).active, tables=frozenset({"webhook_endpoints"}))
    return [e for e in active if not e.event_types or event.value in e.event_types]


def queue_events(session: Session, *, event: EventType, occurrences: Sequence[Occurrence], stable: bool) -> int:
    """`queue_event` for many occurrences of one event type (a sweep's reminders): the endpoints are
    read once and the deliveries written in one statement."""
    endpoints = wanted(session, event)
    if not endpoints or not occurrences:
        return 0
    repository = DeliveryRepository(session)
    now = clock.now()
    planned = []
    for occurrence in occurrences:
        message_id = signing.message_id_for(occurrence.key) if stable else signing.new_message_id()
        body = payloads.body(
            event_type=event.value, occurred_at=now, entity_type=occurrence.entity_type, entity_id=occurrence.entity_id, facts=occurrence.facts
        )
        planned += [(endpoint, occurrence, message_id, body, f"{message_id}/{endpoint.id}") for endpoint in endpoints]
    taken = repository.existing_keys([key for *_, key in planned]) if stable else set()
    rows = [
        {
            "endpoint_id": endpoint.id,
            "message_id": message_id,
            "idempotency_key": key,
            "event_type": event,
            "entity_type": occurrence.entity_type,
            "entity_id": occurrence.entity_id,
            "body": body,
            "status": DeliveryStatus.QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for endpoint, occurrence, message_id, body, key in planned
        if key not in taken
    ]
    repository.add_deliveries(rows)
    return len(rows)
