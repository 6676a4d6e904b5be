"""Request dependencies: who is calling, and a session scoped to what they may see.

`DbSession` depends on `CurrentActor`, so no route can get a database session without an
authenticated actor and the scope that follows from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from alliance.errors import NotAuthenticated
from alliance.http.session import AppDatabase, open_request_session
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, PartnerScope


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def api_actor(request: Request, database: AppDatabase) -> Actor:
    """The token's user; looked up once per request (the route class asks first, see api/routing.py)."""
    known: Actor | None = getattr(request.state, "api_actor", None)
    if known is not None:
        return known
    token = _bearer_token(request)
    if token is None:
        raise NotAuthenticated("Authentication required: send 'Authorization: Bearer <token>' (create one with `alliance token create`).")
    with database.session_scope(PartnerScope.system(reason="authenticate API token")) as session:
        user = identity_service.user_for_token(session, token=token)
        if user is None:
            raise NotAuthenticated("The API token is invalid, expired or revoked.")
        actor = identity_service.actor_for(user)
    request.state.api_actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(api_actor)]


def scoped_session(request: Request, actor: CurrentActor, database: AppDatabase) -> Iterator[Session]:
    yield from open_request_session(request, actor, database)


# scope="function": commit before the response is sent, so a failed commit is the request's error
# (never a success answer for a change that was not saved).
DbSession = Annotated[Session, Depends(scoped_session, scope="function")]
