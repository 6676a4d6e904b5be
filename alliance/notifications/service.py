"""Telling people what happened: `notify` writes the messages a state change owes into the outbox,
in the caller's transaction (nothing is sent for a change that rolls back, nothing is lost once it
commits); each person chooses per event type how often they hear of it; program admins read the
mail log and the outbox's figures. Delivery is `delivery_service` (the worker's side)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import NotFound, PermissionDenied, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.notifications.models import NotificationPreference
from alliance.notifications.repository import MailLogFilters, OutboxRepository, PreferenceRepository
from alliance.notifications.schemas import ClaimedMessage, MailLogRow, OutboxStats, PreferenceRead
from alliance.notifications.vocabulary import Cadence, Channel, EventType, OutboxStatus

KEY_PART_LENGTH = 64
# Every message is also the recipient's inbox item: "off" stops the e-mail, not the inbox entry.
QUEUED_AS = {Cadence.IMMEDIATELY: OutboxStatus.QUEUED, Cadence.DAILY_DIGEST: OutboxStatus.HELD, Cadence.OFF: OutboxStatus.SKIPPED}


@dataclass(frozen=True)
class Recipient:
    """Someone owed a message, and why, in words that finish "You got this e-mail because …"."""

    user_id: int
    why: str


def notify(
    session: Session,
    actor: Actor,
    *,
    event: EventType,
    recipients: Sequence[Recipient],
    entity_type: str,
    entity_id: int | None,
    facts: Mapping[str, Any],
    occurrence: str | None = None,
) -> int:
    """Queue `event` for each recipient (not the actor: nobody is told of their own act) in the
    caller's transaction; returns how many messages were written (each is also the recipient's
    inbox item; one whose e-mail the recipient turned off is written as skipped, never sent).

    `facts` are what the event's template shows (names and values as the recipient may see them,
    JSON-serialisable). Each message's idempotency key is event, subject, occurrence and
    recipient: `occurrence` names a time-based event exactly once (a sweep passes e.g. "30d" and
    may run again without queueing twice); a state change leaves it out and gets a fresh one."""
    if occurrence is not None and not 0 < len(occurrence) <= KEY_PART_LENGTH:
        raise ValueError(f"occurrence must be 1 to {KEY_PART_LENGTH} characters")
    wanted: dict[int, Recipient] = {}
    for recipient in recipients:
        if recipient.user_id != actor.user_id:
            wanted.setdefault(recipient.user_id, recipient)
    if not wanted:
        return 0
    cadences = {} if event.mandatory else PreferenceRepository(session).cadences(user_ids=list(wanted), event_type=event)
    stem = f"{event.value}/{entity_type}/{entity_id or '-'}/{occurrence or uuid.uuid4().hex}"
    repository = OutboxRepository(session)
    taken = repository.existing_keys([f"{stem}/{user_id}" for user_id in wanted]) if occurrence else set()
    now = clock.now()
    rows = []
    for user_id, recipient in wanted.items():
        cadence = cadences.get(user_id, Cadence.IMMEDIATELY)
        key = f"{stem}/{user_id}"
        if key in taken:
            continue
        rows.append(
            {
                "idempotency_key": key,
                "channel": Channel.EMAIL,
                "event_type": event,
                "recipient_user_id": user_id,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "payload": {"facts": dict(facts), "why": recipient.why},
                "status": QUEUED_AS[cadence],
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    repository.add_messages(rows)
    return len(rows)


# --- each person's choices -----------------------------------------------------------------------


def _own_user(actor: Actor) -> int:
    if actor.user_id is None:
        raise PermissionDenied("E-mail preferences belong to a signed-in person.")
    return actor.user_id


def list_preferences(session: Session, actor: Actor) -> list[PreferenceRead]:
    """The actor's choice for every event type their role can receive (the default: immediately)."""
    user_id = _own_user(actor)
    stored = PreferenceRepository(session).for_user(user_id)
    return [
        PreferenceRead(
            event_type=event,
            label=event.label,
            cadence=Cadence.IMMEDIATELY if event.mandatory or event not in stored else stored[event].cadence,
            mandatory=event.mandatory,
        )
        for event in EventType
        if can(actor, event.audience)
    ]


def set_preferences(session: Session, actor: Actor, *, choices: Mapping[EventType, Cadence]) -> list[PreferenceRead]:
    """Change some of the actor's choices; a mandatory event cannot be changed from "immediately"."""
    user_id = _own_user(actor)
    offered = {p.event_type: p for p in list_preferences(session, actor)}
    errors = []
    for event, cadence in choices.items():
        if event not in offered:
            errors.append({"field": event.value, "message": "your role does not receive this e-mail"})
        elif event.mandatory and cadence != Cadence.IMMEDIATELY:
            errors.append({"field": event.value, "message": "this e-mail is always sent at once"})
    if errors:
        raise RuleViolation("Some e-mail choices cannot be made: " + "; ".join(f"{e['field']} ({e['message']})" for e in errors), details=errors)
    repository = PreferenceRepository(session)
    stored = repository.for_user(user_id)
    before = {event.value: offered[event].cadence.value for event in choices}
    for event, cadence in choices.items():
        if event in stored:
            stored[event].cadence = cadence
        else:
            repository.add(NotificationPreference(user_id=user_id, event_type=event, cadence=cadence))
    after = {event.value: cadence.value for event, cadence in choices.items()}
    if after != before:
        audit.record(session, actor, "notification_preferences.changed", entity_type="user", entity_id=user_id, before=before, after=after)
    return list_preferences(session, actor)


# --- the mail log and the outbox's figures -------------------------------------------------------


def list_messages(session: Session, actor: Actor, *, filters: MailLogFilters, page: PageRequest) -> Page[MailLogRow]:
    """Every message the outbox holds, newest first, with its recipient's name."""
    require(actor, Permission.MAIL_LOG_READ)
    found = paginate(session, OutboxRepository(session).mail_log(filters), page, rows=True)
    items = [MailLogRow.model_validate(row._mapping) for row in found.items]
    return Page(items=items, total=found.total, limit=found.limit, offset=found.offset)


def get_message(session: Session, actor: Actor, *, message_id: int) -> tuple[MailLogRow, ClaimedMessage]:
    """One message as the mail log lists it, and as the worker renders it (for its preview)."""
    require(actor, Permission.MAIL_LOG_READ)
    repository = OutboxRepository(session)
    rows = session.execute(repository.mail_log(MailLogFilters(message_id=message_id))).all()
    message = repository.message(message_id)
    if not rows or message is None:
        raise NotFound(f"Message {message_id} not found.")
    return MailLogRow.model_validate(rows[0]._mapping), message


def outbox_stats(session: Session, actor: Actor) -> OutboxStats:
    require(actor, Permission.MAIL_LOG_READ)
    repository = OutboxRepository(session)
    now = clock.now()
    oldest = repository.oldest_waiting_since()
    return OutboxStats(
        counts=repository.counts_by_status(),
        oldest_waiting_since=oldest,
        oldest_waiting_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else None,
        measured_at=now,
    )
