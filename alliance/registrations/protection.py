"""Protection windows, extensions and the review SLA clock. Pure date arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from alliance.errors import RuleViolation
from alliance.partners.vocabulary import RegistrationKind

# practice.md: deal 90 days is the most common; project and influence follow enterprise cycles.
DEFAULT_PROTECTION_DAYS = {RegistrationKind.DEAL: 90, RegistrationKind.PROJECT: 365, RegistrationKind.INFLUENCE: 270}
DEFAULT_REVIEW_SLA_BUSINESS_DAYS = 2
DEFAULT_MAX_EXTENSIONS = 2


@dataclass(frozen=True)
class ProtectionPolicy:
    """Per kind: days of protection from approval; how many extensions and how long each."""

    days: int
    max_extensions: int = DEFAULT_MAX_EXTENSIONS
    extension_days: int | None = None  # None: half the protection period

    @property
    def days_per_extension(self) -> int:
        return self.extension_days if self.extension_days is not None else max(self.days // 2, 1)


def protected_until(approved_on: date, policy: ProtectionPolicy, extensions_granted: int = 0) -> date:
    return approved_on + timedelta(days=policy.days + extensions_granted * policy.days_per_extension)


def is_expired(until: date | None, today: date) -> bool:
    """Protection covers the whole of its last day."""
    return until is not None and today > until


def days_left(until: date, today: date) -> int:
    return max((until - today).days, 0)


def check_extension(policy: ProtectionPolicy, extensions_granted: int, until: date, today: date) -> date:
    """The new end date of one more extension, or why it cannot be had."""
    if extensions_granted >= policy.max_extensions:
        raise RuleViolation(
            f"This registration already had {extensions_granted} of {policy.max_extensions} extensions.",
            details=[{"field": "extensions", "message": f"at most {policy.max_extensions}"}],
        )
    if is_expired(until, today):
        raise RuleViolation("Protection has already expired; register again instead.", details=[{"field": "protected_until", "message": "in the past"}])
    return until + timedelta(days=policy.days_per_extension)


def add_business_days(start: datetime, business_days: int) -> datetime:
    """`start` moved forward by whole business days (Mon–Fri), keeping the time of day; a start on
    a weekend counts from the following Monday morning's equivalent time."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    remaining = business_days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def business_days_between(start: datetime, end: datetime) -> float:
    """Elapsed business time in days (weekends do not count), for the age shown in queues."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start
    while cursor < end:
        next_midnight = datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time(), tzinfo=cursor.tzinfo)
        segment_end = min(next_midnight, end)
        if cursor.weekday() < 5:
            total += segment_end - cursor
        cursor = segment_end
    return total.total_seconds() / 86400


@dataclass(frozen=True)
class ReviewClock:
    submitted_at: datetime
    due_at: datetime
    age_business_days: float
    overdue: bool


def review_clock(submitted_at: datetime, now: datetime, sla_business_days: int = DEFAULT_REVIEW_SLA_BUSINESS_DAYS) -> ReviewClock:
    due = add_business_days(submitted_at, sla_business_days)
    return ReviewClock(submitted_at, due, round(business_days_between(submitted_at, now), 2), now > due)
