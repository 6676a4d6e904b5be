"""Password resets and links for people who cannot sign in yet: no bearer token. `router` is
mounted outside the authenticated API (like the lab results route)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from alliance.api.errors import ErrorBody, error_responses
from alliance.http.screening import ScreenedRoute
from alliance.http.session import AppDatabase
from alliance.identity import access_service
from alliance.identity.access_service import LinkPolicy
from alliance.identity.schemas import MessageRead, PasswordLinkUse, PasswordResetRequest
from alliance.identity.scope import PartnerScope

router = APIRouter(tags=["users"], route_class=ScreenedRoute)
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "Too many requests for this address or from this client; Retry-After says when to try again"}
}


@router.post("/password-resets", response_model=MessageRead, status_code=202, responses={**error_responses(["POST"]), **THROTTLED})
def request_password_reset(data: PasswordResetRequest, request: Request, database: AppDatabase) -> MessageRead:
    """E-mail a single-use link (30 minutes) to reset the password of the account with this address.
    The answer is the same whether or not there is one; too many requests answer 429."""
    client = request.client.host if request.client else None
    policy = LinkPolicy.from_settings(request.app.state.settings)
    with database.session_scope(PartnerScope.system(reason="password reset request")) as session:
        answer = access_service.request_password_reset(session, email=data.email, client=client, policy=policy)
    return MessageRead(detail=answer)


@router.post("/password-links", response_model=MessageRead, responses=error_responses(["POST"]))
def use_password_link(data: PasswordLinkUse, database: AppDatabase) -> MessageRead:
    """Set a password with the token of an invitation or reset link (once); then log in."""
    with database.session_scope(PartnerScope.system(reason="password link")) as session:
        access_service.set_password_with_link(session, token=data.token, password=data.password)
    return MessageRead(detail="Your password is set. Log in with it.")
