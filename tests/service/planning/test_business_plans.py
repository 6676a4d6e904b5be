"""Joint business plan lifecycle: draft → proposed → agreed by both sides → amended and signed
again with the agreed version in force meanwhile; milestones completed with evidence and confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from alliance.agreements.signoff import VersionStatus
from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.kit import clock, fiscal
from alliance.kit.pagination import PageRequest
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from alliance.planning import service as plan_service
from alliance.planning.models import BusinessPlan
from alliance.planning.repository import PlanFilters
from alliance.planning.schemas import PlanItemInput, ProgressInput
from alliance.planning.vocabulary import ItemStatus, PlanAction, PlanStatus
from tests.factories.business_plans import MILESTONE_REF, build_business_plans, items


def year():  # type: ignore[no-untyped-def]
    return fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())


def plan_items() -> list[PlanItemInput]:
    return [PlanItemInput(**i) for i in items(year().end)]


def events(session, event: EventType) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event)))


class TestCreate:
    def test_partner_admin_starts_a_draft_for_the_fiscal_year(self, unit, actors, world) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session:
            plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="FY plan", items=plan_items())
            view = plan_service.view_plan(session, actors["a_admin"], plan_id=plan.id)
            assert (plan.partner_id, plan.period_key, plan.starts_on, plan.ends_on) == (world.a.id, year().key, year().start, year().end)
            assert view.status == PlanStatus.DRAFT and view.latest.status == VersionStatus.DRAFT
            assert [i.ref for i in view.latest.items] == [1, 2, 3]
            assert view.latest.items[0].currency == plan.currency and view.latest.items[2].currency is None
            assert view.actions == [PlanAction.EDIT, PlanAction.PROPOSE]

    def test_one_plan_per_partner_and_period(self, unit, actors) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session:
            plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="First", items=[])
        with unit(actors["a_admin"]) as session, pytest.raises(Conflict, match="already has a business plan"):
            plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="Second", items=[])

    def test_bad_period_and_items_are_named(self, unit, actors) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation) as bad_period:
            plan_service.create_plan(session, actors["a_admin"], partner_id=None, period="FY27-Q9", title="X", items=[])
        assert bad_period.value.details[0]["field"] == "period"
        late = PlanItemInput(kind="solution_milestone", title="Late", due_on=year().end + timedelta(days=1))
        incomplete = PlanItemInput(kind="revenue_target", title="Revenue", due_on=year().end, amount="10.00")
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation) as bad_items:
            plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="X", items=[late, incomplete])
        fields = {d["field"] for d in bad_items.value.details}
        assert {"items[0].due_on", "items[1].territory", "items[1].revenue_kind"} <= fields

    def test_a_cam_acts_only_for_their_own_partners(self, unit, actors, world) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["cam2"]) as session, pytest.raises(PermissionDenied, match="channel account manager"):
            plan_service.create_plan(session, actors["cam2"], partner_id=world.a.id, period=year().key, title="X", items=[])
        with unit(actors["cam"]) as session:
            assert plan_service.create_plan(session, actors["cam"], partner_id=world.a.id, period=year().key, title="X", items=[]).partner_id == world.a.id

    def test_partner_users_do_not_write_plans(self, unit, actors) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_user"]) as session, pytest.raises(PermissionDenied):
            plan_service.create_plan(session, actors["a_user"], partner_id=None, period=year().key, title="X", items=[])

    def test_an_owner_from_another_partner_is_refused(self, unit, actors, world) -> None:  # type: ignore[no-untyped-def]
        item = PlanItemInput(kind="solution_milestone", title="M", due_on=year().end, owner_user_id=world.users["b_user"])
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation) as refused:
            plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="X", items=[item])
        assert refused.value.details[0]["field"] == "items[0].owner_user_id"


class TestSignOff:
    def test_agreed_when_both_sides_signed(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session:
            plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="FY plan", items=plan_items())
            version = plan_service.propose_plan(session, actors["a_admin"], plan_id=plan.id, note="Our proposal")
            assert [m.recipient_user_id for m in events(session, EventType.BUSINESS_PLAN_AWAITING_SIGNATURE)] == [world.users["cam"]]
            plan_service.sign_version(session, actors["a_admin"], version_id=version.id)
            assert plan_service.sign_version(session, actors["a_admin"], version_id=version.id).status == VersionStatus.PROPOSED
        with unit(actors["cam"]) as session:
            assert PlanAction.SIGN in plan_service.view_plan(session, actors["cam"], plan_id=plan.id).actions
            signed = plan_service.sign_version(session, actors["cam"], version_id=version.id)
            assert signed.status == VersionStatus.AGREED
            view = plan_service.view_plan(session, actors["cam"], plan_id=plan.id)
            assert view.status == PlanStatus.ACTIVE and view.in_force is not None and view.in_force.id == version.id
            assert {m.recipient_user_id for m in events(session, EventType.BUSINESS_PLAN_AGREED)} == {world.users["a_admin"]}
            actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("business_plan.%")).order_by(AuditEvent.seq))]
            assert actions == ["business_plan.created", "business_plan.proposed", "business_plan.version_signed", "business_plan.version_agreed"]

    def test_another_cam_cannot_sign(self, unit, actors) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session:
            plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="FY plan", items=plan_items())
            version = plan_service.propose_plan(session, actors["a_admin"], plan_id=plan.id)
        with unit(actors["cam2"]) as session, pytest.raises(PermissionDenied):
            plan_service.sign_version(session, actors["cam2"], version_id=version.id)
        with unit(actors["admin"]) as session:
            assert plan_service.sign_version(session, actors["admin"], version_id=version.id).vendor_signed_at is not None

    def test_a_draft_is_not_signed(self, unit, actors) -> None:  # type: ignore[no-untyped-def]
        with unit(actors["a_admin"]) as session:
            plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year().key, title="FY plan", items=plan_items())
            draft = plan_service.view_plan(session, actors["a_admin"], plan_id=plan.id).latest
            with pytest.raises(Conflict, match="draft"):
                plan_service.sign_version(session, actors["a_admin"], version_id=draft.id)

    def test_partner_b_cannot_see_or_sign_a_plan(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world, agree=False)["a"]
        with unit(actors["b_admin"]) as session:
            with pytest.raises(NotFound):
                plan_service.sign_version(session, actors["b_admin"], version_id=built["business_version_id"])
            with pytest.raises(NotFound):
                plan_service.get_plan(session, actors["b_admin"], plan_id=built["business_plan_id"])
            listed = plan_service.list_plans(session, actors["b_admin"], filters=PlanFilters(), page=PageRequest(limit=50, offset=0))
            assert {p.partner_id for p in listed.items} == {world.b.id}


class TestAmend:
    def test_the_agreed_version_stays_in_force_until_the_amendment_is_signed(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world)["a"]
        plan_id = built["business_plan_id"]
        changed = plan_items()
        changed[0].amount = changed[0].amount * 2 if changed[0].amount else None
        changed = [PlanItemInput(**{**i.model_dump(), "ref": ref}) for ref, i in enumerate(changed, start=1)]
        with unit(actors["cam"]) as session:
            amendment = plan_service.amend_plan(session, actors["cam"], plan_id=plan_id, items=changed, note="Double the revenue target")
            assert amendment.number == 2 and [i.ref for i in amendment.items] == [1, 2, 3]
            assert [m.recipient_user_id for m in events(session, EventType.BUSINESS_PLAN_CHANGED)] == [world.users["a_admin"]]
        with unit(actors["a_admin"]) as session:
            view = plan_service.view_plan(session, actors["a_admin"], plan_id=plan_id)
            assert view.in_force is not None and view.in_force.id == built["business_version_id"] and view.status == PlanStatus.ACTIVE
            plan_service.sign_version(session, actors["a_admin"], version_id=amendment.id)
        with unit(actors["cam"]) as session:
            plan_service.sign_version(session, actors["cam"], version_id=amendment.id)
            view = plan_service.view_plan(session, actors["cam"], plan_id=plan_id)
            assert view.in_force is not None and view.in_force.id == amendment.id
            assert [v.status for v in view.plan.versions] == [VersionStatus.SUPERSEDED, VersionStatus.AGREED]
            with pytest.raises(Conflict, match="superseded"):
                plan_service.sign_version(session, actors["cam"], version_id=built["business_version_id"])

    def test_a_new_amendment_supersedes_an_unsigned_one(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world)["a"]
        with unit(actors["a_admin"]) as session:
            first = plan_service.amend_plan(session, actors["a_admin"], plan_id=built["business_plan_id"], items=plan_items()[:1], note="Fewer items")
            second = plan_service.amend_plan(session, actors["a_admin"], plan_id=built["business_plan_id"], items=plan_items()[:2], note="Two items")
            statuses = {v.number: v.status for v in plan_service.get_plan(session, actors["a_admin"], plan_id=built["business_plan_id"]).versions}
            assert statuses == {1: VersionStatus.AGREED, first.number: VersionStatus.SUPERSEDED, second.number: VersionStatus.PROPOSED}

    def test_unknown_ref_is_refused(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world)["a"]
        item = PlanItemInput(ref=99, kind="solution_milestone", title="M", due_on=year().end)
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation) as refused:
            plan_service.amend_plan(session, actors["a_admin"], plan_id=built["business_plan_id"], items=[item], note="x")
        assert refused.value.details[0]["field"] == "items[0].ref"


class TestMilestones:
    def test_completed_only_with_evidence_then_confirmed_by_the_vendor(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world)["a"]
        plan_id = built["business_plan_id"]
        with unit(actors["a_user"]) as session, pytest.raises(RuleViolation, match="only with evidence"):
            plan_service.record_progress(session, actors["a_user"], plan_id=plan_id, ref=MILESTONE_REF, data=ProgressInput(status="completed"))
        with unit(actors["a_user"]) as session, pytest.raises(RuleViolation, match="computed"):
            plan_service.record_progress(session, actors["a_user"], plan_id=plan_id, ref=1, data=ProgressInput(status="in_progress"))
        with unit(actors["a_user"]) as session:
            done = ProgressInput(status="completed", evidence_url="https://example.com/accelerator")
            progress = plan_service.record_progress(session, actors["a_user"], plan_id=plan_id, ref=MILESTONE_REF, data=done)
            assert progress.status == ItemStatus.COMPLETED and progress.started_on == clock.today()
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            plan_service.confirm_item(session, actors["a_admin"], plan_id=plan_id, ref=MILESTONE_REF)
        with unit(actors["cam"]) as session:
            assert plan_service.confirm_item(session, actors["cam"], plan_id=plan_id, ref=MILESTONE_REF).status == ItemStatus.CONFIRMED
        with unit(actors["cam"]) as session, pytest.raises(Conflict):
            plan_service.confirm_item(session, actors["cam"], plan_id=plan_id, ref=MILESTONE_REF)

    def test_progress_needs_an_agreed_plan(self, unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
        built = build_business_plans(db, world, agree=False)["a"]
        with unit(actors["a_user"]) as session, pytest.raises(Conflict, match="no agreed version"):
            plan_service.record_progress(
                session, actors["a_user"], plan_id=built["business_plan_id"], ref=MILESTONE_REF, data=ProgressInput(status="in_progress")
            )


def test_list_filters_by_status_and_cam(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    build_business_plans(db, world)
    with unit(actors["admin"]) as session:
        page = PageRequest(limit=50, offset=0)
        active = plan_service.list_plans(session, actors["admin"], filters=PlanFilters(status=PlanStatus.ACTIVE), page=page)
        assert {p.partner_id for p in active.items} == {world.a.id, world.b.id}
        mine = plan_service.list_plans(session, actors["admin"], filters=PlanFilters(cam_user_id=world.users["cam2"]), page=page)
        assert [p.partner_id for p in mine.items] == [world.b.id]
        assert plan_service.list_plans(session, actors["admin"], filters=PlanFilters(status=PlanStatus.DRAFT), page=page).total == 0
        assert session.scalars(select(BusinessPlan)).all()


def test_the_vendor_records_delivering_its_co_investment(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_business_plans(db, world)["a"]
    hours = PlanItemInput(kind="co_investment", title="SE hours", due_on=year().end, investment_kind="se_hours", quantity="40")
    with unit(actors["cam"]) as session:
        version = plan_service.amend_plan(session, actors["cam"], plan_id=built["business_plan_id"], items=[hours], note="Vendor hours")
        plan_service.sign_version(session, actors["cam"], version_id=version.id)
    with unit(actors["a_admin"]) as session:
        plan_service.sign_version(session, actors["a_admin"], version_id=version.id)
    ref = version.items[0].ref
    delivered = ProgressInput(status="completed", evidence_note="40 hours of SE time delivered")
    with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied, match="vendor records"):
        plan_service.record_progress(session, actors["a_admin"], plan_id=built["business_plan_id"], ref=ref, data=delivered)
    with unit(actors["cam"]) as session:
        assert plan_service.record_progress(session, actors["cam"], plan_id=built["business_plan_id"], ref=ref, data=delivered).status == ItemStatus.COMPLETED


def test_a_published_contribution_is_evidence_for_a_milestone(unit, actors, db, world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories.assets import build_contribution, publish_contribution

    plan_id = build_business_plans(db, world)["a"]["business_plan_id"]
    published = publish_contribution(db, world, "a")["asset_id"]
    draft = build_contribution(db, world, "a")["asset_id"]
    others = publish_contribution(db, world, "b")["asset_id"]
    for asset_id in (draft, others):
        with unit(actors["a_user"]) as session, pytest.raises(RuleViolation) as refused:
            plan_service.record_progress(
                session, actors["a_user"], plan_id=plan_id, ref=MILESTONE_REF, data=ProgressInput(status="completed", evidence_asset_id=asset_id)
            )
        assert refused.value.details[0]["field"] == "evidence_asset_id"
    done = ProgressInput(status="completed", evidence_asset_id=published, evidence_note="v1 covers the data model")
    with unit(actors["a_user"]) as session:
        progress = plan_service.record_progress(session, actors["a_user"], plan_id=plan_id, ref=MILESTONE_REF, data=done)
        assert progress.status == ItemStatus.COMPLETED
        assert progress.evidence_note == (
            f"Published in the asset library: A's accelerator (asset {published}, published {clock.today().isoformat()}). v1 covers the data model"
        )
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "business_plan.progress_recorded")).all()[-1]
        assert f"asset {published}" in event.after["evidence_note"]
