"""Webhook endpoints (program admins subscribe a URL to event types), the deliveries the outbox
owes each of them and every attempt made. Not partner-owned: webhooks are the vendor's
integration, and only program admins and the worker read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Aggregate, Base, TimestampMixin, enum_type, register_enum_columns
from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus

register_enum_columns({EndpointStatus: 16, DeliveryStatus: 16})

TO_DELIVER = "status IN ('queued', 'retrying', 'sending')"


class WebhookEndpoint(Aggregate, TimestampMixin, Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(300), default="")
    # Event type values (notifications.vocabulary.EventType); empty means every event.
    event_types: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[EndpointStatus] = mapped_column(default=EndpointStatus.ACTIVE)
    # The signing key ("whsec_" + base64): the receiver holds it too. After a rotation the previous
    # one still signs (a second signature) until previous_secret_until, so receivers can switch.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None]
    # Loopback, private, link-local ... addresses are refused unless a program admin allows them.
    allow_private_network: Mapped[bool] = mapped_column(default=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    disabled_at: Mapped[datetime | None]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class WebhookDelivery(Aggregate, TimestampMixin, Base):
    """One event owed to one endpoint. A replay is a new row with the same webhook-id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The head of each endpoint's queue: the first undelivered row holds back the later ones.
        Index("ix_webhook_deliveries_pending", "endpoint_id", "id", postgresql_where=text(TO_DELIVER), sqlite_where=text(TO_DELIVER)),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # `webhook-id`: the same on every attempt and replay of one event, and for every endpoint, so a
    # receiver drops a copy (a worker killed after the endpoint answered sends it again).
    message_id: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    # Without a CHECK, like the outbox's: every domain adds events without a migration.
    event_type: Mapped[EventType] = mapped_column(enum_type(EventType, 64, checked=False))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # The exact bytes posted (UTF-8 JSON): every attempt sends the same body.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[int | None]
    delivered_at: Mapped[datetime | None]
    replay_of_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="SET NULL"))


class WebhookAttempt(Base):
    """What one attempt sent and got back (excerpts), for the delivery log. Append-only."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=clock.now)
    duration_ms: Mapped[int] = mapped_column(default=0)
    request_headers: Mapped[str] = mapped_column(Text, default="")
    response_status: Mapped[int | None]
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
