"""Audit queries. Audit events are vendor records: access is by permission, not partner scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session

from alliance.audit.models import AuditChainHead, AuditEvent

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

    def head(self) -> AuditChainHead | None:
        return self.session.get(AuditChainHead, 1)

    def in_order(self) -> Select[AuditEvent]:
        return select(AuditEvent).order_by(AuditEvent.seq)

    def entity_types(self) -> list[str]:
        return list(self.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))
