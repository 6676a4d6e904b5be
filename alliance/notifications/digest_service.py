"""Daily digests: at each person's local morning (their time zone, else the deployment's), the
messages they chose to receive in a digest since the previous morning go out as one e-mail.

The worker calls `build_due_digests` before delivering. It works a time zone at a time (there are
a handful, whatever the number of messages) and a bounded batch of people at a time: their held
messages are locked (rows another worker is digesting are skipped), summarised by the delivery
adapter (subject and link, rendered as the e-mail would have been), and replaced by one queued
digest message per person in the same transaction — so a message is digested exactly once, and
the digest itself is delivered, retried and logged like any other message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.notifications.digest_schedule import last_digest_moment
from alliance.notifications.models import OutboxMessage
from alliance.notifications.repository import OutboxRepository
from alliance.notifications.schemas import ClaimedMessage
from alliance.notifications.vocabulary import Channel, EventType, OutboxStatus

# A digest lists this many messages in full and counts the rest (the inbox holds them all).
LISTED = 50
WHY = "you chose to receive some e-mails in a daily digest"


@dataclass(frozen=True)
class DigestLine:
    """One held message as the digest lists it: its e-mail's subject and link."""

    subject: str
    link: str


Summarise = Callable[[ClaimedMessage], DigestLine]


def build_due_digests(session: Session, actor: Actor, *, now: datetime, hour: int, default_zone: str, summarise: Summarise, limit: int = 200) -> int:
    """Queue the digests due at `now` for up to `limit` people; how many were queued."""
    require(actor, Permission.OUTBOX_DELIVER)
    repository = OutboxRepository(session)
    built = 0
    for time_zone in repository.held_time_zones():
        if built >= limit:
            break
        day, moment = last_digest_moment(now, _zone(time_zone, default_zone), hour)
        recipients = repository.held_recipients(time_zone=time_zone, before=moment, limit=limit - built)
        if recipients:
            built += _digest(repository, recipients=recipients, before=moment, day=day, now=now, summarise=summarise)
    return built


def _zone(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):  # a zone this machine's tz database lacks
        return ZoneInfo(default)


def _digest(repository: OutboxRepository, *, recipients: list[int], before: datetime, day: date, now: datetime, summarise: Summarise) -> int:
    held = repository.lock_held(recipient_user_ids=recipients, before=before)
    if not held:
        return 0
    views = {view.id: view for view in repository.claimed([message.id for message in held])}
    digests = []
    for user_id, group in groupby(held, key=lambda message: message.recipient_user_id):
        messages = list(group)
        lines = [(message, summarise(views[message.id])) for message in messages]
        for message, line in lines:
            message.status = OutboxStatus.DIGESTED
            message.subject = line.subject[:300]
            message.to_address = views[message.id].recipient.email
            message.updated_at = now
        digests.append(_digest_row(user_id, day=day, lines=lines, now=now))
    repository.add_messages(digests)
    return len(digests)


def _digest_row(user_id: int, *, day: date, lines: list[tuple[OutboxMessage, DigestLine]], now: datetime) -> dict[str, object]:
    items = [{"label": message.event_type.label, "subject": line.subject, "link": line.link, "at": message.created_at.isoformat()} for message, line in lines]
    event = EventType.DAILY_DIGEST
    # The first message's id makes the key unique should a late-committing message need a second
    # digest the same day; the day makes it readable.
    key = f"{event.value}/user/{user_id}/{day.isoformat()}:{lines[0][0].id}/{user_id}"
    return {
        "idempotency_key": key,
        "channel": Channel.EMAIL,
        "event_type": event,
        "recipient_user_id": user_id,
        "entity_type": "user",
        "entity_id": user_id,
        "payload": {"facts": {"day": day.isoformat(), "count": len(items), "items": items[:LISTED], "more": max(0, len(items) - LISTED)}, "why": WHY},
        "status": OutboxStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
        "read_at": now,  # its items are in the inbox already: the digest itself is never unread there
    }
