from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeCreate, DisputeDecision
from alliance.cosell.models import CodeliveryPlan
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.repository import PlanFilters
from alliance.cosell.plans.schemas import PlanActivityInput
from alliance.cosell.vocabulary import Activity, Lead, PlanAction, PlanVersionStatus
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import PartnerScope
from alliance.kit.pagination import PageRequest
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration


def rows(**leads: str) -> list[PlanActivityInput]:
    """Activity rows from keyword arguments: data_migration="si:20" → lead si, 20 days."""
    found = []
    for activity, spec in leads.items():
        lead, _, effort = spec.partition(":")
        found.append(PlanActivityInput(activity=Activity(activity), lead=Lead(lead), effort_days=Decimal(effort) if effort else None))
    return found


@pytest.fixture
def projects(db, world):  # type: ignore[no-untyped-def]
    """Partner A's and partner B's submitted registrations, turned into project registrations."""
    ids = world.registrations()
    with db.session_scope(PartnerScope.system(reason="test: project registrations")) as session:
        for registration_id in ids.values():
            session.get(Registration, registration_id, with_for_update=True).kind = RegistrationKind.PROJECT
    return ids


@pytest.fixture
def propose(unit, actors, projects):  # type: ignore[no-untyped-def]
    def run(who: str = "a_admin", key: str = "a", note: str | None = None, **leads: str):  # type: ignore[no-untyped-def]
        with unit(actors[who]) as session:
            version = plan_service.propose_plan(session, actors[who], registration_id=projects[key], activities=rows(**leads), note=note)
            return version.id, version.plan_id, version.number

    return run


@pytest.fixture
def sign(unit, actors):  # type: ignore[no-untyped-def]
    def run(version_id: int, *who: str):  # type: ignore[no-untyped-def]
        version = None
        for name in who:
            with unit(actors[name]) as session:
                version = plan_service.sign_version(session, actors[name], version_id=version_id)
                status = version.status
        return status if version is not None else None

    return run


def plan_of(unit, actor, plan_id):  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        plan = plan_service.get_plan(session, actor, plan_id=plan_id)
        return plan.agreed_version_id, [(v.number, v.status) for v in plan.versions]


class TestProposePlan:
    def test_first_proposal_creates_the_plan(self, propose, unit, actors, projects, db):
        _version_id, plan_id, number = propose(data_migration="si:20", training="joint", note="Kick-off")
        assert number == 1
        with unit(actors["admin"]) as session:
            plan = plan_service.get_plan(session, actors["admin"], plan_id=plan_id)
            registration = session.get(Registration, projects["a"], with_for_update=True)
            assert plan.registration_id == projects["a"] and plan.customer_id == registration.customer_id is not None
            [version] = plan.versions
            assert version.status == PlanVersionStatus.PROPOSED and version.proposed_by_side == "partner" and version.note == "Kick-off"
            assert version.partner_signed_at is None and version.vendor_signed_at is None
            assert [(a.position, a.activity, a.lead, a.effort_days) for a in version.activities] == [
                (1, "data_migration", "si", Decimal(20)),
                (2, "training", "joint", None),
            ]
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.seq) if e.entity_type in ("codelivery_plan", "plan_version")]
            assert actions == ["codelivery_plan.created", "codelivery_plan.version_proposed"]

    def test_only_project_registrations(self, unit, actors, world):
        world.registrations()  # deals
        with unit(actors["a_admin"]) as session, pytest.raises(Conflict):
            plan_service.propose_plan(session, actors["a_admin"], registration_id=world.registrations()["a"], activities=rows(training="si"))

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED, Status.WITHDRAWN])
    def test_registration_must_be_live(self, db, propose, projects, status):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.get(Registration, projects["a"], with_for_update=True).status = status
        with pytest.raises(Conflict):
            propose(training="si")

    @pytest.mark.parametrize("who", ["a_user", "cam", "auditor", "executive"])
    def test_roles_that_only_read(self, propose, who):
        with pytest.raises(PermissionDenied):
            propose(who, training="si")

    def test_vendor_side_proposes(self, propose):
        _, _, number = propose("ps_lead", training="vendor_ps")
        assert number == 1
        _, _, number = propose("admin", training="joint")
        assert number == 2

    def test_other_partners_registration_is_not_found(self, propose):
        with pytest.raises(NotFound):
            propose("b_admin", "a", training="si")

    def test_invalid_rows(self, unit, actors, projects):
        custom = [PlanActivityInput(activity=Activity.CUSTOM, lead=Lead.SI)]
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation):
            plan_service.propose_plan(session, actors["a_admin"], registration_id=projects["a"], activities=custom)

    def test_identical_proposal_is_refused(self, propose):
        propose(training="si:3")
        with pytest.raises(Conflict):
            propose("ps_lead", training="si:3.0")

    def test_new_proposal_supersedes_the_pending_one(self, propose, unit, actors):
        _, plan_id, _ = propose(training="si")
        propose("ps_lead", training="vendor_ps")
        assert plan_of(unit, actors["admin"], plan_id) == (None, [(1, "superseded"), (2, "proposed")])


