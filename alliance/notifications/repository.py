"""Outbox and preference queries. The outbox is claimed here, as a leased queue (kit/leases.py):
one UPDATE marks due rows as being sent, taking them with `FOR UPDATE SKIP LOCKED` on PostgreSQL
so that workers running at once never take the same row; SQLite's write lock (BEGIN IMMEDIATE)
serialises claims instead."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, and_, bindparam, case, cast, func, insert, literal, literal_column, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from alliance.identity.models import User
from alliance.kit.leases import LeasedQueue
from alliance.kit.repository import Repository
from alliance.kit.statements import AnyRows, AnySelect
from alliance.notifications.models import NotificationPreference, OutboxMessage
from alliance.notifications.schemas import ClaimedMessage, RecipientRead
from alliance.notifications.vocabulary import CLAIMABLE, Cadence, EventType, OutboxStatus

# Declarative models map a Table; SQLAlchemy types `__table__` as the wider FromClause.
MESSAGE: Table = OutboxMessage.__table__  # type: ignore[assignment]
QUEUE = LeasedQueue(OutboxMessage, sending=OutboxStatus.SENDING, queued=OutboxStatus.QUEUED, retrying=OutboxStatus.RETRYING, given_up=OutboxStatus.DEAD)


@dataclass(frozen=True)
class MailLogFilters:
    status: OutboxStatus | None = None
    event_type: EventType | None = None
    recipient: str | None = None  # part of a name or an e-mail address
    recipient_user_id: int | None = None
    message_id: int | None = None


class OutboxRepository(Repository[OutboxMessage]):
    model = OutboxMessage

    def add_messages(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(OutboxMessage), list(rows))

    def add_from_select(
        self, rows: AnyRows, *, event: EventType, entity_type: str, occurrence: str, now: datetime, channel: str, skip_user_id: int | None = None
    ) -> int:
        """One INSERT … SELECT of a message per row of `rows` (labelled recipient_user_id,
        entity_id, why, optionally cycle, and the facts), keyed like `notify`'s time-based keys so
        a key already there is skipped (ON CONFLICT DO NOTHING): a re-run inserts nothing twice.
        The recipient's preference is applied in the join, as `notify` applies it: daily digest →
        held, off → skipped (an inbox item only)."""
        source = rows.subquery("reminder")
        reserved = {"recipient_user_id", "entity_id", "why", "cycle"}
        facts = [column for column in source.c if column.key not in reserved]
        dialect = self.session.get_bind().dialect.name
        build = func.json_object if dialect == "sqlite" else func.json_build_object
        pairs: list[ColumnElement[Any]] = []
        for column in facts:
            pairs += [_key_literal(column.key), column]
        payload = build(_key_literal("facts"), build(*pairs), _key_literal("why"), source.c.why)
        occurrence_part: ColumnElement[str] = literal(occurrence, String)
        if "cycle" in source.c:
            occurrence_part = occurrence_part + literal("@", String) + cast(source.c.cycle, String)
        key = (
            literal(f"{event.value}/{entity_type}/", String)
            + cast(source.c.entity_id, String)
            + literal("/", String)
            + occurrence_part
            + literal("/", String)
            + cast(source.c.recipient_user_id, String)
        )
        status: ColumnElement[str] = literal(OutboxStatus.QUEUED.value, String)
        chosen = select().select_from(source)
        if not event.mandatory:
            preference = NotificationPreference.__table__.alias("preference")
            joined = source.outerjoin(preference, and_(preference.c.user_id == source.c.recipient_user_id, preference.c.event_type == event.value))
            chosen = select().select_from(joined)
            status = case(
                (preference.c.cadence == Cadence.DAILY_DIGEST.value, OutboxStatus.HELD.value),
                (preference.c.cadence == Cadence.OFF.value, OutboxStatus.SKIPPED.value),
                else_=OutboxStatus.QUEUED.value,
            )
        stamp = literal(now, OutboxMessage.__table__.c.created_at.type)
        values = {
            "idempotency_key": key,
            "channel": literal(channel, String),
            "event_type": literal(event.value, String),
            "recipient_user_id": source.c.recipient_user_id,
            "entity_type": literal(entity_type, String),
            "entity_id": source.c.entity_id,
            "payload": payload,
            "status": status,
            "attempts": literal(0),
            "next_attempt_at": stamp,
            "created_at": stamp,
            "updated_at": stamp,
        }
        # WHERE true: SQLite reads "INSERT … SELECT … ON CONFLICT" only when the SELECT has a WHERE.
        chosen = chosen.add_columns(*(value.label(name) for name, value in values.items())).where(true())
        if skip_user_id is not None:
            chosen = chosen.where(source.c.recipient_user_id != skip_user_id)
        dml = postgresql.insert(MESSAGE) if dialect == "postgresql" else sqlite.insert(MESSAGE)
        statement = dml.from_select(list(values), chosen).on_conflict_do_nothing(index_elements=[MESSAGE.c.idempotency_key])
        # An INSERT's rowcount is kept only when asked for (psycopg would report -1 otherwise).
        return self.session.connection().execute(statement.execution_options(preserve_rowcount=True)).rowcount

    def queued_by(self, *, event: EventType, entity_type: str, occurrence: str, now: datetime) -> Iterator[tuple[str, int | None, dict[str, Any]]]:
        """What one `add_from_select` queued (its event, entity type and occurrence, at `now`):
        each message's key, entity and facts, streamed in id order."""
        stem = f"{event.value}/{entity_type}/%/{occurrence}"
        statement = (
            select(OutboxMessage.idempotency_key, OutboxMessage.entity_id, OutboxMessage.payload)
            .where(
                OutboxMessage.event_type == event,
                OutboxMessage.entity_type == entity_type,
                OutboxMessage.created_at == now,
                or_(OutboxMessage.idempotency_key.like(stem + "/%"), OutboxMessage.idempotency_key.like(stem + "@%")),
            )
            .order_by(OutboxMessage.id)
            .execution_options(yield_per=2_000)
        )
        for key, entity_id, payload in self.session.execute(statement):
            yield key, entity_id, (payload or {}).get("facts", {})

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        if not keys:
            return set()
        return set(self.session.scalars(select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.in_(keys))))

    # --- the worker's side ---------------------------------------------------------------------

    def claim(self, *, token: str, limit: int, now: datetime, lease_until: datetime, max_attempts: int) -> list[int]:
        """Mark up to `limit` due messages as being sent by `token` until `lease_until`; their ids."""
        due = QUEUE.due(select(OutboxMessage.id), now=now, max_attempts=max_attempts)
        return QUEUE.claim(self.session, due, token=token, limit=limit, now=now, lease_until=lease_until)

    def bury_abandoned(self, *, now: datetime, max_attempts: int) -> int:
        """Messages whose every attempt ended with its worker gone (killed while sending them)."""
        return QUEUE.bury_abandoned(self.session, now=now, max_attempts=max_attempts, error="The worker stopped while sending it, on every attempt.")

    def claimed(self, ids: Collection[int]) -> list[ClaimedMessage]:
        statement = (
            select(OutboxMessage, User.name, User.email, User.is_active, User.partner_id)
            .join(User, User.id == OutboxMessage.recipient_user_id)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
        )
        return [claimed_message(row) for row in self.session.execute(statement)]

    def record(self, *, token: str, changes: Sequence[Mapping[str, Any]]) -> int:
        """Apply each message's outcome, only while `token` still holds it (a worker whose lease ran
        out does not overwrite the worker that took the message over)."""
        if not changes:
            return 0
        statement = (
            update(MESSAGE)
            .where(MESSAGE.c.id == bindparam("b_id"), MESSAGE.c.claimed_by == token, MESSAGE.c.status == OutboxStatus.SENDING)
            .values(
                status=bindparam("b_status"),
                next_attempt_at=bindparam("b_next_attempt_at"),
                last_error=bindparam("b_last_error"),
                to_address=bindparam("b_to_address"),
                subject=bindparam("b_subject"),
                sent_at=bindparam("b_sent_at"),
                updated_at=bindparam("b_updated_at"),
            )
        )
        return self.session.connection().execute(statement, [{f"b_{key}": value for key, value in change.items()} for change in changes]).rowcount

    def give_back(self, *, token: str, ids: Collection[int], now: datetime) -> None:
        """Messages a worker claimed but did not try: due again now, the claim's attempt uncounted."""
        QUEUE.give_back(self.session, token=token, ids=ids, now=now)

    # --- daily digests ---------------------------------------------------------------------------

    def held_time_zones(self) -> list[str | None]:
        """The time zones (None: the deployment's) of the people with messages held for a digest:
        a handful, however many messages wait."""
        statement = (
            select(User.time_zone)
            .where(User.id.in_(select(OutboxMessage.recipient_user_id).where(OutboxMessage.status == OutboxStatus.HELD).scalar_subquery()))
            .distinct()
        )
        return list(self.session.scalars(statement))

    def held_recipients(self, *, time_zone: str | None, before: datetime, limit: int) -> list[int]:
        """Up to `limit` people in `time_zone` with a message held since before `before`."""
        zone = User.time_zone.is_(None) if time_zone is None else User.time_zone == time_zone
        statement = (
            select(OutboxMessage.recipient_user_id)
            .join(User, User.id == OutboxMessage.recipient_user_id)
            .where(OutboxMessage.status == OutboxStatus.HELD, OutboxMessage.created_at <= before, zone)
            .distinct()
            .order_by(OutboxMessage.recipient_user_id)
            .limit(limit)
        )
        return list(self.session.scalars(statement))

    def lock_held(self, *, recipient_user_ids: Collection[int], before: datetime) -> list[OutboxMessage]:
        """Their messages held since before `before`, oldest first, locked until commit; rows
        another digest builder holds are left to it (SKIP LOCKED)."""
        statement = (
            select(OutboxMessage)
            .where(
                OutboxMessage.recipient_user_id.in_(recipient_user_ids),
                OutboxMessage.status == OutboxStatus.HELD,
                OutboxMessage.created_at <= before,
            )
            .order_by(OutboxMessage.recipient_user_id, OutboxMessage.id)
        )
        return self.lock_all(statement, skip_locked=True)

    # --- figures and the mail log ---------------------------------------------------------------

    def counts_by_status(self) -> dict[OutboxStatus, int]:
        rows = self.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {OutboxStatus(status): count for status, count in rows}

    def longest_overdue_since(self, now: datetime) -> datetime | None:
        """When the message that has been due longest became due (a sending one: when its lease
        ran out), None when nothing is due: no worker is delivering if this falls behind."""
        statement = select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status.in_(CLAIMABLE), OutboxMessage.next_attempt_at <= now)
        return self.session.scalar(statement)

    def oldest_waiting_since(self) -> datetime | None:
        statement = select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(CLAIMABLE))
        return self.session.scalar(statement)

    def mail_log(self, filters: MailLogFilters) -> AnySelect:
        statement = select(
            OutboxMessage.id,
            OutboxMessage.created_at,
            OutboxMessage.event_type,
            OutboxMessage.recipient_user_id,
            User.name.label("recipient_name"),
            User.email.label("recipient_email"),
            OutboxMessage.entity_type,
            OutboxMessage.entity_id,
            OutboxMessage.subject,
            OutboxMessage.to_address,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.last_error,
            OutboxMessage.sent_at,
        ).join(User, User.id == OutboxMessage.recipient_user_id)
        if filters.status is not None:
            statement = statement.where(OutboxMessage.status == filters.status)
        if filters.event_type is not None:
            statement = statement.where(OutboxMessage.event_type == filters.event_type)
        if filters.message_id is not None:
            statement = statement.where(OutboxMessage.id == filters.message_id)
        if filters.recipient_user_id is not None:
            statement = statement.where(OutboxMessage.recipient_user_id == filters.recipient_user_id)
        if filters.recipient:
            pattern = f"%{filters.recipient.lower()}%"
            statement = statement.where(func.lower(User.name).like(pattern) | func.lower(User.email).like(pattern))
        return statement.order_by(OutboxMessage.id.desc())

    def message(self, message_id: int) -> ClaimedMessage | None:
        found = self.claimed([message_id])
        return found[0] if found else None


