from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import (
    DisputeCreate,
    DisputeDecision,
    DisputeFilters,
)
from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import PsEngagementCreate
from alliance.cosell.models import PlanActivity, PlanVersion, ScopeDispute
from alliance.cosell.vocabulary import Activity, DisputeStatus, Lead, PlanVersionStatus
from alliance.errors import Conflict, NotFound, PermissionDenied
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners.models import Partner, Program
from tests.factories.engagements import agreed_plan, protected_account

MONDAY = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)
OPERATOR = Actor.system(label="sweep")


@pytest.fixture
def plan(db, world):  # type: ignore[no-untyped-def]
    """Partner A's protected account with an agreed plan: (plan id, activity ids)."""
    clock.freeze(MONDAY)
    account = protected_account(db, world)
    return agreed_plan(db, account, implementation="si", training="joint")


@pytest.fixture
def dispute(unit, actors, plan):  # type: ignore[no-untyped-def]
    def open_(who: str = "a_admin", activity: Activity = Activity.IMPLEMENTATION) -> int:
        plan_id, activities = plan
        with unit(actors[who]) as session:
            data = DisputeCreate(plan_id=plan_id, activity_id=activities[activity], subject="Vendor PS wants implementation")
            return dispute_service.open_dispute(session, actors[who], data=data).id

    return open_


def read(unit, actor, dispute_id):  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        return dispute_service.view_dispute(session, actor, dispute_id=dispute_id)


def sweep(unit, at: datetime) -> int:  # type: ignore[no-untyped-def]
    clock.freeze(at)
    with unit(OPERATOR) as session:
        return dispute_service.sweep_disputes(session, OPERATOR, now=at)


class TestOpenDispute:
    def test_partner_admin_opens_at_level_zero_with_the_ladder_deadline(self, unit, actors, dispute):
        view = read(unit, actors["admin"], dispute())
        assert view.dispute.level == 0 and view.level_name == "CAM and PS lead" and view.dispute.opened_by_side == "partner"
        assert view.dispute.level_deadline_at == datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 5 business days
        assert not view.overdue

    def test_program_ladder_is_used(self, unit, actors, db, world, dispute):
        with unit(OPERATOR) as session:
            program_id = session.get(Partner, world.a.id).program_id
            session.get(Program, program_id).dispute_ladder = [{"name": "Account team", "days": 2}, {"name": "VP", "days": 3}]
        view = read(unit, actors["admin"], dispute("cam"))
        assert view.level_name == "Account team" and view.dispute.level_deadline_at == datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
        assert view.dispute.opened_by_side == "vendor"

    def test_on_an_engagement(self, unit, actors, world, db):
        clock.freeze(MONDAY)
        account = protected_account(db, world)
        with unit(actors["admin"]) as session:
            data = PsEngagementCreate(
                customer_id=account.customer_id,
                activity=Activity.INTEGRATION,
                staffed_user_id=world.users["ps_lead"],
                starts_on=clock.today(),
                override_reason="Customer asked us directly",
            )
            engagement_id = engagement_service.create_engagement(session, actors["admin"], data=data).id
        with unit(actors["a_admin"]) as session:
            found = dispute_service.open_dispute(session, actors["a_admin"], data=DisputeCreate(engagement_id=engagement_id, subject="We lead integration"))
            assert found.partner_id == account.partner_id
        with unit(actors["b_admin"]) as session, pytest.raises(NotFound):
            dispute_service.open_dispute(session, actors["b_admin"], data=DisputeCreate(engagement_id=engagement_id, subject="Not ours"))

    def test_another_partners_plan_is_not_found(self, unit, actors, plan):
        plan_id, activities = plan
        with unit(actors["b_admin"]) as session, pytest.raises(NotFound):
            dispute_service.open_dispute(
                session, actors["b_admin"], data=DisputeCreate(plan_id=plan_id, activity_id=activities[Activity.TRAINING], subject="x" * 5)
            )

    def test_partner_users_and_auditors_cannot_open(self, dispute):
        for who in ("a_user", "auditor"):
            with pytest.raises(PermissionDenied):
                dispute(who)


