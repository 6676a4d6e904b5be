"""At-risk arithmetic with frozen dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alliance.planning import risk
from alliance.planning.vocabulary import ItemStatus

START, DUE = date(2026, 1, 1), date(2026, 12, 31)  # 364 days


class TestTargetProgress:
    def test_linear_expectation_and_projections(self) -> None:
        # Half-way (182 of 364 days): 40 of 100 reached, 10 of them in the last 90 days.
        progress = risk.target_progress(target=Decimal(100), actual=Decimal(40), actual_before=Decimal(30), starts_on=START, due_on=DUE, today=date(2026, 7, 2))
        assert progress.expected == Decimal("50.00")
        assert progress.projected_from_start == Decimal("80.00")
        assert progress.projected_from_pace == Decimal("60.22")  # 40 + 10 × 182/90
        assert progress.percent == 40

    def test_before_the_start_nothing_is_projected(self) -> None:
        progress = risk.target_progress(target=Decimal(8), actual=Decimal(0), actual_before=None, starts_on=START, due_on=DUE, today=START)
        assert progress.projected_from_start is None and progress.projected_from_pace is None and progress.expected == 0


class TestTargetRisk:
    def test_trajectory_missing_the_plan_says_why(self) -> None:
        progress = risk.target_progress(target=Decimal(100), actual=Decimal(40), actual_before=Decimal(30), starts_on=START, due_on=DUE, today=date(2026, 7, 2))
        finding = risk.target_risk("Services revenue", progress, unit="USD", today=date(2026, 7, 2), due_on=DUE)
        assert finding is not None and finding.rule == "target_trajectory"
        assert finding.text == (
            "Services revenue: 40 of 100 USD so far (plan: 50 by today); at the pace since the plan started it reaches 80 "
            "and at the last 90 days' pace 60.22 by 2026-12-31."
        )

    def test_on_track_is_not_at_risk(self) -> None:
        progress = risk.target_progress(target=Decimal(8), actual=Decimal(5), actual_before=Decimal(2), starts_on=START, due_on=DUE, today=date(2026, 7, 2))
        assert risk.target_risk("Engineers", progress, unit="people", today=date(2026, 7, 2), due_on=DUE) is None

    def test_met_target_is_never_at_risk(self) -> None:
        progress = risk.target_progress(target=Decimal(8), actual=Decimal(8), actual_before=Decimal(8), starts_on=START, due_on=DUE, today=date(2026, 2, 1))
        assert risk.target_risk("Engineers", progress, unit="people", today=date(2026, 2, 1), due_on=DUE) is None

    def test_past_due_and_short(self) -> None:
        progress = risk.target_progress(target=Decimal(8), actual=Decimal(6), actual_before=None, starts_on=START, due_on=DUE, today=date(2027, 1, 5))
        finding = risk.target_risk("Engineers", progress, unit="people", today=date(2027, 1, 5), due_on=DUE)
        assert finding is not None and finding.text == "Engineers: due 2026-12-31, reached 6 of 8 people."


class TestMilestoneRisk:
    def test_due_within_the_window_and_not_started(self) -> None:
        finding = risk.milestone_risk("Accelerator", status=ItemStatus.NOT_STARTED, due_on=date(2026, 6, 30), today=date(2026, 6, 10))
        assert finding is not None and finding.text == "Accelerator: due in 20 days (2026-06-30) and not started."

    def test_started_or_far_away_is_not_at_risk(self) -> None:
        assert risk.milestone_risk("A", status=ItemStatus.IN_PROGRESS, due_on=date(2026, 6, 30), today=date(2026, 6, 10)) is None
        assert risk.milestone_risk("A", status=ItemStatus.NOT_STARTED, due_on=date(2026, 9, 30), today=date(2026, 6, 10)) is None

    def test_overdue_and_not_completed(self) -> None:
        finding = risk.milestone_risk("A", status=ItemStatus.IN_PROGRESS, due_on=date(2026, 6, 1), today=date(2026, 6, 10))
        assert finding is not None and finding.rule == "milestone_overdue" and "9 days ago" in finding.text
        assert risk.milestone_risk("A", status=ItemStatus.COMPLETED, due_on=date(2026, 6, 1), today=date(2026, 6, 10)) is None


class TestInvestmentRisk:
    def test_not_delivered_by_its_date(self) -> None:
        finding = risk.investment_risk("SE hours", status=ItemStatus.IN_PROGRESS, due_on=date(2026, 3, 31), today=date(2026, 4, 10))
        assert finding is not None and finding.text == "SE hours: the vendor committed it by 2026-03-31; 10 days later it is not delivered."
        assert risk.investment_risk("SE hours", status=ItemStatus.CONFIRMED, due_on=date(2026, 3, 31), today=date(2026, 4, 10)) is None
        assert risk.investment_risk("SE hours", status=ItemStatus.NOT_STARTED, due_on=date(2026, 3, 31), today=date(2026, 3, 31)) is None
