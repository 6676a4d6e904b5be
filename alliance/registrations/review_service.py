"""The channel team's review queue: pending registrations with their SLA clock and conflict
count, and the extension requests waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import business_time, clock
from alliance.kit.pagination import Page, PageRequest
from alliance.partners import program_service
from alliance.registrations import conflict_service, protection
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import DECISIONS, Side, Status, allowed_actions
from alliance.registrations.repository import RegistrationRepository
from alliance.registrations.schemas import PendingExtension, QueueItem


@dataclass(frozen=True)
class ReviewQueue:
    items: Page[QueueItem]
    extensions: list[PendingExtension]
    extensions_total: int


def review_queue(session: Session, actor: Actor, *, page: PageRequest, cam_user_id: int | None = None, extensions_limit: int = 50) -> ReviewQueue:
    """Pending registrations, longest waiting first, with their SLA clock and current conflict
    count; and pending extension requests. A fixed number of queries whatever the page size."""
    require(actor, Permission.REGISTRATIONS_QUEUE)
    repository = RegistrationRepository(session)
    rows, total = repository.rows(repository.queue(cam_user_id=cam_user_id), limit=page.limit, offset=page.offset)
    counts = conflict_service.conflict_counts(session, [row.id for row in rows])
    now = clock.now()
    calendars = program_service.review_calendars(session, calendar_ids={row.review_calendar_id for row in rows if row.review_calendar_id is not None})
    side = registration_service.side_of(actor)
    items = [_queue_item(row, counts.get(row.id, 0), now, calendars.for_program(row.review_calendar_id), side) for row in rows]
    extension_rows, extensions_total = repository.rows(repository.pending_extensions(cam_user_id=cam_user_id), limit=extensions_limit, offset=0)
    extensions = [PendingExtension(*row) for row in extension_rows]
    return ReviewQueue(items=Page(items=items, total=total, limit=page.limit, offset=page.offset), extensions=extensions, extensions_total=extensions_total)


def _queue_item(row: Any, conflict_count: int, now: Any, calendar: business_time.Calendar, side: Side | None) -> QueueItem:
    waiting_since = row.waiting_since
    sla = protection.review_clock(waiting_since, now, calendar)
    waiting_on = "partner" if row.status == Status.INFO_REQUESTED else "vendor"
    return QueueItem(
        registration_id=row.id,
        kind=row.kind,
        title=row.title,
        status=row.status,
        partner_id=row.partner_id,
        partner_name=row.display_name,
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        waiting_since=waiting_since,
        due_at=sla.due_at,
        age_business_days=sla.age_business_days,
        overdue=sla.overdue and waiting_on == "vendor",
        waiting_on=waiting_on,
        conflict_count=conflict_count,
        actions=[a for a in DECISIONS if a in allowed_actions(Status(row.status), side)] if side == Side.VENDOR else [],
    )
