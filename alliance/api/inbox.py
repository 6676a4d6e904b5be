"""The caller's in-app inbox: the messages addressed to them, read or unread (only ever their own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.delivery.inbox import inbox_item, inbox_items
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.notifications import inbox_service
from alliance.notifications.inbox_repository import InboxFilters
from alliance.notifications.schemas import InboxItemRead, MarkedRead, UnreadCount
from alliance.notifications.vocabulary import EventType

router = api_router(prefix="/inbox", tags=["inbox"])


@router.get("", response_model=PageRead[InboxItemRead], openapi_extra=allowed(Permission.INBOX_READ))
def list_inbox(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    unread: Annotated[bool, Query(description="Only the items not read yet")] = False,
    event_type: EventType | None = None,
) -> dict[str, object]:
    """Newest first; each item's subject is its e-mail's, its link the page it is about."""
    found = inbox_service.list_inbox(session, actor, filters=InboxFilters(unread_only=unread, event_type=event_type), page=page)
    return {**found.as_response(), "items": inbox_items(found.items)}


@router.get("/unread-count", response_model=UnreadCount, openapi_extra=allowed(Permission.INBOX_READ))
def unread_count(session: DbSession, actor: CurrentActor) -> UnreadCount:
    return UnreadCount(unread=inbox_service.unread_count(session, actor))


@router.post("/read-all", response_model=MarkedRead, openapi_extra=allowed(Permission.INBOX_READ))
def mark_all_read(session: DbSession, actor: CurrentActor) -> MarkedRead:
    return MarkedRead(marked=inbox_service.mark_all_read(session, actor))


@router.post("/{message_id}/read", response_model=InboxItemRead, openapi_extra=allowed(Permission.INBOX_READ))
def mark_read(message_id: IdPath, session: DbSession, actor: CurrentActor) -> InboxItemRead:
    return inbox_item(inbox_service.mark_read(session, actor, message_id=message_id))
