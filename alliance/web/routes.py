"""Assembles the web portal: public auth routes, then everything else behind login and CSRF."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from alliance.http.screening import refuse_nul
from alliance.web import (
    account,
    assets,
    attribution,
    audit,
    auth,
    briefs,
    business_plans,
    console,
    contacts,
    cosell,
    cosell_consents,
    cosell_disputes,
    cosell_engagements,
    cosell_plans,
    cosell_report,
    cosell_routing,
    cosell_violations,
    customers,
    early_access,
    figures,
    funds,
    inbox,
    notifications,
    partners,
    portal,
    programs,
    qbrs,
    ramp,
    references,
    sign_in,
    sso,
    sso_connections,
    territories,
    tiers,
    users,
    webhooks,
)
from alliance.web.deps import WebActor, verify_csrf, web_actor
from alliance.web.enablement import console as enablement_console
from alliance.web.enablement import portal as enablement_portal
from alliance.web.enablement import tracks as enablement_tracks
from alliance.web.registrations import console as registration_console
from alliance.web.registrations import portal as registration_portal

STATIC_DIR = Path(__file__).parent / "static"
# The console and portal page modules, all mounted behind login; tests walk them for isolation checks.
PAGE_MODULES = (
    console,
    account,
    partners,
    contacts,
    programs,
    territories,
    audit,
    portal,
    customers,
    registration_portal,
    registration_console,
    attribution,
    enablement_portal,
    enablement_console,
    enablement_tracks,
    tiers,
    figures,
    cosell,
    cosell_plans,
    cosell_engagements,
    cosell_disputes,
    cosell_violations,
    cosell_consents,
    cosell_routing,
    cosell_report,
    business_plans,
    ramp,
    references,  # before assets: /portal/library/references is not an asset id
    assets,
    briefs,
    early_access,
    qbrs,
    funds,
    notifications,
    webhooks,
    inbox,
    users,
    sign_in,
    sso_connections,
)


def include_web_routes(app: FastAPI) -> None:
    """Mounts the portal's routers straight into the app, each with its guards (FastAPI walks every
    route of a router included without a prefix, so a router of routers multiplied start-up cost)."""
    # The SAML identity provider posts from its own site: no CSRF token, the signed assertion is the proof.
    app.include_router(sso.saml_router, include_in_schema=False, dependencies=[Depends(refuse_nul)])
    # NUL characters are refused in every field (alliance/http/screening.py), after the login check.
    public = [Depends(verify_csrf), Depends(refuse_nul)]
    app.include_router(auth.router, include_in_schema=False, dependencies=public)
    app.include_router(sso.router, include_in_schema=False, dependencies=public)
    # Every page below needs a logged-in user; a new page cannot forget it.
    protected = [Depends(verify_csrf), Depends(web_actor), Depends(refuse_nul)]
    home_router = APIRouter()
    home_router.add_api_route("/", home, methods=["GET"])
    for router in (home_router, *(module.router for module in PAGE_MODULES)):
        app.include_router(router, include_in_schema=False, dependencies=protected)


def home(request: Request, actor: WebActor) -> Response:
    del request
    return RedirectResponse(auth.home_for(actor.role), status_code=303)
