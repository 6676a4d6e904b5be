"""SCIM 2.0 at /scim/v2 (RFC 7644): the door an identity provider provisions users through, with its
connection's bearer token. Thin: each request is one sso.scim_service call; answers and errors in
SCIM's own JSON (application/scim+json)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance.errors import AllianceError, Conflict, NotAuthenticated, NotFound, RuleViolation
from alliance.http.params import IdPath
from alliance.http.session import AppDatabase
from alliance.identity.scope import PartnerScope
from alliance.sso import scim_service
from alliance.sso.scim_service import ScimCaller, ScimGroup, ScimUser, UserChange

MEDIA_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
USER_NAME_FILTER = re.compile(r'^userName eq "([^"]{1,320})"$')
MAX_COUNT = 200

router = APIRouter(prefix="/scim/v2", include_in_schema=False)


class ScimProblem(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def scim_json(body: dict[str, Any], status: int = 200, location: str | None = None) -> Response:
    headers = {"Location": location} if location else None
    return Response(json.dumps(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def scim_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScimProblem)
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(exc.status), "detail": exc.detail}
    if exc.scim_type:
        body["scimType"] = exc.scim_type
    response = scim_json(body, exc.status)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def scim_caller(request: Request, database: AppDatabase) -> ScimCaller:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ScimProblem(401, "A bearer token is required.")
    with database.session_scope(PartnerScope.system(reason="SCIM token"), write=False) as session:
        caller = scim_service.caller_for(session, token=token.strip())
    if caller is None:
        raise ScimProblem(401, "The bearer token is not valid.")
    return caller


Caller = Annotated[ScimCaller, Depends(scim_caller)]


def scim_session(caller: Caller, database: AppDatabase) -> Iterator[Session]:
    with database.session_scope(PartnerScope.system(reason=f"SCIM for connection {caller.connection_id}")) as session:
        yield session


ScimSession = Annotated[Session, Depends(scim_session, scope="function")]
Payload = Annotated[dict[str, Any], Body(media_type=MEDIA_TYPE)]


def _answer(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except NotFound as exc:
        raise ScimProblem(404, exc.message) from exc
    except Conflict as exc:
        raise ScimProblem(409, exc.message, "uniqueness") from exc
    except RuleViolation as exc:
        scim_type = "mutability" if any(d.get("message") == "mutability" for d in exc.details) else "invalidValue"
        raise ScimProblem(400, exc.message, scim_type) from exc
    except NotAuthenticated as exc:
        raise ScimProblem(401, exc.message) from exc
    except AllianceError as exc:
        raise ScimProblem(403, exc.message) from exc


def _resource(request: Request, user: ScimUser) -> dict[str, Any]:
    given, _, family = user.display_name.partition(" ")
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(user.id),
        "userName": user.user_name,
        "displayName": user.display_name,
        "name": {"formatted": user.display_name, "givenName": given, "familyName": family},
        "emails": [{"value": user.user_name, "primary": True, "type": "work"}],
        "active": user.active,
        "roles": [{"value": user.role.value, "display": user.role.label, "primary": True}],
        "meta": {"resourceType": "User", "created": user.created, "lastModified": user.last_modified, "location": _location(request, user.id)},
    }
    if user.external_id:
        body["externalId"] = user.external_id
    return body


def _location(request: Request, user_id: int) -> str:
    return str(request.base_url).rstrip("/") + f"/scim/v2/Users/{user_id}"


def _change(payload: dict[str, Any]) -> UserChange:
    name: dict[str, Any] = payload["name"] if isinstance(payload.get("name"), dict) else {}
    display = payload.get("displayName") or name.get("formatted") or " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p) or None
    roles = tuple(str(r.get("value")) for r in payload.get("roles") or [] if isinstance(r, dict) and r.get("value"))
    active = payload.get("active")
    return UserChange(
        user_name=str(payload["userName"]) if payload.get("userName") else None,
        display_name=str(display) if display else None,
        active=active if isinstance(active, bool) else None,
        external_id=str(payload["externalId"]) if payload.get("externalId") else None,
        roles=roles,
    )


def _patched(payload: dict[str, Any]) -> UserChange:
    """A PatchOp's replace/add operations on active, displayName, name and roles, as one change."""
    if PATCH_SCHEMA not in payload.get("schemas", []):
        raise ScimProblem(400, "A PATCH body is a PatchOp message.", "invalidSyntax")
    merged: dict[str, Any] = {}
    for operation in payload.get("Operations") or []:
        op = str(operation.get("op", "")).lower()
        if op not in ("replace", "add"):
            raise ScimProblem(400, f"The {op or 'missing'} operation is not supported here.", "invalidSyntax")
        path, value = operation.get("path"), operation.get("value")
        if path is None and isinstance(value, dict):
            merged.update(value)
        elif path in ("active", "displayName", "roles", "externalId"):
            merged[path] = value
        elif isinstance(path, str) and path.startswith("name."):
            merged.setdefault("name", {})[path.removeprefix("name.")] = value
        else:
            raise ScimProblem(400, f"The attribute {path} cannot be changed here.", "invalidPath")
    if isinstance(merged.get("active"), str):
        merged["active"] = merged["active"].lower() == "true"  # Entra ID sends "False"
    return _change(merged)


