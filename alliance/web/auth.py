"""Log in and out. The only web routes that do not require a logged-in user."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from alliance.errors import RuleViolation, TooManyAttempts
from alliance.http.session import AppDatabase
from alliance.identity import access_service
from alliance.identity import service as identity_service
from alliance.identity.access_service import LinkPolicy
from alliance.identity.password_links import SET_PASSWORD_PATH
from alliance.identity.scope import PartnerScope, Role
from alliance.identity.service import SecondStepNeeded
from alliance.kit import clock
from alliance.sso import service as sso_service
from alliance.sso.service import Discovery
from alliance.web.deps import SESSION_TOKEN_KEY, flash, session_request, session_token
from alliance.web.templating import render

router = APIRouter()
# Set at a single sign-on: how to sign out at the identity provider too (web/sso.py does it).
PROVIDER_LOGOUT_KEY = "sso_logout"
PROVIDER_LOGOUT_PATH = "/sso/logout"


def safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a fresh login to another host.
    if target and target.startswith("/") and not target.startswith("//") and not target.startswith("/login"):
        return target
    return "/"


def switched_off(found: Discovery) -> str:
    tail = " and passwords are not allowed for your organisation" if found.required else ""
    return f"Single sign-on with {found.name} is switched off by your administrators{tail}. Ask your administrator to switch it on again."


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    # A session that has ended meanwhile is found out on the next page, which clears it and comes back here.
    if session_token(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login/sso")
def login_sso(
    request: Request,
    database: AppDatabase,
    email: Annotated[str, Form(max_length=320)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Home-realm discovery: the connection that answers for the address's domain, offered as a button."""
    with database.session_scope(PartnerScope.system(reason="home-realm discovery"), write=False) as session:
        found = sso_service.discover(session, email=email)
    if found is None:
        error = "No single sign-on is set up for that address: log in with your password."
        return render(request, "auth/login.html", {"next": safe_next(next), "email": email, "error": error}, status_code=404)
    if not found.enabled:
        return render(request, "auth/login.html", {"next": safe_next(next), "email": email, "error": switched_off(found), "sso": found}, status_code=403)
    return render(request, "auth/login.html", {"next": safe_next(next), "email": email, "error": None, "sso": found})


def _too_many(request: Request, template: str, context: dict[str, Any], exc: TooManyAttempts) -> Response:
    """The form again with the refusal, as 429 with Retry-After (as the API answers)."""
    response = render(request, template, {**context, "error": exc.message}, status_code=429)
    response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


@router.post("/login")
def login(
    request: Request,
    database: AppDatabase,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    settings = request.app.state.settings
    try:
        with database.session_scope(PartnerScope.system(reason="password login")) as session:
            login = sso_service.sign_in_with_password(
                session,
                email=email,
                password=password,
                request=session_request(request),
                max_failures=settings.login_max_failures,
                window=timedelta(minutes=settings.login_window_minutes),
            )
    except TooManyAttempts as exc:
        return _too_many(request, "auth/login.html", {"next": safe_next(next), "email": email}, exc)
    if isinstance(login, Discovery):
        error = f"Your organisation signs in with {login.name}: continue with it instead of a password." if login.enabled else switched_off(login)
        return render(request, "auth/login.html", {"next": safe_next(next), "email": email, "error": error, "sso": login}, status_code=403)
    if login is None:
        return render(request, "auth/login.html", {"next": safe_next(next), "email": email, "error": "Email or password is not right."}, status_code=401)
    request.session.clear()  # a fresh cookie (and CSRF token) on login: no fixation
    if isinstance(login, SecondStepNeeded):
        # The signed cookie remembers whose password was right, for a few minutes; no session yet.
        request.session[SECOND_STEP_KEY] = {"user_id": login.user_id, "at": clock.now().timestamp(), "next": safe_next(next)}
        return RedirectResponse(SECOND_STEP_PATH, status_code=303)
    request.session[SESSION_TOKEN_KEY] = login.token
    return RedirectResponse(safe_next(next), status_code=303)


SECOND_STEP_PATH = "/login/two-factor"
SECOND_STEP_KEY = "second_step"
SECOND_STEP_TIME = timedelta(minutes=5)


def _second_step_pending(request: Request) -> dict[str, Any] | None:
    pending = request.session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict) or clock.now().timestamp() - float(pending.get("at", 0)) > SECOND_STEP_TIME.total_seconds():
        return None
    return pending


