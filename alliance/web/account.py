"""The signed-in user's own sessions, in the console and in the portal: where they are logged in,
signing one out, and signing out everywhere but here."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.http.params import IdPath
from alliance.identity import session_service
from alliance.identity.scope import Actor
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, CurrentSessionId, PortalActor, VendorActor, WebSession, flash, session_policy
from alliance.web.templating import render

router = APIRouter()

CONSOLE_SESSIONS = "/console/account/sessions"
PORTAL_SESSIONS = "/portal/account/sessions"


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
