"""Partner portal pages: a partner user's own organisation only (the session scope guarantees it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from alliance.partners import service as partner_service
from alliance.web.deps import WebActor, WebSession
from alliance.web.templating import render

router = APIRouter(prefix="/portal")


@router.get("")
def dashboard(request: Request, session: WebSession, actor: WebActor) -> Response:
    if actor.partner_id is None:
        return RedirectResponse("/console", status_code=303)
    partner = partner_service.get_partner(session, actor, partner_id=actor.partner_id)
    return render(request, "portal/dashboard.html", {"partner": partner})
