"""Web dependencies: the logged-in actor from the signed session cookie, CSRF, scoped session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.errors import NotAuthenticated, NotFound, PermissionDenied
from alliance.http.session import get_database, open_request_session
from alliance.identity import service as identity_service
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor, PartnerScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(NotAuthenticated):
    """The web adapter answers this with a redirect to the login page."""


class NoPortalForVendor(NotFound):
    """Vendor staff have no partner portal: pages send them to the console, anything else is 404."""


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


def vendor_actor(actor: WebActor) -> Actor:
    if actor.is_partner:
        # Partner users have no console; answer as if it did not exist.
        raise NotFound("There is no page at this address.")
    return actor


VendorActor = Annotated[Actor, Depends(vendor_actor)]


def portal_actor(actor: WebActor) -> Actor:
    """A partner user with their partner; every portal page works on actor.partner_id only."""
    if not actor.is_partner:
        raise NoPortalForVendor("The partner portal is for partner users.")
    if actor.partner_id is None:
        raise NotFound("There is no page at this address.")
    return actor


PortalActor = Annotated[Actor, Depends(portal_actor)]

# Router-level guards (`dependencies=`), and the query texts list pages filter on.
PORTAL_ONLY = [Depends(portal_actor)]
VENDOR_ONLY = [Depends(vendor_actor)]
Text = Annotated[str | None, Query(max_length=100)]
DateText = Annotated[str | None, Query(max_length=20)]
SortText = Annotated[str | None, Query(max_length=40)]


def web_session(request: Request, actor: WebActor, database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    yield from open_request_session(request, actor, database)


# scope="function": commit before the response is sent, so the page a redirect leads to sees
# the change, and a failed commit becomes an error page instead of a false "saved".
WebSession = Annotated[Session, Depends(web_session, scope="function")]


def flash(request: Request, message: str, category: str = "success") -> None:
    request.session.setdefault("flash", []).append({"message": message, "category": category})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    flashes: list[dict[str, str]] = request.session.pop("flash", [])
    return flashes
