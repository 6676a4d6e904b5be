"""Closing a joint business plan: its final scorecard (plan vs actual of the version in force on
the period's last day, or today when closed early) is frozen on the plan."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.planning import actuals_service
from alliance.planning import service as plan_service
from alliance.planning.models import BusinessPlan
from alliance.planning.vocabulary import PlanStatus


def close_plan(session: Session, actor: Actor, *, plan_id: int) -> BusinessPlan:
    """Close an agreed plan with its final scorecard (the partner's CAM or a program admin)."""
    require(actor, Permission.BUSINESS_PLANS_CONFIRM)
    plan = plan_service.lock_for_closing(session, actor, plan_id=plan_id)
    if plan.status != PlanStatus.AGREED:
        raise Conflict(f"Plan {plan.id} is {plan.status}; only an agreed plan is closed with its final scorecard.")
    as_of = min(clock.today(), plan.ends_on)
    final = actuals_service.read(actuals_service.compute(session, [plan], as_of=as_of)[plan.id])
    plan.scorecard = final.model_dump(mode="json")
    plan.status, plan.closed_at, plan.closed_by_user_id = PlanStatus.CLOSED, clock.now(), actor.user_id
    plan.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.closed",
        entity_type="business_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        before={"status": PlanStatus.AGREED.value},
        after={"status": PlanStatus.CLOSED.value, "as_of": as_of.isoformat(), "at_risk": final.at_risk},
    )
    return plan
