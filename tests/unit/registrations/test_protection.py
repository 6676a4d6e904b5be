from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.errors import RuleViolation
from alliance.kit.business_time import add_business_days, business_days_between
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.protection import (
    DEFAULT_PROTECTION_DAYS,
    ProtectionPolicy,
    check_extension,
    days_left,
    is_expired,
    protected_until,
    review_clock,
)


def test_defaults_follow_practice():
    assert DEFAULT_PROTECTION_DAYS == {RegistrationKind.DEAL: 90, RegistrationKind.PROJECT: 365, RegistrationKind.INFLUENCE: 270}


def test_window_counts_from_approval_and_covers_last_day():
    policy = ProtectionPolicy(days=90)
    until = protected_until(date(2026, 3, 2), policy)
    assert until == date(2026, 5, 31)
    assert not is_expired(until, date(2026, 5, 31)) and is_expired(until, date(2026, 6, 1))
    assert days_left(until, date(2026, 5, 1)) == 30 and days_left(until, date(2026, 7, 1)) == 0


def test_extensions_capped():
    policy = ProtectionPolicy(days=90, max_extensions=1)
    until = protected_until(date(2026, 1, 1), policy)
    extended = check_extension(policy, 0, until, date(2026, 3, 1))
    assert (extended - until).days == 45
    with pytest.raises(RuleViolation, match="1 of 1"):
        check_extension(policy, 1, extended, date(2026, 3, 1))


def test_no_extension_after_expiry():
    policy = ProtectionPolicy(days=10)
    with pytest.raises(RuleViolation, match="expired"):
        check_extension(policy, 0, date(2026, 1, 10), date(2026, 1, 11))


def test_business_days_skip_weekends():
    friday = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert add_business_days(friday, 2) == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert add_business_days(saturday, 1) == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert business_days_between(friday, datetime(2026, 11, 23, 16, 0, tzinfo=UTC)) == pytest.approx(1.0)


def test_review_clock_overdue():
    submitted = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    on_time = review_clock(submitted, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert not on_time.overdue and on_time.due_at == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    late = review_clock(submitted, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert late.overdue and late.age_business_days == pytest.approx(2.71, abs=0.01)
