"""Co-delivery plan and scope dispute events: to the signers of both sides, to the deciders of
each level (the partner's own CAM, not another's), never to the actor or another partner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeCreate, DisputeDecision
from alliance.cosell.models import ScopeDispute
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.schemas import PlanActivityInput
from alliance.cosell.vocabulary import Activity, Lead
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.models import Registration
from tests.factories.engagements import agreed_plan, protected_account

MONDAY = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


def told(outbox, event: EventType) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(m.recipient_user_id for m in outbox() if m.event_type == event)


@pytest.fixture
def project(db, world) -> int:  # type: ignore[no-untyped-def]
    registration_id = world.registrations()["a"]
    with db.session_scope(PartnerScope.system(reason="test: project registration")) as session:
        session.get(Registration, registration_id, with_for_update=True).kind = RegistrationKind.PROJECT  # type: ignore[union-attr]
    return registration_id


def propose(unit, actor, registration_id: int, lead: str = "si"):  # type: ignore[no-untyped-def]
    rows = [PlanActivityInput(activity=Activity.DATA_MIGRATION, lead=Lead(lead), effort_days=Decimal(10))]
    with unit(actor) as session:
        version = plan_service.propose_plan(session, actor, registration_id=registration_id, activities=rows)
        return version.id, version.plan_id


def sign(unit, actor, version_id: int) -> None:  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        plan_service.sign_version(session, actor, version_id=version_id)


class TestPlanEvents:
    def test_a_proposal_awaits_both_sides_then_the_agreement_reaches_them(self, project, unit, actors, outbox, world):
        version_id, plan_id = propose(unit, actors["a_admin"], project)
        signers = sorted([world.users["admin"], world.users["ps_lead"]])
        assert told(outbox, EventType.PLAN_AWAITING_SIGNATURE) == signers  # not A's admin (the actor), not B's
        [message] = [m for m in outbox() if m.event_type == EventType.PLAN_AWAITING_SIGNATURE][:1]
        assert (message.entity_type, message.entity_id) == ("codelivery_plan", plan_id)
        assert message.payload["facts"]["partner"] == "Northwind Consulting" and message.payload["facts"]["version"] == 1
        sign(unit, actors["a_admin"], version_id)
        assert told(outbox, EventType.PLAN_AGREED) == []
        sign(unit, actors["ps_lead"], version_id)
        assert told(outbox, EventType.PLAN_AGREED) == sorted([world.users["admin"], world.users["a_admin"]])

    def test_a_new_version_of_an_agreed_plan_is_a_change(self, project, unit, actors, outbox, world):
        version_id, _ = propose(unit, actors["a_admin"], project)
        sign(unit, actors["a_admin"], version_id)
        sign(unit, actors["ps_lead"], version_id)
        propose(unit, actors["ps_lead"], project, lead="joint")
        assert told(outbox, EventType.PLAN_CHANGED) == sorted([world.users["admin"], world.users["a_admin"]])
        assert world.users["b_admin"] not in told(outbox, EventType.PLAN_AWAITING_SIGNATURE)


@pytest.fixture
def disputed_plan(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(MONDAY)
    return agreed_plan(db, protected_account(db, world), implementation="si", training="joint")


def open_dispute(unit, actor, disputed_plan) -> int:  # type: ignore[no-untyped-def]
    plan_id, activities = disputed_plan
    with unit(actor) as session:
        data = DisputeCreate(plan_id=plan_id, activity_id=activities[Activity.IMPLEMENTATION], subject="Who implements")
        return dispute_service.open_dispute(session, actor, data=data).id


class TestDisputeEvents:
    def test_opened_reaches_the_first_level_deciders_with_the_partners_own_cam(self, disputed_plan, unit, actors, outbox, world):
        open_dispute(unit, actors["a_admin"], disputed_plan)
        # CAM of partner A (not Cora, B's CAM), PS leads and program admins decide at the first level.
        assert told(outbox, EventType.DISPUTE_OPENED) == sorted([world.users["cam"], world.users["ps_lead"], world.users["admin"]])

    def test_a_vendor_opening_reaches_the_partners_admins(self, disputed_plan, unit, actors, outbox, world):
        open_dispute(unit, actors["ps_lead"], disputed_plan)
        assert told(outbox, EventType.DISPUTE_OPENED) == sorted([world.users["cam"], world.users["admin"], world.users["a_admin"]])

    def test_escalated_by_the_sweep_reaches_the_new_levels_deciders_once(self, db, disputed_plan, unit, actors, outbox, world):
        dispute_id = open_dispute(unit, actors["a_admin"], disputed_plan)
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            deadline = session.get(ScopeDispute, dispute_id).level_deadline_at  # type: ignore[union-attr]
        later = deadline + timedelta(minutes=1)
        clock.freeze(later)
        for _ in range(2):
            with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
                dispute_service.sweep_disputes(session, Actor.system(label="sweep"), now=later)
        assert told(outbox, EventType.DISPUTE_ESCALATED) == [world.users["admin"]]  # the channel director level: program admins

    def test_escalated_by_hand_and_decided(self, disputed_plan, unit, actors, outbox, world):
        dispute_id = open_dispute(unit, actors["a_admin"], disputed_plan)
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=dispute_id, reason="Stuck")
        with unit(actors["cam"]) as session:
            dispute_service.escalate_dispute(session, actors["cam"], dispute_id=dispute_id, reason="Still stuck")
        assert told(outbox, EventType.DISPUTE_ESCALATED) == sorted([world.users["admin"], world.users["admin"], world.users["executive"]])
        with unit(actors["executive"]) as session:
            dispute_service.decide_dispute(session, actors["executive"], dispute_id=dispute_id, data=DisputeDecision(lead=Lead.JOINT, rationale="Share it"))
        decided = [m for m in outbox() if m.event_type == EventType.DISPUTE_DECIDED]
        assert [m.recipient_user_id for m in decided] == [world.users["a_admin"]]
        assert decided[0].payload["facts"]["lead"] == "both lead jointly"
        assert "Blue Harbor" not in str(decided[0].payload)
        # The decision is a new version of the agreed plan: a change both sides' signers hear of.
        assert told(outbox, EventType.PLAN_CHANGED) == sorted([world.users["admin"], world.users["ps_lead"], world.users["a_admin"]])
