"""Early-access programs: programs per product release, partners' applications (terms accepted),
the vendor's decisions (one of two concurrent decisions wins, the other is a 409), and feedback
on pre-release assets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.assets.early_access import service as early_access_service
from alliance.assets.early_access.models import EarlyAccessApplication, EarlyAccessFeedback
from alliance.assets.early_access.repository import APPLICATION_SORTS, ApplicationFilters
from alliance.assets.early_access.rules import ApplicationStatus
from alliance.assets.early_access.schemas import (
    EarlyAccessApplicationInput,
    EarlyAccessApplicationRead,
    EarlyAccessApplicationRowRead,
    EarlyAccessDecisionInput,
    EarlyAccessFeedbackInput,
    EarlyAccessFeedbackRead,
    EarlyAccessOpenInput,
    EarlyAccessProgramInput,
    EarlyAccessProgramRead,
)
from alliance.http.params import IdPath, IdQuery, PageParams, sort_by
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead

router = api_router(tags=["early access"])


def program_read(entry: early_access_service.ProgramEntry) -> EarlyAccessProgramRead:
    return EarlyAccessProgramRead.model_validate(
        {
            **{k: getattr(entry.program, k) for k in ("id", "name", "product_line", "version", "terms", "minimum_tier_rank", "required_track_id", "is_open")},
            "pending": entry.pending,
            "enrolled": entry.enrolled,
            "eligibility": entry.eligibility,
            "application_status": entry.application.status if entry.application else None,
        }
    )


def application_row(row: Any) -> EarlyAccessApplicationRowRead:
    application, program, partner, accepted_by, decided_by = row
    return EarlyAccessApplicationRowRead(
        **EarlyAccessApplicationRead.model_validate(application).model_dump(), program=program, partner=partner, accepted_by=accepted_by, decided_by=decided_by
    )


@router.get("/early-access/programs", response_model=list[EarlyAccessProgramRead], openapi_extra=allowed(Permission.EARLY_ACCESS_READ))
def list_programs(session: DbSession, actor: CurrentActor) -> list[EarlyAccessProgramRead]:
    """Programs with pending and enrolled counts (partners: their own application and what they miss to be eligible)."""
    return [program_read(entry) for entry in early_access_service.list_programs(session, actor)]


@router.post("/early-access/programs", response_model=EarlyAccessProgramRead, status_code=201, openapi_extra=allowed(Permission.EARLY_ACCESS_MANAGE))
def create_program(data: EarlyAccessProgramInput, session: DbSession, actor: CurrentActor) -> EarlyAccessProgramRead:
    """A release's early-access program with its terms and eligibility (minimum tier, a required certification)."""
    program = early_access_service.create_program(session, actor, data=data)
    return program_read(early_access_service.ProgramEntry(program=program, pending=0, enrolled=0, application=None, eligibility=[]))


@router.get("/early-access/programs/{early_access_program_id}", response_model=EarlyAccessProgramRead, openapi_extra=allowed(Permission.EARLY_ACCESS_READ))
def get_program(early_access_program_id: IdPath, session: DbSession, actor: CurrentActor) -> EarlyAccessProgramRead:
    return program_read(early_access_service.view_program(session, actor, program_id=early_access_program_id).entry)


@router.put(
    "/early-access/programs/{early_access_program_id}/open", response_model=EarlyAccessProgramRead, openapi_extra=allowed(Permission.EARLY_ACCESS_MANAGE)
)
def set_open(early_access_program_id: IdPath, data: EarlyAccessOpenInput, session: DbSession, actor: CurrentActor) -> EarlyAccessProgramRead:
    """Open or close the program for applications."""
    early_access_service.set_open(session, actor, program_id=early_access_program_id, is_open=data.is_open)
    return program_read(early_access_service.view_program(session, actor, program_id=early_access_program_id).entry)


@router.post(
    "/early-access/programs/{early_access_program_id}/applications",
    response_model=EarlyAccessApplicationRead,
    status_code=201,
    openapi_extra=allowed(Permission.EARLY_ACCESS_APPLY),
)
def apply(early_access_program_id: IdPath, data: EarlyAccessApplicationInput, session: DbSession, actor: CurrentActor) -> EarlyAccessApplication:
    """Apply for your organisation, accepting the program's terms (recorded with the time and you)."""
    return early_access_service.apply(session, actor, program_id=early_access_program_id, data=data)


@router.get("/early-access/applications", response_model=PageRead[EarlyAccessApplicationRowRead], openapi_extra=allowed(Permission.EARLY_ACCESS_READ))
def list_applications(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    program_id: IdQuery = None,
    status: ApplicationStatus | None = None,
    partner: Annotated[str | None, Query(max_length=100, description="Part of the partner's name")] = None,
    sort: Annotated[str | None, sort_by(APPLICATION_SORTS)] = None,
) -> dict[str, Any]:
    """Applications (partners: their own), newest first by default."""
    found = early_access_service.list_applications(
        session, actor, filters=ApplicationFilters(program_id=program_id, status=status, partner=partner), sort=sort, page=page
    )
    return {**found.as_response(), "items": [application_row(row) for row in found.items]}


@router.post(
    "/early-access/applications/{early_access_application_id}/decision",
    response_model=EarlyAccessApplicationRead,
    openapi_extra=allowed(Permission.EARLY_ACCESS_DECIDE),
)
def decide(early_access_application_id: IdPath, data: EarlyAccessDecisionInput, session: DbSession, actor: CurrentActor) -> EarlyAccessApplication:
    """Accept (the partner must be eligible) or decline with a reason; a decided application is a 409."""
    return early_access_service.decide_application(session, actor, application_id=early_access_application_id, data=data)


@router.post(
    "/assets/{asset_id}/early-access-feedback", response_model=EarlyAccessFeedbackRead, status_code=201, openapi_extra=allowed(Permission.EARLY_ACCESS_FEEDBACK)
)
def leave_feedback(asset_id: IdPath, data: EarlyAccessFeedbackInput, session: DbSession, actor: CurrentActor) -> EarlyAccessFeedback:
    """Feedback on a pre-release asset of a program you are enrolled in."""
    return early_access_service.leave_feedback(session, actor, asset_id=asset_id, data=data)


@router.get(
    "/early-access/programs/{early_access_program_id}/feedback",
    response_model=list[EarlyAccessFeedbackRead],
    openapi_extra=allowed(Permission.EARLY_ACCESS_READ),
)
def program_feedback(early_access_program_id: IdPath, session: DbSession, actor: CurrentActor) -> list[EarlyAccessFeedback]:
    """Feedback on the program's pre-release assets (the vendor: every partner's; an enrolled partner: its own)."""
    return [row[0] for row in early_access_service.view_program(session, actor, program_id=early_access_program_id).feedback]
