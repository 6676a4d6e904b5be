"""Certified delivery capacity: per partner now and over time, across the vendor's portfolio,
and the certification list the API serves. All status here is the effective one on today."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from alliance.enablement import recert_repository
from alliance.enablement.capacity_repository import CapacityRepository, CertificationFilters
from alliance.enablement.capacity_repository import certified_counts_by_partner as counts_select
from alliance.enablement.capacity_repository import counting_certifications as counting_select
from alliance.enablement.vocabulary import CertificationStatus
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.kit.statements import AnySelect
from alliance.partners import service as partner_service

MAX_HISTORY_POINTS = 120  # ten years of month ends
PortfolioGrouping = Literal["subtype", "role"]


@dataclass(frozen=True)
class CapacityCell:
    delivery_role: str
    level: str
    product_line: str
    people: int


@dataclass(frozen=True)
class RoleTotal:
    delivery_role: str
    people: int  # distinct people certified in the role, at any level and product line


@dataclass(frozen=True)
class Capacity:
    partner_id: int
    on: date
    cells: list[CapacityCell]
    roles: list[RoleTotal]


@dataclass(frozen=True)
class HistoryPoint:
    on: date
    delivery_role: str
    level: str | None  # None in the per-role totals
    people: int


@dataclass(frozen=True)
class CapacityHistory:
    partner_id: int
    start: date
    end: date
    days: list[date]
    by_level: list[HistoryPoint]
    by_role: list[HistoryPoint]


@dataclass(frozen=True)
class PortfolioRow:
    group: str  # partner subtype (or type) for group_by='subtype', certification level for 'role'
    delivery_role: str
    people: int
    partners: int


def certified_counts_by_partner(session: Session, *, today: date) -> AnySelect:
    """For the tier engine: a Select of (partner_id, delivery_role, level, people) over every
    partner the session's scope allows, counting distinct active people with a certification
    that counts on `today` (effective status active or recert_required). No permission check:
    the caller runs it under its own (system) scope."""
    return counts_select(recert_repository.effective_dates(session, today=today))


def counting_certifications(session: Session, *, today: date) -> AnySelect:
    """For the tier engine's forecast: a Select of (partner_id, person_id, delivery_role, level,
    product_line, expires_on, recert_due_on, recert_version), one row per certification that
    counts on `today` (deadlines opened by releases included before the sweep stores them).
    Filter with .where(Certification.partner_id == ...) or run it for every partner."""
    return counting_select(recert_repository.effective_dates(session, today=today))


def current_capacity(session: Session, actor: Actor, *, partner_id: int) -> Capacity:
    """Distinct certified people per (role, level, product line) today, with per-role totals."""
    partner_service.get_partner(session, actor, partner_id=partner_id)  # 404 when not visible
    today = clock.today()
    dates = recert_repository.effective_dates(session, today=today)
    repository = CapacityRepository(session)
    return Capacity(
        partner_id=partner_id,
        on=today,
        cells=[CapacityCell(r.delivery_role, r.level, r.product_line, r.people) for r in repository.current(dates, partner_id=partner_id)],
        roles=[RoleTotal(r.delivery_role, r.people) for r in repository.current_by_role(dates, partner_id=partner_id)],
    )


def month_ends(start: date, end: date) -> list[date]:
    """Every month end from `start` to `end`, and `end` itself when it is not one (the month so far)."""
    days = []
    year, month = start.year, start.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            break
        if last >= start:
            days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not days or days[-1] != end:
        days.append(end)
    return days


def capacity_history(
    session: Session,
    actor: Actor,
    *,
    partner_id: int,
    start: date | None = None,
    end: date | None = None,
    step: Literal["month"] = "month",
) -> CapacityHistory:
    """Certified people per role (and per role and level) at each month end from `start` to
    `end` (default: the last twelve months to today): the build-out curve for plans and QBRs."""
    partner_service.get_partner(session, actor, partner_id=partner_id)
    if step != "month":
        raise RuleViolation("Capacity history is by month.", details=[{"field": "step", "message": "must be month"}])
    today = clock.today()
    end = end or today
    start = start or (end.replace(day=1) - timedelta(days=335)).replace(day=1)
    if start > end:
        raise RuleViolation("The history must start on or before its end.", details=[{"field": "start", "message": "after end"}])
    days = month_ends(start, end)
    if len(days) > MAX_HISTORY_POINTS:
        raise RuleViolation(f"At most {MAX_HISTORY_POINTS} months at a time.", details=[{"field": "start", "message": "range too long"}])
    # Windows as of the latest day: a release after a day cannot have opened a window before it,
    # and each window's deadline is a date the day-by-day comparison respects.
    dates = recert_repository.effective_dates(session, today=end)
    repository = CapacityRepository(session)
    return CapacityHistory(
        partner_id=partner_id,
        start=start,
        end=end,
        days=days,
        by_level=[HistoryPoint(r.on, r.delivery_role, r.level, r.people) for r in repository.history(dates, partner_id=partner_id, days=days, by_level=True)],
        by_role=[HistoryPoint(r.on, r.delivery_role, None, r.people) for r in repository.history(dates, partner_id=partner_id, days=days, by_level=False)],
    )


def portfolio_capacity(session: Session, actor: Actor, *, group_by: PortfolioGrouping = "subtype") -> list[PortfolioRow]:
    """The vendor's view: certified people by role and partner subtype (or level), today."""
    require(actor, Permission.CAPACITY_PORTFOLIO)
    if group_by not in ("subtype", "role"):
        raise RuleViolation("group_by must be subtype or role.", details=[{"field": "group_by", "message": "subtype or role"}])
    dates = recert_repository.effective_dates(session, today=clock.today())
    return [PortfolioRow(r.group, r.delivery_role, r.people, r.partners) for r in CapacityRepository(session).portfolio(dates, group_by=group_by)]


def list_certifications(session: Session, actor: Actor, *, filters: CertificationFilters, page: PageRequest) -> Page[Any]:
    """Certifications the actor may see with their effective status today (rows with partner,
    person and track), newest first."""
    require(actor, Permission.PARTNERS_READ)
    if filters.status is not None and filters.status not in {s.value for s in CertificationStatus}:
        raise RuleViolation(f"Unknown status {filters.status}.", details=[{"field": "status", "message": "unknown"}])
    dates = recert_repository.effective_dates(session, today=clock.today())
    rows, total = CapacityRepository(session).listed(dates, filters, page)
    return Page(items=rows, total=total, limit=page.limit, offset=page.offset)