class TestEscalation:
    def test_sweep_escalates_at_the_deadline_not_before(self, unit, actors, dispute):
        dispute_id = dispute()
        assert sweep(unit, datetime(2026, 6, 15, 9, 59, tzinfo=UTC)) == 0
        assert sweep(unit, datetime(2026, 6, 15, 10, 0, tzinfo=UTC)) == 1
        view = read(unit, actors["admin"], dispute_id)
        assert view.dispute.level == 1 and view.level_name == "Channel director"
        assert view.dispute.level_deadline_at == datetime(2026, 6, 22, 10, 0, tzinfo=UTC)  # the new level's clock starts at the sweep
        assert view.dispute.escalations == [
            {"level": 1, "name": "Channel director", "at": "2026-06-15T10:00:00+00:00", "by": "System (deadline passed)", "reason": "deadline passed"}
        ]

    def test_sweep_is_idempotent_and_audited_once(self, unit, dispute):
        dispute(), dispute("cam")
        at = datetime(2026, 6, 16, 8, 0, tzinfo=UTC)
        assert sweep(unit, at) == 2
        assert sweep(unit, at) == 0
        with unit(OPERATOR) as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "scope_dispute.sweep_escalated")).all()
            assert len(events) == 1 and events[0].after["escalated"] == 2

    def test_top_level_is_flagged_overdue_once(self, unit, actors, dispute):
        dispute_id = dispute()
        assert sweep(unit, datetime(2026, 6, 15, 10, 0, tzinfo=UTC)) == 1  # → channel director, due 22 June
        assert sweep(unit, datetime(2026, 6, 22, 10, 0, tzinfo=UTC)) == 1  # → VP channel, 10 days: due 6 July
        assert sweep(unit, datetime(2026, 7, 6, 10, 0, tzinfo=UTC)) == 1  # at the top: flagged overdue
        assert sweep(unit, datetime(2026, 7, 7, 10, 0, tzinfo=UTC)) == 0
        view = read(unit, actors["admin"], dispute_id)
        assert view.dispute.level == 2 and view.overdue and view.dispute.escalations[-1]["overdue"] is True
        with unit(actors["admin"]) as session:
            found = dispute_service.list_disputes(session, actors["admin"], filters=DisputeFilters(overdue=True), page=PageRequest())
            assert [v.dispute.id for v in found.items] == [dispute_id]

    def test_decided_disputes_are_not_swept(self, unit, actors, dispute):
        dispute_id = dispute()
        with unit(actors["cam"]) as session:
            dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=DisputeDecision(lead=Lead.SI, rationale="SI staffed it"))
        assert sweep(unit, datetime(2026, 7, 1, tzinfo=UTC)) == 0

    def test_manual_escalation_by_a_vendor_user(self, unit, actors, dispute):
        dispute_id = dispute()
        with unit(actors["cam"]) as session:
            escalated = dispute_service.escalate_dispute(session, actors["cam"], dispute_id=dispute_id, reason="No agreement at account level")
            assert escalated.level == 1 and escalated.escalations[-1]["by"] == actors["cam"].label
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            dispute_service.escalate_dispute(session, actors["a_admin"], dispute_id=dispute_id, reason="Faster please")

    def test_no_escalation_past_the_top(self, unit, actors, dispute):
        dispute_id = dispute()
        for _ in range(2):
            with unit(actors["admin"]) as session:
                dispute_service.escalate_dispute(session, actors["admin"], dispute_id=dispute_id, reason="Up we go")
        with unit(actors["admin"]) as session, pytest.raises(Conflict):
            dispute_service.escalate_dispute(session, actors["admin"], dispute_id=dispute_id, reason="Higher")


