"""Ramp arithmetic on hand-built partners: months, medians, censored shares, cohorts, stalls."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from alliance.planning.ramp_rules import (
    CohortBy,
    Milestone,
    PartnerRamp,
    cohorts,
    figures,
    investment_cohorts,
    median,
    months_between,
    share_within,
    stalled,
)

TODAY = date(2026, 12, 1)
MONTH = 365.25 / 12


def ramp(pid: int, *, enrolled_months_ago: float, won_after: float | None = None, subtype: str = "regional", invested: bool = False) -> PartnerRamp:
    enrolled = TODAY - timedelta(days=round(enrolled_months_ago * MONTH))
    won = enrolled + timedelta(days=round(won_after * MONTH)) if won_after is not None else None
    firsts = dict.fromkeys(Milestone)
    firsts[Milestone.WON] = won
    return PartnerRamp(
        partner_id=pid,
        name=f"P{pid}",
        partner_type="systems_integrator",
        si_subtype=subtype,
        cam_user_id=pid % 2 or None,
        enrolled_on=enrolled,
        firsts=firsts,
        invested=invested,
        quarter="FY2025-Q1" if enrolled_months_ago > 20 else "FY2026-Q1",
    )


def test_months_between_is_never_negative_and_rounded():
    assert months_between(date(2026, 1, 1), date(2026, 1, 1)) == 0
    assert months_between(date(2026, 1, 1), date(2027, 1, 1)) == 12.0
    assert months_between(date(2026, 6, 1), date(2026, 1, 1)) == 0  # a first before enrolment: at once


def test_median_of_reached_only():
    assert median([]) is None
    assert median([9, 3, 6]) == 6
    assert median([3, 4, 9, 12]) == 6.5


def test_share_within_counts_only_partners_enrolled_that_long():
    ramps = [ramp(1, enrolled_months_ago=30, won_after=5), ramp(2, enrolled_months_ago=30, won_after=20), ramp(3, enrolled_months_ago=4)]
    assert share_within(ramps, Milestone.WON, 6, today=TODAY) == 0.5  # partner 3 is not yet 6 months in
    assert share_within(ramps, Milestone.WON, 24, today=TODAY) == 1.0
    assert share_within(ramps, Milestone.WON, 0, today=TODAY) == 0.0
    assert share_within([ramp(4, enrolled_months_ago=2)], Milestone.WON, 6, today=TODAY) is None


def test_figures_per_milestone():
    ramps = [ramp(1, enrolled_months_ago=30, won_after=9), ramp(2, enrolled_months_ago=30, won_after=15), ramp(3, enrolled_months_ago=30)]
    found = figures(ramps, Milestone.WON, today=TODAY)
    assert (found.reached, found.partners, found.median_months) == (2, 3, 12.0)
    assert found.shares == pytest.approx({6: 0.0, 12: 1 / 3, 18: 2 / 3, 24: 2 / 3})
    assert figures(ramps, Milestone.CODELIVERED, today=TODAY).median_months is None


def test_cohorts_by_quarter_and_by_type():
    ramps = [ramp(1, enrolled_months_ago=30, won_after=9), ramp(2, enrolled_months_ago=10, won_after=3, subtype="gsi")]
    assert [c.key for c in cohorts(ramps, CohortBy.QUARTER, today=TODAY)] == ["FY2025-Q1", "FY2026-Q1"]
    by_type = cohorts(ramps, CohortBy.TYPE, today=TODAY)
    assert [(c.key, len(c.partners)) for c in by_type] == [("systems_integrator/gsi", 1), ("systems_integrator/regional", 1)]
    curve = by_type[1].curve(Milestone.WON, today=TODAY)
    assert curve == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # 0, 3, ... 24 months: reached at 9


def test_investment_compares_invested_with_the_rest():
    ramps = [ramp(1, enrolled_months_ago=30, won_after=9, invested=True), ramp(2, enrolled_months_ago=30, won_after=21)]
    invested, rest = investment_cohorts(ramps, today=TODAY)
    assert invested.figures[Milestone.WON].median_months == 9.0
    assert rest.figures[Milestone.WON].median_months == 21.0
    assert invested.figures[Milestone.WON].shares[12] == 1.0 and rest.figures[Milestone.WON].shares[12] == 0.0


def test_stalled_past_the_cohort_median_only():
    ramps = [
        ramp(1, enrolled_months_ago=30, won_after=9),
        ramp(2, enrolled_months_ago=30, won_after=11),  # median 10 months
        ramp(3, enrolled_months_ago=20),  # 20 months, nothing won: stalled
        ramp(4, enrolled_months_ago=8),  # 8 months: not yet past the median
        ramp(5, enrolled_months_ago=25, subtype="gsi"),  # alone in its cohort: no median, no stall
    ]
    found = stalled(ramps, today=TODAY)
    assert [s.ramp.partner_id for s in found] == [3]
    assert found[0].missing == [(Milestone.WON, 10.0)]
    assert found[0].cohort == "systems_integrator/regional"
    assert found[0].months_enrolled == 20.0


def test_a_newer_partner_counts_while_observed_and_the_curve_never_falls():
    # One enrolled 4 months ago won at once; two enrolled 30 months ago won at 9 and never.
    ramps = [ramp(1, enrolled_months_ago=4, won_after=0), ramp(2, enrolled_months_ago=30, won_after=9), ramp(3, enrolled_months_ago=30)]
    at_three, at_six, at_twelve = (share_within(ramps, Milestone.WON, m, today=TODAY) for m in (3, 6, 12))
    assert at_three == at_six == pytest.approx(1 / 3)  # partner 1's early win still counts after it leaves observation
    assert at_twelve == pytest.approx(1 - (2 / 3) * (1 / 2))  # at 9 months, one of the two still observed wins
