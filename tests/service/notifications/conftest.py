"""An SMTP server in-process, a worker that drains the outbox into it, and the outbox's rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from alliance.db import Database
from alliance.delivery.mailer import LogTransport, SmtpSettings, SmtpTransport, Transport
from alliance.delivery.rendering import Renderer
from alliance.delivery.worker import Tally, Worker, WorkerOptions
from alliance.identity.scope import PartnerScope
from alliance.notifications.attempts import RetryPolicy
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import Channel
from tests.service.cosell.requests_fixtures import file_request, resource_actor, routing  # noqa: F401
from tests.service.enablement.conftest import lines  # noqa: F401
from tests.service.registrations.conftest import act, catalog, register  # noqa: F401
from tests.smtp_receiver import Receiver, smtp_server

BASE_URL = "https://partners.example.com"
SENDER = "Alliance <alliance@vendor.example>"


@pytest.fixture
def smtp() -> Iterator[tuple[Receiver, int]]:
    with smtp_server() as running:
        yield running


def renderer() -> Renderer:
    return Renderer(public_base_url=BASE_URL, sender=SENDER)


@pytest.fixture
def worker(db: Database, smtp: tuple[Receiver, int]) -> Callable[..., Worker]:
    """A worker delivering to the test SMTP server (or, with `log=True`, to the mail log)."""

    def build(*, max_attempts: int = 8, log: bool = False, port: int | None = None, **options: Any) -> Worker:
        transport: Transport = (
            LogTransport(renderer())
            if log
            else SmtpTransport(SmtpSettings(host="127.0.0.1", port=port or smtp[1], security="none", timeout_seconds=5), renderer())
        )
        policy = RetryPolicy(max_attempts=max_attempts, first_delay=timedelta(minutes=1), longest_delay=timedelta(hours=1))
        return Worker(db, {Channel.EMAIL: transport}, WorkerOptions(policy=policy, **options), name="test-worker")

    return build


@pytest.fixture
def drain(worker: Callable[..., Worker]) -> Callable[..., Tally]:
    def run(**options: Any) -> Tally:
        return worker(**options).drain()

    return run


@pytest.fixture
def outbox(db: Database) -> Callable[[], list[OutboxMessage]]:
    """Every outbox row, oldest first."""

    def rows() -> list[OutboxMessage]:
        with db.session_scope(PartnerScope.system(reason="test outbox"), write=False) as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return rows
