"""The attribution ledger and the partner contribution report (JSON and CSV)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypedDict

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.http.session import get_database
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.kit.types import Day, Moment
from alliance.registrations import attribution_service
from alliance.registrations.attribution_schemas import (
    AttributionEntryRead,
    ContributionEntryRead,
    ContributionReportRead,
    ReversalRequest,
)
from alliance.registrations.models import AttributionEntry
from alliance.registrations.vocabulary import CreditType

router = api_router(tags=["attribution"])


class Period(TypedDict):
    period_start: date | None
    period_end: date | None
    as_of: datetime | None


def period_params(
    period_start: Annotated[Day | None, Query(description="First day of the period (default: the current quarter)")] = None,
    period_end: Annotated[Day | None, Query(description="Last day of the period, included")] = None,
    as_of: Annotated[Moment | None, Query(description="Read the ledger as it was at this moment (default: now); later corrections are ignored")] = None,
) -> Period:
    """The report's period and the moment the ledger is read at, passed on as the service's keywords."""
    return Period(period_start=period_start, period_end=period_end, as_of=as_of)


PeriodParams = Annotated[Period, Depends(period_params)]


@router.get("/reports/contribution", response_model=ContributionReportRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def contribution_report(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    period: PeriodParams,
    partner_id: IdQuery = None,
) -> attribution_service.ContributionReport:
    """Direct, influenced and services credit per partner and currency (never converted), with
    grand totals; paged by partner. A partner user gets their own row only."""
    return attribution_service.contribution_report(session, actor, **period, partner_id=partner_id, page=page)


@router.get(
    "/reports/contribution.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
    openapi_extra=allowed(Permission.PARTNERS_READ),
)
def contribution_csv(
    session: DbSession,
    actor: CurrentActor,
    database: Annotated[Database, Depends(get_database)],
    period: PeriodParams,
    partner_id: IdQuery = None,
) -> StreamingResponse:
    """The report as CSV, one row per partner and currency, every partner (no paging)."""
    window = attribution_service.contribution_window(session, actor, **period, partner_id=partner_id)
    return downloads.contribution_csv(database, actor, window)


@router.get("/reports/contribution/{partner_id}/entries", response_model=PageRead[ContributionEntryRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def contribution_entries(
    partner_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    period: PeriodParams,
) -> dict[str, object]:
    """The ledger lines behind one partner's row, with the registration each credits."""
    return attribution_service.contribution_entries(session, actor, partner_id=partner_id, **period, page=page).as_response()


@router.get("/attribution/entries", response_model=PageRead[AttributionEntryRead], openapi_extra=allowed(Permission.ATTRIBUTION_LEDGER_READ))
def list_entries(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    registration_id: IdQuery = None,
    credit_type: CreditType | None = None,
    partner_id: IdQuery = None,
) -> dict[str, object]:
    """Ledger lines in the order they were recorded (vendor users); `registration_id` matches the
    credited or the closing registration."""
    return attribution_service.list_entries(
        session, actor, registration_id=registration_id, credit_type=credit_type, partner_id=partner_id, page=page
    ).as_response()


@router.post(
    "/attribution/entries/{entry_id}/reversal", response_model=AttributionEntryRead, status_code=201, openapi_extra=allowed(Permission.ATTRIBUTION_CORRECT)
)
def reverse_entry(entry_id: IdPath, data: ReversalRequest, session: DbSession, actor: CurrentActor) -> AttributionEntry:
    """Record the opposite of an entry (program admins). 409 when it is already reversed or is itself a reversal."""
    return attribution_service.reverse_entry(session, actor, entry_id=entry_id, reason=data.reason)
