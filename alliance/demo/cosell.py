"""The demo vendor's co-sell and co-delivery: routing, a few weeks of requests for vendor help
(some past their first-response SLA), Harbor Bridge's agreed co-delivery plan at Northwind with a
newer version waiting for sign-off and a dispute on data migration that has already climbed one
level, the account SI-protected with a consent for training, and a program admin's override on
another account reported as a violation.

Steps run with the clock set to when they happened, through the real services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeCreate
from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import ConsentCreate, PsEngagementCreate
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.schemas import PlanActivityInput
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.schemas import ResourceRequestCreate
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import Activity, Lead, RequestType
from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import frozen
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.repository import RegistrationFilters

NEEDS = {
    RequestType.SOLUTION_ARCHITECT: "Reference architecture review before the customer's design authority",
    RequestType.TECHNICAL_SPECIALIST: "Sizing of the streaming tier for 40k events/s",
    RequestType.ARCHITECTURE_VALIDATION: "Validate the target architecture against the vendor's well-architected review",
    RequestType.POC_SUPPORT: "Two engineers for a two-week proof of concept in the customer's cloud tenant",
    RequestType.EXECUTIVE_SPONSOR: "Vendor executive at the customer's steering committee",
    RequestType.PROFESSIONAL_SERVICES: "PS quote for the migration factory",
}
# (days ago, what happened next): None = still new (breaching if old enough).
FATES = (("accept", 1), ("complete", 5), ("decline", 1), ("start", 2), (None, 0), ("complete", 4), (None, 0), ("accept", 1))


@dataclass(frozen=True)
class CosellSummary:
    requests: int
    plans: int
    disputes: int


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def staff_actor(session: Session, role: Role) -> Actor:
    return identity_service.actor_for(identity_service.vendor_users(session, role)[0])


def admin_of(session: Session, actor: Actor, partner_id: int) -> Actor | None:
    found = identity_service.list_users(session, actor, role=Role.PARTNER_ADMIN, partner_id=partner_id, q=None, sort=None, page=PageRequest(limit=1))
    return identity_service.actor_for(found.items[0]) if found.items else None


def build_cosell(session: Session, actor: Actor, *, seed: int, today: date) -> CosellSummary:
    rng = random.Random(seed * 7_351 + 5)
    admin, cam, ps_lead, resource = (
        staff_actor(session, Role.PROGRAM_ADMIN),
        staff_actor(session, Role.CAM),
        staff_actor(session, Role.PS_LEAD),
        staff_actor(session, Role.COSELL_RESOURCE),
    )
    routing_service.ensure_default_routing(session, admin)
    registrations = registration_service.list_registrations(session, actor, filters=RegistrationFilters(), sort="created", page=PageRequest(limit=500)).items
    open_ones = [v.registration for v in registrations if v.effective_status in (Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED)]
    requests = 0
    for index, registration in enumerate(open_ones[:24]):
        partner_admin = admin_of(session, actor, registration.partner_id)
        if partner_admin is None:
            continue
        request_type = rng.choice(list(NEEDS))
        days_ago = rng.choice((1, 2, 3, 6, 9, 14, 20))
        with frozen(_moment(today - timedelta(days=days_ago), 9 + index % 6)):
            data = ResourceRequestCreate(
                request_type=request_type,
                needed_by=today + timedelta(days=rng.randint(7, 40)),
                description=NEEDS[request_type],
                customer_context=f"{registration.customer_name}: {registration.title}",
            )
            request_id = request_service.create_request(session, partner_admin, registration_id=registration.id, data=data).request.id
        requests += 1
        action, after_days = FATES[index % len(FATES)]
        if action is None or after_days >= days_ago:
            continue  # still waiting: the older ones are past their SLA
        with frozen(_moment(today - timedelta(days=days_ago - after_days), 11)):
            request_service.assign(session, ps_lead, request_id=request_id, assignee_user_id=resource.user_id or 0)
            if action == "decline":
                request_service.act(
                    session, resource, request_id=request_id, action="decline", reason="Covered by the partner's own architects; no vendor SA needed."
                )
                continue
            request_service.act(session, resource, request_id=request_id, action="accept" if action != "start" else "start")
            if action == "complete":
                request_service.act(
                    session,
                    resource,
                    request_id=request_id,
                    action="complete",
                    outcome_rating=rng.choice((3, 4, 5)),
                    notes="Customer chose our platform after the architecture review.",
                )
    request_service.sweep_requests(session, admin)
    plans, disputes = _northwind(session, actor, admin, cam, ps_lead, today)
    return CosellSummary(requests=requests, plans=plans, disputes=disputes)


def _northwind(session: Session, actor: Actor, admin: Actor, cam: Actor, ps_lead: Actor, today: date) -> tuple[int, int]:
    """Harbor Bridge at Northwind Regional Health: protection, plan, consent, dispute; and an
    override on another account."""
    found = partner_service.list_partners(session, actor, filters=PartnerFilters(q=SHOWCASE_NAME), sort=None, page=PageRequest(limit=5)).items
    harbor = next((p for p in found if p.display_name == SHOWCASE_NAME), None)
    if harbor is None:
        return 0, 0
    harbor_admin = admin_of(session, actor, harbor.id)
    assert harbor_admin is not None
    mine = registration_service.list_registrations(
        session, actor, filters=RegistrationFilters(partner_id=harbor.id), sort="created", page=PageRequest(limit=100)
    ).items
    influence = next((v.registration for v in mine if v.registration.kind == "influence" and v.registration.customer_name.startswith("Northwind")), None)
    project = next((v.registration for v in mine if v.registration.kind == "project" and v.registration.customer_name.startswith("Northwind")), None)
    if influence is None or project is None:
        return 0, 0
    with frozen(_moment(today - timedelta(days=56))):
        engagement_service.protect_from_registration(
            session, cam, registration_id=influence.id, reason="Harbor Bridge shaped the data-platform architecture; protected while the project runs."
        )
    rows = [
        PlanActivityInput(activity=Activity.ARCHITECTURE_DESIGN, lead=Lead.SI, effort_days=25),
        PlanActivityInput(activity=Activity.IMPLEMENTATION, lead=Lead.SI, effort_days=120),
        PlanActivityInput(activity=Activity.DATA_MIGRATION, lead=Lead.JOINT, effort_days=40, notes="Vendor PS brings the migration factory"),
        PlanActivityInput(activity=Activity.TRAINING, lead=Lead.VENDOR_PS, effort_days=10),
        PlanActivityInput(activity=Activity.PROJECT_MANAGEMENT, lead=Lead.SI, effort_days=30),
    ]
    with frozen(_moment(today - timedelta(days=55))):
        first = plan_service.propose_plan(session, harbor_admin, registration_id=project.id, activities=rows, note="Kick-off plan from the SOW")
    with frozen(_moment(today - timedelta(days=54))):
        plan_service.sign_version(session, harbor_admin, version_id=first.id)
        plan_service.sign_version(session, ps_lead, version_id=first.id)
    # The vendor proposes taking data migration over: waits for Harbor Bridge's sign-off.
    changed = [*rows[:2], PlanActivityInput(activity=Activity.DATA_MIGRATION, lead=Lead.VENDOR_PS, effort_days=55), *rows[3:]]
    with frozen(_moment(today - timedelta(days=12))):
        second = plan_service.propose_plan(session, ps_lead, registration_id=project.id, activities=changed, note="PS proposes to lead data migration")
        plan_service.sign_version(session, ps_lead, version_id=second.id)
    with frozen(_moment(today - timedelta(days=30))):
        engagement_service.give_consent(
            session,
            harbor_admin,
            customer_id=project.customer_id or 0,
            data=ConsentCreate(activity=Activity.TRAINING, expires_on=today + timedelta(days=60), note="Vendor PS runs the admin training"),
        )
    with frozen(_moment(today - timedelta(days=29))):
        engagement_service.create_engagement(
            session,
            ps_lead,
            data=PsEngagementCreate(
                customer_id=project.customer_id or 0,
                activity=Activity.TRAINING,
                staffed_user_id=ps_lead.user_id or 0,
                starts_on=today - timedelta(days=20),
                ends_on=today + timedelta(days=10),
                description="Administrator training, two cohorts",
            ),
        )
    # Harbor Bridge disputes the data-migration change; unresolved, it climbs the ladder.
    migration = next(a.id for a in first.activities if a.activity == Activity.DATA_MIGRATION)
    with frozen(_moment(today - timedelta(days=11))):
        dispute_service.open_dispute(
            session,
            harbor_admin,
            data=DisputeCreate(
                plan_id=first.plan_id,
                activity_id=migration,
                subject="Data migration was agreed as joint; the SI's team holds the source-system knowledge.",
            ),
        )
    with frozen(_moment(today - timedelta(days=2))):
        dispute_service.sweep_disputes(session, admin)
    # Elsewhere: a program admin staffs PS on an SI-protected account without consent (a violation).
    everyone = registration_service.list_registrations(
        session,
        actor,
        filters=RegistrationFilters(status=Status.APPROVED),
        sort="created",
        page=PageRequest(limit=500),
    ).items
    other = next(
        (
            v.registration
            for v in everyone
            if v.registration.customer_id not in (None, project.customer_id)
            and v.registration.kind in ("project", "influence")
            and v.registration.partner_id != harbor.id
        ),
        None,
    )
    if other is not None:
        with frozen(_moment(today - timedelta(days=6))):
            engagement_service.protect_from_registration(session, cam, registration_id=other.id, reason="Approved SI engagement on the account.")
            engagement_service.create_engagement(
                session,
                admin,
                data=PsEngagementCreate(
                    customer_id=other.customer_id or 0,
                    activity=Activity.IMPLEMENTATION,
                    staffed_user_id=ps_lead.user_id or 0,
                    starts_on=today,
                    override_reason="Customer executive escalation: production outage needs vendor engineers on site this week.",
                ),
            )
    return 1, 1
