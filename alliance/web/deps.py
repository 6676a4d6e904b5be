"""Web dependencies: the logged-in actor from the signed session cookie, CSRF, scoped session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from alliance.api.deps import get_database, open_request_session
from alliance.db import Database
from alliance.errors import NotAuthenticated, PermissionDenied
from alliance.identity import service as identity_service
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor, PartnerScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(NotAuthenticated):
    """The web adapter answers this with a redirect to the login page."""


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Every unsafe web request must echo the session's CSRF token (form field or header)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(expected, sent):
        raise PermissionDenied("The form has expired or did not come from this site. Reload the page and try again.")


def web_actor(request: Request, database: Annotated[Database, Depends(get_database)]) -> Actor:
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        raise LoginRequired("Please log in.")
    with database.session_scope(PartnerScope.system(reason="load the logged-in web user"), write=False) as session:
        user = UserRepository(session).get(user_id)
        if user is None or not user.is_active or request.session.get("role") != user.role:
            request.session.clear()
            raise LoginRequired("Your session has ended; please log in again.")
        actor = identity_service.actor_for(user)
    request.state.actor = actor
    request.state.user_name = request.session.get("name", actor.label)
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]


def web_session(request: Request, actor: WebActor, database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    yield from open_request_session(request, actor, database)


WebSession = Annotated[Session, Depends(web_session)]


def flash(request: Request, message: str, category: str = "success") -> None:
    request.session.setdefault("flash", []).append({"message": message, "category": category})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    return request.session.pop("flash", [])
