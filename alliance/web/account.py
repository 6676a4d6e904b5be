"""The signed-in user's own sessions, password and two-factor sign-in, in the console and in the portal: where they
are logged in, signing one out, signing out everywhere but here, and changing the password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.errors import RuleViolation
from alliance.http.params import IdPath
from alliance.identity import access_service, session_service, two_factor_service
from alliance.identity.scope import Actor
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, CurrentSessionId, PortalActor, VendorActor, WebActor, WebSession, flash, session_policy
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


# --- two-factor sign-in ---------------------------------------------------------------------------

CONSOLE_TWO_FACTOR = "/console/account/two-factor"
PORTAL_TWO_FACTOR = "/portal/account/two-factor"
CodeField = Annotated[str, Form(max_length=40)]


def _two_factor_page(request: Request, session: Session, actor: Actor, base: str, error: str | None = None, status_code: int = 200) -> Response:
    state = two_factor_service.state_of(session, actor)
    return render(request, "account/two_factor.html", {"base": base, "state": state, "error": error}, status_code=status_code)


def _setup_page(request: Request, base: str, enrolment: two_factor_service.Enrolment, error: str | None = None, status_code: int = 200) -> Response:
    response = render(request, "account/two_factor_setup.html", {"base": base, "enrolment": enrolment, "error": error}, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # the secret is on this page
    return response


def _codes_page(request: Request, base: str, codes: list[str], just_enabled: bool) -> Response:
    response = render(request, "account/recovery_codes.html", {"base": base, "codes": codes, "just_enabled": just_enabled})
    response.headers["Cache-Control"] = "no-store"
    return response


def _add_two_factor_routes(base: str, guard: list[Any]) -> None:
    @router.get(base, dependencies=guard, name=f"two_factor{base}")
    def two_factor_page(request: Request, session: WebSession, actor: WebActor) -> Response:
        return _two_factor_page(request, session, actor, base)

    @router.post(base + "/setup", dependencies=guard, name=f"two_factor_setup{base}")
    def two_factor_setup(request: Request, session: WebSession, actor: WebActor) -> Response:
        return _setup_page(request, base, two_factor_service.begin_enrolment(session, actor))

    @router.post(base + "/confirm", dependencies=guard, name=f"two_factor_confirm{base}")
    def two_factor_confirm(request: Request, session: WebSession, actor: WebActor, current_id: CurrentSessionId, code: CodeField = "") -> Response:
        try:
            codes = two_factor_service.confirm_enrolment(session, actor, code=code, session_id=current_id)
        except RuleViolation as exc:
            enrolment = two_factor_service.pending_enrolment(session, actor)
            session.rollback()
            if enrolment is None:
                raise
            return _setup_page(request, base, enrolment, exc.message, 422)
        return _codes_page(request, base, codes, just_enabled=True)

    @router.post(base + "/recovery-codes", dependencies=guard, name=f"two_factor_codes{base}")
    def two_factor_codes(request: Request, session: WebSession, actor: WebActor, code: CodeField = "") -> Response:
        try:
            codes = two_factor_service.renew_recovery_codes(session, actor, code=code)
        except RuleViolation as exc:
            session.rollback()
            return _two_factor_page(request, session, actor, base, exc.message, 422)
        return _codes_page(request, base, codes, just_enabled=False)

    @router.post(base + "/off", dependencies=guard, name=f"two_factor_off{base}")
    def two_factor_off(request: Request, session: WebSession, actor: WebActor, password: PasswordField = "") -> Response:
        try:
            two_factor_service.turn_off(session, actor, password=password)
        except RuleViolation as exc:
            session.rollback()
            return _two_factor_page(request, session, actor, base, exc.message, 422)
        flash(request, "Two-factor sign-in is off: your password alone signs you in.")
        return RedirectResponse(base, status_code=303)


_add_two_factor_routes(CONSOLE_TWO_FACTOR, VENDOR_ONLY)
_add_two_factor_routes(PORTAL_TWO_FACTOR, PORTAL_ONLY)
