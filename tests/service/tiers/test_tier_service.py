from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit.pagination import PageRequest
from alliance.partners.models import Partner, Program
from alliance.tiers import service as tier_service
from alliance.tiers.forecast import certified_metrics
from alliance.tiers.metrics_repository import TierMetricsRepository
from alliance.tiers.models import TierRecommendation
from tests.service.tiers.factory import TierData

TODAY = date(2026, 11, 24)
FAR = date(2029, 1, 1)


@pytest.fixture
def data(db, world) -> TierData:  # type: ignore[no-untyped-def]
    return TierData(db)


@pytest.fixture
def admin(world) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")


def partner_actor(world, key: str) -> Actor:  # type: ignore[no-untyped-def]
    fixture = getattr(world, key)
    return Actor(user_id=fixture.user_id, role=Role.PARTNER_USER, partner_id=fixture.id, label=f"{key}_user")


def silver_capacity(data: TierData, partner_id: int) -> None:
    data.certify(partner_id, "solution_architect", "professional", 2, expires_on=FAR)
    data.certify(partner_id, "implementation_engineer", "associate", 3, expires_on=FAR)


def set_tier(db, partner_id: int, tier_id: int) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        session.execute(update(Partner).where(Partner.id == partner_id).values(tier_id=tier_id))


def run(db, actor: Actor, today: date) -> tier_service.EvaluationSummary:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        return tier_service.evaluate_all(session, actor, today=today)


def recommendations(db, partner_id: int) -> list[TierRecommendation]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        rows = session.scalars(select(TierRecommendation).where(TierRecommendation.partner_id == partner_id).order_by(TierRecommendation.id)).all()
        session.expunge_all()
        return list(rows)


class TestMetrics:
    def test_certified_counts_revenue_and_wins(self, db, world, data):
        a = world.a.id
        data.certify(a, "solution_architect", "expert", 1, expires_on=FAR)
        data.certify(a, "solution_architect", "associate", 1, expires_on=FAR)
        ie = data.certify(a, "implementation_engineer", "professional", 2, expires_on=FAR)
        data.add_certification(a, ie[0], "implementation_engineer", "associate", expires_on=FAR)  # same person: counted once
        data.certify(a, "implementation_engineer", "expert", 1, expires_on=TODAY - timedelta(days=1))  # expired
        data.certify(a, "implementation_engineer", "expert", 1, expires_on=FAR, status="lapsed")
        data.certify(a, "implementation_engineer", "expert", 1, expires_on=FAR, recert_due_on=TODAY - timedelta(days=1), status="recert_required")
        data.certify(a, "implementation_engineer", "associate", 1, expires_on=FAR, recert_due_on=TODAY + timedelta(days=30), status="recert_required")
        data.certify(a, "sales", "associate", 1, expires_on=FAR)
        data.credit(a, "influence", "1200000", effective_on=TODAY - timedelta(days=10))
        data.credit(a, "influence", "-200000", effective_on=TODAY - timedelta(days=5))  # a reversal
        data.credit(a, "influence", "999999", effective_on=TODAY - timedelta(days=365))  # just outside the window
        data.credit(a, "direct", "300000", effective_on=TODAY)
        data.credit(a, "services", "50000", effective_on=TODAY)
        data.registration(a, kind="project", closed_on=TODAY - timedelta(days=100))
        data.registration(a, kind="project", closed_on=TODAY - timedelta(days=400))
        data.registration(a, kind="project", status="lost", closed_on=TODAY - timedelta(days=10))
        data.credit(world.b.id, "direct", "70000", effective_on=TODAY)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            repository = TierMetricsRepository(session)
            found = repository.metrics(today=TODAY)
            counted = repository.counted_certifications(a, today=TODAY)
        values = found[a].values
        assert values["certified.solution_architect"] == 2
        assert values["certified.solution_architect.professional"] == 1
        assert values["certified.solution_architect.expert"] == 1
        assert values["certified.implementation_engineer"] == 3
        assert values["certified.implementation_engineer.professional"] == 2
        assert values["certified.implementation_engineer.expert"] == 0
        assert values["certified_people"] == 6
        assert values["certified_delivery_people"] == 5
        assert values["influenced_revenue_12m"] == Decimal(1000000)
        assert values["direct_revenue_12m"] == Decimal(300000)
        assert values["total_revenue_12m"] == Decimal(1300000)
        assert values["won_projects_12m"] == 1
        assert values["won_deals_12m"] == 4  # the won deals the credits hang on, within the window
        assert values["consultant_headcount"] == 180
        assert values["customer_references"] == 0 and "customer_references" not in found[a].no_data
        assert found[world.b.id].values["direct_revenue_12m"] == Decimal(70000)
        # The forecast's pure count agrees with the grouped query.
        pure = certified_metrics(counted, on=TODAY)
        assert all(values[name] == pure[name] for name in pure)
        assert [c.recert_version for c in counted if c.recert_due_on] == ["8"]

    def test_one_partner_only(self, db, world, data):
        silver_capacity(data, world.b.id)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            found = TierMetricsRepository(session).metrics(today=TODAY, partner_ids=[world.a.id])
        assert list(found) == [world.a.id]


