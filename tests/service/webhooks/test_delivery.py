"""The worker posts webhooks to a real HTTP receiver on loopback that checks every signature:
what arrives, retries on the schedule, order per endpoint, automatic disabling with an e-mail to
program admins, replay, rotation, private-network refusal at delivery time, and rollback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.delivery.webhooks import HttpPoster
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from alliance.webhooks import service as webhook_service
from alliance.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from alliance.webhooks.schedule import RetrySchedule
from alliance.webhooks.schemas import EndpointUpdate
from alliance.webhooks.vocabulary import SCHEMA_VERSION, DeliveryStatus, EndpointStatus
from tests.service.webhooks.conftest import SCOPE

T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


class TestWhatArrives:
    def test_a_signed_event_with_its_payload(self, subscribe, raise_event, drain, receiver, rows):
        clock.freeze(T0)
        subscribe()
        raise_event()  # no e-mail recipient: the webhook goes out all the same
        tally = drain()
        assert tally.outcomes["webhooks delivered"] == 1
        [request] = receiver.requests
        assert request.verified and request.path == "/hooks/a"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["webhook-timestamp"] == str(int(T0.timestamp()))
        assert request.payload == {
            "type": "registration.submitted",
            "timestamp": "2030-03-04T10:00:00Z",
            "version": SCHEMA_VERSION,
            "data": {
                "entity_type": "registration",
                "entity_id": 1,
                "facts": {"title": "Deal 1", "partner": "Northwind Consulting", "kind": "deal", "customer": "Acme", "by": "x"},
            },
        }
        [delivery] = rows(WebhookDelivery)
        assert request.webhook_id == delivery.message_id and delivery.message_id.startswith("msg_")
        assert (delivery.status, delivery.attempts, delivery.response_status, delivery.delivered_at) == (DeliveryStatus.DELIVERED, 1, 200, T0)
        [attempt] = rows(WebhookAttempt)
        assert (attempt.response_status, attempt.response_excerpt, attempt.error) == (200, '{"ok": true}', None)
        assert "webhook-signature: v1," in attempt.request_headers and "POST /hooks/a" in attempt.request_headers

    def test_one_delivery_per_event_and_endpoint_whatever_the_recipients(self, subscribe, raise_event, drain, receiver, rows):
        subscribe("a")
        subscribe("b")
        raise_event(recipients=("admin", "cam"))
        drain()
        assert len(receiver.arrived("a")) == 1 and len(receiver.arrived("b")) == 1
        # One event: the same webhook-id at every endpoint.
        assert receiver.arrived("a")[0].webhook_id == receiver.arrived("b")[0].webhook_id
        assert len(rows(WebhookDelivery)) == 2

    def test_an_endpoint_gets_only_the_events_it_subscribed_to(self, subscribe, raise_event, drain, receiver):
        subscribe("a", event_types=[EventType.REGISTRATION_DECIDED])
        subscribe("b")
        raise_event(event=EventType.REGISTRATION_SUBMITTED)
        raise_event(event=EventType.REGISTRATION_DECIDED, first=2)
        drain()
        assert [r.payload["type"] for r in receiver.arrived("a")] == ["registration.decided"]
        assert [r.payload["type"] for r in receiver.arrived("b")] == ["registration.submitted", "registration.decided"]

    def test_a_change_that_rolls_back_posts_nothing(self, db, subscribe, drain, receiver, rows, world):
        from alliance.notifications import service as notification_service
        from tests.service.webhooks.conftest import SYSTEM

        subscribe()

        def failing_change() -> None:
            with db.session_scope(SCOPE) as session:
                notification_service.notify(
                    session, SYSTEM, event=EventType.REGISTRATION_SUBMITTED, recipients=[], entity_type="registration", entity_id=1, facts={}
                )
                raise RuntimeError("the change fails after raising its event")

        with pytest.raises(RuntimeError):
            failing_change()
        assert drain().handled == 0
        assert rows(WebhookDelivery) == [] and receiver.requests == []

    def test_a_disabled_endpoint_is_not_queued_for(self, db, actors, subscribe, raise_event, rows):
        created = subscribe()
        with db.session_scope(SCOPE) as session:
            webhook_service.update_endpoint(session, actors["admin"], endpoint_id=created.endpoint.id, data=EndpointUpdate(status=EndpointStatus.DISABLED))
        raise_event()
        assert rows(WebhookDelivery) == []


class TestRetries:
    def test_failures_are_retried_on_the_schedule(self, subscribe, raise_event, drain, receiver, rows):
        clock.freeze(T0)
        subscribe()
        raise_event()
        receiver.fail = 2
        assert drain().outcomes["webhooks retrying"] == 1
        [delivery] = rows(WebhookDelivery)
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.RETRYING, 1, T0 + timedelta(seconds=5))
        assert delivery.last_error == "HTTP 503" and delivery.response_status == 503
        clock.freeze(T0 + timedelta(seconds=4))
        assert drain().handled == 0  # not due yet
        clock.freeze(T0 + timedelta(seconds=5))
        drain()
        assert rows(WebhookDelivery)[0].next_attempt_at == T0 + timedelta(seconds=65)  # then a minute
        clock.freeze(T0 + timedelta(seconds=65))
        assert drain().outcomes["webhooks delivered"] == 1
        [delivery] = rows(WebhookDelivery)
        assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.DELIVERED, 3, None)
        log = rows(WebhookAttempt)
        assert [a.response_status for a in log] == [503, 503, 200]
        assert log[0].response_excerpt == '{"error": "failing on purpose"}'
        # Every attempt carries the same webhook-id, each with a fresh timestamp and signature.
        assert len({r.webhook_id for r in receiver.requests}) == 1 and all(r.verified for r in receiver.requests)
        assert [r.headers["webhook-timestamp"] for r in receiver.requests] == [str(int((T0 + timedelta(seconds=s)).timestamp())) for s in (0, 5, 65)]

    def test_an_endpoint_that_does_not_answer_is_retried(self, db, actors, raise_event, drain, rows):
        # Nothing listens on this port once the server is gone.
        from tests.webhook_receiver import webhook_server

        with webhook_server() as gone:
            url = gone.url()
        with db.session_scope(SCOPE) as session:
            from alliance.webhooks.schemas import EndpointCreate

            webhook_service.create_endpoint(session, actors["admin"], data=EndpointCreate(url=url, allow_private_network=True))
        raise_event()
        drain()
        [delivery] = rows(WebhookDelivery)
        assert delivery.status == DeliveryStatus.RETRYING and delivery.last_error.startswith("ConnectionRefusedError")
        assert rows(WebhookAttempt)[0].response_status is None


class TestOrder:
    def test_a_delivery_waiting_for_its_retry_holds_back_the_later_ones(self, subscribe, raise_event, drain, receiver, rows):
        clock.freeze(T0)
        subscribe("a")
        subscribe("b")
        raise_event(3)
        receiver.fail = 1  # the first request, whichever endpoint's it is
        drain()
        statuses = {(d.endpoint_id, d.entity_id): d.status for d in rows(WebhookDelivery)}
        failed = next(key for key, status in statuses.items() if status == DeliveryStatus.RETRYING)
        blocked, other = failed[0], next(e.id for e in rows(WebhookEndpoint) if e.id != failed[0])
        assert failed[1] == 1
        # The failing endpoint's later events wait; the other endpoint got all three.
        assert [statuses[blocked, i] for i in (2, 3)] == [DeliveryStatus.QUEUED, DeliveryStatus.QUEUED]
        assert [statuses[other, i] for i in (1, 2, 3)] == [DeliveryStatus.DELIVERED] * 3
        clock.freeze(T0 + timedelta(seconds=5))
        drain()
        for name in ("a", "b"):
            assert [r.payload["data"]["entity_id"] for r in receiver.arrived(name)] == [1, 2, 3]
        assert {d.status for d in rows(WebhookDelivery)} == {DeliveryStatus.DELIVERED}


class TestDisabling:
    def test_a_spent_schedule_disables_the_endpoint_and_tells_program_admins(self, db, actors, world, subscribe, raise_event, drain, receiver, rows):
        clock.freeze(T0)
        created = subscribe()
        raise_event(2)
        receiver.fail = 1000
        for seconds in (0, 5, 65, 665):
            clock.freeze(T0 + timedelta(seconds=seconds))
            drain()
        first, second = rows(WebhookDelivery)
        assert (first.status, first.attempts) == (DeliveryStatus.FAILED, 4) and second.status == DeliveryStatus.QUEUED
        [endpoint] = rows(WebhookEndpoint)
        assert endpoint.status == EndpointStatus.DISABLED and endpoint.disabled_at == T0 + timedelta(seconds=665)
        assert endpoint.disabled_reason == "4 attempts over 0 h failed; the last: HTTP 503"
        with db.session_scope(SCOPE, write=False) as session:
            mails = list(session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.WEBHOOK_ENDPOINT_DISABLED)))
            actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "webhook_endpoint").order_by(AuditEvent.seq)))
        assert [m.recipient_user_id for m in mails] == [world.users["admin"]]
        assert mails[0].payload["facts"]["url"] == receiver.url() and mails[0].entity_id == created.endpoint.id
        assert actions == ["webhook_endpoint.created", "webhook_endpoint.disabled"]
        # Disabled: nothing is posted, however late; enabled again, the queued event goes out.
        clock.freeze(T0 + timedelta(days=3))
        assert drain().handled == 0
        receiver.fail = 0
        with db.session_scope(SCOPE) as session:
            webhook_service.update_endpoint(session, actors["admin"], endpoint_id=created.endpoint.id, data=EndpointUpdate(status=EndpointStatus.ACTIVE))
        drain()
        assert [r.payload["data"]["entity_id"] for r in receiver.arrived()] == [2]

    def test_the_disable_email_is_rendered_and_delivered(self, db, subscribe, raise_event, drain, receiver):
        subscribe(description="CRM sync")
        raise_event()
        receiver.fail = 1000
        tally = drain(schedule=RetrySchedule.of_seconds(()))  # no retry: the first failure disables
        assert (tally.outcomes["webhooks failed"], tally.outcomes["logged"]) == (1, 1)  # the e-mail went out in the same drain
        with db.session_scope(SCOPE, write=False) as session:
            [mail] = session.scalars(select(OutboxMessage))
        assert mail.subject == f"Webhook disabled: {receiver.url()}"


class TestReplay:
    def test_replay_posts_the_same_message_again(self, db, actors, subscribe, raise_event, drain, receiver, rows):
        subscribe()
        raise_event()
        drain()
        [delivered] = rows(WebhookDelivery)
        with db.session_scope(SCOPE) as session:
            replay = webhook_service.replay_delivery(session, actors["admin"], delivery_id=delivered.id)
            replay_id = replay.id
        drain()
        assert [r.webhook_id for r in receiver.requests] == [delivered.message_id] * 2
        assert receiver.seen["/hooks/a", delivered.message_id] == 2  # the receiver saw a copy and could drop it
        again = rows(WebhookDelivery)[1]
        assert (again.id, again.replay_of_id, again.status, again.body) == (replay_id, delivered.id, DeliveryStatus.DELIVERED, delivered.body)


class TestRotation:
    def test_both_secrets_sign_during_the_grace_period(self, db, actors, subscribe, raise_event, drain, receiver):
        clock.freeze(T0)
        created = subscribe()
        with db.session_scope(SCOPE) as session:
            rotated = webhook_service.rotate_secret(session, actors["admin"], endpoint_id=created.endpoint.id)
        assert rotated.secret != created.secret and rotated.previous_secret_valid_until == T0 + timedelta(hours=24)
        raise_event()
        drain()
        assert receiver.requests[-1].verified  # checked with the old secret
        assert len(receiver.requests[-1].headers["webhook-signature"].split(" ")) == 2
        receiver.expect("a", rotated.secret)
        raise_event(first=2)
        drain()
        assert receiver.requests[-1].verified
        clock.freeze(T0 + timedelta(hours=25))
        receiver.expect("a", created.secret)
        raise_event(first=3)
        drain()
        assert not receiver.requests[-1].verified  # the old secret no longer signs


class TestPrivateNetworks:
    def test_an_address_that_turns_private_at_delivery_is_refused(self, db, actors, raise_event, worker, receiver, rows):
        from alliance.webhooks.schemas import EndpointCreate

        public = lambda host, port: ["93.184.216.34"]  # noqa: E731
        rebound = lambda host, port: ["127.0.0.1"]  # noqa: E731
        with db.session_scope(SCOPE) as session:
            webhook_service.create_endpoint(session, actors["admin"], data=EndpointCreate(url=f"http://hooks.example:{receiver.port}/hooks/a"), resolver=public)
        raise_event()
        worker(poster=HttpPoster(timeout_seconds=5, resolver=rebound)).drain()
        [delivery] = rows(WebhookDelivery)
        assert delivery.status == DeliveryStatus.RETRYING and receiver.requests == []
        assert delivery.last_error.startswith("Refused: hooks.example resolves to 127.0.0.1, a private-network address")


def test_the_system_scope_reads_every_endpoint(db, subscribe):
    subscribe("a")
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        assert len(list(session.scalars(select(WebhookEndpoint)))) == 1


class TestFromADomain:
    def test_a_partner_users_submission_posts_the_event(self, register, subscribe, drain, receiver, world):
        subscribe()
        registration_id = register(submit=True)  # a partner user's act, in the partner's scope
        drain()
        [request] = receiver.arrived()
        assert request.payload["type"] == "registration.submitted" and request.payload["data"]["entity_id"] == registration_id
        assert request.payload["data"]["facts"]["partner"] == "Northwind Consulting"

    def test_a_time_based_event_is_queued_once_however_often_its_sweep_runs(self, db, subscribe, rows):
        from alliance.notifications import service as notification_service
        from tests.service.webhooks.conftest import SYSTEM

        subscribe()
        for _ in range(2):
            with db.session_scope(SCOPE) as session:
                notification_service.notify(
                    session,
                    SYSTEM,
                    event=EventType.REGISTRATION_SUBMITTED,
                    recipients=[],
                    entity_type="registration",
                    entity_id=9,
                    facts={},
                    occurrence="30d",
                )
        [delivery] = rows(WebhookDelivery)
        assert delivery.message_id.startswith("msg_") and len(delivery.message_id) == 36
