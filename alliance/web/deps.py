"""Web dependencies: the logged-in actor from the session cookie's token, CSRF, scoped session.

The signed cookie carries the CSRF token, flash messages and, once logged in, the token of a
server-side session (identity.session_service); only that record decides who is logged in, so
logging out, a password change, deactivation or "sign out everywhere" ends a copied cookie too."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from alliance.errors import NotAuthenticated, NotFound, PermissionDenied
from alliance.http.session import AppDatabase, open_request_session
from alliance.identity import service as identity_service
from alliance.identity import session_service
from alliance.identity.scope import Actor, PartnerScope
from alliance.identity.service import SessionRequest
from alliance.identity.user_sessions import SessionPolicy
from alliance.notifications import inbox_service

SESSION_TOKEN_KEY = "sid"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(NotAuthenticated):
    """The web adapter answers this with a redirect to the login page."""


class TwoFactorEnrolmentDue(PermissionDenied):
    """The web adapter answers this with a redirect to the two-factor set-up page."""


# Where a vendor user the sign-in policy requires two-factor of is sent until it is on.
TWO_FACTOR_ENROLMENT = "/console/account/two-factor"


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


def session_policy(request: Request) -> SessionPolicy:
    return SessionPolicy.from_settings(request.app.state.settings)


def session_request(request: Request) -> SessionRequest:
    """The browser a login is for: its address and user agent, and this app's session timeouts."""
    return SessionRequest(client=request.client.host if request.client else None, user_agent=request.headers.get("user-agent"), policy=session_policy(request))


def session_token(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN_KEY)
    return token if isinstance(token, str) and token else None


def web_actor(request: Request, database: AppDatabase) -> Actor:
    token = session_token(request)
    if token is None:
        raise LoginRequired("Please log in.")
    system = PartnerScope.system(reason="load the logged-in web user")
    with database.session_scope(system, write=False) as session:
        resumed = session_service.resume_session(session, token=token, policy=session_policy(request))
        if resumed is None:
            request.session.clear()
            raise LoginRequired("Your session has ended; please log in again.")
        if resumed.enrolment_due and not request.url.path.startswith(TWO_FACTOR_ENROLMENT):
            raise TwoFactorEnrolmentDue("The program requires two-factor sign-in for your role: set it up to continue.")
        actor = identity_service.actor_for(resumed.user)
        user_name = resumed.user.name
        # The bell in every page's header: one indexed count in the read that loads the user.
        request.state.unread = inbox_service.unread_count(session, actor)
    if resumed.touch_due:
        # Its own short write, at most once a minute per session: every other request only reads.
        with database.session_scope(system) as session:
            session_service.touch_session(session, session_id=resumed.session_id)
    request.state.actor = actor
    request.state.user_name = user_name
    request.state.session_id = resumed.session_id
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


def current_session_id(actor: WebActor, request: Request) -> int:
    """The id of the server-side session this request came with (web_actor found it)."""
    del actor
    session_id: int = request.state.session_id
    return session_id


CurrentSessionId = Annotated[int, Depends(current_session_id)]

# Router-level guards (`dependencies=`), and the query texts list pages filter on.
PORTAL_ONLY = [Depends(portal_actor)]
VENDOR_ONLY = [Depends(vendor_actor)]
Text = Annotated[str | None, Query(max_length=100)]
DateText = Annotated[str | None, Query(max_length=20)]
SortText = Annotated[str | None, Query(max_length=40)]


def web_session(request: Request, actor: WebActor, database: AppDatabase) -> Iterator[Session]:
    yield from open_request_session(request, actor, database)


# scope="function": commit before the response is sent, so the page a redirect leads to sees
# the change, and a failed commit becomes an error page instead of a false "saved".
WebSession = Annotated[Session, Depends(web_session, scope="function")]


def flash(request: Request, message: str, category: str = "success") -> None:
    request.session.setdefault("flash", []).append({"message": message, "category": category})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    flashes: list[dict[str, str]] = request.session.pop("flash", [])
    return flashes
