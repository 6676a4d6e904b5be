"""CSV reports and stored files as downloads, the same from the API and the portal."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO
from urllib.parse import quote

from fastapi.responses import RedirectResponse, Response, StreamingResponse

from alliance.assets import reference_service
from alliance.assets.reference_repository import ReferenceFilters, StoryFilters
from alliance.cosell.requests import report_service
from alliance.db import Database
from alliance.files.storage import BlobStore, verified_chunks
from alliance.funds import export_service as fund_exports
from alliance.funds.repository import FundFilters
from alliance.identity.scope import Actor, scope_for
from alliance.planning import actuals_service
from alliance.planning.repository import PlanFilters
from alliance.registrations import attribution_service
from alliance.registrations.attribution_repository import ReportWindow

CONTRIBUTION_CSV_COLUMNS = (
    "partner_id",
    "partner_name",
    "currency",
    "direct",
    "influenced",
    "services",
    "total",
    "vendor_direct",
    "entries",
    "closings",
    "period_start",
    "period_end",
    "as_of",
)


def csv_attachment(lines: Iterable[str], filename: str) -> StreamingResponse:
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# Images may be shown in place (sandboxed, never sniffed); everything else is a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def disposition(filename: str, content_type: str) -> str:
    return f"{'inline' if content_type in INLINE_TYPES else 'attachment'}; filename*=UTF-8''{quote(filename)}"


def stored_file(*, store: BlobStore, filename: str, content_type: str, size_bytes: int, sha256: str, handle: BinaryIO) -> Response:
    """A stored file streamed with its SHA-256 verified on the way (files.storage.verified_chunks):
    an attachment unless it is an image, never sniffed, sandboxed, never cached by proxies. A store
    that hands out presigned URLs (S3, when configured) is answered with a redirect to one instead:
    the caller has already been authorized, the URL is short-lived and its answer carries the same
    disposition."""
    shown_as = disposition(filename, content_type)
    url = store.download_url(sha256, filename=filename, content_type=content_type, disposition=shown_as)
    if url is not None:
        handle.close()
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "private, no-store"})
    return StreamingResponse(
        verified_chunks(handle, sha256),
        media_type=content_type,
        headers={
            "Content-Disposition": shown_as,
            "Content-Length": str(size_bytes),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


def contribution_csv(database: Database, actor: Actor, window: ReportWindow) -> StreamingResponse:
    """The contribution report, one row per partner and currency, every partner (no paging)."""
    name = f"contribution_{window.period_start.isoformat()}_{window.period_end.isoformat()}.csv"
    return csv_attachment(_contribution_lines(database, actor, window), name)


def _contribution_lines(database: Database, actor: Actor, window: ReportWindow) -> Iterator[str]:
    # The request's session is committed and closed before the body streams: read in our own.
    yield csv_line(CONTRIBUTION_CSV_COLUMNS)
    period = (window.period_start.isoformat(), window.period_end.isoformat(), window.as_of.isoformat())
    with database.session_scope(scope_for(actor), write=False) as session:
        for partner, amounts in attribution_service.contribution_rows(session, actor, window=window):
            if amounts is None:
                yield csv_line((partner.partner_id, partner.partner_name, "", "0.00", "0.00", "0.00", "0.00", "0.00", 0, 0, *period))
                continue
            yield csv_line(
                (
                    partner.partner_id,
                    partner.partner_name,
                    amounts.currency,
                    amounts.direct,
                    amounts.influenced,
                    amounts.services,
                    amounts.total,
                    amounts.vendor_direct,
                    amounts.entries,
                    amounts.closings,
                    *period,
                )
            )


def cosell_csv(report: report_service.CosellReport) -> StreamingResponse:
    name = f"cosell_{report.group_by}_{report.start.isoformat()}_{report.end.isoformat()}.csv"
    return csv_attachment(_cosell_lines(report), name)


def _cosell_lines(report: report_service.CosellReport) -> Iterator[str]:
    yield csv_line(report_service.CSV_COLUMNS)
    for values in report_service.csv_values(report):
        yield csv_line(values)


def business_plans_csv(database: Database, actor: Actor, filters: PlanFilters, as_of: date, sort: str | None = None) -> StreamingResponse:
    """Plans and plan-vs-actual, one row per item of each plan's version in force, in the list's order."""
    return csv_attachment(_business_plan_lines(database, actor, filters, as_of, sort), f"business_plans_{as_of.isoformat()}.csv")


def _business_plan_lines(database: Database, actor: Actor, filters: PlanFilters, as_of: date, sort: str | None) -> Iterator[str]:
    yield csv_line(actuals_service.CSV_COLUMNS)
    with database.session_scope(scope_for(actor), write=False) as session:
        for row in actuals_service.export_rows(session, actor, filters=filters, as_of=as_of, sort=sort):
            yield csv_line(row)


def fund_ledger_csv(database: Database, actor: Actor, *, partner_id: int | None, period_key: str | None, today: date) -> StreamingResponse:
    """The MDF ledger: one row per partner allocation with every bucket's balance."""
    return csv_attachment(_fund_ledger_lines(database, actor, partner_id, period_key), f"mdf_ledger_{today.isoformat()}.csv")


def _fund_ledger_lines(database: Database, actor: Actor, partner_id: int | None, period_key: str | None) -> Iterator[str]:
    yield csv_line(fund_exports.LEDGER_CSV_COLUMNS)
    with database.session_scope(scope_for(actor), write=False) as session:
        for row in fund_exports.ledger_rows(session, actor, partner_id=partner_id, period_key=period_key):
            yield csv_line(row)


def fund_claims_csv(database: Database, actor: Actor, *, filters: FundFilters, sort: str | None, today: date) -> StreamingResponse:
    """MDF claims, one row per claim, every claim matching the filters."""
    return csv_attachment(_fund_claim_lines(database, actor, filters, sort), f"mdf_claims_{today.isoformat()}.csv")


def _fund_claim_lines(database: Database, actor: Actor, filters: FundFilters, sort: str | None) -> Iterator[str]:
    yield csv_line(fund_exports.CLAIMS_CSV_COLUMNS)
    with database.session_scope(scope_for(actor), write=False) as session:
        for row in fund_exports.claim_rows(session, actor, filters=filters, sort=sort):
            yield csv_line(row)


def reference_library_csv(database: Database, actor: Actor, filters: StoryFilters) -> StreamingResponse:
    """The reference library: one row per approved reference matching the filters."""
    return csv_attachment(_reference_lines(database, actor, filters), "customer_references.csv")


def _reference_lines(database: Database, actor: Actor, filters: StoryFilters) -> Iterator[str]:
    yield csv_line(reference_service.CSV_COLUMNS)
    with database.session_scope(scope_for(actor), write=False) as session:
        for row in reference_service.export_rows(session, actor, filters=filters):
            yield csv_line(row)


def reference_list_csv(database: Database, actor: Actor, filters: ReferenceFilters) -> StreamingResponse:
    """References of any status (partners: their own), one row each, in the list's order."""
    return csv_attachment(_reference_list_lines(database, actor, filters), "customer_reference_submissions.csv")


def _reference_list_lines(database: Database, actor: Actor, filters: ReferenceFilters) -> Iterator[str]:
    yield csv_line(reference_service.LIST_CSV_COLUMNS)
    with database.session_scope(scope_for(actor), write=False) as session:
        for row in reference_service.export_list_rows(session, actor, filters=filters):
            yield csv_line(row)


def csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(_formula_safe(v) for v in values)
    return buffer.getvalue()


def _formula_safe(value: Any) -> Any:
    """Spreadsheet formula injection: a name starting with =, +, - or @ is quoted as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
