from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.kit.types import Day
from alliance.partners import service as partner_service
from alliance.partners.models import Partner, Person, Sponsor
from alliance.partners.repository import PartnerFilters
from alliance.partners.schemas import (
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    SponsorCreate,
    SponsorRead,
)
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, PartnerType, SISubtype, SponsorSide

router = api_router(tags=["partners"])


@router.get("/partners", response_model=PageRead[PartnerRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_partners(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    sort: Annotated[str | None, sort_by(partner_service.PARTNER_SORTS)] = None,
    q: Search = None,
    partner_type: PartnerType | None = None,
    si_subtype: SISubtype | None = None,
    status: PartnerStatus | None = None,
    tier: Annotated[str | None, Query(max_length=60, description="Tier key, e.g. gold")] = None,
    region: Literal["NA", "LATAM", "EMEA", "APAC"] | None = None,
    cam_user_id: IdQuery = None,
    program_id: IdQuery = None,
) -> dict[str, object]:
    """Partners visible to the caller (a partner user sees only their own organisation)."""
    filters = PartnerFilters(
        q=q, partner_type=partner_type, si_subtype=si_subtype, status=status, tier_key=tier, region=region, cam_user_id=cam_user_id, program_id=program_id
    )
    return partner_service.list_partners(session, actor, filters=filters, sort=sort, page=page).as_response()


@router.post("/partners", response_model=PartnerRead, status_code=201, openapi_extra=allowed(Permission.PARTNERS_CREATE))
def create_partner(data: PartnerCreate, session: DbSession, actor: CurrentActor) -> Partner:
    return partner_service.create_partner(session, actor, data=data)


@router.get("/partners/{partner_id}", response_model=PartnerRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def get_partner(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> Partner:
    return partner_service.get_partner(session, actor, partner_id=partner_id)


@router.patch("/partners/{partner_id}", response_model=PartnerRead, openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE))
def update_partner(partner_id: IdPath, data: PartnerUpdate, session: DbSession, actor: CurrentActor) -> Partner:
    return partner_service.update_partner(session, actor, partner_id=partner_id, data=data)


@router.get("/partners/{partner_id}/people", response_model=PageRead[PersonRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_people(
    partner_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    sort: Annotated[str | None, sort_by(partner_service.PERSON_SORTS)] = None,
    delivery_role: DeliveryRole | None = None,
    active: bool | None = None,
) -> dict[str, object]:
    return partner_service.list_people(session, actor, partner_id=partner_id, delivery_role=delivery_role, active=active, sort=sort, page=page).as_response()


@router.post(
    "/partners/{partner_id}/people", response_model=PersonRead, status_code=201, openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE)
)
def add_person(partner_id: IdPath, data: PersonCreate, session: DbSession, actor: CurrentActor) -> Person:
    return partner_service.add_person(session, actor, partner_id=partner_id, data=data)


@router.get("/people/{person_id}", response_model=PersonRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def get_person(person_id: IdPath, session: DbSession, actor: CurrentActor) -> Person:
    return partner_service.get_person(session, actor, person_id=person_id)


@router.patch("/people/{person_id}", response_model=PersonRead, openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE))
def update_person(person_id: IdPath, data: PersonUpdate, session: DbSession, actor: CurrentActor) -> Person:
    return partner_service.update_person(session, actor, person_id=person_id, data=data)


@router.delete("/people/{person_id}", status_code=204, openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE))
def remove_person(person_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    partner_service.remove_person(session, actor, person_id=person_id)
    return Response(status_code=204)


@router.get("/partners/{partner_id}/sponsors", response_model=PageRead[SponsorRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_sponsors(
    partner_id: IdPath, session: DbSession, actor: CurrentActor, page: PageParams, side: SponsorSide | None = None, include_ended: bool = False
) -> dict[str, object]:
    """Executive sponsors of the relationship on both sides: the current ones; with
    include_ended, the former ones too (their `ended_on` set)."""
    return partner_service.page_sponsors(session, actor, partner_id=partner_id, side=side, page=page, include_ended=include_ended).as_response()


@router.post(
    "/partners/{partner_id}/sponsors",
    response_model=SponsorRead,
    status_code=201,
    openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE),
)
def add_sponsor(partner_id: IdPath, data: SponsorCreate, session: DbSession, actor: CurrentActor) -> Sponsor:
    return partner_service.add_sponsor(session, actor, partner_id=partner_id, data=data)


@router.delete("/sponsors/{sponsor_id}", status_code=204, openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE))
def remove_sponsor(
    sponsor_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    ended_on: Annotated[Day | None, Query(description="The first day they are no longer the sponsor (default: today)")] = None,
) -> Response:
    """End the sponsorship on `ended_on` (default today); the sponsor stays on the QBRs of earlier dates."""
    partner_service.remove_sponsor(session, actor, sponsor_id=sponsor_id, ended_on=ended_on)
    return Response(status_code=204)
