"""The co-sell report: volume, median first-response time in business hours, breach rate,
outcomes, by team, request type or partner, for requests submitted in a period.

One streamed query ordered by group; first-response times are counted in each request's team
calendar and the median is taken in Python per group, so both backends agree exactly."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from alliance.cosell.requests.repository import ResourceRequestRepository
from alliance.cosell.routing import rules as routing_rules
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import RequestStatus
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.business_time import business_hours_between

GroupBy = Literal["team", "request_type", "partner"]
GROUPS = ("team", "request_type", "partner")
CSV_COLUMNS = (
    "group_by",
    "key",
    "label",
    "volume",
    "responded",
    "median_first_response_hours",
    "breached",
    "breach_rate",
    "completed",
    "declined",
    "average_rating",
    "period_start",
    "period_end",
)
DEFAULT_DAYS = 90


@dataclass
class GroupStats:
    key: str
    label: str
    volume: int = 0
    breached: int = 0
    completed: int = 0
    declined: int = 0
    response_hours: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def responded(self) -> int:
        return len(self.response_hours)

    @property
    def median_first_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 2) if self.response_hours else None

    @property
    def breach_rate(self) -> float | None:
        return round(self.breached / self.volume, 4) if self.volume else None

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None

    def add(self, *, hours: float | None, breached: bool, status: str, rating: int | None) -> None:
        self.volume += 1
        self.breached += breached
        self.completed += status == RequestStatus.COMPLETED
        self.declined += status == RequestStatus.DECLINED
        if hours is not None:
            self.response_hours.append(hours)
        if rating is not None:
            self.ratings.append(rating)


@dataclass
class CosellReport:
    start: date
    end: date
    group_by: str
    rows: list[GroupStats]
    total: GroupStats


def _window(start: date | None, end: date | None) -> tuple[date, date]:
    end = end or clock.today()
    # The query runs up to the day after `end`; date.max has none.
    if end >= date.max:
        raise RuleViolation("The period must end before 9999-12-31.", details=[{"field": "end", "message": "must be before 9999-12-31"}])
    start = start or date.fromordinal(max(1, end.toordinal() - DEFAULT_DAYS + 1))
    if start > end:
        raise RuleViolation("The period starts after it ends.", details=[{"field": "start", "message": "must be on or before end"}])
    return start, end


def cosell_report(session: Session, actor: Actor, *, start: date | None = None, end: date | None = None, group_by: str = "team") -> CosellReport:
    """Requests submitted from `start` to `end` (both days included, UTC; default the last 90 days)."""
    require(actor, Permission.COSELL_OVERSIGHT)
    if group_by not in GROUPS:
        raise RuleViolation(f"group_by must be one of {', '.join(GROUPS)}.", details=[{"field": "group_by", "message": "unknown grouping"}])
    start, end = _window(start, end)
    now = clock.now()
    calendars = routing_service.team_calendars(session)
    rows: list[GroupStats] = []
    total = GroupStats(key="total", label="All requests")
    current: GroupStats | None = None
    for row in ResourceRequestRepository(session).report_rows(
        start=datetime.combine(start, time(0), tzinfo=UTC),
        end=datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC),
        group_by=group_by,
    ):
        key = str(row.group_key)
        if current is None or current.key != key:
            current = GroupStats(key=key, label=str(row.group_label))
            rows.append(current)
        hours = None
        if row.first_responded_at is not None:
            hours = round(business_hours_between(row.submitted_at, row.first_responded_at, calendars[row.team_id]), 4)
        late = routing_rules.is_breached(due_at=row.first_response_due_at, first_responded_at=row.first_responded_at, now=now)
        for stats in (current, total):
            stats.add(hours=hours, breached=late, status=row.status, rating=row.outcome_rating)
    return CosellReport(start=start, end=end, group_by=group_by, rows=rows, total=total)


def csv_values(report: CosellReport) -> Iterator[tuple[Any, ...]]:
    """The report's rows (then the total) as CSV values in CSV_COLUMNS order."""
    for stats in [*report.rows, report.total]:
        yield (
            report.group_by,
            stats.key,
            stats.label,
            stats.volume,
            stats.responded,
            _blank(stats.median_first_response_hours),
            stats.breached,
            _blank(stats.breach_rate),
            stats.completed,
            stats.declined,
            _blank(stats.average_rating),
            report.start.isoformat(),
            report.end.isoformat(),
        )


def _blank(value: float | None) -> Any:
    return "" if value is None else value