class TestDoubleSignOff:
    def test_agreed_only_when_both_sides_signed(self, propose, sign, unit, actors):
        version_id, plan_id, _ = propose(training="si")
        assert sign(version_id, "a_admin") == PlanVersionStatus.PROPOSED
        assert sign(version_id, "a_admin") == PlanVersionStatus.PROPOSED  # idempotent per side
        assert sign(version_id, "ps_lead") == PlanVersionStatus.AGREED
        assert plan_of(unit, actors["admin"], plan_id) == (version_id, [(1, "agreed")])

    def test_proposer_does_not_sign_by_proposing(self, propose, sign):
        version_id, _, _ = propose("ps_lead", training="si")
        assert sign(version_id, "admin") == PlanVersionStatus.PROPOSED
        assert sign(version_id, "a_admin") == PlanVersionStatus.AGREED

    def test_new_version_needs_both_again_and_the_agreed_one_stays(self, propose, sign, unit, actors):
        first, plan_id, _ = propose(data_migration="si:20")
        sign(first, "a_admin", "ps_lead")
        second, _, number = propose("ps_lead", data_migration="vendor_ps:35")
        assert number == 2
        assert plan_of(unit, actors["admin"], plan_id) == (first, [(1, "agreed"), (2, "proposed")])
        assert sign(second, "ps_lead") == PlanVersionStatus.PROPOSED
        assert plan_of(unit, actors["admin"], plan_id) == (first, [(1, "agreed"), (2, "proposed")])
        assert sign(second, "a_admin") == PlanVersionStatus.AGREED
        assert plan_of(unit, actors["admin"], plan_id) == (second, [(1, "superseded"), (2, "agreed")])

    def test_superseded_version_cannot_be_signed(self, propose, sign):
        first, _, _ = propose(training="si")
        propose("ps_lead", training="joint")
        with pytest.raises(Conflict):
            sign(first, "a_admin")

    @pytest.mark.parametrize("who", ["a_user", "cam", "auditor"])
    def test_readers_cannot_sign(self, propose, sign, who):
        version_id, _, _ = propose(training="si")
        with pytest.raises(PermissionDenied):
            sign(version_id, who)

    def test_other_partner_cannot_sign(self, propose, sign):
        version_id, _, _ = propose(training="si")
        with pytest.raises(NotFound):
            sign(version_id, "b_admin")

    def test_sign_offs_are_audited(self, propose, sign, db):
        version_id, _, _ = propose(training="si")
        sign(version_id, "a_admin", "ps_lead")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            events = [e for e in session.query(AuditEvent).order_by(AuditEvent.seq) if e.entity_type == "plan_version"]
            assert [e.action for e in events] == ["codelivery_plan.version_proposed", "codelivery_plan.version_signed", "codelivery_plan.version_agreed"]
            assert all(e.partner_id is not None for e in events)
            assert events[-1].after["status"] == "agreed"


