"""`alliance worker` posts webhooks: a worker killed with SIGKILL while it waits for an endpoint's
answer loses nothing, and after a restart each endpoint has every event, in order, with repeats
only of webhook-ids it already accepted (which a receiver drops); two workers at once keep each
endpoint's order and never post one delivery twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import EventType
from alliance.webhooks import service as webhook_service
from alliance.webhooks.models import WebhookDelivery
from alliance.webhooks.schemas import EndpointCreate
from alliance.webhooks.vocabulary import DeliveryStatus
from tests.webhook_receiver import Receiver, webhook_server

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-c", "from alliance.cli import main; main()", "worker"]
NAMES = ("a", "b", "c")


def subscribe_and_raise(db: Database, world, receiver: Receiver, events: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """An endpoint per name on the receiver, then `events` events; each endpoint's webhook-ids in event order."""
    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
    scope = PartnerScope.system(reason="test webhooks")
    with db.session_scope(scope) as session:
        endpoints = {}
        for name in NAMES:
            created = webhook_service.create_endpoint(session, admin, data=EndpointCreate(url=receiver.url(name), allow_private_network=True))
            receiver.expect(name, created.secret)
            endpoints[created.endpoint.id] = name
    with db.session_scope(scope) as session:
        for n in range(events):
            notification_service.notify(
                session,
                Actor.system(label="test"),
                event=EventType.REGISTRATION_DECIDED,
                recipients=[],
                entity_type="registration",
                entity_id=n + 1,
                facts={"n": n},
            )
    with db.session_scope(scope, write=False) as session:
        expected: dict[str, list[str]] = {name: [] for name in NAMES}
        for endpoint_id, message_id in session.execute(select(WebhookDelivery.endpoint_id, WebhookDelivery.message_id).order_by(WebhookDelivery.id)):
            expected[endpoints[endpoint_id]].append(message_id)
    return expected


def statuses(db: Database) -> dict[DeliveryStatus, int]:
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        rows = session.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status))
        return {DeliveryStatus(s): n for s, n in rows}


def env(database_url: str, settings: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ALLIANCE_DATABASE_URL": database_url,
        "ALLIANCE_SMTP_HOST": "",
        "ALLIANCE_LOG_LEVEL": "ERROR",
        **{f"ALLIANCE_{key.upper()}": value for key, value in settings.items()},
    }


def wait_for(condition, timeout: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def in_order(receiver: Receiver, expected: dict[str, list[str]]) -> None:
    for name, ids in expected.items():
        assert [r.webhook_id for r in receiver.arrived(name)] == ids, name
        assert [r.payload["data"]["facts"]["n"] for r in receiver.arrived(name)] == list(range(len(ids)))


class TestCrashSafety:
    def test_a_worker_killed_while_posting_loses_nothing_and_keeps_order(self, database_url, db, world):
        events, lease = 40, 2.0
        settings = {"worker_lease_seconds": str(lease), "worker_poll_seconds": "0.05", "webhook_retry_schedule": "1,1,1"}
        with webhook_server() as receiver:
            expected = subscribe_and_raise(db, world, receiver, events)
            receiver.hold_at = 25  # the worker is waiting for this answer when it is killed
            first = subprocess.Popen(WORKER, env=env(database_url, settings), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                assert receiver.reached.wait(90), "the worker never got that far"
            finally:
                first.send_signal(signal.SIGKILL)
                first.wait(30)
                receiver.release.set()
            before_restart = statuses(db)
            # Killed mid-batch: the delivery it was posting is still "sending", under its lease.
            assert before_restart.get(DeliveryStatus.SENDING, 0) >= 1 and before_restart.get(DeliveryStatus.DELIVERED, 0) < 3 * events
            time.sleep(lease + 0.5)
            second = subprocess.run([*WORKER, "--once"], env=env(database_url, settings), cwd=ROOT, capture_output=True, timeout=300)
            assert second.returncode == 0, second.stderr.decode()
            assert "webhooks delivered" in second.stdout.decode()
            in_order(receiver, expected)
            repeated = {key: n for key, n in receiver.seen.items() if n > 1}
        assert statuses(db) == {DeliveryStatus.DELIVERED: 3 * events}
        # Posted again only what the killed worker had posted without recording it: at most one
        # delivery per endpoint is in flight.
        assert all(n == 2 for n in repeated.values()) and 1 <= len(repeated) <= len(NAMES)

    def test_two_workers_at_once_keep_order_and_never_post_twice(self, database_url, db, world):
        events = 40
        settings = {"worker_poll_seconds": "0.05", "worker_batch_size": "2"}
        with webhook_server() as receiver:
            expected = subscribe_and_raise(db, world, receiver, events)
            running = [subprocess.Popen(WORKER, env=env(database_url, settings), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
            try:
                wait_for(lambda: receiver.count() >= 3 * events or any(p.poll() is not None for p in running))
                time.sleep(0.5)  # anything posted twice would arrive now
            finally:
                for process in running:
                    process.send_signal(signal.SIGTERM)
                for process in running:
                    process.wait(30)
            assert all(p.returncode == 0 for p in running), [p.stderr.read().decode() for p in running if p.stderr]
            in_order(receiver, expected)
            assert sorted(receiver.seen.values()) == [1] * (3 * events)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            claimed_by = {token.rsplit("/", 1)[0] for token in session.scalars(select(WebhookDelivery.claimed_by))}
        assert len(claimed_by) == 2  # both took their share
        assert statuses(db) == {DeliveryStatus.DELIVERED: 3 * events}
