"""The MDF ledger and claims as CSV rows, with column names a finance team recognises (partner_id
first, as every export)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from alliance.funds import service as fund_service
from alliance.funds.repository import FundFilters
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest

LEDGER_CSV_COLUMNS = (
    "partner_id",
    "partner_name",
    "fiscal_period",
    "allocation_id",
    "currency",
    "allocated",
    "committed",
    "claimed_pending_review",
    "approved_unpaid",
    "paid",
    "expired",
    "available",
    "expires_on",
)
CLAIMS_CSV_COLUMNS = (
    "partner_id",
    "partner_name",
    "claim_id",
    "fund_request_id",
    "campaign_code",
    "activity_title",
    "activity_type",
    "fiscal_period",
    "claim_status",
    "submitted_date",
    "claimed_amount",
    "reimbursable_amount",
    "approved_amount",
    "currency",
    "decision_reason",
    "payment_reference",
    "payment_date",
)
BATCH = 500


def ledger_rows(session: Session, actor: Actor, *, partner_id: int | None, period_key: str | None) -> Iterator[tuple[object, ...]]:
    for row in fund_service.ledger(session, actor, partner_id=partner_id, period_key=period_key):
        b = row.balances
        yield (
            row.partner_id,
            row.partner_name,
            row.period_key,
            row.allocation_id,
            row.currency,
            b.allocated,
            b.committed,
            b.claimed,
            b.approved,
            b.paid,
            b.expired,
            b.available,
            row.expires_on.isoformat(),
        )


def claim_rows(session: Session, actor: Actor, *, filters: FundFilters, sort: str | None) -> Iterator[tuple[object, ...]]:
    offset = 0
    while True:
        page = fund_service.list_claims(session, actor, filters=filters, page=PageRequest(limit=BATCH, offset=offset), sort=sort)
        for claim, partner_name, title, activity_type, period_key in page.items:
            yield (
                claim.partner_id,
                partner_name,
                claim.id,
                claim.request_id,
                f"MDF-{claim.request_id}",
                title,
                activity_type.value,
                period_key,
                claim.status.value,
                claim.submitted_at.date().isoformat(),
                claim.claimed_amount,
                claim.reimbursable_amount,
                "" if claim.approved_amount is None else claim.approved_amount,
                claim.currency,
                claim.decision_reason or "",
                claim.payment_reference or "",
                claim.paid_on.isoformat() if claim.paid_on else "",
            )
        offset += BATCH
        if offset >= page.total:
            return
