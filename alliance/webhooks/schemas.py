"""What program admins send and read about webhook endpoints and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from alliance.kit.schemas import InputSchema, OptionalText, ReadSchema
from alliance.notifications.vocabulary import EventType
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class EndpointCreate(InputSchema):
    url: Url = Field(description="http:// or https:// URL the events are posted to; redirects are not followed")
    description: OptionalText = ""
    event_types: list[EventType] = Field(default_factory=list, description="Event types to send; empty: every event")
    allow_private_network: bool = Field(default=False, description="Allow loopback, private and link-local addresses (an internal receiver); audited")


class EndpointUpdate(InputSchema):
    url: Url | None = None
    description: OptionalText | None = None
    event_types: list[EventType] | None = None
    allow_private_network: bool | None = None
    status: EndpointStatus | None = Field(default=None, description="disable, or enable again (pending deliveries resume in order)")


class EndpointRead(ReadSchema):
    id: int
    url: str
    description: str
    event_types: list[str]
    status: EndpointStatus
    allow_private_network: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EndpointSecret(ReadSchema):
    """The signing secret: shown when the endpoint is created and when it is rotated, never again."""

    endpoint: EndpointRead
    secret: str = Field(description="whsec_ followed by the base64 key: store it now, it is not shown again")
    previous_secret_valid_until: datetime | None = Field(default=None, description="After a rotation: until when the old secret also signs")


class DeliveryRead(ReadSchema):
    id: int
    endpoint_id: int
    message_id: str = Field(description="The webhook-id header: the same on every attempt and replay")
    event_type: EventType
    entity_type: str
    entity_id: int | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    response_status: int | None
    delivered_at: datetime | None
    replay_of_id: int | None
    created_at: datetime


class AttemptRead(ReadSchema):
    attempted_at: datetime
    duration_ms: int
    request_headers: str
    response_status: int | None
    response_excerpt: str | None
    error: str | None


class DeliveryDetail(DeliveryRead):
    body: str
    attempt_log: list[AttemptRead]


class ClaimedDelivery(ReadSchema):
    """One delivery a worker holds until its lease ends, with what posting it needs."""

    id: int
    endpoint_id: int
    url: str
    allow_private_network: bool
    secrets: list[str]  # the current secret first; the previous one during a rotation's grace
    message_id: str
    body: str
    attempts: int  # including the one this claim starts
