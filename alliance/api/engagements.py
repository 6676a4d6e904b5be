"""Rules of engagement (consents, vendor PS engagements, violations, account protection from a
registration) and scope disputes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import (
    DisputeCreate,
    DisputeDecision,
    DisputeEscalation,
    DisputeFilters,
    DisputeRead,
    DisputeReportRead,
)
from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import (
    AccountProtectionRequest,
    ConsentCreate,
    ConsentFilters,
    ConsentRead,
    ConsentRevocation,
    EngagementFilters,
    PsEngagementCreate,
    PsEngagementRead,
    RoeViolationRead,
    ViolationFilters,
)
from alliance.cosell.models import EngagementConsent, PsEngagement
from alliance.cosell.vocabulary import DisputeStatus, EngagementOutcome
from alliance.customers.models import Customer
from alliance.customers.schemas import CustomerRead
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit import clock
from alliance.kit.schemas import PageRead
from alliance.kit.types import Day

router = api_router(tags=["rules of engagement"])

Level = Annotated[int | None, Query(ge=0, le=20)]


# --- consents ----------------------------------------------------------------------------------


@router.post("/customers/{customer_id}/consents", response_model=ConsentRead, status_code=201, openapi_extra=allowed(Permission.CONSENTS_WRITE))
def give_consent(customer_id: IdPath, data: ConsentCreate, session: DbSession, actor: CurrentActor) -> ConsentRead:
    """The protecting SI's partner admin lets vendor PS work an activity (or all) on its account until a date."""
    return _consent(actor, engagement_service.give_consent(session, actor, customer_id=customer_id, data=data))


