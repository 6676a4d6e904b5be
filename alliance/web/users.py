"""User management: the console's (every user; program admins change them) and the portal's (the
organisation's own users; partner admins change them). Both sides share these pages; scope
decides whose users a page reaches, the permission table who may act."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.errors import AllianceError, Conflict, PermissionDenied, RuleViolation
from alliance.http.params import IdPath, PageParams
from alliance.identity import access_service, two_factor_service
from alliance.identity import service as identity_service
from alliance.identity.access_service import LinkPolicy
from alliance.identity.models import User
from alliance.identity.password_links import AccountStatus
from alliance.identity.permissions import Permission, can, require
from alliance.identity.schemas import UserInvite, UserUpdate
from alliance.identity.scope import PARTNER_ROLES, Actor, Role
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import known_sort
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, SortText, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, echo, form_values, query_choice, query_int, submit
from alliance.web.templating import render

router = APIRouter()

CONSOLE = "/console/users"
PORTAL = "/portal/users"
CSV_COLUMNS = ("id", "name", "email", "title", "role", "partner", "status", "last_login_at", "created_at")


def _base(actor: Actor) -> str:
    return PORTAL if actor.is_partner else CONSOLE


def _roles(actor: Actor) -> list[tuple[str, str]]:
    """The roles a user of the actor's side may hold, for pickers and filters."""
    side = PARTNER_ROLES if actor.is_partner else Role
    return [(role.value, role.label) for role in Role if role in side]


def _partner_names(session: Session, actor: Actor) -> dict[int, str]:
    if actor.is_partner:
        assert actor.partner_id is not None
        return {actor.partner_id: partner_service.get_partner(session, actor, partner_id=actor.partner_id).display_name}
    found = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=MAX_LIMIT))
    return {p.id: p.display_name for p in found.items}


# --- list -----------------------------------------------------------------------------------------


def _filters(actor: Actor, q: str | None, role: str | None, status: str | None, partner: str | None) -> dict[str, Any]:
    return {
        "q": (q or "").strip() or None,
        "role": Role(v) if (v := query_choice(role, [r for r, _ in _roles(actor)])) else None,
        "status": AccountStatus(v) if (v := query_choice(status, AccountStatus)) else None,
        "partner_id": None if actor.is_partner else query_int(partner),
    }


def _list(
    request: Request,
    session: Session,
    actor: Actor,
    page: PageRequest,
    q: str | None,
    role: str | None,
    status: str | None,
    partner: str | None,
    sort: str | None,
) -> Response:
    filters = _filters(actor, q, role, status, partner)
    notices = []
    sort = (sort or "").strip() or None
    if sort is not None and not known_sort(sort, identity_service.USER_SORTS):
        notices.append(f"Cannot sort by '{sort}'; sorted by name instead.")
        sort = None
    users = identity_service.list_users(session, actor, sort=sort, page=page, **filters)
    context = {
        "users": users,
        "filters": filters,
        "sort": sort or "name",
        "notices": notices,
        "roles": _roles(actor),
        "statuses": [(s.value, s.label) for s in AccountStatus],
        "partners": _partner_names(session, actor),
        "filtered": any(value is not None for value in filters.values()),
        "base": _base(actor),
    }
    return render(request, "users/list.html", context)


