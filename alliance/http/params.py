"""Query and path parameters every list and detail route shares (API and portal)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Path, Query

from alliance.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from alliance.kit.schemas import MAX_ROW_ID
from alliance.kit.sorting import sort_keys

IdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")] = 0,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


PageParams = Annotated[PageRequest, Depends(page_params)]


def sort_by(columns: Mapping[str, object]) -> Any:
    """The `sort` parameter of a list, its keys listed in the OpenAPI document (kit.sorting refuses
    any other with a 422 naming them): `sort: Annotated[str | None, sort_by(SERVICE_SORTS)] = None`."""
    return Query(max_length=40, description="Field to sort by; prefix with - for descending", json_schema_extra={"enum": sort_keys(columns)})


Search = Annotated[str | None, Query(max_length=100, description="Case-insensitive text search")]
