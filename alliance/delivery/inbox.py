"""Inbox items as people see them in the console, the portal and the API: each message's subject
exactly as its e-mail's, and the path its e-mail links to (one template per event, no second one)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from jinja2 import TemplateError

from alliance.delivery.rendering import headline
from alliance.notifications.schemas import InboxItemRead, InboxMessage

log = logging.getLogger(__name__)


def inbox_item(message: InboxMessage) -> InboxItemRead:
    try:
        subject, path = headline(message)
    except TemplateError:
        # A message the template cannot render (its e-mail goes dead too) still shows, by its kind.
        log.warning("inbox item %s: template %s failed", message.id, message.event_type.value, exc_info=True)
        subject, path = message.event_type.label, ""
    return InboxItemRead(
        id=message.id,
        event_type=message.event_type,
        event_label=message.event_type.label,
        subject=subject or message.event_type.label,
        link=path if path.startswith("/") else None,
        created_at=message.created_at,
        read_at=message.read_at,
        unread=message.read_at is None,
    )


def inbox_items(messages: Iterable[InboxMessage]) -> list[InboxItemRead]:
    return [inbox_item(message) for message in messages]