@router.get("/consents", response_model=PageRead[ConsentRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_consents(
    session: DbSession, actor: CurrentActor, page: PageParams, customer_id: IdQuery = None, partner_id: IdQuery = None, active: bool = False
) -> dict[str, object]:
    """Consents visible to the caller (partners: their own); `active=true`: neither revoked nor expired."""
    filters = ConsentFilters(customer_id=customer_id, partner_id=partner_id, active_on=clock.today() if active else None)
    found = engagement_service.list_consents(session, actor, filters=filters, page=page)
    return {**found.as_response(), "items": [_consent(actor, c) for c in found.items]}


@router.post("/consents/{consent_id}/revocation", response_model=ConsentRead, openapi_extra=allowed(Permission.CONSENTS_WRITE))
def revoke_consent(consent_id: IdPath, data: ConsentRevocation, session: DbSession, actor: CurrentActor) -> ConsentRead:
    return _consent(actor, engagement_service.revoke_consent(session, actor, consent_id=consent_id, reason=data.reason))


def _consent(actor: CurrentActor, consent: EngagementConsent) -> ConsentRead:
    return ConsentRead.model_validate(consent).model_copy(update={"actions": engagement_service.consent_actions(actor, consent)})


# --- engagements, violations, protection ---------------------------------------------------------


@router.post(
    "/ps-engagements",
    response_model=PsEngagementRead,
    status_code=201,
    responses={409: {"description": "Blocked by the rules of engagement: details name the rule (activity) and the way forward"}},
    openapi_extra=allowed(Permission.ENGAGEMENTS_STAFF, Permission.ENGAGEMENTS_OVERRIDE),
)
def create_engagement(data: PsEngagementCreate, session: DbSession, actor: CurrentActor) -> PsEngagementRead:
    """Staff vendor PS on an account for an activity (PS leads, program admins). On an SI-protected
    account this needs the agreed plan or the SI's consent; program admins may override with
    `override_reason`, which is reported as a violation on the SI's record."""
    return _engagement(actor, engagement_service.create_engagement(session, actor, data=data))


@router.get("/ps-engagements", response_model=PageRead[PsEngagementRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_engagements(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    customer_id: IdQuery = None,
    partner_id: IdQuery = None,
    outcome: EngagementOutcome | None = None,
) -> dict[str, object]:
    """Engagements, filtered by customer, protecting partner or outcome (partners: those on
    accounts they protected when staffed)."""
    filters = EngagementFilters(customer_id=customer_id, partner_id=partner_id, outcome=outcome)
    found = engagement_service.list_engagements(session, actor, filters=filters, page=page)
    return {**found.as_response(), "items": [_engagement(actor, e) for e in found.items]}


@router.get("/ps-engagements/{engagement_id}", response_model=PsEngagementRead, openapi_extra=allowed(Permission.COSELL_READ))
def get_engagement(engagement_id: IdPath, session: DbSession, actor: CurrentActor) -> PsEngagementRead:
    """One engagement (partners: only one on an account they protected when it was staffed)."""
    return _engagement(actor, engagement_service.get_engagement(session, actor, engagement_id=engagement_id))


def _engagement(actor: CurrentActor, engagement: PsEngagement) -> PsEngagementRead:
    return PsEngagementRead.model_validate(engagement).model_copy(update={"actions": engagement_service.engagement_actions(actor, engagement)})


@router.get("/roe-violations", response_model=PageRead[RoeViolationRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_violations(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    occurred_from: Annotated[Day | None, Query(description="First day, included")] = None,
    occurred_to: Annotated[Day | None, Query(description="Last day, included")] = None,
) -> dict[str, object]:
    """Rule-of-engagement overrides on partners' records (partners: their own), e.g. for a QBR period."""
    filters = ViolationFilters(partner_id=partner_id, occurred_from=occurred_from, occurred_to=occurred_to)
    return engagement_service.list_violations(session, actor, filters=filters, page=page).as_response()


@router.post("/registrations/{registration_id}/account-protection", response_model=CustomerRead, openapi_extra=allowed(Permission.CUSTOMERS_OWNERSHIP))
def protect_account(registration_id: IdPath, data: AccountProtectionRequest, session: DbSession, actor: CurrentActor) -> Customer:
    """CAMs and program admins: SI-protect the customer of an approved project or influence
    registration, until the registration's protection ends unless `until` says otherwise."""
    return engagement_service.protect_from_registration(session, actor, registration_id=registration_id, until=data.until, reason=data.reason)


# --- disputes ----------------------------------------------------------------------------------


@router.post("/disputes", response_model=DisputeRead, status_code=201, openapi_extra=allowed(Permission.DISPUTES_OPEN))
def open_dispute(data: DisputeCreate, session: DbSession, actor: CurrentActor) -> DisputeRead:
    """Either side opens a dispute on a plan activity or a vendor PS engagement."""
    dispute = dispute_service.open_dispute(session, actor, data=data)
    return DisputeRead.of(dispute_service.view_dispute(session, actor, dispute_id=dispute.id))


@router.get("/disputes", response_model=PageRead[DisputeRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_disputes(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    status: DisputeStatus | None = None,
    level: Level = None,
    overdue: bool | None = None,
    partner_id: IdQuery = None,
) -> dict[str, object]:
    """Disputes visible to the caller (partners: their own)."""
    filters = DisputeFilters(status=status, level=level, overdue=overdue, partner_id=partner_id)
    found = dispute_service.list_disputes(session, actor, filters=filters, page=page)
    return {**found.as_response(), "items": [DisputeRead.of(view) for view in found.items]}


@router.get("/disputes/{dispute_id}", response_model=DisputeRead, openapi_extra=allowed(Permission.COSELL_READ))
def get_dispute(dispute_id: IdPath, session: DbSession, actor: CurrentActor) -> DisputeRead:
    return DisputeRead.of(dispute_service.view_dispute(session, actor, dispute_id=dispute_id))


@router.post("/disputes/{dispute_id}/escalation", response_model=DisputeRead, openapi_extra=allowed(Permission.DISPUTES_ESCALATE))
def escalate_dispute(dispute_id: IdPath, data: DisputeEscalation, session: DbSession, actor: CurrentActor) -> DisputeRead:
    """Vendor users take an open dispute one level up the ladder."""
    dispute_service.escalate_dispute(session, actor, dispute_id=dispute_id, reason=data.reason)
    return DisputeRead.of(dispute_service.view_dispute(session, actor, dispute_id=dispute_id))


@router.post("/disputes/{dispute_id}/decision", response_model=DisputeRead, openapi_extra=allowed(Permission.DISPUTES_DECIDE))
def decide_dispute(dispute_id: IdPath, data: DisputeDecision, session: DbSession, actor: CurrentActor) -> DisputeRead:
    """Record who leads (and any split) with the rationale; a plan-activity decision adds a plan version."""
    dispute_service.decide_dispute(session, actor, dispute_id=dispute_id, data=data)
    return DisputeRead.of(dispute_service.view_dispute(session, actor, dispute_id=dispute_id))


@router.get("/reports/disputes", response_model=DisputeReportRead, openapi_extra=allowed(Permission.COSELL_OVERSIGHT))
def dispute_report(session: DbSession, actor: CurrentActor, partner_id: IdQuery = None) -> DisputeReportRead:
    """Dispute counts, open disputes by level, and the median time to resolution (business days)."""
    return DisputeReportRead.model_validate(dispute_service.dispute_report(session, actor, partner_id=partner_id))
