"""The worker's side of the outbox: claim due messages for a lease, then record what each
delivery attempt ended in. Each call is its own short transaction in the worker, so no database
lock is held while a message travels to the SMTP server.

A claim is a lease: the worker must have finished with its messages by `lease_until` (it stops
sending when the lease runs out), after which another worker may take them again. A worker killed
after the server accepted a message but before it recorded so sends that message again after the
lease: with the same Message-ID, which the receiver uses to drop the copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.notifications.attempts import Delivered, Failed, Outcome, RetryPolicy, after_failure, short_error
from alliance.notifications.repository import OutboxRepository
from alliance.notifications.schemas import ClaimedMessage
from alliance.notifications.vocabulary import OutboxStatus


@dataclass(frozen=True)
class Claim:
    token: str
    messages: list[ClaimedMessage]
    lease_until: datetime
    buried: int = 0  # messages given up on: their worker died while sending them, every time


def claim_messages(session: Session, actor: Actor, *, token: str, limit: int, lease: timedelta, max_attempts: int) -> Claim:
    """Take up to `limit` due messages (oldest due first) for `token` until the lease ends."""
    require(actor, Permission.OUTBOX_DELIVER)
    now = clock.now()
    repository = OutboxRepository(session)
    buried = repository.bury_abandoned(now=now, max_attempts=max_attempts)
    ids = repository.claim(token=token, limit=limit, now=now, lease_until=now + lease, max_attempts=max_attempts)
    return Claim(token=token, messages=repository.claimed(ids) if ids else [], lease_until=now + lease, buried=buried)


def record_outcomes(session: Session, actor: Actor, *, claim: Claim, outcomes: Sequence[Outcome], policy: RetryPolicy) -> None:
    """Store each outcome: sent (or logged), retried later with backoff, or dead. A message the
    claim no longer holds (its lease ran out and another worker took it) is left alone."""
    require(actor, Permission.OUTBOX_DELIVER)
    attempts = {message.id: message.attempts for message in claim.messages}
    now = clock.now()
    changes: list[dict[str, Any]] = []
    for outcome in outcomes:
        change: dict[str, Any] = {"id": outcome.message_id, "updated_at": now, "last_error": None, "to_address": None, "subject": None, "sent_at": None}
        if isinstance(outcome, Delivered):
            status = OutboxStatus.LOGGED if outcome.logged else OutboxStatus.SENT
            change |= {"status": status, "next_attempt_at": now, "to_address": outcome.to_address, "subject": outcome.subject[:300], "sent_at": now}
        else:
            assert isinstance(outcome, Failed)
            then = after_failure(policy, attempts=attempts[outcome.message_id], permanent=outcome.permanent, now=now)
            change |= {"status": then.status, "next_attempt_at": then.next_attempt_at, "last_error": short_error(outcome.error)}
        changes.append(change)
    OutboxRepository(session).record(token=claim.token, changes=changes)


def give_back(session: Session, actor: Actor, *, claim: Claim, message_ids: Sequence[int]) -> None:
    """Release claimed messages the worker did not try (it is stopping, or its lease is ending)."""
    require(actor, Permission.OUTBOX_DELIVER)
    OutboxRepository(session).give_back(token=claim.token, ids=message_ids, now=clock.now())
