"""Contribution report pages: the console's report across partners with drill-down and CSV, and
the portal's page with the partner's own numbers and the ledger lines behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath, PageParams
from alliance.http.session import get_database
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.fiscal import PeriodKind
from alliance.kit.pagination import PageRequest
from alliance.kit.types import parse_moment
from alliance.registrations import attribution_service
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, DateText, PortalActor, VendorActor, WebSession
from alliance.web.forms import query_day, query_int
from alliance.web.templating import render

router = APIRouter()


@dataclass
class Filters:
    """The period pickers as typed, and what they mean once checked."""

    values: dict[str, str]
    errors: dict[str, str]
    period_start: date | None
    period_end: date | None
    as_of: datetime | None
    # The fiscal period the dates make exactly ("FY2027 Q2"), and the ones offered at a click.
    label: str | None = None
    presets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def query(self) -> str:
        return urlencode({k: v for k, v in self.values.items() if v})


def _filters(period_start: DateText = None, period_end: DateText = None, as_of: DateText = None) -> Filters:
    errors: dict[str, str] = {}
    start = query_day(period_start, "period_start", errors)
    end = query_day(period_end, "period_end", errors)
    as_of_day = query_day(as_of, "as_of", errors)
    if start and end and end < start:
        errors["period_end"] = "The period ends before it starts."
    calendar = fiscal.current()
    this_quarter = calendar.period(PeriodKind.QUARTER, clock.today())
    start, end = start or this_quarter.start, end or this_quarter.end
    # As of a day: everything the ledger had learnt by the end of that day (in the configured zone).
    moment = parse_moment(as_of_day) + timedelta(days=1, microseconds=-1) if as_of_day else None
    values = {"period_start": start.isoformat(), "period_end": end.isoformat(), "as_of": as_of_day.isoformat() if as_of_day else ""}
    named = calendar.named(start, end)
    presets = [(p.label, urlencode({"period_start": p.start.isoformat(), "period_end": p.end.isoformat()})) for p in calendar.presets(clock.today())]
    return Filters(values=values, errors=errors, period_start=start, period_end=end, as_of=moment, label=named.label if named else None, presets=presets)


# The report period every page and download here takes from the query string.
Period = Annotated[Filters, Depends(_filters)]
PartnerIdText = Annotated[str | None, Query(max_length=20)]


def _report_page(request: Request, session: Session, actor: Actor, filters: Filters, template: str, page: PageRequest, **extra: Any) -> Response:
    report = None
    if not filters.errors:
        report = attribution_service.contribution_report(
            session,
            actor,
            period_start=filters.period_start,
            period_end=filters.period_end,
            as_of=filters.as_of,
            partner_id=extra.get("partner_id"),
            page=page,
        )
    context = {"report": report, "values": filters.values, "errors": filters.errors, "filter_query": filters.query, "filters": filters, **extra}
    return render(request, template, context, status_code=422 if filters.errors else 200)


@router.get("/console/reports/contribution", dependencies=VENDOR_ONLY)
def console_report(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    filters: Period,
    partner_id: PartnerIdText = None,
) -> Response:
    partner = query_int(partner_id)
    if (partner_id or "").strip() and partner is None:
        filters.errors["partner_id"] = "Enter a partner id (a whole number)."
    if partner:
        filters.values["partner_id"] = str(partner)
    return _report_page(request, session, actor, filters, "attribution/report.html", page, partner_id=partner)


@router.get("/console/reports/contribution.csv", dependencies=VENDOR_ONLY)
def console_csv(
    session: WebSession,
    actor: VendorActor,
    database: Annotated[Database, Depends(get_database)],
    filters: Period,
    partner_id: PartnerIdText = None,
) -> Response:
    return _csv(session, actor, database, filters, query_int(partner_id))


@router.get("/console/reports/contribution/{partner_id}", dependencies=VENDOR_ONLY)
def console_drill_down(
    request: Request,
    partner_id: IdPath,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    filters: Period,
) -> Response:
    return _entries_page(request, session, actor, filters, partner_id, page, "attribution/entries.html")


def _entries_page(request: Request, session: Session, actor: Actor, filters: Filters, partner_id: int, page: PageRequest, template: str) -> Response:
    report = entries = None
    if not filters.errors:
        start, end, as_of = filters.period_start, filters.period_end, filters.as_of
        entries = attribution_service.contribution_entries(session, actor, partner_id=partner_id, period_start=start, period_end=end, as_of=as_of, page=page)
        report = attribution_service.contribution_report(session, actor, partner_id=partner_id, period_start=start, period_end=end, as_of=as_of)
    context = {
        "report": report,
        "entries": entries,
        "values": filters.values,
        "errors": filters.errors,
        "filter_query": filters.query,
        "filters": filters,
        "partner_id": partner_id,
    }
    return render(request, template, context, status_code=422 if filters.errors else 200)


@router.get("/portal/contribution", dependencies=PORTAL_ONLY)
def portal_contribution(
    request: Request,
    session: WebSession,
    actor: PortalActor,
    page: PageParams,
    filters: Period,
) -> Response:
    assert actor.partner_id is not None  # portal_actor guarantees it
    return _entries_page(request, session, actor, filters, actor.partner_id, page, "attribution/portal.html")


@router.get("/portal/contribution.csv", dependencies=PORTAL_ONLY)
def portal_csv(
    session: WebSession,
    actor: PortalActor,
    database: Annotated[Database, Depends(get_database)],
    filters: Period,
) -> Response:
    return _csv(session, actor, database, filters, actor.partner_id)


def _csv(session: Session, actor: Actor, database: Database, filters: Filters, partner_id: int | None) -> Response:
    if filters.errors:
        field, message = next(iter(filters.errors.items()))
        return Response(f"{field}: {message}\n", status_code=422, media_type="text/plain; charset=utf-8")
    window = attribution_service.contribution_window(
        session, actor, period_start=filters.period_start, period_end=filters.period_end, as_of=filters.as_of, partner_id=partner_id
    )
    return downloads.contribution_csv(database, actor, window)