class TestEvaluatePartner:
    def test_what_it_takes_to_reach_the_next_tier(self, db, world, data):
        silver_capacity(data, world.a.id)
        data.certify(world.a.id, "implementation_engineer", "professional", 1, expires_on=FAR, recert_due_on=date(2027, 5, 14), status="recert_required")
        actor = partner_actor(world, "a")
        with db.session_scope(PartnerScope(partner_ids=frozenset({world.a.id}), reason="test"), write=False) as session:
            found = tier_service.evaluate_partner(session, actor, partner_id=world.a.id, today=TODAY)
        assert found.current_tier.key == "registered"
        assert found.evaluation.qualifying_tier.key == "silver"
        assert found.evaluation.next_tier.key == "gold"
        assert "needs 2 more certified solution architects at professional level or above: has 2 of 4" in found.evaluation.summary
        assert "needs 7 more certified implementation engineers at professional level or above: has 1 of 8" in found.evaluation.summary
        assert "influenced revenue, trailing 12 months: $0 of $1M (needs $1M more)" in found.evaluation.summary
        assert found.forecast.sentences == []  # four engineers: one recertifying still leaves three

    def test_forecast_names_the_recertification(self, db, world, data):
        data.certify(world.a.id, "solution_architect", "professional", 2, expires_on=FAR)
        data.certify(world.a.id, "implementation_engineer", "associate", 1, expires_on=FAR)
        data.certify(world.a.id, "implementation_engineer", "associate", 2, expires_on=FAR, recert_due_on=date(2027, 5, 14), status="recert_required")
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            found = tier_service.evaluate_partner(session, partner_actor(world, "a"), partner_id=world.a.id, today=TODAY)
        assert found.forecast.sentences == ["Silver until 14 May 2027 unless 2 implementation engineers recertify for v8"]

    def test_partner_cannot_evaluate_another_partner(self, db, world, data):
        actor = partner_actor(world, "b")
        scope = PartnerScope(partner_ids=frozenset({world.b.id}), reason="test")
        with db.session_scope(scope, write=False) as session, pytest.raises(NotFound):
            tier_service.evaluate_partner(session, actor, partner_id=world.a.id, today=TODAY)


