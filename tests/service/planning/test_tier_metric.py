"""The tier metric "practice milestones completed": milestones the vendor confirmed in the trailing
12 months, of the plan's version in force; a completed-but-unconfirmed one does not count."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from alliance.identity.scope import PartnerScope
from alliance.kit import clock, fiscal
from alliance.planning import service as plan_service
from alliance.planning.schemas import PlanItemInput, ProgressInput
from alliance.tiers.metrics_repository import TierMetricsRepository
from tests.factories.business_plans import MILESTONE_REF, build_business_plans

PM = "practice_milestones_completed"


def test_confirmed_milestones_in_the_trailing_year(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    plans = build_business_plans(db, world)
    a, b = plans["a"]["business_plan_id"], plans["b"]["business_plan_id"]
    period = fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())
    with unit(actors["a_admin"]) as session:  # an amendment adds a co-investment (never counted) and keeps the milestone
        version = plan_service.amend_plan(
            session,
            actors["a_admin"],
            plan_id=a,
            items=[
                PlanItemInput(ref=MILESTONE_REF, kind="solution_milestone", title="Accelerator", due_on=period.end),
                PlanItemInput(kind="co_investment", title="SE hours", due_on=period.end, investment_kind="se_hours", quantity="40"),
            ],
            note="Add vendor hours",
        )
        plan_service.sign_version(session, actors["a_admin"], version_id=version.id)
    with unit(actors["cam"]) as session:
        plan_service.sign_version(session, actors["cam"], version_id=version.id)
    evidence = ProgressInput(status="completed", evidence_note="Done")
    for plan_id, ref, who, cam in ((a, MILESTONE_REF, "a_user", "cam"), (a, 4, "cam", "cam"), (b, MILESTONE_REF, "b_user", None)):
        with unit(actors[who]) as session:
            plan_service.record_progress(session, actors[who], plan_id=plan_id, ref=ref, data=evidence)
        if cam:
            with unit(actors[cam]) as session:
                plan_service.confirm_item(session, actors[cam], plan_id=plan_id, ref=ref)
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        found = TierMetricsRepository(session).metrics(today=clock.today(), partner_ids=[world.a.id, world.b.id])
        later = TierMetricsRepository(session).metrics(today=clock.today() + timedelta(days=366), partner_ids=[world.a.id])
    assert found[world.a.id].values[PM] == Decimal(1) and PM not in found[world.a.id].no_data
    assert found[world.b.id].values[PM] == Decimal(0)  # completed, not yet confirmed
    assert later[world.a.id].values[PM] == Decimal(0)
