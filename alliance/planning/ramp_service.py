"""Ramp analytics for the vendor: every enrolled partner's time from enrolment to its firsts (read
in one statement), cohorts by fiscal enrolment quarter or by type, the comparison of partners with
a vendor practice investment against those without, and the partners stalled past their cohort's
median (a CAM sees their own partners' by default). Vendor-only: cohort figures compare partners.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from alliance.charts import Chart, ChartKind, Series, ValueFormat
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.fiscal import PeriodKind
from alliance.planning import ramp_rules
from alliance.planning.ramp_repository import RampRepository
from alliance.planning.ramp_rules import CURVE_MONTHS, Cohort, CohortBy, Milestone, PartnerRamp, Stall
from alliance.planning.ramp_schemas import CohortRead, FirstRead, MilestoneFiguresRead, MissingFirstRead, PartnerRampRead, RampReportRead, StallRead


@dataclass(frozen=True)
class RampReport:
    as_of: date
    by: CohortBy
    ramps: list[PartnerRamp]  # every enrolled partner (the cohorts' members)
    cohorts: list[Cohort]
    investment: list[Cohort]
    stalled: list[Stall]  # filtered to `cam_user_id` when given
    cam_user_id: int | None

    @property
    def listed(self) -> list[PartnerRamp]:
        """The partners the reader works through (a CAM's own when filtered)."""
        return [r for r in self.ramps if self.cam_user_id is None or r.cam_user_id == self.cam_user_id]


def default_cam(actor: Actor) -> int | None:
    """A CAM starts from their own partners."""
    return actor.user_id if can(actor, Permission.PARTNERS_BOOK) else None


def partner_ramps(session: Session, actor: Actor, *, today: date | None = None) -> list[PartnerRamp]:
    require(actor, Permission.RAMP_READ)
    today = today or clock.today()
    calendar = fiscal.current()
    return [
        PartnerRamp(
            partner_id=row.partner_id,
            name=row.name,
            partner_type=row.partner_type,
            si_subtype=row.si_subtype,
            cam_user_id=row.cam_user_id,
            cam_name=row.cam_name,
            enrolled_on=row.enrolled_on,
            firsts=row.firsts,
            invested=row.invested,
            quarter=calendar.period(PeriodKind.QUARTER, row.enrolled_on).key,
        )
        for row in RampRepository(session).rows(today=today)
    ]


def report(session: Session, actor: Actor, *, by: CohortBy = CohortBy.QUARTER, cam_user_id: int | None = None, today: date | None = None) -> RampReport:
    """Cohort figures over every enrolled partner; the stalled list for `cam_user_id`'s partners
    (every partner's when None). Stalls are measured against the partner's type cohort."""
    today = today or clock.today()
    ramps = partner_ramps(session, actor, today=today)
    stalled = [s for s in ramp_rules.stalled(ramps, today=today) if cam_user_id is None or s.ramp.cam_user_id == cam_user_id]
    return RampReport(
        as_of=today,
        by=by,
        ramps=ramps,
        cohorts=ramp_rules.cohorts(ramps, by, today=today),
        investment=ramp_rules.investment_cohorts(ramps, today=today),
        stalled=stalled,
        cam_user_id=cam_user_id,
    )


# --- charts ------------------------------------------------------------------------------------


CURVE_COHORTS = 8  # lines a chart stays readable with; the table lists every cohort


def curve_chart(found: RampReport, milestone: Milestone) -> Chart:
    """Share of each cohort that reached the first by months since enrolment (one line per cohort;
    the latest CURVE_COHORTS enrolment quarters, or the largest types)."""
    shown = found.cohorts[-CURVE_COHORTS:] if found.by == CohortBy.QUARTER else sorted(found.cohorts, key=lambda c: -len(c.partners))[:CURVE_COHORTS]
    return Chart(
        title=f"{milestone.label}: share reached by months since enrolment",
        kind=ChartKind.line,
        categories=[str(months) for months in CURVE_MONTHS],
        series=[Series(name=cohort.key, values=cohort.curve(milestone, today=found.as_of)) for cohort in shown],
        value_format=ValueFormat.percent,
        x_label="Months since enrolment",
        y_label="Share of the cohort",
        description=(
            f"One line per {'fiscal enrolment quarter (the latest eight)' if found.by == CohortBy.QUARTER else 'partner type (the eight largest)'}; "
            "a point is the Kaplan–Meier share: newer partners count for the months observed."
        ),
    )


def investment_chart(found: RampReport) -> Chart:
    """Median months to each first, partners with a vendor practice investment against those without."""
    return Chart(
        title="Median months to each first, with and without practice investment",
        kind=ChartKind.bar,
        categories=[m.label for m in Milestone],
        series=[Series(name=cohort.key, values=[cohort.figures[m].median_months for m in Milestone]) for cohort in found.investment],
        x_label="First",
        y_label="Median months",
        description="Practice investment: certification funding or seats, or MDF, committed by the vendor in an agreed business plan.",
    )


# --- reads for the API and CSV -----------------------------------------------------------------


def read_partner(ramp: PartnerRamp, *, today: date) -> PartnerRampRead:
    return PartnerRampRead(
        partner_id=ramp.partner_id,
        partner_name=ramp.name,
        partner_type=ramp.partner_type,
        si_subtype=ramp.si_subtype,
        cam_user_id=ramp.cam_user_id,
        cam_name=ramp.cam_name,
        enrolled_on=ramp.enrolled_on,
        enrollment_quarter=ramp.quarter,
        months_enrolled=ramp.months_enrolled(today),
        invested=ramp.invested,
        firsts=[
            FirstRead(
                milestone=m,
                reached_on=reached,
                days=max((reached - ramp.enrolled_on).days, 0) if reached else None,
                months=ramp.months_to(m),
            )
            for m in Milestone
            for reached in [ramp.firsts.get(m)]
        ],
    )


def read_cohort(cohort: Cohort) -> CohortRead:
    return CohortRead(
        cohort=cohort.key,
        partners=len(cohort.partners),
        figures=[
            MilestoneFiguresRead(
                milestone=f.milestone,
                reached=f.reached,
                partners=f.partners,
                median_months=f.median_months,
                within_6_months=f.shares[6],
                within_12_months=f.shares[12],
                within_18_months=f.shares[18],
                within_24_months=f.shares[24],
            )
            for f in cohort.figures.values()
        ],
    )


def read_report(found: RampReport) -> RampReportRead:
    return RampReportRead(
        as_of=found.as_of,
        cohort_by=found.by,
        cohorts=[read_cohort(c) for c in found.cohorts],
        investment=[read_cohort(c) for c in found.investment],
        stalled=[
            StallRead(
                partner_id=s.ramp.partner_id,
                partner_name=s.ramp.name,
                cam_user_id=s.ramp.cam_user_id,
                cam_name=s.ramp.cam_name,
                cohort=s.cohort,
                months_enrolled=s.months_enrolled,
                missing=[MissingFirstRead(milestone=m, cohort_median_months=months) for m, months in s.missing],
            )
            for s in found.stalled
        ],
    )


CSV_COLUMNS = (
    "partner_id",
    "partner_name",
    "partner_type",
    "si_subtype",
    "cam_user_id",
    "cam_name",
    "enrolled_on",
    "enrollment_quarter",
    "months_enrolled",
    "practice_investment",
    *(f"{m.value}_{suffix}" for m in Milestone for suffix in ("on", "months")),
    "stalled_on",
    "as_of",
)


def csv_rows(found: RampReport) -> Iterator[tuple[object, ...]]:
    """One row per listed partner (CSV_COLUMNS): each first's day and months from enrolment, and
    the firsts it is stalled on (past its type cohort's median)."""
    stalls = {s.ramp.partner_id: s for s in ramp_rules.stalled(found.ramps, today=found.as_of)}
    for ramp in found.listed:
        stall = stalls.get(ramp.partner_id)
        firsts: list[object] = []
        for m in Milestone:
            reached, months = ramp.firsts.get(m), ramp.months_to(m)
            firsts += [reached.isoformat() if reached else "", "" if months is None else months]
        yield (
            ramp.partner_id,
            ramp.name,
            ramp.partner_type,
            ramp.si_subtype or "",
            ramp.cam_user_id or "",
            ramp.cam_name or "",
            ramp.enrolled_on.isoformat(),
            ramp.quarter,
            ramp.months_enrolled(found.as_of),
            "yes" if ramp.invested else "no",
            *firsts,
            " ".join(m.value for m, _ in stall.missing) if stall else "",
            found.as_of.isoformat(),
        )