class TestEvaluateAll:
    def test_upgrade_is_recommended_once(self, db, world, data, admin):
        silver_capacity(data, world.a.id)
        summary = run(db, admin, TODAY)
        assert (summary.evaluated, summary.upgrades, summary.at_tier) == (2, 1, 1)
        [recommendation] = recommendations(db, world.a.id)
        assert recommendation.action == "upgrade" and recommendation.status == "pending"
        assert recommendation.recommended_tier_id == world.tier_ids["si-regional/silver"]
        assert recommendation.explanation["summary"][0] == "qualifies for Silver (currently Registered)"
        again = run(db, admin, TODAY)
        assert (again.upgrades, again.unchanged) == (0, 1)
        assert len(recommendations(db, world.a.id)) == 1

    def test_downgrade_waits_for_the_grace_period(self, db, world, data, admin):
        silver_capacity(data, world.a.id)
        set_tier(db, world.a.id, world.tier_ids["si-regional/gold"])
        first = run(db, admin, TODAY)
        assert first.grace_started == 1
        [hold] = recommendations(db, world.a.id)
        assert hold.action == "hold" and hold.grace_until == TODAY + timedelta(days=90)
        assert hold.explanation["summary"][0] == "no longer meets Gold: qualifies for Silver"
        assert "needs 2 more certified solution architects at professional level or above: has 2 of 4" in hold.explanation["summary"]
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert tier_service.recommendation_queue(session, admin, page=PageRequest()).total == 0
        assert run(db, admin, TODAY + timedelta(days=90)).in_grace == 1
        later = run(db, admin, TODAY + timedelta(days=91))
        assert (later.downgrades, later.superseded) == (1, 1)
        held, downgrade = recommendations(db, world.a.id)
        assert held.status == "superseded"
        assert downgrade.action == "downgrade" and downgrade.recommended_tier_id == world.tier_ids["si-regional/silver"]
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            queue = tier_service.recommendation_queue(session, admin, page=PageRequest())
            assert [(v.recommendation.id, v.partner_name) for v in queue.items] == [(downgrade.id, "Northwind Consulting")]

    def test_grace_period_is_the_programs(self, db, world, data, admin):
        silver_capacity(data, world.a.id)
        set_tier(db, world.a.id, world.tier_ids["si-regional/gold"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.execute(update(Program).where(Program.key == "si-regional").values(downgrade_grace_days=30))
        run(db, admin, TODAY)
        [hold] = recommendations(db, world.a.id)
        assert hold.grace_until == TODAY + timedelta(days=30)
        assert run(db, admin, TODAY + timedelta(days=31)).downgrades == 1

    def test_recovery_clears_the_grace_period(self, db, world, data, admin):
        set_tier(db, world.a.id, world.tier_ids["si-regional/silver"])
        run(db, admin, TODAY)
        silver_capacity(data, world.a.id)
        summary = run(db, admin, TODAY + timedelta(days=10))
        assert (summary.at_tier, summary.superseded) == (2, 1)
        assert [r.status for r in recommendations(db, world.a.id)] == ["superseded"]

    def test_one_audit_event_with_counts(self, db, world, data, admin):
        silver_capacity(data, world.a.id)
        run(db, admin, TODAY)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "tiers.evaluated")).all()
            assert event.after["upgrades"] == 1 and event.after["evaluated"] == 2

    def test_program_admins_only(self, db, world):
        cam = Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label="cam")
        with pytest.raises(PermissionDenied):
            run(db, cam, TODAY)


class TestDecideRecommendation:
    def pending_upgrade(self, db, world, data, admin) -> int:  # type: ignore[no-untyped-def]
        silver_capacity(data, world.a.id)
        run(db, admin, TODAY)
        return recommendations(db, world.a.id)[0].id

    def decide(self, db, admin, recommendation_id: int, *, accept: bool, reason: str):  # type: ignore[no-untyped-def]
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            return tier_service.decide_recommendation(session, admin, recommendation_id=recommendation_id, accept=accept, reason=reason)

    def test_accept_changes_the_tier_and_is_audited(self, db, world, data, admin):
        recommendation_id = self.pending_upgrade(db, world, data, admin)
        self.decide(db, admin, recommendation_id, accept=True, reason="Certified capacity verified")
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert session.get(Partner, world.a.id).tier_id == world.tier_ids["si-regional/silver"]
            events = {e.action: e for e in session.scalars(select(AuditEvent).where(AuditEvent.partner_id == world.a.id))}
        assert events["partner.tier_changed"].reason == "Certified capacity verified"
        assert events["tier_recommendation.accepted"].after["recommended_tier_id"] == world.tier_ids["si-regional/silver"]
        [decided] = recommendations(db, world.a.id)
        assert decided.status == "accepted" and decided.decided_by_user_id == world.users["admin"]
        assert run(db, admin, TODAY).at_tier == 2

    def test_reject_keeps_the_tier(self, db, world, data, admin):
        recommendation_id = self.pending_upgrade(db, world, data, admin)
        self.decide(db, admin, recommendation_id, accept=False, reason="Wait for the QBR")
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert session.get(Partner, world.a.id).tier_id == world.tier_ids["si-regional/registered"]
        with pytest.raises(Conflict):
            self.decide(db, admin, recommendation_id, accept=True, reason="changed my mind")

    def test_reason_required(self, db, world, data, admin):
        recommendation_id = self.pending_upgrade(db, world, data, admin)
        with pytest.raises(RuleViolation):
            self.decide(db, admin, recommendation_id, accept=True, reason="  ")

    def test_stale_when_the_tier_changed_meanwhile(self, db, world, data, admin):
        recommendation_id = self.pending_upgrade(db, world, data, admin)
        set_tier(db, world.a.id, world.tier_ids["si-regional/gold"])
        with pytest.raises(Conflict):
            self.decide(db, admin, recommendation_id, accept=True, reason="ok")

    def test_hold_is_not_decidable(self, db, world, data, admin):
        set_tier(db, world.a.id, world.tier_ids["si-regional/silver"])
        run(db, admin, TODAY)
        [hold] = recommendations(db, world.a.id)
        with pytest.raises(NotFound):
            self.decide(db, admin, hold.id, accept=True, reason="ok")
