"""Leased work queues: a worker claims due rows for a while (its lease), works on them without
holding a database lock, and gives back what it did not try. The outbox's e-mails and the webhook
deliveries are both such queues; each table has `id`, `status`, `attempts`, `next_attempt_at`
(when the row is next due: the next try, or the end of a worker's lease), `claimed_by` and
`updated_at`.

A claim is one UPDATE over rows selected `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers
running at once never take the same row and never wait for one another; SQLite's write lock
(BEGIN IMMEDIATE) serialises claims instead."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from alliance.kit.statements import AnySelect, rowcount


@dataclass(frozen=True)
class LeasedQueue:
    model: Any  # the mapped class of the queue's table
    sending: StrEnum  # claimed by a worker until next_attempt_at
    queued: StrEnum  # waiting for its first attempt
    retrying: StrEnum  # waiting for another attempt
    given_up: StrEnum  # what a row becomes when every attempt ended with its worker gone

    @property
    def claimable(self) -> tuple[StrEnum, ...]:
        """A sending row is claimable again once its lease has run out."""
        return (self.queued, self.retrying, self.sending)

    def due(self, candidates: AnySelect, *, now: datetime, max_attempts: int) -> AnySelect:
        """`candidates` (a select of the model's ids, with whatever joins and rules the queue adds)
        limited to rows due now and not out of attempts, oldest due first."""
        model = self.model
        return candidates.where(model.status.in_(self.claimable), model.next_attempt_at <= now, model.attempts < max_attempts).order_by(
            model.next_attempt_at, model.id
        )

    def claim(self, session: Session, due: AnySelect, *, token: str, limit: int, now: datetime, lease_until: datetime) -> list[int]:
        """Mark up to `limit` rows of `due` as being worked on by `token` until `lease_until`; their ids."""
        model = self.model
        chosen = due.limit(limit).with_for_update(of=model, skip_locked=True)  # rendered on PostgreSQL only
        statement = (
            update(model)
            .where(model.id.in_(chosen.scalar_subquery()))
            .values(status=self.sending, claimed_by=token, attempts=model.attempts + 1, next_attempt_at=lease_until, updated_at=now)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(session.scalars(statement))

    def bury_abandoned(self, session: Session, *, now: datetime, max_attempts: int, error: str) -> int:
        """Rows whose every attempt ended with its worker gone (killed while working on them)."""
        model = self.model
        statement = (
            update(model)
            .where(model.status == self.sending, model.next_attempt_at <= now, model.attempts >= max_attempts)
            .values(status=self.given_up, last_error=error, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(session.execute(statement))

    def give_back(self, session: Session, *, token: str, ids: Collection[int], now: datetime) -> None:
        """Rows a worker claimed but did not try (it stopped, or its lease was ending): due again
        now, and the claim's attempt uncounted."""
        model = self.model
        statement = (
            update(model)
            .where(model.id.in_(ids), model.claimed_by == token, model.status == self.sending)
            .values(
                status=case((model.attempts > 1, self.retrying.value), else_=self.queued.value),
                attempts=model.attempts - 1,
                next_attempt_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(statement)