@router.get(SECOND_STEP_PATH)
def second_step_page(request: Request) -> Response:
    if _second_step_pending(request) is None:
        flash(request, "Log in again: the code is asked for within five minutes of the password.", "error")
        return RedirectResponse("/login", status_code=303)
    return render(request, "auth/two_factor.html", {"error": None})


@router.post(SECOND_STEP_PATH)
def second_step(request: Request, database: AppDatabase, code: Annotated[str, Form(max_length=40)] = "") -> Response:
    pending = _second_step_pending(request)
    if pending is None:
        request.session.pop(SECOND_STEP_KEY, None)
        flash(request, "Log in again: the code is asked for within five minutes of the password.", "error")
        return RedirectResponse("/login", status_code=303)
    settings = request.app.state.settings
    try:
        with database.session_scope(PartnerScope.system(reason="two-factor login")) as session:
            login = identity_service.complete_second_step(
                session,
                user_id=int(pending["user_id"]),
                answer=code,
                request=session_request(request),
                max_failures=settings.login_max_failures,
                window=timedelta(minutes=settings.login_window_minutes),
            )
    except TooManyAttempts as exc:
        request.session.pop(SECOND_STEP_KEY, None)
        return _too_many(request, "auth/login.html", {"next": "/", "email": ""}, exc)
    if login is None:
        return render(
            request, "auth/two_factor.html", {"error": "That code is not right. Type the code your app shows now, or a recovery code."}, status_code=401
        )
    request.session.clear()
    request.session[SESSION_TOKEN_KEY] = login.token
    return RedirectResponse(str(pending.get("next") or "/"), status_code=303)


@router.post("/logout")
def logout(request: Request, database: AppDatabase) -> Response:
    token = session_token(request)
    if token is not None:
        with database.session_scope(PartnerScope.system(reason="log out")) as session:
            identity_service.log_out(session, token=token)
    provider_logout = request.session.get(PROVIDER_LOGOUT_KEY)
    request.session.clear()
    if provider_logout is not None:
        # Signed in through an identity provider that offers it: sign out there too, then back to /login.
        request.session[PROVIDER_LOGOUT_KEY] = provider_logout
        return RedirectResponse(PROVIDER_LOGOUT_PATH, status_code=303)
    return RedirectResponse("/login", status_code=303)


FORGOT_PATH = "/password/forgot"


@router.get(FORGOT_PATH)
def forgot_page(request: Request) -> Response:
    return render(request, "auth/forgot.html", {"email": "", "answer": None, "error": None})


@router.post(FORGOT_PATH)
def forgot(request: Request, database: AppDatabase, email: Annotated[str, Form(max_length=320)] = "") -> Response:
    """The same page whether or not the address has an account (and 429 when throttled)."""
    client = request.client.host if request.client else None
    policy = LinkPolicy.from_settings(request.app.state.settings)
    try:
        with database.session_scope(PartnerScope.system(reason="password reset request")) as session:
            answer = access_service.request_password_reset(session, email=email, client=client, policy=policy)
    except TooManyAttempts as exc:
        return _too_many(request, "auth/forgot.html", {"email": email, "answer": None}, exc)
    return render(request, "auth/forgot.html", {"email": "", "answer": answer, "error": None})


def _set_page(request: Request, context: dict[str, object], status_code: int = 200) -> Response:
    response = render(request, "auth/set_password.html", context, status_code=status_code)
    # The token is in the address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get(SET_PASSWORD_PATH)
def set_password_page(request: Request, database: AppDatabase, token: str = "") -> Response:
    with database.session_scope(PartnerScope.system(reason="password link"), write=False) as session:
        link = access_service.describe_link(session, token=token[:200])
    return _set_page(request, {"link": link, "token": token[:200], "error": None}, status_code=200 if link.refusal is None else 410)


@router.post(SET_PASSWORD_PATH)
def set_password(
    request: Request,
    database: AppDatabase,
    token: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    password_again: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    scope = PartnerScope.system(reason="password link")
    try:
        if password != password_again:
            raise RuleViolation("The two passwords are not the same.")
        with database.session_scope(scope) as session:
            access_service.set_password_with_link(session, token=token, password=password)
    except RuleViolation as exc:
        with database.session_scope(scope, write=False) as session:
            link = access_service.describe_link(session, token=token)
        return _set_page(request, {"link": link, "token": token, "error": exc.message}, status_code=422 if link.refusal is None else 410)
    request.session.clear()
    flash(request, "Your password is set. Log in with it.")
    return RedirectResponse("/login", status_code=303)


def home_for(role: Role) -> str:
    return "/portal" if role.is_partner_role else "/console"