class TestDecide:
    def test_decision_creates_a_plan_version(self, unit, actors, plan, dispute):
        dispute_id = dispute()
        clock.freeze(MONDAY + timedelta(days=2))
        with unit(actors["ps_lead"]) as session:
            decision = DisputeDecision(lead=Lead.JOINT, split_note="SI builds, vendor PS reviews", rationale="Both have skills on site")
            decided = dispute_service.decide_dispute(session, actors["ps_lead"], dispute_id=dispute_id, data=decision)
            assert decided.status == DisputeStatus.RESOLVED and decided.resulting_version_id is not None
            version = session.get(PlanVersion, decided.resulting_version_id)
            assert version.plan_id == plan[0] and version.status == PlanVersionStatus.PROPOSED and "Both have skills on site" in (version.note or "")
            rows = session.scalars(select(PlanActivity).where(PlanActivity.version_id == version.id)).all()
            assert {(r.activity, r.lead, r.notes) for r in rows} >= {(Activity.IMPLEMENTATION, Lead.JOINT, "SI builds, vendor PS reviews")}
            assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "scope_dispute").order_by(AuditEvent.seq)).all() == [
                "scope_dispute.opened",
                "scope_dispute.decided",
            ]

    def test_higher_levels_need_a_program_admin(self, unit, actors, dispute):
        dispute_id = dispute()
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=dispute_id, reason="Stuck")
        decision = DisputeDecision(lead=Lead.SI, rationale="The SI's project")
        with unit(actors["cam"]) as session, pytest.raises(PermissionDenied):
            dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=decision)
        with unit(actors["admin"]) as session:
            assert dispute_service.decide_dispute(session, actors["admin"], dispute_id=dispute_id, data=decision).decision_lead == Lead.SI

    def test_the_refusal_names_the_level_and_who_decides_there(self, unit, actors, dispute):
        dispute_id = dispute()
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=dispute_id, reason="Stuck")
        with unit(actors["ps_lead"]) as session, pytest.raises(PermissionDenied) as refused:
            dispute_service.decide_dispute(session, actors["ps_lead"], dispute_id=dispute_id, data=DisputeDecision(lead=Lead.SI, rationale="The SI leads"))
        assert "Channel director level" in str(refused.value) and "decided by a program admin" in str(refused.value)

    def test_the_vp_level_of_the_default_ladder_is_an_executive_decision(self, unit, actors, dispute):
        dispute_id = dispute()
        for _ in range(2):
            with unit(actors["admin"]) as session:
                dispute_service.escalate_dispute(session, actors["admin"], dispute_id=dispute_id, reason="Stuck")
        with unit(actors["executive"]) as session:
            decided = dispute_service.decide_dispute(
                session, actors["executive"], dispute_id=dispute_id, data=DisputeDecision(lead=Lead.JOINT, rationale="Both")
            )
            assert decided.decision_lead == Lead.JOINT

    def test_decision_rights_are_program_data(self, unit, actors, world, dispute):
        with unit(OPERATOR) as session:
            program_id = session.get(Partner, world.a.id).program_id
            session.get(Program, program_id).dispute_ladder = [
                {"name": "Account team", "days": 2, "deciders": ["ps_lead"]},
                {"name": "Channel VP", "days": 3, "deciders": ["cam"]},
            ]
        dispute_id = dispute()
        decision = DisputeDecision(lead=Lead.SI, rationale="The SI's project")
        with unit(actors["cam"]) as session, pytest.raises(PermissionDenied) as refused:
            dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=decision)
        assert "Account team level" in str(refused.value) and "a PS lead" in str(refused.value)
        with unit(actors["admin"]) as session:
            dispute_service.escalate_dispute(session, actors["admin"], dispute_id=dispute_id, reason="Stuck")
        with unit(actors["admin"]) as session, pytest.raises(PermissionDenied):
            dispute_service.decide_dispute(session, actors["admin"], dispute_id=dispute_id, data=decision)
        with unit(actors["cam"]) as session:
            assert dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=decision).decision_lead == Lead.SI

    def test_partners_do_not_decide_and_twice_is_a_conflict(self, unit, actors, dispute):
        dispute_id = dispute()
        decision = DisputeDecision(lead=Lead.SI, rationale="Ours")
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            dispute_service.decide_dispute(session, actors["a_admin"], dispute_id=dispute_id, data=decision)
        with unit(actors["cam"]) as session:
            dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=decision)
        with unit(actors["cam"]) as session, pytest.raises(Conflict):
            dispute_service.decide_dispute(session, actors["cam"], dispute_id=dispute_id, data=decision)