def _key_literal(name: str) -> ColumnElement[str]:
    """A JSON key as an SQL string literal (inlined: PostgreSQL's json_build_object cannot type a
    bound parameter); keys are identifiers the code chose, never input."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"fact names are identifiers: {name!r}")
    return literal_column(f"'{name}'", String)


def claimed_message(row: Any) -> ClaimedMessage:
    """A message with its recipient, from a row of (OutboxMessage, name, email, is_active, partner_id)."""
    message, name, email, is_active, partner_id = row
    return ClaimedMessage(
        id=message.id,
        idempotency_key=message.idempotency_key,
        channel=message.channel,
        event_type=message.event_type,
        entity_type=message.entity_type,
        entity_id=message.entity_id,
        payload=message.payload,
        attempts=message.attempts,
        created_at=message.created_at,
        recipient=RecipientRead(user_id=message.recipient_user_id, name=name, email=email, is_active=is_active, partner_id=partner_id),
    )


class PreferenceRepository(Repository[NotificationPreference]):
    model = NotificationPreference

    def cadences_by_event(self, *, user_ids: Collection[int]) -> dict[tuple[int, EventType], Cadence]:
        """(user id, event type) -> cadence, for every choice these people made."""
        statement = select(NotificationPreference.user_id, NotificationPreference.event_type, NotificationPreference.cadence)
        return {(row[0], row[1]): row[2] for row in self.session.execute(statement.where(NotificationPreference.user_id.in_(user_ids)))}

    def for_user(self, user_id: int) -> dict[EventType, NotificationPreference]:
        statement = select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        return {row.event_type: row for row in self.session.scalars(statement)}

    def time_zone(self, user_id: int) -> str | None:
        return self.session.scalar(select(User.time_zone).where(User.id == user_id))

    def set_time_zone(self, user_id: int, time_zone: str) -> None:
        self.session.execute(update(User).where(User.id == user_id).values(time_zone=time_zone).execution_options(synchronize_session=False))
