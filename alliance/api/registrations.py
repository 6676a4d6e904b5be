from __future__ import annotations

from typing import Annotated

from fastapi import Body
from sqlalchemy.orm import Session

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.identity.permissions import Permission
from alliance.identity.scope import Actor
from alliance.kit.schemas import PageRead
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import extension_service, review_service
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Action, Status
from alliance.registrations.models import ProtectionExtension, RegistrationEvent
from alliance.registrations.repository import RegistrationFilters
from alliance.registrations.schemas import (
    ActionRequest,
    ExtensionDecision,
    ExtensionRead,
    ExtensionRequest,
    PendingExtensionRead,
    QueueItemRead,
    RegistrationCreate,
    RegistrationEventRead,
    RegistrationRead,
    RegistrationUpdate,
    ReviewQueueRead,
    WonRequest,
)

router = api_router(tags=["registrations"])


def _read(session: Session, actor: Actor, registration_id: int) -> RegistrationRead:
    return RegistrationRead.of(registration_service.view_registration(session, actor, registration_id=registration_id))


@router.post("/registrations", response_model=RegistrationRead, status_code=201, openapi_extra=allowed(Permission.REGISTRATIONS_FILE))
def create_registration(data: RegistrationCreate, session: DbSession, actor: CurrentActor) -> RegistrationRead:
    """File a deal, project or influence registration for your organisation (partner users);
    `submit: true` submits it at once."""
    registration = registration_service.create_registration(session, actor, data=data)
    return _read(session, actor, registration.id)


@router.get("/registrations", response_model=PageRead[RegistrationRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_registrations(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    sort: Annotated[str | None, sort_by(registration_service.REGISTRATION_SORTS)] = None,
    q: Search = None,
    kind: RegistrationKind | None = None,
    status: Status | None = None,
    customer_id: IdQuery = None,
    partner_id: IdQuery = None,
) -> dict[str, object]:
    """Registrations visible to the caller (partners: their own). `status` is the status as of
    today: approved ones past their protection count as expired."""
    filters = RegistrationFilters(kind=kind, status=status, customer_id=customer_id, partner_id=partner_id, q=q)
    found = registration_service.list_registrations(session, actor, filters=filters, sort=sort, page=page)
    return {**found.as_response(), "items": [RegistrationRead.of(view) for view in found.items]}


@router.get("/registrations/review-queue", response_model=ReviewQueueRead, openapi_extra=allowed(Permission.REGISTRATIONS_QUEUE))
def review_queue(session: DbSession, actor: CurrentActor, page: PageParams, cam_user_id: IdQuery = None) -> ReviewQueueRead:
    """Vendor users: pending registrations longest waiting first with their review SLA, and
    pending protection extension requests."""
    queue = review_service.review_queue(session, actor, page=page, cam_user_id=cam_user_id)
    return ReviewQueueRead(
        items=[QueueItemRead.model_validate(item) for item in queue.items.items],
        total=queue.items.total,
        limit=queue.items.limit,
        offset=queue.items.offset,
        extensions=[PendingExtensionRead.model_validate(e) for e in queue.extensions],
        extensions_total=queue.extensions_total,
    )


@router.get("/registrations/{registration_id}", response_model=RegistrationRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def get_registration(registration_id: IdPath, session: DbSession, actor: CurrentActor) -> RegistrationRead:
    return _read(session, actor, registration_id)


@router.patch(
    "/registrations/{registration_id}", response_model=RegistrationRead, openapi_extra=allowed(Permission.REGISTRATIONS_FILE, Permission.REGISTRATIONS_REVIEW)
)
def update_registration(registration_id: IdPath, data: RegistrationUpdate, session: DbSession, actor: CurrentActor) -> RegistrationRead:
    """Change a draft or a registration the vendor asked more information on."""
    registration_service.update_registration(session, actor, registration_id=registration_id, data=data)
    return _read(session, actor, registration_id)


@router.post(
    "/registrations/{registration_id}/actions/{action}",
    response_model=RegistrationRead,
    openapi_extra=allowed(Permission.REGISTRATIONS_FILE, Permission.REGISTRATIONS_REVIEW),
)
def act(
    registration_id: IdPath, action: Action, session: DbSession, actor: CurrentActor, data: Annotated[ActionRequest | None, Body()] = None
) -> RegistrationRead:
    """Move a registration through its lifecycle; `allowed_actions` on a read says what you may do.
    A decision (approve, reject, request_info) on a submitted registration starts the review first."""
    reason = data.reason if data else None
    registration_service.act(session, actor, registration_id=registration_id, action=action, reason=reason)
    return _read(session, actor, registration_id)


@router.post("/registrations/{registration_id}/won", response_model=RegistrationRead, openapi_extra=allowed(Permission.REGISTRATIONS_REVIEW))
def mark_won(registration_id: IdPath, data: WonRequest, session: DbSession, actor: CurrentActor) -> RegistrationRead:
    """The vendor confirms the booking (deal or project); attribution credits follow."""
    registration_service.mark_won(
        session,
        actor,
        registration_id=registration_id,
        booked_amount=data.booked_amount,
        closed_on=data.closed_on,
        reason=data.reason,
        vendor_transacted=data.vendor_transacted,
        currency=data.currency,
        transacting_partner_id=data.transacting_partner_id,
    )
    return _read(session, actor, registration_id)


@router.get("/registrations/{registration_id}/history", response_model=list[RegistrationEventRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def history(registration_id: IdPath, session: DbSession, actor: CurrentActor) -> list[RegistrationEvent]:
    return registration_service.registration_history(session, actor, registration_id=registration_id)


@router.post("/registrations/{registration_id}/extensions", response_model=ExtensionRead, status_code=201, openapi_extra=allowed(Permission.REGISTRATIONS_FILE))
def request_extension(registration_id: IdPath, data: ExtensionRequest, session: DbSession, actor: CurrentActor) -> ProtectionExtension:
    return extension_service.request_extension(session, actor, registration_id=registration_id, reason=data.reason)


@router.post("/extensions/{extension_id}/decision", response_model=ExtensionRead, openapi_extra=allowed(Permission.REGISTRATIONS_REVIEW))
def decide_extension(extension_id: IdPath, data: ExtensionDecision, session: DbSession, actor: CurrentActor) -> ProtectionExtension:
    return extension_service.decide_extension(session, actor, extension_id=extension_id, approve=data.approve, reason=data.reason)
