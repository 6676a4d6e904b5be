"""Protection windows, extensions and the review SLA clock. Pure date arithmetic (business time: alliance.kit.business_time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from alliance.errors import RuleViolation
from alliance.kit.business_time import WEEKDAYS_UTC, Calendar, add_business_days, business_days_between
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


@dataclass(frozen=True)
class ReviewClock:
    submitted_at: datetime
    due_at: datetime
    age_business_days: float
    overdue: bool


def review_clock(
    submitted_at: datetime, now: datetime, calendar: Calendar = WEEKDAYS_UTC, sla_business_days: int = DEFAULT_REVIEW_SLA_BUSINESS_DAYS
) -> ReviewClock:
    """The SLA counted in the program's business calendar: its working days, zone and holidays."""
    due = add_business_days(submitted_at, sla_business_days, calendar)
    return ReviewClock(submitted_at, due, round(business_days_between(submitted_at, now, calendar), 2), now > due)
