"""Sign-in administration (program admins): whether vendor roles must use two-factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from alliance.identity import two_factor_service
from alliance.identity.permissions import Permission, require
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.templating import render

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)
SIGN_IN_PAGE = "/console/sign-in"


@router.get("/sign-in")
def sign_in_page(request: Request, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.SIGN_IN_MANAGE)
    return render(request, "sign_in/settings.html", {"vendor_two_factor": two_factor_service.required_of_vendor_roles(session)})


@router.post("/sign-in/two-factor-policy")
def change_two_factor_policy(request: Request, session: WebSession, actor: VendorActor, required: Annotated[str, Form(max_length=3)] = "") -> Response:
    two_factor_service.set_policy(session, actor, require_vendor_two_factor=required == "on")
    flash(request, "Vendor roles must now use two-factor sign-in." if required == "on" else "Two-factor sign-in is optional for vendor roles.")
    return RedirectResponse(SIGN_IN_PAGE, status_code=303)
