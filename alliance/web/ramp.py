"""The console's ramp dashboard: cohort curves (share of each cohort that reached a first, by
months since enrolment), the investment comparison, cohort tables, the stalled partners (a CAM
starts with their own) and every partner's firsts, with a CSV. Vendor staff only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alliance.http.downloads import csv_attachment, csv_line
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.planning import ramp_service
from alliance.planning.ramp_rules import WINDOWS, CohortBy, Milestone
from alliance.web.deps import VENDOR_ONLY, Text, VendorActor, WebSession
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/ramp"


def _cam(actor: Actor, mine: str | None) -> int | None:
    only_mine = (mine == "1") if mine is not None else can(actor, Permission.PARTNERS_BOOK)
    return actor.user_id if only_mine else None


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def dashboard(request: Request, session: WebSession, actor: VendorActor, by: Text = None, milestone: Text = None, mine: Text = None) -> Response:
    cohort_by = CohortBy(by) if by in set(CohortBy) else CohortBy.QUARTER
    chosen = Milestone(milestone) if milestone in set(Milestone) else Milestone.WON
    found = ramp_service.report(session, actor, by=cohort_by, cam_user_id=_cam(actor, mine))
    context = {
        "report": found,
        "cohort_by": cohort_by,
        "cohort_bys": list(CohortBy),
        "milestone": chosen,
        "milestones": list(Milestone),
        "windows": WINDOWS,
        "only_mine": found.cam_user_id is not None,
        "curve": ramp_service.curve_chart(found, chosen),
        "investment": ramp_service.investment_chart(found),
        "base": CONSOLE,
    }
    return render(request, "ramp/dashboard.html", context)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def dashboard_csv(session: WebSession, actor: VendorActor, mine: Text = None) -> Response:
    found = ramp_service.report(session, actor, cam_user_id=_cam(actor, mine))
    lines = [csv_line(ramp_service.CSV_COLUMNS), *(csv_line(row) for row in ramp_service.csv_rows(found))]
    return csv_attachment(lines, f"partner_ramp_{found.as_of.isoformat()}.csv")
