"""Sign-in administration (program admins): whether vendor roles must use two-factor, and the
single sign-on connections (the vendor's and partners'), their domains, role mappings and switches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.http.params import IdPath
from alliance.identity import two_factor_service
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.sso import connection_service, scim_service
from alliance.sso import service as sso_service
from alliance.sso.schemas import ConnectionCreate, ConnectionUpdate
from alliance.sso.vocabulary import SsoProtocol
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, submit
from alliance.web.templating import render

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)
SIGN_IN_PAGE = "/console/sign-in"
RULE_ROWS = 4


def _page(
    request: Request, session: Session, actor: Actor, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    require(actor, Permission.SIGN_IN_MANAGE)
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=MAX_LIMIT)).items
    context = {
        "vendor_two_factor": two_factor_service.required_of_vendor_roles(session),
        "connections": sso_service.list_connections(session, actor),
        "partners": [(p.id, p.display_name) for p in partners],
        "roles": [(role.value, role.label) for role in Role],
        "protocols": [(protocol.value, protocol.label) for protocol in SsoProtocol],
        "values": values or {},
        "errors": errors or {},
        "rule_rows": RULE_ROWS,
    }
    return render(request, "sign_in/settings.html", context, status_code=status)


@router.get("/sign-in")
def sign_in_page(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _page(request, session, actor)


@router.post("/sign-in/two-factor-policy")
def change_two_factor_policy(request: Request, session: WebSession, actor: VendorActor, required: Annotated[str, Form(max_length=3)] = "") -> Response:
    two_factor_service.set_policy(session, actor, require_vendor_two_factor=required == "on")
    flash(request, "Vendor roles must now use two-factor sign-in." if required == "on" else "Two-factor sign-in is optional for vendor roles.")
    return RedirectResponse(SIGN_IN_PAGE, status_code=303)


def _connection_values(form: FormData) -> dict[str, Any]:
    rules = []
    for index in range(RULE_ROWS):
        claim, value, role = (str(form.get(f"rule-{index}-{part}", "")).strip() for part in ("claim", "value", "role"))
        if claim or value or role:
            rules.append({"claim": claim, "value": value, "role": role})
    return {
        "name": str(form.get("name", "")).strip(),
        "protocol": str(form.get("protocol", "")) or "oidc",
        "partner_id": str(form.get("partner_id", "")) or None,
        "domains": [d for d in str(form.get("domains", "")).replace(",", " ").split() if d],
        "issuer": str(form.get("issuer", "")).strip() or None,
        "client_id": str(form.get("client_id", "")).strip() or None,
        "client_secret": str(form.get("client_secret", "")).strip() or None,
        "idp_metadata": str(form.get("idp_metadata", "")).strip() or None,
        "role_mapping": rules,
        "default_role": str(form.get("default_role", "")) or None,
        "sso_required": form.get("sso_required") == "on",
    }


@router.post("/sign-in/connections")
def create_connection(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = _connection_values(form)
    shown = {key: str(form.get(key, "")) for key in form if key not in ("csrf_token", "client_secret")}
    outcome = submit(session, ConnectionCreate, values, lambda data: sso_service.create_connection(session, actor, data=data), shown=shown)
    if not outcome.ok:
        return _page(request, session, actor, values=outcome.values, errors=outcome.errors, status=outcome.status)
    where = "sso/saml/metadata as its service provider metadata" if values["protocol"] == "saml" else "sso/oidc/callback as its redirect URI"
    flash(
        request,
        f"{values['name']} is set up. Register {request.base_url}{where} at the identity provider."
        " Its e-mail domains count once verified: open it to see the DNS TXT record to publish.",
    )
    return RedirectResponse(SIGN_IN_PAGE, status_code=303)


@router.post("/sign-in/connections/{connection_id}/switches")
def change_switches(request: Request, connection_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    data = ConnectionUpdate(is_enabled=form.get("is_enabled") == "on", sso_required=form.get("sso_required") == "on")
    connection = connection_service.update_connection(session, actor, connection_id=connection_id, data=data)
    flash(request, f"{connection.name}: {'on' if connection.is_enabled else 'off'}, single sign-on {'required' if connection.sso_required else 'optional'}.")
    return RedirectResponse(SIGN_IN_PAGE, status_code=303)


@router.post("/sign-in/connections/{connection_id}/scim-token")
def new_scim_token(request: Request, connection_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    token = scim_service.new_scim_token(session, actor, connection_id=connection_id)
    response = render(request, "sign_in/scim_token.html", {"token": token, "base": f"{request.base_url}scim/v2"})
    response.headers["Cache-Control"] = "no-store"
    return response
