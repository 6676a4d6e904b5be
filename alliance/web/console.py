"""Vendor console pages (channel team)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from alliance.errors import NotFound
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.web.deps import WebActor, WebSession
from alliance.web.templating import render

router = APIRouter(prefix="/console")


def _vendor_only(actor: WebActor) -> None:
    if actor.is_partner:
        # Partner users have no console; answer as if it did not exist.
        raise NotFound("There is no page at this address.")


@router.get("")
def dashboard(request: Request, session: WebSession, actor: WebActor) -> Response:
    _vendor_only(actor)
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=10))
    return render(request, "console/dashboard.html", {"partners": partners})
