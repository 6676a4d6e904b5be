"""The outbox (one row per message a person is owed) and each person's choice per event type.

Neither is partner-owned: a partner user's action writes messages to vendor staff in the same
transaction, and only the worker (system scope) and program admins (the mail log) read them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Aggregate, Base, TimestampMixin, enum_type, register_enum_columns
from alliance.kit import clock
from alliance.notifications.vocabulary import Cadence, Channel, EventType, OutboxStatus

register_enum_columns({Cadence: 16, Channel: 16, EventType: 64, OutboxStatus: 16})


def _event_type() -> Enum:
    """Event types arrive with every domain that tells people things: stored without a CHECK, so a
    new one needs no migration (the ORM still refuses a value the enum does not have)."""
    return enum_type(EventType, 64, checked=False)


class OutboxMessage(Aggregate, TimestampMixin, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # What a worker claims: only rows still to deliver are in this index, oldest due first.
        Index(
            "ix_outbox_messages_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("status IN ('queued', 'retrying', 'sending')"),
            sqlite_where=text("status IN ('queued', 'retrying', 'sending')"),
        ),
        Index("ix_outbox_messages_status", "status", "id"),
        # Each message is also its recipient's inbox item: the bell counts their unread ones on every page.
        Index("ix_outbox_messages_inbox", "recipient_user_id", "read_at", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One per message, whatever happens to it: the e-mail's Message-ID derives from it, so a
    # message sent twice (a worker killed after the server accepted it) is dropped by the receiver.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(default=Channel.EMAIL)
    event_type: Mapped[EventType] = mapped_column(_event_type())
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # What the event is about (a registration ...), for links and the mail log.
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # What the template needs, captured when the event happened: names and values, never ids of
    # another partner's records; and `why` the recipient gets it (the e-mail's footer).
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # When a worker may next take it: the first or next attempt, or the end of a worker's lease.
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    # As delivered: the address and subject the message went out with.
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    # When the recipient opened it in their in-app inbox (None: unread).
    read_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """A person's choice for one event type; no row means the default (immediately)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "event_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_type: Mapped[EventType] = mapped_column(_event_type())
    cadence: Mapped[Cadence]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
