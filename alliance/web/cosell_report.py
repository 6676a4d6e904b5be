"""The co-sell report in the console: volume, median first response in business hours, breach rate
and outcomes per team, request type or partner, with the same CSV as the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance.cosell.requests import report_service
from alliance.errors import RuleViolation
from alliance.http import downloads
from alliance.identity.scope import Actor
from alliance.web.cosell_panel import TYPE_LABELS
from alliance.web.deps import VENDOR_ONLY, DateText, VendorActor, WebSession
from alliance.web.forms import query_day, refused
from alliance.web.templating import render

router = APIRouter()
REPORT = "/console/cosell/report"

GROUP_LABELS = {"team": "Team", "request_type": "Request type", "partner": "Partner"}


@dataclass
class Filters:
    """The filters as typed, what they mean once parsed, and what is wrong with them."""

    values: dict[str, str]
    errors: dict[str, str]
    start: date | None
    end: date | None
    group_by: str


def _filters(start: str | None, end: str | None, group_by: str | None) -> Filters:
    values = {"start": (start or "").strip(), "end": (end or "").strip(), "group_by": (group_by or "").strip() or "team"}
    errors: dict[str, str] = {}
    start_day, end_day = query_day(values["start"], "start", errors), query_day(values["end"], "end", errors)
    if values["group_by"] not in report_service.GROUPS:
        errors["group_by"] = "Group by team, request type or partner."
    return Filters(values=values, errors=errors, start=start_day, end=end_day, group_by=values["group_by"])


def _report(session: Session, actor: Actor, filters: Filters) -> report_service.CosellReport | None:
    """The report, or None with `filters.errors` saying why (the service checks the period)."""
    if filters.errors:
        return None
    try:
        report = report_service.cosell_report(session, actor, start=filters.start, end=filters.end, group_by=filters.group_by)
    except RuleViolation as exc:
        filters.errors.update(refused(session, exc)[1])
        return None
    # Show the period the service chose, so the form and the CSV link name the same days.
    filters.values.update(start=report.start.isoformat(), end=report.end.isoformat())
    return report


@router.get(REPORT, dependencies=VENDOR_ONLY)
def report_page(request: Request, session: WebSession, actor: VendorActor, start: DateText = None, end: DateText = None, group_by: DateText = None) -> Response:
    filters = _filters(start, end, group_by)
    report = _report(session, actor, filters)
    context: dict[str, Any] = {
        "report": report,
        "values": filters.values,
        "errors": filters.errors,
        "group_labels": GROUP_LABELS,
        "filter_query": urlencode(filters.values),
        "type_labels": TYPE_LABELS,
        "default_days": report_service.DEFAULT_DAYS,
    }
    return render(request, "cosell/report.html", context, status_code=422 if report is None else 200)


@router.get(REPORT + ".csv", dependencies=VENDOR_ONLY)
def report_csv(session: WebSession, actor: VendorActor, start: DateText = None, end: DateText = None, group_by: DateText = None) -> Response:
    filters = _filters(start, end, group_by)
    report = _report(session, actor, filters)
    if report is None:
        lines = [text if field == "__all__" else f"{field}: {text}" for field, text in sorted(filters.errors.items(), key=lambda e: e[0] != "__all__")]
        return Response("\n".join(lines) + "\n", status_code=422, media_type="text/plain; charset=utf-8")
    return downloads.cosell_csv(report)