class TestReading:
    def test_partners_see_only_their_own(self, propose, unit, actors):
        _, plan_a, _ = propose(training="si")
        _, plan_b, _ = propose("b_admin", "b", training="joint")
        with unit(actors["b_user"]) as session:
            with pytest.raises(NotFound):
                plan_service.get_plan(session, actors["b_user"], plan_id=plan_a)
            with pytest.raises(NotFound):
                plan_service.compare_versions(session, actors["b_user"], plan_id=plan_a, from_number=1, to_number=1)
            found = plan_service.list_plans(session, actors["b_user"], filters=PlanFilters(), page=PageRequest())
            assert [p.id for p in found.items] == [plan_b]
        with unit(actors["cam"]) as session:
            found = plan_service.list_plans(session, actors["cam"], filters=PlanFilters(), page=PageRequest())
            assert {p.id for p in found.items} == {plan_a, plan_b} and found.total == 2

    def test_list_filters(self, propose, sign, unit, actors, projects):
        first, plan_a, _ = propose(training="si")
        sign(first, "a_admin", "ps_lead")
        propose("b_admin", "b", training="joint")
        with unit(actors["admin"]) as session:

            def ids(**filters):  # type: ignore[no-untyped-def]
                return [p.id for p in plan_service.list_plans(session, actors["admin"], filters=PlanFilters(**filters), page=PageRequest()).items]

            assert ids(status=PlanVersionStatus.AGREED) == [plan_a]
            assert ids(registration_id=projects["a"]) == [plan_a]
            customer = session.get(CodeliveryPlan, plan_a).customer_id
            assert ids(customer_id=customer) == [plan_a]
            [summary] = plan_service.list_plans(session, actors["admin"], filters=PlanFilters(registration_id=projects["a"]), page=PageRequest()).items
            assert (summary.latest_number, summary.latest_status, summary.agreed_number) == (1, "agreed", 1)

    def test_compare_in_words(self, propose, unit, actors):
        _, plan_id, _ = propose(data_migration="si:20", training="joint:5")
        propose("ps_lead", data_migration="vendor_ps:35", training="joint:5", integration="si")
        with unit(actors["a_user"]) as session:
            comparison = plan_service.compare_versions(session, actors["a_user"], plan_id=plan_id, from_number=1, to_number=2)
        assert [c.text for c in comparison.changes] == ["Data migration: lead SI → vendor PS; effort 20 → 35 days", "Integration: added, lead SI"]
        with unit(actors["a_user"]) as session, pytest.raises(NotFound):
            plan_service.compare_versions(session, actors["a_user"], plan_id=plan_id, from_number=1, to_number=3)


class TestAgreedLead:
    def customer(self, db, projects, key="a"):  # type: ignore[no-untyped-def]
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            return session.get(Registration, projects[key]).customer_id

    def lead(self, unit, actors, customer_id, activity=Activity.DATA_MIGRATION):  # type: ignore[no-untyped-def]
        with unit(actors["ps_lead"]) as session:
            return plan_service.agreed_lead(session, customer_id=customer_id, activity=activity)

    def test_none_without_an_agreed_plan(self, propose, unit, actors, db, projects):
        propose(data_migration="vendor_ps")
        assert self.lead(unit, actors, self.customer(db, projects)) is None

    def test_lead_of_the_agreed_version(self, propose, sign, unit, actors, db, projects):
        first, _, _ = propose(data_migration="si")
        sign(first, "a_admin", "ps_lead")
        customer = self.customer(db, projects)
        assert self.lead(unit, actors, customer) == Lead.SI
        assert self.lead(unit, actors, customer, Activity.TRAINING) is None
        second, _, _ = propose("ps_lead", data_migration="vendor_ps")
        assert self.lead(unit, actors, customer) == Lead.SI  # not agreed yet
        sign(second, "a_admin", "ps_lead")
        assert self.lead(unit, actors, customer) == Lead.VENDOR_PS

    def test_si_wins_across_plans_on_one_customer(self, propose, sign, unit, actors, db, projects):
        customer = self.customer(db, projects)
        with db.session_scope(PartnerScope.system(reason="test: same customer")) as session:
            session.get(Registration, projects["b"], with_for_update=True).customer_id = customer
        first, _, _ = propose(data_migration="vendor_ps")
        sign(first, "a_admin", "ps_lead")
        other, _, _ = propose("b_admin", "b", data_migration="si")
        sign(other, "b_admin", "ps_lead")
        assert self.lead(unit, actors, customer) == Lead.SI

    def test_dead_registration_no_longer_counts(self, propose, sign, unit, actors, db, projects):
        first, _, _ = propose(data_migration="si")
        sign(first, "a_admin", "ps_lead")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.get(Registration, projects["a"], with_for_update=True).status = Status.WITHDRAWN
        assert self.lead(unit, actors, self.customer(db, projects)) is None


