"""Vendor console: the audit trail browser and hash-chain verification (auditors and program admins)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from alliance.audit import service as audit_service
from alliance.audit.repository import AuditFilters
from alliance.governance import audit_names_service as audit_names
from alliance.http.params import PageParams
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.types import parse_moment
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.web.deps import VENDOR_ONLY, Text, VendorActor, WebSession
from alliance.web.forms import query_day, query_int
from alliance.web.templating import render

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)


@router.get("/audit")
def browse(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    entity_type: Text = None,
    entity_id: Text = None,
    action: Text = None,
    actor_email: Annotated[str | None, Query(alias="actor", max_length=320)] = None,
    partner_id: Text = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Response:
    entity_types = audit_service.entity_types(session, actor)
    errors: dict[str, str] = {}
    first = query_day(date_from, "from", errors)
    last = query_day(date_to, "to", errors)
    partner = query_int(partner_id)
    if (partner_id or "").strip() and partner is None:
        errors["partner_id"] = "Choose a partner from the list."
    filters = AuditFilters(
        entity_type=(entity_type or "").strip() or None,
        entity_id=(entity_id or "").strip() or None,
        action=(action or "").strip() or None,
        actor=(actor_email or "").strip() or None,
        partner_id=partner,
        since=parse_moment(first) if first else None,
        until=parse_moment(last) + timedelta(days=1) if last else None,
    )
    events = audit_service.list_events(session, actor, filters=filters, page=page)
    shown = {
        "entity_type": filters.entity_type or "",
        "entity_id": filters.entity_id or "",
        "action": filters.action or "",
        "actor": filters.actor or "",
        "partner_id": (partner_id or "").strip(),
        "from": (date_from or "").strip(),
        "to": (date_to or "").strip(),
    }
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=MAX_LIMIT)).items
    context = {
        "events": events,
        "names": audit_names.names_for_events(session, actor, events=events.items),
        "field_words": audit_names.words,
        "partners": partners,
        "entity_types": entity_types,
        "values": shown,
        "errors": errors,
        "filtered": any(shown.values()),
    }
    return render(request, "audit/list.html", context, status_code=422 if errors else 200)


@router.get("/audit/verify")
def verify(request: Request, session: WebSession, actor: VendorActor) -> Response:
    verdict = audit_service.verify_chain(session, actor)
    return render(request, "audit/verify.html", {"verdict": verdict, "checked_at": clock.now()})
