"""Webhook pages (program admins): add an endpoint (the secret shown once), filter and sort the
list, the endpoint's delivery log, a delivery's request and response, replay; the same answers as
the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alliance.delivery.mailer import LogTransport
from alliance.delivery.rendering import Renderer
from alliance.delivery.webhooks import WebhookLane
from alliance.delivery.worker import Worker
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import Channel, EventType
from alliance.webhooks import service as webhook_service
from alliance.webhooks.schemas import EndpointCreate
from tests.web.client import post, soup
from tests.webhook_receiver import webhook_server


def add(world, url: str, **fields) -> int:  # type: ignore[no-untyped-def]
    return add_with_secret(world, url, **fields)[0]


def add_with_secret(world, url: str, **fields) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        created = webhook_service.create_endpoint(session, admin, data=EndpointCreate(url=url, allow_private_network=True, **fields))
        return created.endpoint.id, created.secret


def drain(world) -> None:  # type: ignore[no-untyped-def]
    email = LogTransport(Renderer(public_base_url="https://x.example", sender="a@x.example"))
    Worker(world.db, {Channel.EMAIL: email}, webhooks=WebhookLane(world.db)).drain()


T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


class TestEndpointPages:
    def test_adding_an_endpoint_shows_its_secret_once(self, client, login, world):
        login("admin")
        form = {"url": "http://127.0.0.1:9/hooks", "description": "CRM sync", "event_types": "registration.decided", "allow_private_network": "on"}
        page = soup(post(client, "/console/webhooks", form, token_from="/console/webhooks"))
        secret = page.find(id="secret-value").get_text()
        assert secret.startswith("whsec_") and "not shown again" in page.get_text()
        listed = soup(client.get("/console/webhooks"))
        row = listed.find(id="endpoints").find("tbody").find("tr")
        assert "http://127.0.0.1:9/hooks" in row.get_text() and "CRM sync" in row.get_text() and "registration.decided" in row.get_text()
        endpoint_id = int(row.find("a")["href"].rsplit("/", 1)[1])
        detail = client.get(f"/console/webhooks/{endpoint_id}")
        assert detail.status_code == 200 and secret not in detail.text and secret not in listed.text

    def test_a_private_address_without_the_permission_is_refused_on_the_form(self, client, login, world):
        login("admin")
        response = post(client, "/console/webhooks", {"url": "http://10.0.0.7/hooks"}, token_from="/console/webhooks")
        assert response.status_code == 422
        page = soup(response)
        assert "private-network address" in page.find(id="e-url").get_text()
        assert page.find(id="f-url")["value"] == "http://10.0.0.7/hooks"

    def test_filter_and_sort(self, client, login, world):
        add(world, "http://127.0.0.1:9/b", description="Billing")
        add(world, "http://127.0.0.1:9/a", description="Analytics")
        login("admin")
        urls = lambda page: [r.find("a").get_text() for r in page.find(id="endpoints").find("tbody").find_all("tr")]  # noqa: E731
        assert urls(soup(client.get("/console/webhooks"))) == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]
        assert urls(soup(client.get("/console/webhooks?sort=-url"))) == ["http://127.0.0.1:9/b", "http://127.0.0.1:9/a"]
        assert urls(soup(client.get("/console/webhooks?q=billing"))) == ["http://127.0.0.1:9/b"]
        assert soup(client.get("/console/webhooks?status=disabled")).find(id="endpoints") is None
        assert client.get("/console/webhooks?sort=bogus&status=bogus").status_code == 200

    def test_rotate_and_disable(self, client, login, world):
        endpoint_id = add(world, "http://127.0.0.1:9/a")
        login("admin")
        page = soup(post(client, f"/console/webhooks/{endpoint_id}/rotate", token_from=f"/console/webhooks/{endpoint_id}"))
        assert page.find(id="secret-value").get_text().startswith("whsec_") and "previous secret signs" in page.get_text()
        post(client, f"/console/webhooks/{endpoint_id}/status", {"status": "disabled"}, token_from=f"/console/webhooks/{endpoint_id}")
        detail = soup(client.get(f"/console/webhooks/{endpoint_id}"))
        assert detail.find(id="endpoint-status").get_text() == "Disabled" and "Disabled by" in detail.find(id="disabled-reason").get_text()
        api = client.get(f"/api/v1/webhooks/{endpoint_id}", headers=world.headers("admin")).json()
        assert api["status"] == "disabled"  # the same answer through the API

    def test_other_vendor_roles_are_refused(self, client, login, world):
        login("cam")
        assert client.get("/console/webhooks").status_code == 403
        assert soup(client.get("/console")).find("a", href="/console/webhooks") is None


class TestDeliveryLog:
    def test_the_log_the_attempts_and_replay(self, client, login, world):
        with webhook_server() as receiver:
            clock.freeze(T0)
            endpoint_id, secret = add_with_secret(world, receiver.url())
            with world.db.session_scope(PartnerScope.system(reason="test")) as session:
                notification_service.notify(
                    session,
                    Actor.system(label="t"),
                    event=EventType.REGISTRATION_DECIDED,
                    recipients=[],
                    entity_type="registration",
                    entity_id=3,
                    facts={"title": "Deal"},
                )
            drain(world)  # the receiver does not know the secret yet: 401
            login("admin")
            detail = soup(client.get(f"/console/webhooks/{endpoint_id}"))
            row = detail.find(id="delivery-log").find("tbody").find("tr")
            assert "Failed, will retry" in row.get_text() and "HTTP 401" in row.get_text()
            delivery_url = row.find("a")["href"]
            page = soup(client.get(delivery_url))
            assert '"type":"registration.decided"' in page.find(id="body").get_text()
            attempts = page.find(id="attempts").get_text()
            assert "HTTP 401" in attempts and "bad signature" in attempts and "webhook-signature: v1," in attempts
            assert page.find(id="replay") is None  # still to deliver: nothing to replay yet
            receiver.expect("a", secret)
            clock.freeze(T0 + timedelta(seconds=5))  # the first retry is due
            drain(world)
            page = soup(client.get(delivery_url))
            assert page.find(id="delivery-status").get_text() == "Delivered" and "HTTP 200" in page.find(id="attempts").get_text()
            replayed = post(client, delivery_url + "/replay", token_from=delivery_url)
            assert replayed.status_code == 303 and replayed.headers["location"] != delivery_url
            drain(world)
            assert soup(client.get(replayed.headers["location"])).find(id="delivery-status").get_text() == "Delivered"
            assert [r.webhook_id for r in receiver.requests if r.verified] == [receiver.requests[0].webhook_id] * 2
            export = client.get(f"/console/webhooks/{endpoint_id}/deliveries.csv")
            assert export.headers["content-type"].startswith("text/csv")
            lines = export.text.strip().split("\r\n")
            assert lines[0].startswith("id,queued_at,event_type") and len(lines) == 3  # the delivery and its replay
            assert all(",registration.decided,registration,3," in line and ",delivered," in line for line in lines[1:])
