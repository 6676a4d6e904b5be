"""Inbox queries: a person's own messages, newest first. Every statement is bound to one recipient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from alliance.identity.models import User
from alliance.kit.repository import Repository
from alliance.kit.statements import AnySelect
from alliance.notifications.models import OutboxMessage
from alliance.notifications.repository import claimed_message
from alliance.notifications.schemas import InboxMessage
from alliance.notifications.vocabulary import Channel, EventType


@dataclass(frozen=True)
class InboxFilters:
    unread_only: bool = False
    event_type: EventType | None = None


class InboxRepository(Repository[OutboxMessage]):
    model = OutboxMessage

    def _own(self, recipient_user_id: int) -> AnySelect:
        # A person's messages to a person (a channel without a recipient, like webhooks, is not an
        # inbox item), except the daily digest: it repeats items the inbox lists already (it is
        # written read, so the unread count needs no such condition and stays index-only).
        return (
            select(OutboxMessage, User.name, User.email, User.is_active, User.partner_id)
            .join(User, User.id == OutboxMessage.recipient_user_id)
            .where(
                OutboxMessage.recipient_user_id == recipient_user_id,
                OutboxMessage.channel == Channel.EMAIL,
                OutboxMessage.event_type != EventType.DAILY_DIGEST,
            )
        )

    def listing(self, recipient_user_id: int, filters: InboxFilters) -> AnySelect:
        statement = self._own(recipient_user_id)
        if filters.unread_only:
            statement = statement.where(OutboxMessage.read_at.is_(None))
        if filters.event_type is not None:
            statement = statement.where(OutboxMessage.event_type == filters.event_type)
        return statement.order_by(OutboxMessage.id.desc())

    def one(self, recipient_user_id: int, message_id: int) -> InboxMessage | None:
        row = self.session.execute(self._own(recipient_user_id).where(OutboxMessage.id == message_id)).first()
        return inbox_message(row) if row else None

    def unread_count(self, recipient_user_id: int) -> int:
        statement = select(func.count()).where(
            OutboxMessage.recipient_user_id == recipient_user_id, OutboxMessage.read_at.is_(None), OutboxMessage.channel == Channel.EMAIL
        )
        return self.session.scalar(statement) or 0

    def mark_read(self, recipient_user_id: int, *, message_ids: list[int] | None, now: datetime) -> int:
        """Mark the recipient's unread messages read (those of `message_ids`, or all); how many."""
        statement = update(OutboxMessage).where(
            OutboxMessage.recipient_user_id == recipient_user_id, OutboxMessage.read_at.is_(None), OutboxMessage.channel == Channel.EMAIL
        )
        if message_ids is not None:
            statement = statement.where(OutboxMessage.id.in_(message_ids))
        result = self.session.execute(statement.values(read_at=now).execution_options(synchronize_session=False))
        return result.rowcount  # type: ignore[attr-defined, no-any-return]


def inbox_message(row: Any) -> InboxMessage:
    return InboxMessage(**dict(claimed_message(row)), read_at=row[0].read_at)
