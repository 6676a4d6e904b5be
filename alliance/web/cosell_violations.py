"""Rules-of-engagement violations in the console: filtered by partner (one by name, or the
executive dashboard's "mine" and "sponsored" views), sortable, exported as CSV. Calls
cosell.engagements.service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.repository import VIOLATION_SORTS
from alliance.cosell.engagements.schemas import ViolationFilters
from alliance.cosell.labels import service as label_service
from alliance.http import downloads
from alliance.http.params import PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import sort_keys
from alliance.web import partner_pick
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession
from alliance.web.forms import query_choice, query_day
from alliance.web.partner_pick import PartnerPick
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/violations"
CSV_COLUMNS = ("id", "occurred_at", "partner", "customer", "activity", "rule", "reason", "engagement_id")


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def violations(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    filters, partners, sort = _filters(request, session, actor)
    found = engagement_service.list_violations(session, actor, filters=filters, page=page, sort=sort)
    context = {"violations": found, "filters": filters, "partners": partners, "sort": sort or "-occurred", **_names(session, actor, found.items)}
    return render(request, "cosell/violations.html", context)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def violations_csv(request: Request, session: WebSession, actor: VendorActor) -> Response:
    filters, _, sort = _filters(request, session, actor)
    found = engagement_service.list_violations(session, actor, filters=filters, page=PageRequest(limit=MAX_LIMIT), sort=sort)
    names = _names(session, actor, found.items)
    rows: list[Sequence[Any]] = [CSV_COLUMNS]
    for v in found.items:
        partner, customer = names["partner_names"].get(v.partner_id, ""), names["customer_names"].get(v.customer_id, "")
        rows.append((v.id, v.occurred_at.isoformat(), partner, customer, v.activity.value, v.rule, v.reason, v.engagement_id))
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), "roe_violations.csv")


def _filters(request: Request, session: Session, actor: Actor) -> tuple[ViolationFilters, PartnerPick, str | None]:
    """Partner, and the days they occurred (`from`, `to`: the dashboard links a quarter's)."""
    params = request.query_params
    ignored: dict[str, str] = {}
    partners = partner_pick.pick(request, session, actor)
    filters = ViolationFilters(
        occurred_from=query_day(params.get("from"), "from", ignored),
        occurred_to=query_day(params.get("to"), "to", ignored),
        **partner_pick.filters_of(partners),
    )
    return filters, partners, query_choice(params.get("sort"), sort_keys(VIOLATION_SORTS))


def _names(session: Session, actor: Actor, items: Sequence[Any]) -> dict[str, dict[int, str]]:
    return {
        "partner_names": label_service.name_partners(session, actor, partner_ids=[v.partner_id for v in items]),
        "customer_names": label_service.name_customers(session, actor, customer_ids=[v.customer_id for v in items]),
    }
