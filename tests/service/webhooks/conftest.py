"""A webhook receiver on loopback, endpoints pointing at it, events raised through `notify`, and a
worker posting them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from alliance.db import Database
from alliance.delivery.mailer import LogTransport
from alliance.delivery.rendering import Renderer
from alliance.delivery.webhooks import HttpPoster, WebhookLane, WebhookOptions
from alliance.delivery.worker import Tally, Worker
from alliance.identity.scope import Actor, PartnerScope
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import Channel, EventType
from alliance.webhooks import service as webhook_service
from alliance.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from alliance.webhooks.schedule import RetrySchedule
from alliance.webhooks.schemas import EndpointCreate, EndpointSecret
from tests.service.registrations.conftest import catalog, register  # noqa: F401
from tests.webhook_receiver import Receiver, webhook_server

SYSTEM = Actor.system(label="test events")
SCOPE = PartnerScope.system(reason="test webhooks")
# Short and distinct waits: 5 s, then 1 min, then 10 min; the endpoint is disabled after 4 attempts.
SCHEDULE = RetrySchedule.of_seconds((5, 60, 600))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_server() as running:
        yield running


@pytest.fixture
def subscribe(db: Database, actors: dict[str, Actor], receiver: Receiver) -> Callable[..., EndpointSecret]:
    """An endpoint on the receiver (private network allowed: it is loopback), its secret expected there."""

    def create(name: str = "a", **fields: Any) -> EndpointSecret:
        data = EndpointCreate(url=receiver.url(name), allow_private_network=True, **fields)
        with db.session_scope(SCOPE) as session:
            created = webhook_service.create_endpoint(session, actors["admin"], data=data)
        receiver.expect(name, created.secret)
        return created

    return create


@pytest.fixture
def raise_event(db: Database, world: Any) -> Callable[..., None]:
    """Events through `notify`, as a state change raises them (no e-mail recipients unless given)."""

    def raise_(n: int = 1, *, event: EventType = EventType.REGISTRATION_SUBMITTED, recipients: tuple[str, ...] = (), first: int = 1) -> None:
        with db.session_scope(SCOPE) as session:
            for i in range(first, first + n):
                notification_service.notify(
                    session,
                    SYSTEM,
                    event=event,
                    recipients=[Recipient(world.users[name], "test") for name in recipients],
                    entity_type="registration",
                    entity_id=i,
                    facts={"title": f"Deal {i}", "partner": "Northwind Consulting", "kind": "deal", "customer": "Acme", "by": "x"},
                )

    return raise_


@pytest.fixture
def worker(db: Database) -> Callable[..., Worker]:
    def build(*, schedule: RetrySchedule = SCHEDULE, poster: HttpPoster | None = None, **options: Any) -> Worker:
        lane = WebhookLane(db, poster or HttpPoster(timeout_seconds=5), WebhookOptions(schedule=schedule, **options))
        email = LogTransport(Renderer(public_base_url="https://partners.example.com", sender="Alliance <a@vendor.example>"))
        return Worker(db, {Channel.EMAIL: email}, name="test-worker", webhooks=lane)

    return build


@pytest.fixture
def drain(worker: Callable[..., Worker]) -> Callable[..., Tally]:
    def run(**options: Any) -> Tally:
        return worker(**options).drain()

    return run


@pytest.fixture
def rows(db: Database) -> Callable[..., list[Any]]:
    """Every row of a webhook model, oldest first."""

    def read(model: type[WebhookDelivery] | type[WebhookEndpoint] | type[WebhookAttempt]) -> list[Any]:
        with db.session_scope(SCOPE, write=False) as session:
            return list(session.scalars(select(model).order_by(model.id)))

    return read


def later(delay: float) -> timedelta:
    return timedelta(seconds=delay)
