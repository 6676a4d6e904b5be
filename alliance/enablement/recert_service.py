"""Release-driven recertification: open windows, lapse and expire (the sweep), and the list of
certifications ending in the next 30/60/90 days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from alliance import audit
from alliance.enablement import notice_service, recert
from alliance.enablement.capacity_repository import CapacityRepository
from alliance.enablement.recert_repository import (
    RecertRepository,
    effective_dates,
    load_windows,
)
from alliance.enablement.report_schemas import ExpiringRead
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.partners import service as partner_service

ExpiringWithin = Literal[30, 60, 90]


@dataclass(frozen=True)
class SweepCounts:
    opened: int = 0
    lapsed: int = 0
    expired: int = 0

    @property
    def total(self) -> int:
        return self.opened + self.lapsed + self.expired


def open_recert_windows(session: Session, actor: Actor, *, today: date | None = None) -> int:
    """Store the windows releases have opened (status recert_required, deadline, release).
    Call it after recording a release so lists and exports read plain columns at once; reads
    are right without it. Idempotent; returns how many certifications it changed."""
    require(actor, Permission.CERTIFICATIONS_SWEEP)
    today = today or clock.today()
    opened = RecertRepository(session).open_windows(load_windows(session, today=today), now=clock.now())
    if opened:
        audit.record(
            session,
            actor,
            "certification.recert_windows_opened",
            entity_type="certification_sweep",
            entity_id=today.isoformat(),
            after={"opened": opened},
            reason="a product release opened recertification windows",
        )
        session.expire_all()
    notice_service.remind(session, actor, today=today)
    return opened


def sweep_certifications(session: Session, actor: Actor, *, today: date | None = None) -> SweepCounts:
    """Open windows, then lapse certifications past their deadline, then expire those past their
    validity: set-based, one audit event for the run; then queue the certification reminders
    (notice_service.remind). A second run the same day changes nothing and queues nothing."""
    require(actor, Permission.CERTIFICATIONS_SWEEP)
    today = today or clock.today()
    now = clock.now()
    repository = RecertRepository(session)
    counts = SweepCounts(
        opened=repository.open_windows(load_windows(session, today=today), now=now),
        lapsed=repository.lapse_overdue(today=today, now=now),
        expired=repository.expire_past_validity(today=today, now=now),
    )
    if counts.total:
        audit.record(
            session,
            actor,
            "certification.sweep",
            entity_type="certification_sweep",
            entity_id=today.isoformat(),
            after={"recert_windows_opened": counts.opened, "lapsed": counts.lapsed, "expired": counts.expired},
            reason="release policy and validity periods",
        )
        # The UPDATEs bypassed the identity map: reload anything this session already holds.
        session.expire_all()
    notice_service.remind(session, actor, today=today)
    return counts


def expiring(
    session: Session,
    actor: Actor,
    *,
    within_days: ExpiringWithin,
    partner_id: int | None = None,
    page: PageRequest | None = None,
    cam_user_id: int | None = None,
) -> Page[ExpiringRead]:
    """Counting certifications whose effective end (validity or recertification deadline) falls
    in the next `within_days` days, soonest first. Partner users see their own partner's; a CAM
    may narrow the list to the partners they manage (`cam_user_id`)."""
    require(actor, Permission.PARTNERS_READ)
    if within_days not in (30, 60, 90):
        raise RuleViolation("Expiring lists look 30, 60 or 90 days ahead.", details=[{"field": "within", "message": "must be 30, 60 or 90"}])
    if partner_id is not None:
        partner_service.get_partner(session, actor, partner_id=partner_id)  # 404 when not visible
    today = clock.today()
    dates = effective_dates(session, today=today)
    rows, total = CapacityRepository(session).expiring(
        dates,
        until=today + timedelta(days=within_days),
        partner_id=partner_id,
        page=page or PageRequest(),
        cam_user_id=cam_user_id,
    )
    items = []
    for row in rows:
        end = recert.ending(row, dates.windows.get(row.track_id), release_major=row.release_major)
        items.append(
            ExpiringRead(
                certification_id=row.id,
                partner_id=row.partner_id,
                partner_name=row.partner_name,
                person_id=row.person_id,
                person_name=row.person_name,
                person_email=row.person_email,
                delivery_role=row.delivery_role,
                track_id=row.track_id,
                track_key=row.track_key,
                track_name=row.track_name,
                level=row.level,
                product_line=row.product_line,
                status=row.effective_status,
                ends_on=end.ends_on,
                days_left=(end.ends_on - today).days,
                reason=end.reason,
            )
        )
    request = page or PageRequest()
    return Page(items=items, total=total, limit=request.limit, offset=request.offset)
