"""`POST /ace` and `/ace/`: the awsJson1_0 door. Plain routes (a mounted sub-application would
answer /ace with a 307, which boto3 does not follow); the raw body is read and validated here."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from alliance.ace import errors, model, operations, sigv4
from alliance.ace.errors import AceError
from alliance.db import Database
from alliance.http.session import get_database
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, PartnerScope

PATHS = ("/ace", "/ace/")
CONTENT_TYPE = "application/x-amz-json-1.0"
logger = logging.getLogger("alliance.ace")


def _user_for(database: Database, token: str) -> Actor | None:
    with database.session_scope(PartnerScope.system(reason="authenticate ACE request"), write=False) as session:
        user = identity_service.user_for_token(session, token=token)
        return None if user is None else identity_service.actor_for(user)


async def ace_actor(request: Request, database: Annotated[Database, Depends(get_database)]) -> Actor:
    """The API token named as the access key id, if the request is signed with it (SigV4)."""
    authorization = sigv4.parse_authorization(request.headers.get("authorization"))
    actor = await run_in_threadpool(_user_for, database, authorization.access_key)
    if actor is None:
        raise errors.unrecognized_client("The security token included in the request is invalid.")
    sigv4.verify(
        authorization,
        secret=authorization.access_key,
        method=request.method,
        host=request.headers.get("host", ""),
        path=request.url.path,
        query=request.url.query,
        headers=dict(request.headers),
        body=await request.body(),
        service=model.service_model()["metadata"]["signingName"],
    )
    return actor


router = APIRouter()


async def ace(request: Request, actor: Annotated[Actor, Depends(ace_actor)], database: Annotated[Database, Depends(get_database)]) -> Response:
    target = request.headers.get("x-amz-target", "")
    prefix, _, operation = target.partition(".")
    if prefix != model.target_prefix() or not operation:
        raise errors.unknown_operation(f"X-Amz-Target must be {model.target_prefix()}.<Operation>.")
    raw = await request.body()
    try:
        body: Any = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise AceError("SerializationException", 400, "The request body is not JSON.") from None
    secret = request.app.state.settings.resolved_secret_key()
    try:
        answer = await run_in_threadpool(operations.run, database, actor, operation=operation, body=body, secret=secret)
    except AceError:
        raise
    except Exception:
        logger.exception("ACE %s failed", operation)
        raise AceError("InternalServerException", 500, "The request failed on the server; it was not applied.") from None
    return JSONResponse(answer, media_type=CONTENT_TYPE)


for path in PATHS:
    router.add_api_route(path, ace, methods=["POST"], include_in_schema=False)


def ace_error_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AceError)
    return JSONResponse(exc.body(), status_code=exc.status, media_type=CONTENT_TYPE, headers={"x-amzn-ErrorType": exc.code})
