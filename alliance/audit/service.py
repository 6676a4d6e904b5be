"""Appending to, reading and verifying the audit trail."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from alliance.audit.chain import ChainVerdict, canonical_content, event_hash, verify_events
from alliance.audit.models import GENESIS_HASH, AuditEvent
from alliance.audit.repository import AuditFilters, AuditRepository
from alliance.errors import NotFound
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Normalised so 125000 and 125000.00 (before and after a database round trip) compare equal.
        return format(value.normalize(), "f")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Plain values of `fields` on `obj`, for before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    entity_type: str,
    entity_id: int | str,
    partner_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction; it commits or rolls back with the change."""
    changed_before, changed_after = _only_changes(before, after)
    # The change the event records is written before the event joins the chain, as always.
    session.flush()
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        partner_id=partner_id,
        before=changed_before,
        after=changed_after,
        reason=reason,
    )
    repository = AuditRepository(session)
    if session.get_bind().dialect.name == "postgresql":
        repository.append(event, content=canonical_content(_event_fields(event)))
        return event
    # SQLite: the head, read once per transaction; writers already hold the database write lock
    # (BEGIN IMMEDIATE).
    head = repository.lock_head()
    event.seq, event.prev_hash = head.last_seq + 1, head.last_hash
    event.hash = event_hash(head.last_hash, _event_fields(event))
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.add(event)
    session.flush()
    return event


def record_update(
    session: Session,
    actor: Actor,
    action: str,
    *,
    entity_type: str,
    entity_id: int | str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    partner_id: int | None = None,
    reason: str | None = None,
) -> AuditEvent | None:
    """An update of a record (every PATCH): the trail records changes, so one that sets what is
    already there writes nothing (None), and one that changes any field writes one event."""
    if not _only_changes(before, after)[1]:
        return None
    return record(session, actor, action, entity_type=entity_type, entity_id=entity_id, partner_id=partner_id, before=before, after=after, reason=reason)


def _only_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if before is None or after is None:
        return (_jsonable(before) if before is not None else None, _jsonable(after) if after is not None else None)
    keys = [k for k in dict.fromkeys([*after, *before]) if before.get(k) != after.get(k)]
    return ({k: _jsonable(before.get(k)) for k in keys}, {k: _jsonable(after.get(k)) for k in keys})


def _event_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "partner_id": event.partner_id,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _stream(session: Session, statement: Select[AuditEvent], batch: int = 2000) -> Iterator[AuditEvent]:
    for event in session.scalars(statement.execution_options(yield_per=batch)):
        yield event
        session.expunge(event)


def list_events(session: Session, actor: Actor, *, filters: AuditFilters, page: PageRequest) -> Page[AuditEvent]:
    require(actor, Permission.AUDIT_READ)
    return paginate(session, AuditRepository(session).filtered(filters), page)


def get_event(session: Session, actor: Actor, *, seq: int) -> AuditEvent:
    require(actor, Permission.AUDIT_READ)
    event = AuditRepository(session).get(seq)
    if event is None:
        raise NotFound(f"Audit event {seq} not found.")
    return event


def entity_types(session: Session, actor: Actor) -> list[str]:
    require(actor, Permission.AUDIT_READ)
    return AuditRepository(session).entity_types()


def verify_chain(session: Session, actor: Actor) -> ChainVerdict:
    """Check the whole trail in seq order with bounded memory."""
    require(actor, Permission.AUDIT_READ)
    repository = AuditRepository(session)
    head = repository.head()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    events = (_event_fields(e) for e in _stream(session, repository.in_order()))
    return verify_events(events, genesis=GENESIS_HASH, head_seq=head_seq, head_hash=head_hash)


def export_rows(session: Session, actor: Actor) -> Iterator[dict[str, Any]]:
    require(actor, Permission.AUDIT_READ)
    for event in _stream(session, AuditRepository(session).in_order()):
        row = _event_fields(event)
        row["occurred_at"] = event.occurred_at.isoformat()
        yield row
