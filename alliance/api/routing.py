"""Every API route says who may call it, and that is checked before its input is read.

`ApiRoute` authenticates the bearer token and checks the route's permissions (declared with
`openapi_extra=allowed(Permission.X, ...)`, and published in the OpenAPI document as
`x-permissions`) before FastAPI parses or validates anything: a role that may never use a route
gets 403 whatever its body, query or path say. The services check again, row by row.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from alliance.api.deps import api_actor
from alliance.api.errors import error_responses
from alliance.http.screening import ScreenedRoute
from alliance.http.session import get_database
from alliance.identity.permissions import Permission, require_any

PERMISSIONS_KEY = "x-permissions"


def allowed(*permissions: Permission) -> dict[str, Any]:
    """The roles holding any of `permissions` may call the route (openapi_extra of the route)."""
    assert permissions, "name at least one permission"
    return {PERMISSIONS_KEY: [p.value for p in permissions]}


class ApiRoute(ScreenedRoute):
    """A bearer-token route: its permissions are checked first, its errors documented (ErrorBody)."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        documented, declared_responses = error_responses(kwargs.get("methods") or ()), kwargs.get("responses") or {}
        # A route's own words about a status (e.g. what a 409 means there) keep the documented body.
        kwargs["responses"] = {code: {**documented.get(code, {}), **declared_responses.get(code, {})} for code in {**documented, **declared_responses}}
        super().__init__(path, endpoint, **kwargs)
        declared = (self.openapi_extra or {}).get(PERMISSIONS_KEY)
        if not declared:
            raise TypeError(f"{sorted(self.methods or ())} {path}: say who may call it with openapi_extra=allowed(Permission.X, ...)")
        self.permissions = tuple(Permission(value) for value in declared)

    async def admit(self, request: Request) -> None:
        actor = await run_in_threadpool(api_actor, request, get_database(request))
        require_any(actor, self.permissions)


def api_router(**kwargs: Any) -> APIRouter:
    """A router of bearer-token routes, each with its declared permissions."""
    return APIRouter(route_class=ApiRoute, **kwargs)
