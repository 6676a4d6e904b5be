"""What readers of ramp analytics get: each partner's firsts and time to each, cohort figures,
the investment comparison and the stalled partners."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from alliance.kit.schemas import ReadSchema
from alliance.planning.ramp_rules import CohortBy, Milestone


class FirstRead(ReadSchema):
    milestone: Milestone
    reached_on: date | None
    days: int | None = Field(description="Days from enrolment (0 when it came first)")
    months: float | None


class PartnerRampRead(ReadSchema):
    partner_id: int
    partner_name: str
    partner_type: str
    si_subtype: str | None
    cam_user_id: int | None
    cam_name: str | None
    enrolled_on: date
    enrollment_quarter: str = Field(description="The fiscal quarter of enrolment, e.g. FY2026-Q3")
    months_enrolled: float
    invested: bool = Field(description="A vendor practice investment (certification funding or seats, MDF) is committed in an agreed business plan")
    firsts: list[FirstRead]


class MilestoneFiguresRead(ReadSchema):
    milestone: Milestone
    reached: int
    partners: int
    median_months: float | None = Field(description="Median months to the first, of the partners that reached it")
    within_6_months: float | None = Field(
        description="Share (0-1) reaching it within 6 months of enrolling (Kaplan–Meier: newer partners count while observed)"
    )
    within_12_months: float | None
    within_18_months: float | None
    within_24_months: float | None


class CohortRead(ReadSchema):
    cohort: str
    partners: int
    figures: list[MilestoneFiguresRead]


class MissingFirstRead(ReadSchema):
    milestone: Milestone
    cohort_median_months: float


class StallRead(ReadSchema):
    partner_id: int
    partner_name: str
    cam_user_id: int | None
    cam_name: str | None
    cohort: str
    months_enrolled: float
    missing: list[MissingFirstRead]


class RampReportRead(ReadSchema):
    as_of: date
    cohort_by: CohortBy
    cohorts: list[CohortRead]
    investment: list[CohortRead] = Field(description="Partners with a vendor practice investment against those without")
    stalled: list[StallRead] = Field(description="Past their type cohort's median to a first not reached (a CAM: their own partners by default)")
