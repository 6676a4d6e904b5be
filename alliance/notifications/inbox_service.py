"""Each person's in-app inbox: the outbox's messages addressed to them (every event that reaches
someone by e-mail reaches their inbox too, including those whose e-mail they turned off), read or
unread. A person only ever reaches their own messages: another person's id answers 404.

Reading is not audited: it changes nothing anyone else sees, and the trail would fill with it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.errors import NotFound, PermissionDenied
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.notifications.inbox_repository import InboxFilters, InboxRepository, inbox_message
from alliance.notifications.schemas import InboxMessage


def _recipient(actor: Actor) -> int:
    require(actor, Permission.INBOX_READ)
    if actor.user_id is None:
        raise PermissionDenied("An inbox belongs to a signed-in person.")
    return actor.user_id


def list_inbox(session: Session, actor: Actor, *, filters: InboxFilters, page: PageRequest) -> Page[InboxMessage]:
    """The actor's messages, newest first."""
    statement = InboxRepository(session).listing(_recipient(actor), filters)
    found = paginate(session, statement, page, rows=True)
    return Page(items=[inbox_message(row) for row in found.items], total=found.total, limit=found.limit, offset=found.offset)


def unread_count(session: Session, actor: Actor) -> int:
    """The bell's number: one indexed count (recipient, read_at)."""
    if actor.user_id is None:
        return 0
    return InboxRepository(session).unread_count(_recipient(actor))


def mark_read(session: Session, actor: Actor, *, message_id: int) -> InboxMessage:
    """Mark one of the actor's messages read (opening it); already read stays as it was."""
    user_id = _recipient(actor)
    repository = InboxRepository(session)
    if repository.one(user_id, message_id) is None:
        raise NotFound(f"Inbox item {message_id} not found.")
    repository.mark_read(user_id, message_ids=[message_id], now=clock.now())
    found = repository.one(user_id, message_id)
    assert found is not None
    return found


def mark_all_read(session: Session, actor: Actor) -> int:
    """Mark every unread message of the actor's read; how many were unread."""
    return InboxRepository(session).mark_read(_recipient(actor), message_ids=None, now=clock.now())
