"""The signed-in user's own sessions and password, in the console and in the portal: where they
are logged in, signing one out, signing out everywhere but here, and changing the password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.errors import RuleViolation
from alliance.http.params import IdPath
from alliance.identity import access_service, session_service
from alliance.identity.scope import Actor
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, CurrentSessionId, PortalActor, VendorActor, WebSession, flash, session_policy
from alliance.web.templating import render

router = APIRouter()

CONSOLE_SESSIONS = "/console/account/sessions"
PORTAL_SESSIONS = "/portal/account/sessions"
CONSOLE_PASSWORD = "/console/account/password"
PORTAL_PASSWORD = "/portal/account/password"
PasswordField = Annotated[str, Form(max_length=200)]


def _sessions_page(request: Request, session: Session, actor: Actor, current_id: int, base: str) -> Response:
    policy = session_policy(request)
    context = {"sessions": session_service.list_sessions(session, actor, policy=policy), "current_id": current_id, "policy": policy, "base": base}
    return render(request, "account/sessions.html", context)


def _revoke(request: Request, session: Session, actor: Actor, session_id: int, base: str) -> Response:
    session_service.revoke_session(session, actor, session_id=session_id)
    flash(request, "That session was signed out.")
    return RedirectResponse(base, status_code=303)


def _sign_out_others(request: Request, session: Session, actor: Actor, current_id: int, base: str) -> Response:
    ended = session_service.sign_out_everywhere(session, actor, keep_session_id=current_id)
    flash(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}." if ended else "There were no other sessions to sign out.")
    return RedirectResponse(base, status_code=303)


@router.get(CONSOLE_SESSIONS, dependencies=VENDOR_ONLY)
def console_sessions(request: Request, session: WebSession, actor: VendorActor, current_id: CurrentSessionId) -> Response:
    return _sessions_page(request, session, actor, current_id, CONSOLE_SESSIONS)


@router.post(CONSOLE_SESSIONS + "/{session_id}/revoke", dependencies=VENDOR_ONLY)
def console_revoke(request: Request, session_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _revoke(request, session, actor, session_id, CONSOLE_SESSIONS)


@router.post(CONSOLE_SESSIONS + "/sign-out-others", dependencies=VENDOR_ONLY)
def console_sign_out_others(request: Request, session: WebSession, actor: VendorActor, current_id: CurrentSessionId) -> Response:
    return _sign_out_others(request, session, actor, current_id, CONSOLE_SESSIONS)


@router.get(PORTAL_SESSIONS, dependencies=PORTAL_ONLY)
def portal_sessions(request: Request, session: WebSession, actor: PortalActor, current_id: CurrentSessionId) -> Response:
    return _sessions_page(request, session, actor, current_id, PORTAL_SESSIONS)


@router.post(PORTAL_SESSIONS + "/{session_id}/revoke", dependencies=PORTAL_ONLY)
def portal_revoke(request: Request, session_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _revoke(request, session, actor, session_id, PORTAL_SESSIONS)


@router.post(PORTAL_SESSIONS + "/sign-out-others", dependencies=PORTAL_ONLY)
def portal_sign_out_others(request: Request, session: WebSession, actor: PortalActor, current_id: CurrentSessionId) -> Response:
    return _sign_out_others(request, session, actor, current_id, PORTAL_SESSIONS)


def _password_page(request: Request, base: str, error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "account/password.html", {"base": base, "error": error}, status_code=status_code)


def _change_password(request: Request, session: Session, actor: Actor, current_id: int, base: str, current: str, new: str, again: str) -> Response:
    try:
        if new != again:
            raise RuleViolation("The two new passwords are not the same.")
        access_service.change_password(session, actor, current_password=current, new_password=new, keep_session_id=current_id)
    except RuleViolation as exc:
        session.rollback()
        return _password_page(request, base, exc.message, 422)
    flash(request, "Your password was changed. Every other session of yours was signed out.")
    return RedirectResponse(base, status_code=303)


@router.get(CONSOLE_PASSWORD, dependencies=VENDOR_ONLY)
def console_password(request: Request, actor: VendorActor) -> Response:
    del actor
    return _password_page(request, CONSOLE_PASSWORD)


@router.post(CONSOLE_PASSWORD, dependencies=VENDOR_ONLY)
def console_change_password(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    current_id: CurrentSessionId,
    current_password: PasswordField = "",
    new_password: PasswordField = "",
    new_password_again: PasswordField = "",
) -> Response:
    return _change_password(request, session, actor, current_id, CONSOLE_PASSWORD, current_password, new_password, new_password_again)


@router.get(PORTAL_PASSWORD, dependencies=PORTAL_ONLY)
def portal_password(request: Request, actor: PortalActor) -> Response:
    del actor
    return _password_page(request, PORTAL_PASSWORD)


@router.post(PORTAL_PASSWORD, dependencies=PORTAL_ONLY)
def portal_change_password(
    request: Request,
    session: WebSession,
    actor: PortalActor,
    current_id: CurrentSessionId,
    current_password: PasswordField = "",
    new_password: PasswordField = "",
    new_password_again: PasswordField = "",
) -> Response:
    return _change_password(request, session, actor, current_id, PORTAL_PASSWORD, current_password, new_password, new_password_again)
