"""Log in and out. The only web routes that do not require a logged-in user."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from alliance.db import Database
from alliance.errors import TooManyAttempts
from alliance.http.session import get_database
from alliance.identity import service as identity_service
from alliance.identity.scope import PartnerScope, Role
from alliance.web.deps import SESSION_TOKEN_KEY, session_policy, session_token
from alliance.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a fresh login to another host.
    if target and target.startswith("/") and not target.startswith("//") and not target.startswith("/login"):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    # A session that has ended meanwhile is found out on the next page, which clears it and comes back here.
    if session_token(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": _safe_next(next), "email": "", "error": None})


@router.post("/login")
def login(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    settings = request.app.state.settings
    client = request.client.host if request.client else None
    try:
        with database.session_scope(PartnerScope.system(reason="password login")) as session:
            login = identity_service.log_in(
                session,
                email=email,
                password=password,
                client=client,
                user_agent=request.headers.get("user-agent"),
                max_failures=settings.login_max_failures,
                window=timedelta(minutes=settings.login_window_minutes),
                policy=session_policy(request),
            )
    except TooManyAttempts as exc:
        response = render(request, "auth/login.html", {"next": _safe_next(next), "email": email, "error": exc.message}, status_code=429)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    if login is None:
        return render(request, "auth/login.html", {"next": _safe_next(next), "email": email, "error": "Email or password is not right."}, status_code=401)
    request.session.clear()  # a fresh cookie (and CSRF token) on login: no fixation
    request.session[SESSION_TOKEN_KEY] = login.token
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, database: Annotated[Database, Depends(get_database)]) -> Response:
    token = session_token(request)
    if token is not None:
        with database.session_scope(PartnerScope.system(reason="log out")) as session:
            identity_service.log_out(session, token=token)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def home_for(role: Role) -> str:
    return "/portal" if role.is_partner_role else "/console"
