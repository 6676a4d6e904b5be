"""Reported figures (managed customers, sub-resellers): a partner reports, the vendor confirms,
the tier engine counts the latest confirmed figure; until then the criterion is held."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit.pagination import PageRequest
from alliance.partners.models import Partner
from alliance.tiers import figure_service
from alliance.tiers import service as tier_service
from alliance.tiers.figure_schemas import FigureReport
from alliance.tiers.metrics_repository import TierMetricsRepository
from alliance.tiers.vocabulary import FigureStatus
from tests.service.tiers.factory import TierData

TODAY = date(2026, 11, 24)
FAR = date(2029, 1, 1)


@pytest.fixture
def msp(db, world, frozen_today) -> int:  # type: ignore[no-untyped-def]
    """Partner B turned into an MSP at Premier, the top tier of the MSP program."""
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        session.execute(
            update(Partner)
            .where(Partner.id == world.b.id)
            .values(partner_type="msp", program_id=world.program_ids["msp"], tier_id=world.tier_ids["msp/premier"])
        )
    return world.b.id


@pytest.fixture
def frozen_today():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from alliance.kit import clock

    clock.freeze(datetime(2026, 11, 24, 12, tzinfo=UTC))
    yield TODAY
    clock.freeze(None)


def actor(world, who: str, role: Role) -> Actor:  # type: ignore[no-untyped-def]
    partner_id = world.b.id if who.startswith("b_") else (world.a.id if who.startswith("a_") else None)
    return Actor(user_id=world.users[who], role=role, partner_id=partner_id, label=who)


def report(db, who: Actor, partner_id: int, period: str, value: int, metric: str = "managed_customers"):  # type: ignore[no-untyped-def]
    with db.session_scope(scope_for(who)) as session:
        figure = figure_service.report_figure(session, who, partner_id=partner_id, data=FigureReport(metric=metric, period=period, value=value))
        return figure.id


def decide(db, who: Actor, figure_id: int, *, confirm: bool = True, reason: str | None = None):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        return figure_service.decide_figure(session, who, figure_id=figure_id, confirm=confirm, reason=reason).figure.status


def metrics(db, partner_id: int):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return TierMetricsRepository(session).metrics(today=TODAY, partner_ids=[partner_id])[partner_id]


class TestReportAndConfirm:
    def test_the_latest_confirmed_figure_counts(self, db, world, msp):
        partner_admin, cam = actor(world, "b_admin", Role.PARTNER_ADMIN), actor(world, "cam", Role.CAM)
        assert "managed_customers" in metrics(db, msp).no_data
        september = report(db, partner_admin, msp, "2026-09", 40)
        october = report(db, partner_admin, msp, "2026-10", 55)
        november = report(db, partner_admin, msp, "2026-11", 70)
        assert decide(db, cam, september) == FigureStatus.CONFIRMED
        assert decide(db, cam, october) == FigureStatus.CONFIRMED
        assert decide(db, cam, november, confirm=False, reason="does not match the billing report") == FigureStatus.REJECTED
        found = metrics(db, msp)
        assert found.values["managed_customers"] == 55 and "managed_customers" not in found.no_data
        assert "sub_resellers" in found.no_data  # not this partner's business: still held

    def test_every_step_is_audited(self, db, world, msp):
        figure = report(db, actor(world, "b_admin", Role.PARTNER_ADMIN), msp, "2026-10", 12)
        decide(db, actor(world, "cam", Role.CAM), figure)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "reported_figure").order_by(AuditEvent.seq)).all()
            assert [(e.action, e.partner_id) for e in events] == [("reported_figure.reported", msp), ("reported_figure.confirmed", msp)]

    def test_a_correction_before_confirmation_replaces_the_figure(self, db, world, msp):
        partner_admin = actor(world, "b_admin", Role.PARTNER_ADMIN)
        first = report(db, partner_admin, msp, "2026-10", 12)
        assert report(db, partner_admin, msp, "2026-10", 14) == first
        decide(db, actor(world, "cam", Role.CAM), first)
        with pytest.raises(Conflict, match="already confirmed"):
            report(db, partner_admin, msp, "2026-10", 16)
        assert metrics(db, msp).values["managed_customers"] == 14

    def test_rules(self, db, world, msp):
        partner_admin = actor(world, "b_admin", Role.PARTNER_ADMIN)
        with pytest.raises(RuleViolation, match="reported by Distributor partners") as found:
            report(db, partner_admin, msp, "2026-10", 3, metric="sub_resellers")
        assert found.value.details[0]["field"] == "metric"
        with pytest.raises(RuleViolation) as found:
            report(db, partner_admin, msp, "2026-12", 3)
        assert found.value.details[0]["field"] == "period"
        figure = report(db, partner_admin, msp, "2026-10", 3)
        with pytest.raises(RuleViolation, match="needs a reason"):
            decide(db, actor(world, "cam", Role.CAM), figure, confirm=False)
        decide(db, actor(world, "cam", Role.CAM), figure)
        with pytest.raises(Conflict):
            decide(db, actor(world, "cam", Role.CAM), figure)

    def test_who_may_do_what(self, db, world, msp):
        with pytest.raises(PermissionDenied):
            report(db, actor(world, "b_user", Role.PARTNER_USER), msp, "2026-10", 3)
        figure = report(db, actor(world, "b_admin", Role.PARTNER_ADMIN), msp, "2026-10", 3)
        with pytest.raises(PermissionDenied):
            decide(db, actor(world, "b_admin", Role.PARTNER_ADMIN), figure)
        with pytest.raises(NotFound):  # another partner's admin cannot even see the partner
            report(db, actor(world, "a_admin", Role.PARTNER_ADMIN), msp, "2026-10", 3)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            queue = figure_service.figure_queue(session, actor(world, "cam", Role.CAM), page=PageRequest())
        assert [(v.figure.id, v.partner_name, v.metric_label) for v in queue.items] == [(figure, "Blue Harbor", "Customers under managed service")]

    def test_import_records_and_reports_bad_lines(self, db, world, msp):
        rows = [
            (2, {"partner_id": str(msp), "metric": "managed_customers", "period": "2026-10", "value": "60"}),
            (3, {"partner_id": str(msp), "metric": "managed_customers", "period": "last month", "value": "60"}),
            (4, {"partner_id": "x", "metric": "managed_customers", "period": "2026-10", "value": "60"}),
            (5, {"partner_id": str(world.a.id), "metric": "managed_customers", "period": "2026-10", "value": "60"}),
        ]
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            summary = figure_service.import_figures(session, Actor.system(label="cli"), rows=rows, confirm=True)
        assert (summary.rows, summary.recorded, summary.rejected) == (4, 1, 3)
        assert [r.split(":")[0] for r in summary.rejections] == ["line 3", "line 4", "line 5"]
        assert metrics(db, msp).values["managed_customers"] == 60


class TestHeldNotDemoted:
    def test_an_msp_without_a_confirmed_figure_keeps_its_tier_and_is_told_why(self, db, world, msp):
        data = TierData(db)
        data.certify(msp, "implementation_engineer", "professional", 5, expires_on=FAR)
        data.credit(msp, "direct", "1600000", effective_on=TODAY)
        admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            found = tier_service.evaluate_partner(session, admin, partner_id=msp, today=TODAY)
            summary = tier_service.evaluate_all(session, admin, today=TODAY)
        assert found.evaluation.qualifying_tier.key == "premier" and not found.evaluation.keeping
        assert summary.at_tier >= 1 and summary.grace_started == 0
        report(db, actor(world, "b_admin", Role.PARTNER_ADMIN), msp, "2026-10", 20)
        decide(db, actor(world, "cam", Role.CAM), report(db, actor(world, "b_admin", Role.PARTNER_ADMIN), msp, "2026-11", 20))
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            found = tier_service.evaluate_partner(session, admin, partner_id=msp, today=TODAY)
        # With a confirmed figure of 20 the data decides: Premier (50) is no longer met, Advanced (10) is.
        assert found.evaluation.qualifying_tier.key == "advanced" and found.evaluation.keeping
        assert found.evaluation.next_tier.key == "premier"
        assert "needs 30 more customers under managed service: has 20 of 50" in found.evaluation.summary
