"""Customer references in the portal's library: the approved references every partner may use
(approved by the vendor, the customer's approval for external use on record), by vertical and
product line, searched by customer or partner name; sortable, exportable, one page each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from alliance.assets import reference_service
from alliance.assets.reference_repository import STORY_SORTS, StoryFilters
from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.http.session import get_database
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.web.assets import PORTAL as LIBRARY
from alliance.web.assets import product_lines_named
from alliance.web.deps import PORTAL_ONLY, PortalActor, WebSession
from alliance.web.forms import query_int
from alliance.web.templating import render

router = APIRouter()
PORTAL = LIBRARY + "/references"
PAGE_SIZE = 25
WebDatabase = Annotated[Database, Depends(get_database)]


def _filters(request: Request) -> StoryFilters:
    params = request.query_params

    def text(name: str) -> str | None:
        return (params.get(name) or "").strip()[:100] or None

    sort = params.get("sort")
    return StoryFilters(text=text("q"), vertical=text("vertical"), product_line=text("product_line"), sort=sort if known_sort(sort, STORY_SORTS) else None)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_references(request: Request, session: WebSession, actor: PortalActor) -> Response:
    filters = _filters(request)
    offset = max(query_int(request.query_params.get("offset", "")) or 0, 0)
    page = reference_service.library_references(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=offset))
    context = {
        "page": page,
        "filters": filters,
        "base": PORTAL,
        "library": LIBRARY,
        "verticals": reference_service.library_verticals(session, actor),
        "product_lines": product_lines_named(session, actor),
    }
    return render(request, "assets/references.html", context)


@router.get(PORTAL + ".csv", dependencies=PORTAL_ONLY)
def portal_references_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.reference_library_csv(database, actor, _filters(request))


@router.get(PORTAL + "/{reference_id}", dependencies=PORTAL_ONLY)
def portal_reference(request: Request, reference_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    story = reference_service.library_reference(session, actor, reference_id=reference_id)
    context = {"story": story, "base": PORTAL, "library": LIBRARY, "product_lines": product_lines_named(session, actor)}
    return render(request, "assets/reference.html", context)
