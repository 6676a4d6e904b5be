"""Joint business plans of partners A and B: for each, an agreed plan for the current fiscal year
with a revenue target, a certification target and a solution milestone (ref 3)."""

from __future__ import annotations

from datetime import date
from typing import Any

from alliance.db import Database
from alliance.identity.scope import Actor, Role, scope_for
from alliance.kit import clock, fiscal

MILESTONE_REF = 3


def items(due_on: date) -> list[dict[str, Any]]:
    return [
        {
            "kind": "revenue_target",
            "title": "Services revenue, West",
            "due_on": due_on.isoformat(),
            "territory": "West",
            "revenue_kind": "services",
            "amount": "500000.00",
        },
        {
            "kind": "certification_target",
            "title": "Implementation engineers at professional level",
            "due_on": due_on.isoformat(),
            "delivery_role": "implementation_engineer",
            "level": "professional",
            "target_count": 8,
        },
        {"kind": "solution_milestone", "title": "Healthcare data accelerator", "due_on": due_on.isoformat()},
    ]


def signers(world: Any, key: str) -> tuple[Actor, Actor]:
    """The partner admin and the partner's CAM (A: cam, B: cam2)."""
    partner = world.a if key == "a" else world.b
    admin = Actor(user_id=partner.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=partner.id, label=world.emails[f"{key}_admin"])
    cam_name = "cam" if key == "a" else "cam2"
    cam = Actor(user_id=world.users[cam_name], role=Role.CAM, partner_id=None, label=world.emails[cam_name])
    return admin, cam


def build_business_plans(db: Database, world: Any, *, agree: bool = True) -> dict[str, dict[str, int]]:
    from alliance.planning import service as plan_service
    from alliance.planning.schemas import PlanItemInput

    period = fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())
    found: dict[str, dict[str, int]] = {}
    for key, fixture in (("a", world.a), ("b", world.b)):
        admin, cam = signers(world, key)
        with db.session_scope(scope_for(admin)) as session:
            plan = plan_service.create_plan(
                session, admin, partner_id=None, period=period.key, title=f"{key.upper()} annual plan", items=[PlanItemInput(**i) for i in items(period.end)]
            )
            version = plan_service.propose_plan(session, admin, plan_id=plan.id)
            plan_service.sign_version(session, admin, version_id=version.id)
            plan_id, version_id = plan.id, version.id
        if agree:
            with db.session_scope(scope_for(cam)) as session:
                plan_service.sign_version(session, cam, version_id=version_id)
        found[key] = {"business_plan_id": plan_id, "business_version_id": version_id, "partner_id": fixture.id}
    return found


def build_template(db: Database, world: Any, key: str = "a") -> int:
    """A "Regional SI annual plan" template for the partner's program: a revenue target and a milestone."""
    from alliance.partners.models import Partner
    from alliance.planning import template_service
    from alliance.planning.schemas import PlanTemplateCreate

    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])
    with db.session_scope(scope_for(admin)) as session:
        partner = session.get(Partner, (world.a if key == "a" else world.b).id)
        assert partner is not None and partner.program_id is not None
        data = PlanTemplateCreate(
            program_id=partner.program_id,
            name="Regional SI annual plan",
            items=[
                {"kind": "revenue_target", "title": "Services revenue, home territory", "territory": "West", "revenue_kind": "services", "amount": "400000.00"},
                {"kind": "solution_milestone", "title": "Packaged healthcare offering", "due_in_days": 180},
            ],
        )
        return template_service.create_template(session, admin, data=data).id
