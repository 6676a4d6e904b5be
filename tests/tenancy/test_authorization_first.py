"""Who may call a route is settled before anything it was sent is read.

Every API route declares its permissions (x-permissions in the OpenAPI document); a role holding
none of them gets 403 whatever the body, query or path hold — malformed JSON, NUL characters,
out-of-range ids, values that would crash a validator — so a caller learns nothing from input it
may not submit. Routes are enumerated from the app, like the partner-isolation tests.
"""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts

from alliance.api.routing import ApiRoute
from alliance.http.screening import ScreenedRoute
from alliance.identity.permissions import Permission, role_can
from alliance.identity.scope import Role
from tests.app_shape import api_document, bare_app
from tests.tenancy.test_routes_are_scoped import PUBLIC_ROUTES, ROUTES

ROLES = {
    "admin": Role.PROGRAM_ADMIN,
    "cam": Role.CAM,
    "auditor": Role.AUDITOR,
    "executive": Role.EXECUTIVE,
    "ps_lead": Role.PS_LEAD,
    "a_admin": Role.PARTNER_ADMIN,
    "a_user": Role.PARTNER_USER,
}
HOSTILE_BODIES: list[dict[str, object]] = [
    {"content": b"{not json", "headers": {"content-type": "application/json"}},
    {"json": {"name": "\u0000", "day_starts": "08:00:00Z", "holidays": ["0001-01-01"], "unexpected": [1, 2]}},
    {"json": []},
    {"json": "\u0000"},
    {"content": b"name=%00", "headers": {"content-type": "application/x-www-form-urlencoded"}},
]
HOSTILE_QUERY = "?limit=0&offset=-1&sort=%00&since=0&start=9999-12-31&partner_id=99999999999999999999"


def _operations() -> list[tuple[str, str, dict]]:
    document = api_document()
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/v1/") and (method.upper(), path) not in PUBLIC_ROUTES
    ]


def _refuses(operation: dict, role: Role) -> bool:
    return not any(role_can(role, Permission(p)) for p in operation["x-permissions"])


def _hostile_url(path: str) -> str:
    values = {name: (str(2**63) if name.endswith("_id") or name == "seq" else "%00") for name in re.findall(r"{(\w+)}", path)}
    return path.format(**values) + HOSTILE_QUERY


def test_every_api_route_declares_who_may_call_it():
    undeclared = [f"{method} {path}" for method, path, operation in _operations() if not operation.get("x-permissions")]
    assert not undeclared, undeclared
    for context in iter_route_contexts(bare_app().routes):
        if (context.path or "").startswith("/api/v1/"):
            assert isinstance(context.original_route, ScreenedRoute), context.path
            bearer = (sorted(context.methods or ())[0], context.path) not in PUBLIC_ROUTES
            assert isinstance(context.original_route, ApiRoute) == bearer, context.path


def test_vendor_only_routes_refuse_partner_roles_by_declaration():
    """The isolation table's vendor-only routes are refused to partners before their input is read."""
    declared = {(method, path): operation for method, path, operation in _operations()}
    lax = [
        f"{method} {path}"
        for (method, path), kind in ROUTES.items()
        if kind == "vendor" and not all(_refuses(declared[(method, path)], role) for role in (Role.PARTNER_ADMIN, Role.PARTNER_USER))
    ]
    assert not lax, lax


def test_refused_roles_get_403_whatever_they_send(client, world):
    problems = []
    checked = 0
    for method, path, operation in _operations():
        for who, role in ROLES.items():
            if not _refuses(operation, role):
                continue
            for body in HOSTILE_BODIES if method in ("POST", "PATCH", "PUT") else [{}]:
                headers = {**world.headers(who), **body.get("headers", {})}  # type: ignore[dict-item]
                extra = {k: v for k, v in body.items() if k != "headers"}
                response = client.request(method, _hostile_url(path), headers=headers, **extra)  # type: ignore[arg-type]
                checked += 1
                if response.status_code != 403 or response.json()["error"]["code"] != "permission_denied":
                    problems.append(f"{method} {path} as {who} with {extra}: {response.status_code} {response.text[:150]}")
    assert checked > 300, checked
    assert not problems, "\n".join(problems[:40])


def test_a_partner_gets_403_for_the_calendar_body_that_crashed_validation(client, world):
    """Issue 16: a partner's business-calendar body with an offset time reached the validator (500)."""
    body = {"key": "probe", "name": "Probe", "time_zone": "UTC", "day_starts": "08:00:00Z"}
    for who in ("a_admin", "a_user"):
        response = client.post("/api/v1/business-calendars", headers=world.headers(who), json=body)
        assert response.status_code == 403, response.text