def _csv(session: Session, actor: Actor, q: str | None, role: str | None, status: str | None, partner: str | None, sort: str | None) -> Response:
    filters = _filters(actor, q, role, status, partner)
    sort = sort if sort and known_sort(sort, identity_service.USER_SORTS) else None
    names = _partner_names(session, actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for user in _every_user(session, actor, sort, filters):
        partner_name = names.get(user.partner_id, "") if user.partner_id else ""
        last_login = user.last_login_at.isoformat() if user.last_login_at else ""
        writer.writerow(
            (user.id, user.name, user.email, user.title or "", user.role.value, partner_name, user.status.value, last_login, user.created_at.isoformat())
        )
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="users.csv"'})


def _every_user(session: Session, actor: Actor, sort: str | None, filters: dict[str, Any]) -> Iterator[User]:
    """Every user the filters match, a page at a time (the export has no paging)."""
    offset = 0
    while True:
        found = identity_service.list_users(session, actor, sort=sort, page=PageRequest(limit=MAX_LIMIT, offset=offset), **filters)
        yield from found.items
        offset += MAX_LIMIT
        if offset >= found.total:
            return


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_list(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    q: Text = None,
    role: Text = None,
    status: Text = None,
    partner: Text = None,
    sort: SortText = None,
) -> Response:
    return _list(request, session, actor, page, q, role, status, partner, sort)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def console_csv(
    session: WebSession, actor: VendorActor, q: Text = None, role: Text = None, status: Text = None, partner: Text = None, sort: SortText = None
) -> Response:
    return _csv(session, actor, q, role, status, partner, sort)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(
    request: Request, session: WebSession, actor: PortalActor, page: PageParams, q: Text = None, role: Text = None, status: Text = None, sort: SortText = None
) -> Response:
    return _list(request, session, actor, page, q, role, status, None, sort)


@router.get(PORTAL + ".csv", dependencies=PORTAL_ONLY)
def portal_csv(session: WebSession, actor: PortalActor, q: Text = None, role: Text = None, status: Text = None, sort: SortText = None) -> Response:
    return _csv(session, actor, q, role, status, None, sort)


# --- invite ---------------------------------------------------------------------------------------


def _invite_form(request: Request, session: Session, actor: Actor, values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Response:
    require(actor, Permission.USERS_WRITE)
    context = {"values": values, "errors": errors, "roles": _roles(actor), "partners": _partner_names(session, actor), "base": _base(actor)}
    return render(request, "users/invite.html", context, status_code=status_code)


def _invite(request: Request, session: Session, actor: Actor, form: Any) -> Response:
    require(actor, Permission.USERS_WRITE)
    policy = LinkPolicy.from_settings(request.app.state.settings)
    values = form_values(form)
    if actor.is_partner:
        values.pop("partner_id", None)
    submission = submit(session, UserInvite, values, lambda data: access_service.invite_user(session, actor, data=data, policy=policy), shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} was invited: an e-mail with a link to choose a password is on its way to {submission.result.email}.")
        return RedirectResponse(f"{_base(actor)}/{submission.result.id}", status_code=303)
    return _invite_form(request, session, actor, submission.values, submission.errors, submission.status)


@router.get(CONSOLE + "/invite", dependencies=VENDOR_ONLY)
def console_invite_form(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _invite_form(request, session, actor, {}, {})


@router.post(CONSOLE + "/invite", dependencies=VENDOR_ONLY)
def console_invite(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _invite(request, session, actor, form)


@router.get(PORTAL + "/invite", dependencies=PORTAL_ONLY)
def portal_invite_form(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _invite_form(request, session, actor, {}, {})


@router.post(PORTAL + "/invite", dependencies=PORTAL_ONLY)
def portal_invite(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _invite(request, session, actor, form)


# --- one user -------------------------------------------------------------------------------------


def _detail(request: Request, session: Session, actor: Actor, user_id: int, error: str | None = None, status_code: int = 200) -> Response:
    user = identity_service.get_user(session, actor, user_id=user_id)
    require(actor, Permission.USERS_READ)
    context = {
        "user": user,
        "partner_name": _partner_names(session, actor).get(user.partner_id) if user.partner_id else None,
        "invitation_expires_at": access_service.invitation_expires_at(session, actor, user_id=user.id) if user.status == AccountStatus.INVITED else None,
        "roles": [(value, text) for value, text in _roles(actor) if Role(value).is_partner_role == (user.partner_id is not None)],
        "may_change": can(actor, Permission.USERS_WRITE) and user.id != actor.user_id,
        "two_factor_on": two_factor_service.is_enabled(session, user_id=user.id),
        "error": error,
        "base": _base(actor),
    }
    return render(request, "users/detail.html", context, status_code=status_code)


def _act(request: Request, session: Session, actor: Actor, user_id: int, action: str, form: Any) -> Response:
    """One of the detail page's buttons: one service call, then back to the page (or the page again with why not)."""
    try:
        user = _apply(request, session, actor, user_id, action, form)
    except (RuleViolation, Conflict, PermissionDenied) as exc:
        session.rollback()
        return _detail(request, session, actor, user_id, error=exc.message, status_code=_status(exc))
    flash(request, _done(action, user))
    return RedirectResponse(f"{_base(actor)}/{user.id}", status_code=303)


def _apply(request: Request, session: Session, actor: Actor, user_id: int, action: str, form: Any) -> User:
    if action == "invitation":
        return access_service.resend_invitation(session, actor, user_id=user_id, policy=LinkPolicy.from_settings(request.app.state.settings))
    if action == "two-factor-reset":
        user = identity_service.get_user(session, actor, user_id=user_id)
        if not two_factor_service.reset_for(session, actor, user=user):
            raise Conflict(f"{user.name} has no authenticator to reset.")
        return user
    if action == "role":
        role = str(form.get("role", ""))
        if role not in {r.value for r in Role}:
            raise RuleViolation("Choose a role from the list.", details=[{"field": "role", "message": "choose a role"}])
        return identity_service.update_user(session, actor, user_id=user_id, data=UserUpdate(role=Role(role)))
    return identity_service.update_user(session, actor, user_id=user_id, data=UserUpdate(is_active=action == "reactivate"))


def _done(action: str, user: User) -> str:
    return {
        "invitation": f"A new invitation is on its way to {user.email}; the previous link no longer works.",
        "role": f"{user.name} is now {user.role.label}.",
        "deactivate": f"{user.name} was deactivated and signed out everywhere.",
        "reactivate": f"{user.name} was reactivated.",
        "two-factor-reset": f"{user.name}'s authenticator was removed: they sign in with their password and set up two-factor again.",
    }[action]


def _status(exc: AllianceError) -> int:
    return 409 if isinstance(exc, Conflict) else 403 if isinstance(exc, PermissionDenied) else 422


@router.get(CONSOLE + "/{user_id}", dependencies=VENDOR_ONLY)
def console_detail(request: Request, user_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _detail(request, session, actor, user_id)


@router.get(PORTAL + "/{user_id}", dependencies=PORTAL_ONLY)
def portal_detail(request: Request, user_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _detail(request, session, actor, user_id)


def _console_action(action: str) -> Any:
    def act(request: Request, user_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
        return _act(request, session, actor, user_id, action, form)

    return act


def _portal_action(action: str) -> Any:
    def act(request: Request, user_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
        return _act(request, session, actor, user_id, action, form)

    return act


# Resend the invitation, change the role, deactivate, reactivate, remove a lost authenticator: one route per act on each side.
for _action in ("invitation", "role", "deactivate", "reactivate", "two-factor-reset"):
    router.add_api_route(
        f"{CONSOLE}/{{user_id}}/{_action}", _console_action(_action), methods=["POST"], dependencies=VENDOR_ONLY, name=f"console_user_{_action}"
    )
    router.add_api_route(f"{PORTAL}/{{user_id}}/{_action}", _portal_action(_action), methods=["POST"], dependencies=PORTAL_ONLY, name=f"portal_user_{_action}")