class TestRecordDecisionVersion:
    def test_new_unsigned_version_with_the_decided_lead(self, propose, sign, unit, actors):
        first, plan_id, _ = propose(data_migration="si:20", training="joint")
        sign(first, "a_admin", "ps_lead")
        with unit(actors["admin"]) as session:
            disputed = next(
                a for a in plan_service.get_plan(session, actors["admin"], plan_id=plan_id).versions[0].activities if a.activity == "data_migration"
            )
            version = plan_service.record_decision_version(
                session,
                actors["admin"],
                plan_id=plan_id,
                activity_id=disputed.id,
                lead=Lead.JOINT,
                split_note="SI 60%, vendor PS 40%",
                rationale="Shared tooling",
            )
            assert version.number == 2 and version.status == PlanVersionStatus.PROPOSED
            assert version.note == "Dispute decision: Shared tooling"
            assert version.partner_signed_at is None and version.vendor_signed_at is None
            assert [(a.activity, a.lead, a.effort_days, a.notes) for a in version.activities] == [
                ("data_migration", "joint", Decimal(20), "SI 60%, vendor PS 40%"),
                ("training", "joint", None, None),
            ]
            second = version.id
        assert plan_of(unit, actors["admin"], plan_id) == (first, [(1, "agreed"), (2, "proposed")])
        assert sign(second, "ps_lead", "a_admin") == PlanVersionStatus.AGREED

    def test_partner_cannot_record_a_decision(self, propose, unit, actors):
        _, plan_id, _ = propose(training="si")
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            plan_service.record_decision_version(session, actors["a_admin"], plan_id=plan_id, activity_id=1, lead=Lead.SI, split_note=None, rationale="x")

    def test_activity_of_another_plan_is_not_found(self, propose, unit, actors):
        _, plan_a, _ = propose(training="si")
        _version_b, plan_b, _ = propose("b_admin", "b", training="joint")
        with unit(actors["admin"]) as session:
            foreign = plan_service.get_plan(session, actors["admin"], plan_id=plan_b).versions[0].activities[0].id
            with pytest.raises(NotFound):
                plan_service.record_decision_version(
                    session, actors["admin"], plan_id=plan_a, activity_id=foreign, lead=Lead.SI, split_note=None, rationale="x"
                )


class TestSignWhileDisputed:
    """Defect 5: a version is not signed (by either side) while a dispute on one of its activities is open."""

    @pytest.fixture
    def disputed(self, propose, unit, actors):  # type: ignore[no-untyped-def]
        version_id, plan_id, _ = propose(implementation="si:20", training="joint")
        with unit(actors["a_admin"]) as session:
            plan = plan_service.get_plan(session, actors["a_admin"], plan_id=plan_id)
            activity_id = next(a.id for a in plan.versions[-1].activities if a.activity == Activity.IMPLEMENTATION)
            data = DisputeCreate(plan_id=plan_id, activity_id=activity_id, subject="Who leads implementation")
            dispute_id = dispute_service.open_dispute(session, actors["a_admin"], data=data).id
        return version_id, plan_id, dispute_id

    @pytest.mark.parametrize("who", ["a_admin", "ps_lead"])
    def test_either_side_is_refused_naming_the_dispute_and_the_way_forward(self, disputed, unit, actors, db, who):
        version_id, plan_id, dispute_id = disputed
        with pytest.raises(Conflict) as refused, unit(actors[who]) as session:
            plan_service.sign_version(session, actors[who], version_id=version_id)
        assert f"dispute #{dispute_id} on Implementation is open" in refused.value.message
        assert {"field": "dispute_id", "message": str(dispute_id)} in refused.value.details
        assert any(d["field"] == "way_forward" and "new plan version" in d["message"] for d in refused.value.details)
        with unit(actors["admin"]) as session:
            version = plan_service.get_plan(session, actors["admin"], plan_id=plan_id).versions[-1]
            assert (version.partner_signed_at, version.vendor_signed_at) == (None, None)
            assert not session.scalars(
                select(AuditEvent).where(AuditEvent.action.in_(["codelivery_plan.version_signed", "codelivery_plan.version_agreed"]))
            ).all()

    def test_the_plan_view_lists_the_dispute_and_offers_no_signing(self, disputed, unit, actors):
        _, plan_id, dispute_id = disputed
        for who in ("a_admin", "ps_lead"):
            with unit(actors[who]) as session:
                view = plan_service.view_plan(session, actors[who], plan_id=plan_id)
                assert [(d.dispute.id, d.activity_name) for d in view.open_disputes] == [(dispute_id, "Implementation")]
                assert view.actions == [PlanAction.PROPOSE, PlanAction.DISPUTE]

    def test_a_dispute_on_an_activity_the_version_no_longer_has_does_not_hold_it(self, disputed, propose, sign):
        propose(training="joint")
        version_id, _, _ = propose(training="vendor_ps")
        assert sign(version_id, "a_admin", "ps_lead") == PlanVersionStatus.AGREED

    def test_once_decided_the_decision_version_is_signed(self, disputed, unit, actors, sign):
        _, plan_id, dispute_id = disputed
        with unit(actors["ps_lead"]) as session:
            decided = dispute_service.decide_dispute(
                session, actors["ps_lead"], dispute_id=dispute_id, data=DisputeDecision(lead=Lead.JOINT, rationale="Both bring people")
            )
            new_version = decided.resulting_version_id
        with unit(actors["a_admin"]) as session:
            assert PlanAction.SIGN in plan_service.view_plan(session, actors["a_admin"], plan_id=plan_id).actions
        assert sign(new_version, "a_admin", "ps_lead") == PlanVersionStatus.AGREED
