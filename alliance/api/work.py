"""What needs the caller: the work lists their home page leads with (the same service call)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.governance import worklist_service
from alliance.governance.schemas import WorkItemRead, WorkListRead
from alliance.identity.permissions import Permission

router = api_router(tags=["inbox"])


@router.get("/me/work", response_model=list[WorkListRead], openapi_extra=allowed(Permission.INBOX_READ))
def my_work(session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=50)] = worklist_service.TOP) -> list[WorkListRead]:
    """The caller's work lists (review queue with SLA age, plans awaiting their signature, disputes,
    expiring protections and certifications, tier gaps, breaches ...), most pressing kinds first;
    a list the role has no part in is left out."""
    return [
        WorkListRead(
            key=work.key,
            heading=work.heading,
            total=work.total,
            items=[WorkItemRead(**vars(item)) for item in work.items],
        )
        for work in worklist_service.work_for(session, actor, limit=limit)
    ]
