"""/api/v1/webhooks: program admins manage endpoints (the secret shown once), read the delivery log
with request and response excerpts, and replay; a real receiver on loopback gets the posts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from alliance.delivery.mailer import LogTransport
from alliance.delivery.rendering import Renderer
from alliance.delivery.webhooks import WebhookLane, WebhookOptions
from alliance.delivery.worker import Worker
from alliance.identity.scope import Actor, PartnerScope
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import Channel, EventType
from alliance.webhooks.schedule import RetrySchedule
from tests.webhook_receiver import Receiver, webhook_server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_server() as running:
        yield running


def raise_event(world, n: int = 1) -> None:  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        for i in range(n):
            notification_service.notify(
                session,
                Actor.system(label="test"),
                event=EventType.REGISTRATION_DECIDED,
                recipients=[],
                entity_type="registration",
                entity_id=i + 1,
                facts={"title": f"Deal {i + 1}"},
            )


def drain(world) -> None:  # type: ignore[no-untyped-def]
    lane = WebhookLane(world.db, options=WebhookOptions(schedule=RetrySchedule.of_seconds((5,))))
    email = LogTransport(Renderer(public_base_url="https://x.example", sender="a@x.example"))
    Worker(world.db, {Channel.EMAIL: email}, name="api-test", webhooks=lane).drain()


def create(client, world, receiver: Receiver, **body) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/webhooks", headers=world.headers("admin"), json={"url": receiver.url(), "allow_private_network": True, **body})
    assert response.status_code == 201, response.text
    created = response.json()
    receiver.expect("a", created["secret"])
    return created  # type: ignore[no-any-return]


class TestEndpoints:
    def test_the_secret_is_shown_at_creation_only(self, client, world, receiver):
        created = create(client, world, receiver, description="CRM", event_types=["registration.decided"])
        assert created["secret"].startswith("whsec_")
        endpoint = created["endpoint"]
        assert (endpoint["url"], endpoint["status"], endpoint["event_types"], endpoint["allow_private_network"]) == (
            receiver.url(),
            "active",
            ["registration.decided"],
            True,
        )
        read = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=world.headers("admin"))
        assert read.status_code == 200 and "secret" not in read.text
        listed = client.get("/api/v1/webhooks?q=crm", headers=world.headers("admin")).json()
        assert [e["id"] for e in listed["items"]] == [endpoint["id"]] and "whsec_" not in str(listed)
        audit = client.get("/api/v1/audit/events?entity_type=webhook_endpoint", headers=world.headers("admin")).text
        assert "whsec_" not in audit

    def test_a_private_address_needs_the_explicit_permission(self, client, world, receiver):
        response = client.post("/api/v1/webhooks", headers=world.headers("admin"), json={"url": receiver.url()})
        assert response.status_code == 422
        error = response.json()["error"]
        assert "127.0.0.1, a private-network address" in error["message"] and error["details"][0]["field"] == "url"
        for url in ("http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://10.0.0.7/hooks", "ftp://hooks.example/"):
            assert client.post("/api/v1/webhooks", headers=world.headers("admin"), json={"url": url}).status_code == 422, url
        endpoint = create(client, world, receiver)["endpoint"]
        # Taking the permission back while the URL is private is refused as well.
        patched = client.patch(f"/api/v1/webhooks/{endpoint['id']}", headers=world.headers("admin"), json={"allow_private_network": False})
        assert patched.status_code == 422

    @pytest.mark.parametrize("who", ["cam", "auditor", "a_admin", "a_user"])
    def test_only_program_admins_manage_webhooks(self, client, world, receiver, who):
        assert client.get("/api/v1/webhooks", headers=world.headers(who)).status_code == 403
        assert client.post("/api/v1/webhooks", headers=world.headers(who), json={"url": receiver.url()}).status_code == 403

    def test_rotate_shows_a_new_secret_and_disable_stops_queueing(self, client, world, receiver):
        created = create(client, world, receiver)
        endpoint_id = created["endpoint"]["id"]
        rotated = client.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret", headers=world.headers("admin")).json()
        assert rotated["secret"] != created["secret"] and rotated["previous_secret_valid_until"]
        patched = client.patch(f"/api/v1/webhooks/{endpoint_id}", headers=world.headers("admin"), json={"status": "disabled"})
        assert patched.json()["status"] == "disabled" and patched.json()["disabled_reason"].startswith("Disabled by")
        raise_event(world)
        assert client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=world.headers("admin")).json()["total"] == 0
        assert client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=world.headers("admin")).status_code == 204
        assert client.get(f"/api/v1/webhooks/{endpoint_id}", headers=world.headers("admin")).status_code == 404


class TestDeliveryLog:
    def test_the_log_shows_request_and_response_and_replays(self, client, world, receiver):
        endpoint_id = create(client, world, receiver)["endpoint"]["id"]
        raise_event(world)
        receiver.fail = 1
        drain(world)
        log = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=world.headers("admin")).json()
        [delivery] = log["items"]
        assert (delivery["status"], delivery["response_status"], delivery["last_error"]) == ("retrying", 503, "HTTP 503")
        # Not replayable while it is still to deliver.
        assert client.post(f"/api/v1/webhook-deliveries/{delivery['id']}/replay", headers=world.headers("admin")).status_code == 409
        import datetime

        from alliance.kit import clock

        clock.freeze(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=6))
        drain(world)
        detail = client.get(f"/api/v1/webhook-deliveries/{delivery['id']}", headers=world.headers("admin")).json()
        assert detail["status"] == "delivered" and detail["body"].startswith('{"type":"registration.decided"')
        assert [a["response_status"] for a in detail["attempt_log"]] == [200, 503]  # newest first
        assert detail["attempt_log"][1]["response_excerpt"] == '{"error": "failing on purpose"}'
        assert f"webhook-id: {delivery['message_id']}" in detail["attempt_log"][0]["request_headers"]
        replay = client.post(f"/api/v1/webhook-deliveries/{delivery['id']}/replay", headers=world.headers("admin"))
        assert replay.status_code == 201 and replay.json()["replay_of_id"] == delivery["id"] and replay.json()["status"] == "queued"
        drain(world)
        assert [r.webhook_id for r in receiver.requests if r.verified] == [delivery["message_id"]] * 3
        assert client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries?status=delivered", headers=world.headers("admin")).json()["total"] == 2

    def test_a_missing_delivery_is_404(self, client, world):
        assert client.get("/api/v1/webhook-deliveries/987654", headers=world.headers("admin")).status_code == 404


def test_metrics_count_deliveries_and_endpoints_by_status(client, world, receiver):
    from tests.api.test_operations import samples

    create(client, world, receiver)
    raise_event(world, 2)
    found = samples(client)
    assert found[("alliance_webhook_deliveries", (("status", "queued"),))] == 2
    assert found[("alliance_webhook_deliveries", (("status", "failed"),))] == 0
    assert found[("alliance_webhook_endpoints", (("status", "active"),))] == 1