@router.get("/Users")
def list_users(
    request: Request,
    caller: Caller,
    session: ScimSession,
    filter: Annotated[str | None, Query(max_length=400)] = None,
    startIndex: Annotated[int, Query(ge=1)] = 1,
    count: Annotated[int, Query(ge=0)] = 100,
) -> Response:
    user_name = None
    if filter:
        match = USER_NAME_FILTER.match(filter.strip())
        if match is None:
            raise ScimProblem(400, 'Only the filter userName eq "..." is supported.', "invalidFilter")
        user_name = match[1]
    total, users = _answer(lambda: scim_service.find_users(session, caller, user_name=user_name, start=startIndex, count=min(count, MAX_COUNT)))
    resources = [_resource(request, user) for user in users]
    return scim_json({"schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": startIndex, "itemsPerPage": len(resources), "Resources": resources})


@router.post("/Users")
def create_user(request: Request, caller: Caller, session: ScimSession, payload: Payload) -> Response:
    user = _answer(lambda: scim_service.create_user(session, caller, change=_change(payload)))
    return scim_json(_resource(request, user), 201, location=_location(request, user.id))


@router.get("/Users/{user_id}")
def get_user(request: Request, user_id: IdPath, caller: Caller, session: ScimSession) -> Response:
    return scim_json(_resource(request, _answer(lambda: scim_service.get_user(session, caller, user_id=user_id))))


@router.put("/Users/{user_id}")
def replace_user(request: Request, user_id: IdPath, caller: Caller, session: ScimSession, payload: Payload) -> Response:
    change = _change(payload)
    return scim_json(_resource(request, _answer(lambda: scim_service.update_user(session, caller, user_id=user_id, change=change))))


@router.patch("/Users/{user_id}")
def patch_user(request: Request, user_id: IdPath, caller: Caller, session: ScimSession, payload: Payload) -> Response:
    change = _patched(payload)
    return scim_json(_resource(request, _answer(lambda: scim_service.update_user(session, caller, user_id=user_id, change=change))))


@router.delete("/Users/{user_id}")
def delete_user(user_id: IdPath, caller: Caller, session: ScimSession) -> Response:
    """Deactivates (the audit trail keeps whom the user was): their sessions and API tokens end."""
    _answer(lambda: scim_service.update_user(session, caller, user_id=user_id, change=UserChange(active=False)))
    return Response(status_code=204)


GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _group(request: Request, group: ScimGroup) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/") + "/scim/v2"
    return {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.id),
        "displayName": group.display_name,
        "members": [{"value": str(user_id), "$ref": f"{base}/Users/{user_id}"} for user_id in group.member_ids],
        "meta": {"resourceType": "Group", "location": f"{base}/Groups/{group.id}"},
    }


def _member_ids(value: Any) -> list[int]:
    members = value if isinstance(value, list) else (value.get("members", []) if isinstance(value, dict) else [])
    try:
        return [int(member["value"]) for member in members]
    except (KeyError, TypeError, ValueError) as exc:
        raise ScimProblem(400, 'Members are given as [{"value": "<user id>"}].', "invalidValue") from exc


@router.get("/Groups")
def list_groups(request: Request, caller: Caller, session: ScimSession, filter: Annotated[str | None, Query(max_length=400)] = None) -> Response:
    groups = _answer(lambda: scim_service.list_groups(session, caller))
    if filter:
        match = re.match(r'^displayName eq "([^"]{1,200})"$', filter.strip())
        if match is None:
            raise ScimProblem(400, 'Only the filter displayName eq "..." is supported.', "invalidFilter")
        groups = [group for group in groups if group.display_name == match[1]]
    resources = [_group(request, group) for group in groups]
    return scim_json({"schemas": [LIST_SCHEMA], "totalResults": len(resources), "startIndex": 1, "itemsPerPage": len(resources), "Resources": resources})


@router.get("/Groups/{group_id}")
def get_group(request: Request, group_id: IdPath, caller: Caller, session: ScimSession) -> Response:
    return scim_json(_group(request, _answer(lambda: scim_service.get_group(session, caller, group_id=group_id))))


@router.post("/Groups")
def create_group(caller: Caller) -> Response:
    """Groups are the connection's role mapping, decided in Alliance: the provider links to them."""
    del caller
    raise ScimProblem(403, "Groups are this connection's role mapping, set up in Alliance; link to an existing group instead.")


@router.patch("/Groups/{group_id}")
def patch_group(request: Request, group_id: IdPath, caller: Caller, session: ScimSession, payload: Payload) -> Response:
    if PATCH_SCHEMA not in payload.get("schemas", []):
        raise ScimProblem(400, "A PATCH body is a PatchOp message.", "invalidSyntax")
    added: list[int] = []
    removed: list[int] = []
    for operation in payload.get("Operations") or []:
        op, path, value = str(operation.get("op", "")).lower(), str(operation.get("path") or "members"), operation.get("value")
        removal = re.match(r'^members\[value eq "(\d+)"\]$', path)
        if op == "add" and path == "members":
            added.extend(_member_ids(value))
        elif op == "remove" and removal is not None:
            removed.append(int(removal[1]))
        elif op == "remove" and path == "members":
            removed.extend(_member_ids(value))
        else:
            raise ScimProblem(400, f"The {op} operation on {path} is not supported here: groups change by members.", "invalidPath")
    group = _answer(lambda: scim_service.change_members(session, caller, group_id=group_id, added=added, removed=removed))
    return scim_json(_group(request, group))


@router.get("/ServiceProviderConfig")
def service_provider_config(caller: Caller) -> Response:
    del caller
    return scim_json(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": MAX_COUNT},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token", "description": "The connection's SCIM token", "primary": True}],
        }
    )
