"""Vendor console home: what needs the person first (their work lists), then the portfolio."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alliance.audit import service as audit_service
from alliance.audit.repository import AuditFilters
from alliance.governance import audit_names_service as audit_names
from alliance.identity.permissions import Permission, can
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.registrations import review_service
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession
from alliance.web.templating import render
from alliance.web.worklists import work_context

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)


@router.get("")
def dashboard(request: Request, session: WebSession, actor: VendorActor) -> Response:
    my_partners = None
    if can(actor, Permission.PARTNERS_BOOK):
        my_partners = partner_service.list_partners(session, actor, filters=PartnerFilters(cam_user_id=actor.user_id), sort="name", page=PageRequest(limit=10))
    recent = None
    if can(actor, Permission.AUDIT_READ):
        recent = audit_service.list_events(session, actor, filters=AuditFilters(), page=PageRequest(limit=8))
    context = {
        "summary": partner_service.portfolio_summary(session, actor),
        "programs": program_service.list_programs(session, actor),
        "tier_counts": program_service.partner_counts_by_tier(session, actor),
        "my_partners": my_partners,
        "recent": recent,
        "recent_names": audit_names.names_for_events(session, actor, events=recent.items) if recent else None,
        "action_words": audit_names.words,
        "review": review_service.review_queue(session, actor, page=PageRequest(limit=1), extensions_limit=1),
        **work_context(session, actor),
    }
    return render(request, "console/dashboard.html", context)
