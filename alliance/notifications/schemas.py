"""What the notifications domain hands out: messages as a worker claims them, the mail log's rows,
the outbox's figures and a person's choices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from alliance.kit.schemas import InputSchema, ReadSchema
from alliance.kit.types import TimeZoneName
from alliance.notifications.vocabulary import Cadence, Channel, EventType, OutboxStatus


class RecipientRead(ReadSchema):
    user_id: int
    name: str
    email: str
    is_active: bool
    partner_id: int | None  # None: vendor staff (links go to the console, else to the portal)


class ClaimedMessage(ReadSchema):
    """One message a worker holds until its lease ends, with what rendering it needs."""

    id: int
    idempotency_key: str
    channel: Channel
    event_type: EventType
    entity_type: str
    entity_id: int | None
    payload: dict[str, Any]
    attempts: int  # including the one this claim starts
    created_at: datetime
    recipient: RecipientRead


class MailLogRow(ReadSchema):
    id: int
    created_at: datetime
    event_type: EventType
    recipient_user_id: int
    recipient_name: str
    recipient_email: str
    entity_type: str
    entity_id: int | None
    subject: str | None
    to_address: str | None
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


class OutboxStats(ReadSchema):
    """The outbox at one moment: messages per status and how long the oldest undelivered one waits."""

    counts: dict[OutboxStatus, int]
    oldest_waiting_since: datetime | None = Field(description="Created-at of the oldest message queued, retrying or being sent")
    oldest_waiting_seconds: float | None
    measured_at: datetime

    def count(self, *statuses: OutboxStatus) -> int:
        return sum(self.counts.get(status, 0) for status in statuses)


class PreferenceRead(ReadSchema):
    event_type: EventType
    label: str
    cadence: Cadence
    mandatory: bool


class PreferencesUpdate(InputSchema):
    """Some of a person's choices, by event type, and the time zone of their daily digest."""

    choices: dict[EventType, Cadence] = Field(default_factory=dict)
    time_zone: TimeZoneName | None = Field(default=None, description="IANA zone of the daily digest (e.g. Europe/Berlin); omitted: unchanged")


class NotificationSettingsRead(ReadSchema):
    """A person's e-mail settings: how often they hear of each event, and when their digest comes."""

    time_zone: str = Field(description="IANA zone the daily digest follows (the deployment's when the person chose none)")
    time_zone_chosen: bool = Field(description="False: the deployment's zone applies")
    digest_hour: int = Field(description="Local hour the daily digest is sent at")
    preferences: list[PreferenceRead]


class InboxMessage(ClaimedMessage):
    """One message as its recipient's inbox item: what rendering needs, and whether it was read."""

    read_at: datetime | None


class InboxItemRead(ReadSchema):
    """An inbox item as the API and the pages show it: its subject as the e-mail's, and where it leads."""

    id: int
    event_type: EventType
    event_label: str
    subject: str
    link: str | None = Field(description="Path of the page the item is about (console or portal), as the e-mail links to it")
    created_at: datetime
    read_at: datetime | None
    unread: bool


class UnreadCount(ReadSchema):
    unread: int


class MarkedRead(ReadSchema):
    marked: int = Field(description="Items that were unread and are now read")
