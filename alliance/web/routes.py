"""Assembles the web portal: public auth routes, then everything else behind login and CSRF."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
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


def build_web_router() -> APIRouter:
    router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
    # NUL characters are refused in every field (alliance/http/screening.py), after the login check.
    router.include_router(auth.router, dependencies=[Depends(refuse_nul)])
    router.include_router(sso.router, dependencies=[Depends(refuse_nul)])
    # Every page below needs a logged-in user; a new page cannot forget it.
    protected = APIRouter(dependencies=[Depends(web_actor), Depends(refuse_nul)])
    protected.add_api_route("/", home, methods=["GET"])
    for module in PAGE_MODULES:
        protected.include_router(module.router)
    router.include_router(protected)
    # The SAML identity provider posts from its own site: no CSRF token, the signed assertion is the proof.
    outer = APIRouter(include_in_schema=False)
    outer.include_router(sso.saml_router, dependencies=[Depends(refuse_nul)])
    outer.include_router(router)
    return outer


def home(request: Request, actor: WebActor) -> Response:
    del request
    return RedirectResponse(auth.home_for(actor.role), status_code=303)
