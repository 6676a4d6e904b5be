"""Query and path parameters every list and detail route shares (API and portal)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from alliance.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from alliance.kit.schemas import MAX_ROW_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")] = 0,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


PageParams = Annotated[PageRequest, Depends(page_params)]
Sort = Annotated[str | None, Query(max_length=40, description="Field to sort by; prefix with - for descending")]
Search = Annotated[str | None, Query(max_length=100, description="Case-insensitive text search")]
