"""One delivery per active endpoint subscribed to an event, written in the transaction of the change
that raised it (notification_service.notify calls this once per event, whoever its e-mail
recipients are): a change that rolls back posts nothing, one that commits is never lost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from alliance.webhooks import payloads, signing
from alliance.webhooks.repository import DeliveryRepository, EndpointRepository
from alliance.webhooks.vocabulary import DeliveryStatus


def queue_event(session: Session, *, event: EventType, key: str, stable: bool, entity_type: str, entity_id: int | None, facts: Mapping[str, Any]) -> int:
    """Queue the event for every active endpoint that wants it; how many deliveries were queued.
    `key` names the event (a stable one, a time-based event's, is queued once however often)."""
    endpoints = [e for e in EndpointRepository(session).active() if not e.event_types or event.value in e.event_types]
    if not endpoints:
        return 0
    message_id = signing.message_id_for(key) if stable else signing.new_message_id()
    repository = DeliveryRepository(session)
    keys = {endpoint.id: f"{message_id}/{endpoint.id}" for endpoint in endpoints}
    taken = repository.existing_keys(list(keys.values())) if stable else set()
    now = clock.now()
    body = payloads.body(event_type=event.value, occurred_at=now, entity_type=entity_type, entity_id=entity_id, facts=facts)
    rows = [
        {
            "endpoint_id": endpoint.id,
            "message_id": message_id,
            "idempotency_key": keys[endpoint.id],
            "event_type": event,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "body": body,
            "status": DeliveryStatus.QUEUED,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for endpoint in endpoints
        if keys[endpoint.id] not in taken
    ]
    repository.add_deliveries(rows)
    return len(rows)