class TestReadingAndReport:
    def test_partner_sees_only_its_own(self, unit, actors, db, world, dispute):
        mine = dispute()
        other = protected_account(db, world, "b")
        b_plan, b_activities = agreed_plan(db, other, training="si")
        with unit(actors["b_admin"]) as session:
            theirs = dispute_service.open_dispute(
                session, actors["b_admin"], data=DisputeCreate(plan_id=b_plan, activity_id=b_activities[Activity.TRAINING], subject="Training is ours")
            ).id
        with unit(actors["a_user"]) as session:
            page = dispute_service.list_disputes(session, actors["a_user"], filters=DisputeFilters(), page=PageRequest())
            assert [v.dispute.id for v in page.items] == [mine]
            with pytest.raises(NotFound):
                dispute_service.get_dispute(session, actors["a_user"], dispute_id=theirs)
            with pytest.raises(PermissionDenied):
                dispute_service.dispute_report(session, actors["a_user"])
        with unit(actors["admin"]) as session:
            assert dispute_service.list_disputes(session, actors["admin"], filters=DisputeFilters(), page=PageRequest()).total == 2

    def test_report_counts_levels_and_median_resolution(self, unit, actors, dispute):
        first, second, third = dispute(), dispute(), dispute()
        clock.freeze(datetime(2026, 6, 9, 10, 0, tzinfo=UTC))
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=third, reason="Stuck")
        clock.freeze(datetime(2026, 6, 10, 10, 0, tzinfo=UTC))  # Wednesday: 2 business days
        with unit(actors["admin"]) as session:
            dispute_service.decide_dispute(session, actors["admin"], dispute_id=first, data=DisputeDecision(lead=Lead.SI, rationale="SI leads"))
        clock.freeze(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))  # past the second's deadline, not the third's (16 June)
        with unit(actors["admin"]) as session:
            report = dispute_service.dispute_report(session, actors["admin"])
            assert (report.total, report.open, report.resolved, report.overdue) == (3, 2, 1, 1)
            assert [(c.level, c.open) for c in report.open_by_level] == [(0, 1), (1, 1)]
            assert report.median_resolution_business_days == 2.0
            dispute_service.decide_dispute(session, actors["admin"], dispute_id=second, data=DisputeDecision(lead=Lead.SI, rationale="SI leads"))
            assert dispute_service.dispute_report(session, actors["admin"]).median_resolution_business_days == round((2 + 5 + 2 / 24) / 2, 2)

    def test_filters(self, unit, actors, dispute):
        first, second = dispute(), dispute()
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=second, reason="Stuck")
        with unit(actors["admin"]) as session:

            def ids(**filters) -> list[int]:  # type: ignore[no-untyped-def]
                return [
                    v.dispute.id for v in dispute_service.list_disputes(session, actors["admin"], filters=DisputeFilters(**filters), page=PageRequest()).items
                ]

            assert ids(level=1) == [second]
            assert ids(status=DisputeStatus.OPEN, level=0) == [first]
            assert ids(status=DisputeStatus.RESOLVED) == []
            assert session.scalars(select(ScopeDispute.id)).all()
