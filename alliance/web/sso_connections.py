"""One single sign-on connection's page: edit (name, domains, role mapping, switches), prove its
domains by DNS (or, program admins, mark one verified with a reason), delete it. Program admins
reach every connection from the console; a partner admin their own organisation's from the
portal. Both doors call the same connection_service functions; the session's scope decides which
connections a door sees."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.errors import Conflict, RuleViolation
from alliance.http.params import IdPath
from alliance.identity.scope import Actor, Role
from alliance.sso import connection_service
from alliance.sso.schemas import ConnectionRead, ConnectionUpdate, ManualVerification
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, WebActor, WebSession, flash
from alliance.web.forms import FormBody, form_rows, refused, submit
from alliance.web.sign_in import RULE_ROWS, SIGN_IN_PAGE
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/sign-in/connections/{connection_id}"
PORTAL_LIST = "/portal/sign-in"
PORTAL = "/portal/sign-in/connections/{connection_id}"
MAX_RULES = 50  # as ConnectionUpdate.role_mapping


def _base(actor: Actor, connection_id: int) -> str:
    return (PORTAL if actor.is_partner else CONSOLE).format(connection_id=connection_id)


def _values(detail: ConnectionRead) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": detail.name,
        "domains": " ".join(d.domain for d in detail.domains),
        "default_role": detail.default_role.value if detail.default_role else "",
        "sso_required": detail.sso_required,
        "is_enabled": detail.is_enabled,
    }
    for index, rule in enumerate(detail.role_mapping):
        values.update({f"rule-{index}-claim": rule.claim, f"rule-{index}-value": rule.value, f"rule-{index}-role": rule.role.value})
    return values


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    connection_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    detail = connection_service.get_detail(session, actor, connection_id=connection_id)
    partner_side = detail.partner_id is not None
    context = {
        "detail": detail,
        "base": _base(actor, connection_id),
        "back": PORTAL_LIST if actor.is_partner else SIGN_IN_PAGE,
        # Only the roles the connection may grant are offered (the service refuses the others anyway).
        "roles": [(role.value, role.label) for role in Role if role.is_partner_role == partner_side],
        "values": values if values is not None else _values(detail),
        "errors": errors or {},
        # Every rule the connection has (the API allows more than the set-up form shows), and spare rows.
        "rule_rows": min(MAX_RULES, max(RULE_ROWS, len(detail.role_mapping) + 2)),
    }
    return render(request, "sign_in/connection.html", context, status_code=status)


def _update_values(form: FormData) -> dict[str, Any]:
    rules = form_rows(form, "rule", ("claim", "value", "role"), limit=MAX_RULES, separator="-")
    return {
        "name": str(form.get("name", "")).strip(),
        "domains": [d for d in str(form.get("domains", "")).replace(",", " ").split() if d],
        "role_mapping": [row for _, row in rules if any(row.values())],
        "default_role": str(form.get("default_role", "")) or None,
        "sso_required": form.get("sso_required") == "on",
        "is_enabled": form.get("is_enabled") == "on",
    }


def connection_page(request: Request, connection_id: IdPath, session: WebSession, actor: WebActor) -> Response:
    return _page(request, session, actor, connection_id)


def edit_connection(request: Request, connection_id: IdPath, session: WebSession, actor: WebActor, form: FormBody) -> Response:
    shown: dict[str, Any] = {key: str(form.get(key, "")) for key in form if key != "csrf_token"}
    shown.update(sso_required=form.get("sso_required") == "on", is_enabled=form.get("is_enabled") == "on")
    outcome = submit(
        session,
        ConnectionUpdate,
        _update_values(form),
        lambda data: connection_service.update_connection(session, actor, connection_id=connection_id, data=data),
        shown=shown,
    )
    if not outcome.ok:
        return _page(request, session, actor, connection_id, values=outcome.values, errors=outcome.errors, status=outcome.status)
    flash(request, f"{outcome.result.name if outcome.result else 'The connection'} is saved.")
    return RedirectResponse(_base(actor, connection_id), status_code=303)


def delete_connection(request: Request, connection_id: IdPath, session: WebSession, actor: WebActor) -> Response:
    try:
        connection_service.delete_connection(session, actor, connection_id=connection_id)
    except Conflict as exc:
        status, errors = refused(session, exc)
        return _page(request, session, actor, connection_id, errors=errors, status=status)
    flash(request, "The connection is deleted.")
    return RedirectResponse(PORTAL_LIST if actor.is_partner else SIGN_IN_PAGE, status_code=303)


def check_domain(request: Request, connection_id: IdPath, domain_id: IdPath, session: WebSession, actor: WebActor) -> Response:
    try:
        state = connection_service.check_domain(session, actor, connection_id=connection_id, domain_id=domain_id)
    except RuleViolation as exc:
        flash(request, exc.message, "error")
    else:
        flash(request, f"{state.domain} is verified.")
    return RedirectResponse(_base(actor, connection_id), status_code=303)


def mark_verified(
    request: Request,
    connection_id: IdPath,
    domain_id: IdPath,
    session: WebSession,
    actor: WebActor,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    outcome = submit(
        session,
        ManualVerification,
        {"reason": reason.strip()},
        lambda data: connection_service.mark_domain_verified(session, actor, connection_id=connection_id, domain_id=domain_id, reason=data.reason),
        shown={},
    )
    if not outcome.ok:
        return _page(
            request, session, actor, connection_id, errors={**outcome.errors, f"domain-{domain_id}": outcome.errors.get("reason", "")}, status=outcome.status
        )
    flash(request, f"{outcome.result.domain if outcome.result else 'The domain'} is marked verified.")
    return RedirectResponse(_base(actor, connection_id), status_code=303)


def portal_list(request: Request, session: WebSession, actor: WebActor) -> Response:
    connections = connection_service.list_details(session, actor)
    return render(request, "sign_in/portal.html", {"connections": connections})


for _door, _path, _guard in (("console", CONSOLE, VENDOR_ONLY), ("portal", PORTAL, PORTAL_ONLY)):
    router.add_api_route(_path, connection_page, methods=["GET"], dependencies=_guard, name=f"{_door}_sso_connection")
    router.add_api_route(_path, edit_connection, methods=["POST"], dependencies=_guard, name=f"{_door}_sso_connection_edit")
    router.add_api_route(_path + "/delete", delete_connection, methods=["POST"], dependencies=_guard, name=f"{_door}_sso_connection_delete")
    router.add_api_route(_path + "/domains/{domain_id}/check", check_domain, methods=["POST"], dependencies=_guard, name=f"{_door}_sso_domain_check")
# Marking a domain verified without DNS is a program admin's word: the console only.
router.add_api_route(CONSOLE + "/domains/{domain_id}/mark-verified", mark_verified, methods=["POST"], dependencies=VENDOR_ONLY)
router.add_api_route(PORTAL_LIST, portal_list, methods=["GET"], dependencies=PORTAL_ONLY)
