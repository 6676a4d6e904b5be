"""Telling people what happened: `notify` writes the messages a state change owes into the outbox,
in the caller's transaction (nothing is sent for a change that rolls back, nothing is lost once it
commits); each person chooses per event type how often they hear of it; program admins read the
mail log and the outbox's figures. Delivery is `delivery_service` (the worker's side)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.db import in_sandbox, once_per_transaction
from alliance.errors import NotFound, PermissionDenied, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.statements import AnyRows
from alliance.notifications.models import NotificationPreference
from alliance.notifications.repository import MailLogFilters, OutboxRepository, PreferenceRepository
from alliance.notifications.schemas import ClaimedMessage, MailLogRow, NotificationSettingsRead, OutboxStats, PreferenceRead
from alliance.notifications.vocabulary import Cadence, Channel, EventType, OutboxStatus
from alliance.webhooks import fanout_service

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
    if in_sandbox(session):
        return 0  # a partner's sandbox (test data) tells nobody: no e-mail, inbox item or webhook
    stem = f"{event.value}/{entity_type}/{entity_id or '-'}/{occurrence or uuid.uuid4().hex}"
    # Webhooks: once per event, whoever (if anyone) is e-mailed about it.
    fanout_service.queue_event(session, event=event, key=stem, stable=occurrence is not None, entity_type=entity_type, entity_id=entity_id, facts=facts)
    wanted: dict[int, Recipient] = {}
    for recipient in recipients:
        if recipient.user_id != actor.user_id:
            wanted.setdefault(recipient.user_id, recipient)
    if not wanted:
        return 0
    cadences = {} if event.mandatory else _cadences(session, wanted, event)
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


def _cadences(session: Session, user_ids: Collection[int], event: EventType) -> dict[int, Cadence]:
    """The recipients' chosen cadences for `event`: every event's, read once per transaction for
    these people (a submit tells the same reviewers of the registration and of its conflicts)."""
    chosen = once_per_transaction(
        session,
        ("notification cadences", frozenset(user_ids)),
        lambda: PreferenceRepository(session).cadences_by_event(user_ids=sorted(user_ids)),
        tables=frozenset({"notification_preferences"}),
    )
    return {user_id: cadence for (user_id, event_type), cadence in chosen.items() if event_type == event}


def notify_each(session: Session, actor: Actor, *, event: EventType, rows: AnyRows, entity_type: str, occurrence: str) -> int:
    """Queue `event` once per row of `rows`, set-based (one INSERT … SELECT, never a loop over
    rows): what a sweep reminds many people of. `rows` labels its columns `recipient_user_id`,
    `entity_id`, `why` (SQL expressions welcome), optionally `cycle` (what makes a new round of the
    same reminder, e.g. the protection's end date, so an extended protection is reminded again),
    and every other column is a fact the template shows.

    Each message's key is event, entity, `occurrence` (the threshold: "30d") and recipient, so a
    re-run, or another row naming the same person, queues nothing twice. Preferences apply in the
    statement (off: nothing, daily digest: held); the actor (a person running an evaluation) is
    not told of their own act. Returns how many messages were queued."""
    if not 0 < len(occurrence) <= KEY_PART_LENGTH:
        raise ValueError(f"occurrence must be 1 to {KEY_PART_LENGTH} characters")
    now = clock.now()
    repository = OutboxRepository(session)
    queued = repository.add_from_select(
        rows, event=event, entity_type=entity_type, occurrence=occurrence, now=now, channel=Channel.EMAIL.value, skip_user_id=actor.user_id
    )
    if queued and fanout_service.wanted(session, event):
        _post_reminders(repository, session, event=event, entity_type=entity_type, occurrence=occurrence, now=now)
    return queued


def _post_reminders(repository: OutboxRepository, session: Session, *, event: EventType, entity_type: str, occurrence: str, now: datetime) -> None:
    """Webhook endpoints hear of each thing reminded of once (not once per person told), keyed as
    stably as the e-mails: a re-run posts nothing twice. Streamed a thousand things at a time."""
    seen: set[str] = set()
    batch: list[fanout_service.Occurrence] = []
    for key, entity_id, facts in repository.queued_by(event=event, entity_type=entity_type, occurrence=occurrence, now=now):
        stem = key.rpartition("/")[0]  # the key without its recipient
        if stem in seen:
            continue
        seen.add(stem)
        batch.append(fanout_service.Occurrence(stem, entity_type, entity_id, facts))
        if len(batch) == 1_000:
            fanout_service.queue_events(session, event=event, occurrences=batch, stable=True)
            batch = []
    fanout_service.queue_events(session, event=event, occurrences=batch, stable=True)


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
        if event.audience is not None and can(actor, event.audience)
    ]


def settings(session: Session, actor: Actor, *, default_zone: str, digest_hour: int) -> NotificationSettingsRead:
    """The actor's e-mail settings: their choice per event type, and their digest's zone and hour
    (`default_zone`, `digest_hour`: the deployment's settings)."""
    require(actor, Permission.OWN_EMAIL_SETTINGS)
    chosen = PreferenceRepository(session).time_zone(_own_user(actor))
    return NotificationSettingsRead(
        time_zone=chosen or default_zone,
        time_zone_chosen=chosen is not None,
        digest_hour=digest_hour,
        preferences=list_preferences(session, actor),
    )


def set_preferences(session: Session, actor: Actor, *, choices: Mapping[EventType, Cadence], time_zone: str | None = None) -> list[PreferenceRead]:
    """Change some of the actor's choices, and the time zone of their daily digest (None: as it
    is); a mandatory event cannot be changed from "immediately"."""
    require(actor, Permission.OWN_EMAIL_SETTINGS)
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
    before: dict[str, str | None] = {event.value: offered[event].cadence.value for event in choices}
    for event, cadence in choices.items():
        if event in stored:
            stored[event].cadence = cadence
        else:
            repository.add(NotificationPreference(user_id=user_id, event_type=event, cadence=cadence))
    after: dict[str, str | None] = {event.value: cadence.value for event, cadence in choices.items()}
    if time_zone is not None:
        before["time_zone"] = repository.time_zone(user_id)
        after["time_zone"] = time_zone
        repository.set_time_zone(user_id, time_zone)
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
