# ruff: noqa: F811
"""The sweep's set-based reminders reach webhook endpoints too: once per thing and threshold (not
once per person told), however often the sweep runs, signed and posted like any other event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from alliance.registrations import sweep as registration_sweep
from alliance.webhooks.models import WebhookDelivery
from tests.service.registrations.conftest import APPROVE, act, catalog, register  # noqa: F401

SWEEPER = Actor.system(label="sweep")


def sweep(db, day) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime.combine(day, time(6), tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        registration_sweep.sweep_registrations(session, SWEEPER, today=day)


def test_protection_reminders_are_posted_once_per_registration_and_threshold(db, register, act, subscribe, rows, drain, receiver):  # type: ignore[no-untyped-def]
    subscribe("reminders", event_types=[EventType.PROTECTION_EXPIRING.value])
    first, second = register(), register(title="Second deal")
    ends = act(first, *APPROVE).protected_until
    act(second, *APPROVE)
    assert ends is not None
    sweep(db, ends - timedelta(days=30))
    sweep(db, ends - timedelta(days=29))  # again, a day later: nothing twice
    deliveries = rows(WebhookDelivery)
    assert sorted(d.entity_id for d in deliveries) == sorted([first, second])
    assert {d.event_type for d in deliveries} == {EventType.PROTECTION_EXPIRING}
    body = json.loads(deliveries[0].body)
    assert body["type"] == "registration.protection_expiring" and body["data"]["entity_type"] == "registration"
    assert body["data"]["facts"]["title"] in ("Deal", "Second deal")
    sweep(db, ends - timedelta(days=7))  # the next threshold is a new event
    assert len(rows(WebhookDelivery)) == 4
    drain()
    assert sorted(m.payload["data"]["entity_id"] for m in receiver.arrived("reminders")) == sorted([first, second] * 2)


def test_no_endpoint_wanting_the_event_means_no_delivery(db, register, act, subscribe, rows):  # type: ignore[no-untyped-def]
    subscribe("other", event_types=[EventType.REGISTRATION_DECIDED.value])
    ends = act(register(), *APPROVE).protected_until
    assert ends is not None
    sweep(db, ends - timedelta(days=30))
    assert [d.event_type for d in rows(WebhookDelivery)] == [EventType.REGISTRATION_DECIDED]  # the approval's, not the reminder
