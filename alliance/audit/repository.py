"""Audit queries. Audit events are vendor records: access is by permission, not partner scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Select, bindparam, inspect, select, text
from sqlalchemy.orm import Session

from alliance.audit.models import AuditChainHead, AuditEvent
from alliance.db import UTCDateTime

_HELD_HEAD = "audit_chain_head_held"  # session.info: (transaction, head) of the lock this transaction holds


@dataclass(frozen=True)
class AuditFilters:
    entity_type: str | None = None
    entity_id: str | None = None
    action: str | None = None
    actor: str | None = None
    partner_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def filtered(self, filters: AuditFilters) -> Select[AuditEvent]:
        statement = select(AuditEvent)
        if filters.entity_type:
            statement = statement.where(AuditEvent.entity_type == filters.entity_type)
        if filters.entity_id:
            statement = statement.where(AuditEvent.entity_id == filters.entity_id)
        if filters.action:
            statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
        if filters.actor:
            statement = statement.where(AuditEvent.actor_label.contains(filters.actor.lower(), autoescape=True))
        if filters.partner_id is not None:
            statement = statement.where(AuditEvent.partner_id == filters.partner_id)
        if filters.since:
            statement = statement.where(AuditEvent.occurred_at >= filters.since)
        if filters.until:
            statement = statement.where(AuditEvent.occurred_at < filters.until)
        return statement.order_by(AuditEvent.seq.desc())

    def get(self, seq: int) -> AuditEvent | None:
        return self.session.get(AuditEvent, seq)

    def lock_head(self) -> AuditChainHead:
        """The chain head, row-locked until commit: appenders queue here (PostgreSQL). Read once per
        transaction: a second event in the same transaction (or savepoint) already holds the lock
        and has the head in the session, as its own append left it."""
        transaction = self.session.get_nested_transaction() or self.session.get_transaction()
        held = self.session.info.get(_HELD_HEAD)
        if held is not None and held[0] is transaction and transaction is not None and transaction.is_active:
            head: AuditChainHead = held[1]
            state = inspect(head)
            if state.persistent and not state.expired and state.session is self.session:
                return head
        head = self.session.execute(select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()).scalar_one()
        self.session.info[_HELD_HEAD] = (transaction, head)
        return head

    def append(self, event: AuditEvent, *, content: str) -> None:
        """PostgreSQL: lock the head, insert `event` after it and move the head to it, in one
        statement (one round trip instead of a locking read, an insert and an update per event).
        `content` is the event's canonical content (chain.canonical_content); the server hashes
        it after the previous hash exactly as chain.event_hash does, and the event gets its seq,
        prev_hash and hash. The head stays locked until commit, as with lock_head."""
        values = {column: getattr(event, column) for column in _APPENDED}
        seq, prev_hash, hash_ = self.session.execute(_APPEND, {**values, "content": content}).one()
        event.seq, event.prev_hash, event.hash = seq, prev_hash, hash_
        # A head this session read earlier in the transaction is now behind the row.
        held = self.session.identity_map.get(self.session.identity_key(AuditChainHead, 1))
        if held is not None:
            self.session.expire(held)

    def head(self) -> AuditChainHead | None:
        return self.session.get(AuditChainHead, 1)

    def in_order(self) -> Select[AuditEvent]:
        return select(AuditEvent).order_by(AuditEvent.seq)

    def entity_types(self) -> list[str]:
        return list(self.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))


_APPENDED = ("occurred_at", "actor_user_id", "actor_label", "action", "entity_type", "entity_id", "partner_id", "before", "after", "reason")
# The head is read FOR UPDATE (waiting for, then reading, another appender's committed head), the
# event inserted after it, and the head moved to the event, in one statement. The hash is
# sha256(prev_hash || content) in hex, as chain.event_hash computes it.
_APPEND = text(
    """
    WITH head AS (SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE),
    appended AS (
        INSERT INTO audit_events (
            seq, occurred_at, actor_user_id, actor_label, action, entity_type, entity_id, partner_id, before, after, reason, prev_hash, hash
        )
        SELECT
            head.last_seq + 1, CAST(:occurred_at AS timestamptz), CAST(:actor_user_id AS integer), CAST(:actor_label AS varchar),
            CAST(:action AS varchar), CAST(:entity_type AS varchar), CAST(:entity_id AS varchar), CAST(:partner_id AS integer),
            CAST(:before AS json), CAST(:after AS json), CAST(:reason AS text), head.last_hash,
            encode(sha256(convert_to(head.last_hash || CAST(:content AS text), 'UTF8')), 'hex')
        FROM head
        RETURNING seq, prev_hash, hash
    )
    UPDATE audit_chain_head SET last_seq = appended.seq, last_hash = appended.hash
    FROM appended WHERE audit_chain_head.id = 1
    RETURNING appended.seq, appended.prev_hash, appended.hash
    """
).bindparams(bindparam("occurred_at", type_=UTCDateTime()), bindparam("before", type_=JSON()), bindparam("after", type_=JSON()))
