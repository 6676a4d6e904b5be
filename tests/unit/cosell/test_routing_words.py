"""Routing configuration in words: a rule's conditions, a calendar's week, hours and holidays."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace

from alliance.cosell.routing import words as routing_words

NO_CONDITIONS = {"request_type": None, "region": None, "territory": None, "vertical": None, "product_line": None, "tier_key": None}


def rule(**conditions: object) -> SimpleNamespace:
    return SimpleNamespace(**{**NO_CONDITIONS, **conditions})


class TestConditions:
    def test_no_condition_is_any_request(self):
        assert routing_words.conditions(rule()) == "Any request"

    def test_conditions_in_precedence_order_with_labels(self):
        found = routing_words.conditions(
            rule(request_type="solution_architect", region="EMEA", vertical="healthcare", product_line="analytics", tier_key="gold"),
            type_labels={"solution_architect": "Solution architect"},
            product_lines={"analytics": "Analytics"},
        )
        assert found == "Solution architect · EMEA · Healthcare · Analytics · tier gold"

    def test_unlabelled_values_read_plainly(self):
        assert (
            routing_words.conditions(rule(request_type="poc_support", territory="US-West", product_line="retired-line"))
            == "Poc support · US-West · retired-line"
        )


class TestWeek:
    def test_runs_of_three_or_more_are_ranges(self):
        assert routing_words.week([1, 2, 3, 4, 5]) == "Mon–Fri"
        assert routing_words.week([5, 3, 1, 2]) == "Mon–Wed, Fri"
        assert routing_words.week(range(1, 8)) == "Mon–Sun"

    def test_short_runs_are_lists(self):
        assert routing_words.week([6, 7]) == "Sat, Sun"
        assert routing_words.week([1, 3, 5]) == "Mon, Wed, Fri"
        assert routing_words.week([]) == "No working days"


class TestHours:
    def test_hours_without_trailing_zeros(self):
        assert routing_words.hours(Decimal("8.00")) == "8"
        assert routing_words.hours(Decimal("80")) == "80"
        assert routing_words.hours(7.5) == "7.5"

    def test_priority_overrides_in_priority_order(self):
        assert routing_words.priority_overrides({"2": 6, "1": Decimal("4.50")}) == "P1 4.5 h · P2 6 h"
        assert routing_words.priority_overrides({}) == ""
        assert routing_words.priority_overrides(None) == ""

    def test_day_hours(self):
        assert routing_words.day_hours(time(9), time(17, 30)) == "09:00–17:30"


def test_upcoming_holidays_count_today_and_later():
    holidays = ["2026-01-01", "2026-05-01", date(2026, 12, 25)]
    assert routing_words.upcoming(holidays, today=date(2026, 5, 1)) == 2
    assert routing_words.upcoming([], today=date(2026, 5, 1)) == 0
