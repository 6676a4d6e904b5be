"""Routing rule matching and precedence, SLA hours by tier priority, breach on read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from alliance.cosell.routing.rules import (
    DEFAULT_FIRST_RESPONSE_HOURS,
    NO_TIER_PRIORITY,
    Facts,
    Rule,
    first_match,
    is_breached,
    matches,
    ordered,
    route,
    sla_hours,
)

NA_SI = Facts.build(
    request_type="solution_architect",
    regions=["NA"],
    territories=["US-West"],
    verticals=["healthcare"],
    product_lines=["analytics"],
    tier_key="gold",
    tier_priority=1,
)


def rule(id: int, position: int | None = None, team_id: int = 10, hours: str = "8", **conditions: object) -> Rule:
    priority = conditions.pop("priority_hours", {})
    return Rule(
        id=id, position=position if position is not None else id, team_id=team_id, first_response_hours=Decimal(hours), priority_hours=priority, **conditions
    )  # type: ignore[arg-type]


class TestMatches:
    def test_empty_rule_matches_anything(self):
        assert matches(rule(1), NA_SI)
        assert matches(rule(1), Facts.build(request_type="poc_support"))

    def test_each_condition(self):
        assert matches(rule(1, request_type="solution_architect"), NA_SI)
        assert not matches(rule(1, request_type="poc_support"), NA_SI)
        assert matches(rule(1, region="na"), NA_SI)
        assert not matches(rule(1, region="emea"), NA_SI)
        assert matches(rule(1, territory="us-west"), NA_SI)
        assert not matches(rule(1, territory="us-east"), NA_SI)
        assert matches(rule(1, vertical="healthcare"), NA_SI)
        assert not matches(rule(1, vertical="retail"), NA_SI)
        assert matches(rule(1, product_line="analytics"), NA_SI)
        assert not matches(rule(1, product_line="security"), NA_SI)
        assert matches(rule(1, tier_key="gold"), NA_SI)
        assert not matches(rule(1, tier_key="silver"), NA_SI)

    def test_all_conditions_must_hold(self):
        assert matches(rule(1, request_type="solution_architect", region="na", vertical="healthcare"), NA_SI)
        assert not matches(rule(1, request_type="solution_architect", region="na", vertical="retail"), NA_SI)

    def test_inactive_rule_never_matches(self):
        assert not matches(rule(1, is_active=False), NA_SI)

    def test_case_insensitive_through_of(self):
        class Row:
            id, position, team_id, first_response_hours, request_type = 1, 1, 10, Decimal(8), None
            region, territory, vertical, product_line, tier_key = " EMEA ", None, "Financial-Services", None, "Gold"
            priority_hours, is_active = {"1": 4}, True

        parsed = Rule.of(Row())
        facts = Facts.build(request_type="poc_support", regions=["emea"], verticals=["financial-services"], tier_key="GOLD", tier_priority=1)
        assert matches(parsed, facts)
        assert parsed.priority_hours == {1: Decimal(4)}

    def test_partner_without_region_fails_a_region_rule(self):
        assert not matches(rule(1, region="na"), Facts.build(request_type="poc_support"))


class TestPrecedence:
    def test_first_matching_rule_wins(self):
        rules = ordered([rule(1, team_id=1, region="na"), rule(2, team_id=2, request_type="solution_architect")])
        assert first_match(rules, NA_SI).id == 1

    def test_position_not_id_orders(self):
        rules = ordered([rule(1, position=5, team_id=1), rule(2, position=1, team_id=2, region="na")])
        assert first_match(rules, NA_SI).id == 2

    def test_equal_positions_fall_back_to_id(self):
        rules = ordered([rule(7, position=1, team_id=1), rule(3, position=1, team_id=2)])
        assert first_match(rules, NA_SI).id == 3

    def test_skips_non_matching_and_inactive(self):
        rules = ordered([rule(1, region="emea"), rule(2, is_active=False), rule(3, team_id=33)])
        assert first_match(rules, NA_SI).id == 3

    def test_no_match_goes_to_default_team(self):
        found = route([rule(1, region="emea")], NA_SI, default_team_id=99)
        assert (found.team_id, found.rule_id, found.first_response_hours) == (99, None, DEFAULT_FIRST_RESPONSE_HOURS)

    def test_route_names_rule_and_team(self):
        found = route(ordered([rule(1, region="emea"), rule(2, team_id=22, region="na", hours="12")]), NA_SI, default_team_id=99)
        assert (found.team_id, found.rule_id, found.first_response_hours, found.priority) == (22, 2, Decimal(12), 1)


class TestSlaHours:
    def test_priority_override(self):
        fast = rule(1, hours="8", priority_hours={1: Decimal(4), 2: Decimal(6)})
        assert sla_hours(fast, NA_SI) == 4
        assert sla_hours(fast, Facts.build(request_type="poc_support", tier_priority=2)) == 6

    def test_no_override_for_the_priority(self):
        fast = rule(1, hours="8", priority_hours={1: Decimal(4)})
        assert sla_hours(fast, Facts.build(request_type="poc_support", tier_priority=3)) == 8

    def test_partner_without_tier_is_lowest_priority(self):
        facts = Facts.build(request_type="poc_support")
        assert facts.tier_priority == NO_TIER_PRIORITY
        assert sla_hours(rule(1, hours="8", priority_hours={1: Decimal(4)}), facts) == 8

    def test_default_queue_hours(self):
        assert sla_hours(None, NA_SI) == DEFAULT_FIRST_RESPONSE_HOURS


class TestBreached:
    due = datetime(2026, 3, 4, 12, tzinfo=UTC)

    def test_open_before_and_after_due(self):
        assert not is_breached(due_at=self.due, first_responded_at=None, now=self.due - timedelta(minutes=1))
        assert not is_breached(due_at=self.due, first_responded_at=None, now=self.due)
        assert is_breached(due_at=self.due, first_responded_at=None, now=self.due + timedelta(seconds=1))

    def test_responded_in_time_stays_met(self):
        assert not is_breached(due_at=self.due, first_responded_at=self.due - timedelta(hours=1), now=self.due + timedelta(days=9))

    def test_responded_late(self):
        assert is_breached(due_at=self.due, first_responded_at=self.due + timedelta(hours=1), now=self.due + timedelta(hours=1))
