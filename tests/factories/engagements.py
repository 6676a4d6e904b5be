"""Accounts SI-protected from an approved project registration, and agreed co-delivery plans
built directly with the ORM (so rules-of-engagement tests do not depend on plan signing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.models import CodeliveryPlan, PlanActivity, PlanVersion
from alliance.cosell.vocabulary import Activity, Lead, PlanVersionStatus, Side
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.partners.models import Partner
from alliance.partners.vocabulary import PartnerType, RegistrationKind, SISubtype
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration
from tests.factories.world import World

PROTECTION_DAYS = 200


@dataclass(frozen=True)
class ProtectedAccount:
    partner_id: int
    registration_id: int
    customer_id: int


def cam(world: World) -> Actor:
    return Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label=world.emails["cam"])


def approve_as_project(db: Database, registration_id: int) -> None:
    with db.session_scope(PartnerScope.system(reason="test: approved project")) as session:
        registration = session.get(Registration, registration_id, with_for_update=True)
        assert registration is not None
        registration.kind = RegistrationKind.PROJECT
        registration.status = Status.APPROVED
        registration.approved_at = clock.now()
        registration.protected_until = clock.today() + timedelta(days=PROTECTION_DAYS)


def protected_account(db: Database, world: World, key: str = "a") -> ProtectedAccount:
    """Partner `key`'s world registration approved as a project, its customer SI-protected by it
    through engagement_service.protect_from_registration. Partner B (a reseller) becomes an SI first."""
    partner = world.a if key == "a" else world.b
    registration_id = world.registrations()[key]
    with db.session_scope(PartnerScope.system(reason="test: systems integrator")) as session:
        row = session.get(Partner, partner.id, with_for_update=True)
        assert row is not None
        if row.partner_type != PartnerType.SYSTEMS_INTEGRATOR:
            row.partner_type, row.si_subtype = PartnerType.SYSTEMS_INTEGRATOR, SISubtype.TECHNOLOGY
    approve_as_project(db, registration_id)
    actor = cam(world)
    with db.session_scope(scope_for(actor)) as session:
        customer = engagement_service.protect_from_registration(session, actor, registration_id=registration_id, reason="Approved project")
        return ProtectedAccount(partner_id=partner.id, registration_id=registration_id, customer_id=customer.id)


def agreed_plan(db: Database, account: ProtectedAccount, **leads: str) -> tuple[int, dict[Activity, int]]:
    """An agreed plan on the account's registration: activity=lead ("si", "vendor_ps", "joint").
    Returns the plan id and each activity row's id."""
    with db.session_scope(PartnerScope.system(reason="test: agreed plan")) as session:
        plan = CodeliveryPlan(partner_id=account.partner_id, registration_id=account.registration_id, customer_id=account.customer_id)
        session.add(plan)
        session.flush()
        now = clock.now()
        version = PlanVersion(
            partner_id=account.partner_id,
            plan_id=plan.id,
            number=1,
            status=PlanVersionStatus.AGREED,
            proposed_by_side=Side.PARTNER,
            proposed_at=now,
            partner_signed_at=now,
            vendor_signed_at=now,
        )
        version.activities = [
            PlanActivity(partner_id=account.partner_id, position=position, activity=Activity(activity), lead=Lead(lead))
            for position, (activity, lead) in enumerate(leads.items(), start=1)
        ]
        session.add(version)
        session.flush()
        plan.agreed_version_id = version.id
        session.flush()
        return plan.id, {Activity(a.activity): a.id for a in version.activities}


def build_roe_records(db: Database, world: World) -> dict[str, int]:
    """For the tenancy matrix: partners A and B each with a protected account, a consent, a
    violation (a program admin's override) and a dispute on an agreed plan's activity. Returns
    partner B's ids (consent_id, dispute_id, plan_id, activity_id, engagement_id, customer_id)."""
    from alliance.cosell.disputes import service as dispute_service
    from alliance.cosell.disputes.schemas import DisputeCreate
    from alliance.cosell.engagements.schemas import ConsentCreate, PsEngagementCreate

    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])
    ids: dict[str, int] = {}
    for key in ("a", "b"):
        account = protected_account(db, world, key)
        plan_id, activities = agreed_plan(db, account, implementation="si")
        partner = world.a if key == "a" else world.b
        partner_admin = Actor(user_id=partner.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=partner.id, label=world.emails[f"{key}_admin"])
        with db.session_scope(scope_for(partner_admin)) as session:
            data = ConsentCreate(activity=Activity.TRAINING, expires_on=clock.today() + timedelta(days=30))
            consent_id = engagement_service.give_consent(session, partner_admin, customer_id=account.customer_id, data=data).id
            dispute_id = dispute_service.open_dispute(
                session, partner_admin, data=DisputeCreate(plan_id=plan_id, activity_id=activities[Activity.IMPLEMENTATION], subject="Who leads")
            ).id
        with db.session_scope(scope_for(admin)) as session:
            staffed = PsEngagementCreate(
                customer_id=account.customer_id,
                activity=Activity.INTEGRATION,
                staffed_user_id=world.users["ps_lead"],
                starts_on=clock.today(),
                override_reason="Customer escalation",
            )
            engagement_id = engagement_service.create_engagement(session, admin, data=staffed).id
        if key == "b":
            ids = {
                "consent_id": consent_id,
                "dispute_id": dispute_id,
                "plan_id": plan_id,
                "activity_id": activities[Activity.IMPLEMENTATION],
                "engagement_id": engagement_id,
                "customer_id": account.customer_id,
            }
    return ids
