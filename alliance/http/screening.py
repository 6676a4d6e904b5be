"""NUL characters are refused in every text value of a request — path, query, form and JSON body —
with a 422 naming the field, before any handler or schema sees them; so is a JSON body that is not
UTF-8 (RFC 8259), which the framework would answer with an undocumented 400.

PostgreSQL cannot store a NUL in a text column (the driver fails with a fieldless error) and SQLite
stores it silently, so one check here makes every field of every route answer the same on both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_nul(request: Request) -> None:
    """A dependency (the portal) and the API's route class both call this."""
    errors = await nul_errors(request)
    if errors:
        raise RequestValidationError(errors)


async def nul_errors(request: Request) -> list[dict[str, Any]]:
    """One validation error per field holding a NUL, located as FastAPI locates its own errors."""
    places: list[tuple[Any, ...]] = []
    places += [("path", name) for name, value in request.path_params.items() if NUL in str(value)]
    places += [("query", name) for name, value in request.query_params.multi_items() if NUL in name or NUL in value]
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        # Uploaded files are data, not text fields: the importers judge their content.
        places += [("body", name) for name, value in form.multi_items() if isinstance(value, str) and (NUL in name or NUL in value)]
    elif request.method not in ("GET", "HEAD", "OPTIONS"):
        body = await request.body()
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return [{"type": "json_invalid", "loc": ("body",), "msg": "must be JSON encoded as UTF-8", "input": None}]
        # JSON can only carry a NUL escaped; the parse and walk run only when one may be there.
        if b"\\u0000" in body:
            try:
                document = json.loads(body)
            except ValueError:
                document = None  # not JSON: the handler's parser says so
            places += [("body", *path) for path in _nul_paths(document, ())]
    return [{"type": "string_nul", "loc": loc, "msg": "must not contain NUL characters (\\u0000)", "input": None} for loc in places]


def _nul_paths(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from [(*path, key)] if NUL in key else _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, index))


class ScreenedRoute(APIRoute):
    """A route whose request is screened for NUL characters before FastAPI reads it.

    `admit` runs first: a subclass decides there who may call the route at all, so that what
    they send is never looked at (or complained about) before they are authorized."""

    async def admit(self, request: Request) -> None:
        """Nothing to check before the screening by default."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def screened(request: Request) -> Response:
            await self.admit(request)
            await refuse_nul(request)
            return await handler(request)

        return screened
