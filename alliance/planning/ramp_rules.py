"""Ramp arithmetic, pure: how long a partner took from enrolment to each first (certified solution
architect, approved registration, won deal or project, co-delivered project, confirmed practice
milestone), and what a cohort of partners looks like: the median months to each first, the share
that reached it within 6, 12, 18 and 24 months, the share curve month by month, and who is stalled.

Censoring is honest: a share "within N months" is the Kaplan–Meier estimate (a partner enrolled 4
months ago counts for the 4 months it has been observed, and has not failed to ramp within 6), None
until some partner has been enrolled N months. The median is of the partners that reached the
first (with how many did, out of how many).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

DAYS_PER_MONTH = 365.25 / 12
WINDOWS = (6, 12, 18, 24)  # months: the seed's 6-12 with investment, 18-24 without
CURVE_MONTHS = tuple(range(0, 25, 3))  # the cohort curves' points: 0, 3, ... 24 months


class Milestone(StrEnum):
    SOLUTION_ARCHITECT = "first_certified_architect"
    APPROVED_REGISTRATION = "first_approved_registration"
    WON = "first_won_deal_or_project"
    CODELIVERED = "first_codelivered_project"
    PRACTICE_MILESTONE = "first_confirmed_milestone"

    @property
    def label(self) -> str:
        return MILESTONE_LABELS[self]


MILESTONE_LABELS = {
    Milestone.SOLUTION_ARCHITECT: "First certified solution architect",
    Milestone.APPROVED_REGISTRATION: "First approved registration",
    Milestone.WON: "First won deal or project",
    Milestone.CODELIVERED: "First co-delivered project",
    Milestone.PRACTICE_MILESTONE: "First confirmed practice milestone",
}


class CohortBy(StrEnum):
    QUARTER = "quarter"  # the fiscal quarter of enrolment
    TYPE = "type"  # partner type and SI subtype


@dataclass(frozen=True)
class PartnerRamp:
    """One partner's enrolment and firsts (None: not reached yet)."""

    partner_id: int
    name: str
    partner_type: str
    si_subtype: str | None
    cam_user_id: int | None
    enrolled_on: date
    firsts: dict[Milestone, date | None]
    cam_name: str | None = None
    invested: bool = False  # a vendor practice investment was committed in an agreed plan
    quarter: str = ""  # the fiscal quarter of enrolment (kit.fiscal key), set by the service

    @property
    def type_label(self) -> str:
        return f"{self.partner_type}/{self.si_subtype}" if self.si_subtype else self.partner_type

    def months_to(self, milestone: Milestone) -> float | None:
        """Months from enrolment to the first (0 when it came before enrolment), None if not reached."""
        reached = self.firsts.get(milestone)
        return None if reached is None else months_between(self.enrolled_on, reached)

    def months_enrolled(self, today: date) -> float:
        return months_between(self.enrolled_on, today)


def months_between(start: date, end: date) -> float:
    """Months (of 365.25/12 days) from `start` to `end`, never negative, to one decimal."""
    return round(max((end - start).days, 0) / DAYS_PER_MONTH, 1)


def median(values: Iterable[float]) -> float | None:
    found = sorted(values)
    return round(statistics.median(found), 1) if found else None


def share_within(ramps: Sequence[PartnerRamp], milestone: Milestone, months: float, *, today: date) -> float | None:
    """The share of partners that reach the first within `months` of enrolling: the Kaplan–Meier
    estimate, so a partner enrolled more recently counts for as long as it has been observed (one
    enrolled 4 months ago has not failed to ramp within 6) and the curve never falls. None while
    no partner has been enrolled `months`."""
    if not any(r.months_enrolled(today) >= months for r in ramps):
        return None
    # (observed months, reached): the first's months, or the months enrolled so far (censored)
    observed = [(taken, True) if (taken := r.months_to(milestone)) is not None else (r.months_enrolled(today), False) for r in ramps]
    remaining = 1.0
    for moment in sorted({t for t, reached in observed if reached and t <= months}):
        at_risk = sum(1 for t, _ in observed if t >= moment)
        reached_then = sum(1 for t, reached in observed if reached and t == moment)
        remaining *= 1 - reached_then / at_risk
    return 1 - remaining


@dataclass(frozen=True)
class MilestoneFigures:
    milestone: Milestone
    reached: int
    partners: int
    median_months: float | None
    shares: dict[int, float | None]  # window in months -> share reached within it


@dataclass(frozen=True)
class Cohort:
    key: str  # FY2026-Q3, systems_integrator/regional, or invested / not invested
    partners: list[PartnerRamp]
    figures: dict[Milestone, MilestoneFigures] = field(default_factory=dict)

    def curve(self, milestone: Milestone, *, today: date) -> list[float | None]:
        return [share_within(self.partners, milestone, months, today=today) for months in CURVE_MONTHS]


def figures(ramps: Sequence[PartnerRamp], milestone: Milestone, *, today: date) -> MilestoneFigures:
    taken = [t for r in ramps if (t := r.months_to(milestone)) is not None]
    return MilestoneFigures(
        milestone=milestone,
        reached=len(taken),
        partners=len(ramps),
        median_months=median(taken),
        shares={window: share_within(ramps, milestone, window, today=today) for window in WINDOWS},
    )


def cohort_key(by: CohortBy) -> Callable[[PartnerRamp], str]:
    return (lambda r: r.quarter) if by == CohortBy.QUARTER else (lambda r: r.type_label)


def cohorts(ramps: Sequence[PartnerRamp], by: CohortBy, *, today: date) -> list[Cohort]:
    """The partners grouped by enrolment quarter or by type, each group's figures per milestone,
    in key order (quarters oldest first)."""
    key = cohort_key(by)
    groups: dict[str, list[PartnerRamp]] = {}
    for ramp in ramps:
        groups.setdefault(key(ramp), []).append(ramp)
    return [_cohort(name, groups[name], today=today) for name in sorted(groups)]


def investment_cohorts(ramps: Sequence[PartnerRamp], *, today: date) -> list[Cohort]:
    """Partners with a vendor practice investment committed against those without."""
    return [
        _cohort("with practice investment", [r for r in ramps if r.invested], today=today),
        _cohort("without practice investment", [r for r in ramps if not r.invested], today=today),
    ]


def _cohort(name: str, members: list[PartnerRamp], *, today: date) -> Cohort:
    return Cohort(key=name, partners=members, figures={m: figures(members, m, today=today) for m in Milestone})


@dataclass(frozen=True)
class Stall:
    """A partner enrolled longer than its cohort's median to firsts it has not reached."""

    ramp: PartnerRamp
    cohort: str
    months_enrolled: float
    missing: list[tuple[Milestone, float]]  # the first not reached, and the cohort's median months to it


def stalled(ramps: Sequence[PartnerRamp], *, by: CohortBy = CohortBy.TYPE, today: date) -> list[Stall]:
    """Partners past their cohort's median for at least one first they have not reached, longest
    enrolled first. A cohort's median needs at least one partner who reached the first."""
    key = cohort_key(by)
    found = []
    for cohort in cohorts(ramps, by, today=today):
        for ramp in cohort.partners:
            enrolled = ramp.months_enrolled(today)
            missing = [
                (milestone, median_months)
                for milestone, figure in cohort.figures.items()
                if ramp.firsts.get(milestone) is None and (median_months := figure.median_months) is not None and enrolled > median_months
            ]
            if missing:
                found.append(Stall(ramp=ramp, cohort=key(ramp), months_enrolled=enrolled, missing=missing))
    return sorted(found, key=lambda s: (-s.months_enrolled, s.ramp.name))
