"""Certified delivery capacity: now, over time, across the portfolio, and for the tier engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from alliance.enablement import capacity_service, recert
from alliance.enablement.models import Certification, CertificationTrack
from alliance.enablement.recert_repository import load_windows
from alliance.enablement.vocabulary import CertificationStatus as S
from alliance.errors import NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.partners.models import Person
from tests.factories.certifications import make_cert, make_release, make_track

ADMIN = Actor.system(label="test")
TODAY = date(2026, 9, 15)


@pytest.fixture
def capacity(db, world):  # type: ignore[no-untyped-def]
    """Partner A: Ann (SA associate on data-platform and analytics, SA professional), Ian (IE
    associate, in a release window due 2026-11-28), Pat (SA associate, expired). Partner B: Sam
    (SA associate). A v10 release opened Ian's track's window; the sweep has not run."""
    clock.freeze(datetime(2026, 9, 15, 12, tzinfo=UTC))
    ann, ian, pat = world.a.person_ids
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        sa = make_track(session, "sa-assoc")
        sa_analytics = make_track(session, "sa-assoc-an", product_line="analytics")
        sa_pro = make_track(session, "sa-pro", level="professional")
        ie = make_track(session, "ie-assoc", role="implementation_engineer", behind=1, within=180)
        make_release(session, "10.0", date(2026, 6, 1))
        a = world.a.id
        make_cert(session, person_id=ann, partner_id=a, track_id=sa.id, issued_on=date(2026, 1, 20))
        make_cert(session, person_id=ann, partner_id=a, track_id=sa_analytics.id, issued_on=date(2026, 3, 5))
        make_cert(session, person_id=ann, partner_id=a, track_id=sa_pro.id, issued_on=date(2026, 4, 30))
        make_cert(session, person_id=ian, partner_id=a, track_id=ie.id, issued_on=date(2025, 11, 1))
        make_cert(session, person_id=pat, partner_id=a, track_id=sa.id, issued_on=date(2024, 1, 1), expires_on=date(2026, 2, 27))
        # Renewed on 2026-05-01 by a later certification: it stops counting that day.
        make_cert(session, person_id=pat, partner_id=a, track_id=sa_pro.id, issued_on=date(2025, 1, 1), status=S.RENEWED, ended_on=date(2026, 5, 1))
        make_cert(session, person_id=world.b.person_ids[0], partner_id=world.b.id, track_id=sa.id, issued_on=date(2026, 2, 1))
    return {"a": world.a.id, "b": world.b.id}


def run(db, actor, fn, **kwargs):  # type: ignore[no-untyped-def]
    with db.session_scope(scope_for(actor)) as session:
        return fn(session, actor, **kwargs)


class TestCurrentCapacity:
    def test_cells_and_role_totals(self, db, capacity):
        found = run(db, ADMIN, capacity_service.current_capacity, partner_id=capacity["a"])
        assert found.on == TODAY
        assert [(c.delivery_role, c.level, c.product_line, c.people) for c in found.cells] == [
            ("implementation_engineer", "associate", "data-platform", 1),
            ("solution_architect", "associate", "analytics", 1),
            ("solution_architect", "associate", "data-platform", 1),
            ("solution_architect", "professional", "data-platform", 1),
        ]
        assert [(r.delivery_role, r.people) for r in found.roles] == [("implementation_engineer", 1), ("solution_architect", 1)]

    def test_recert_required_counts_until_the_deadline_then_not(self, db, capacity):
        clock.freeze(datetime(2026, 11, 29, tzinfo=UTC))
        found = run(db, ADMIN, capacity_service.current_capacity, partner_id=capacity["a"])
        assert "implementation_engineer" not in {c.delivery_role for c in found.cells}

    def test_inactive_people_do_not_count(self, db, world, capacity):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.execute(update(Person).where(Person.id == world.a.person_ids[0]).values(is_active=False))
        found = run(db, ADMIN, capacity_service.current_capacity, partner_id=capacity["a"])
        assert [(r.delivery_role, r.people) for r in found.roles] == [("implementation_engineer", 1)]

    def test_partner_sees_own_and_not_another(self, db, world, capacity):
        a_user = Actor(user_id=world.a.user_id, role=Role.PARTNER_USER, partner_id=world.a.id, label="a user")
        assert run(db, a_user, capacity_service.current_capacity, partner_id=capacity["a"]).roles
        with pytest.raises(NotFound):
            run(db, a_user, capacity_service.current_capacity, partner_id=capacity["b"])


class TestCapacityHistory:
    def test_month_ends(self):
        assert capacity_service.month_ends(date(2026, 1, 15), date(2026, 4, 10)) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 10)]
        assert capacity_service.month_ends(date(2025, 12, 1), date(2026, 1, 31)) == [date(2025, 12, 31), date(2026, 1, 31)]

    def test_build_out_curve(self, db, capacity):
        history = run(db, ADMIN, capacity_service.capacity_history, partner_id=capacity["a"], start=date(2025, 12, 1), end=date(2026, 12, 31))
        by_role: dict[date, dict[str, int]] = {}
        for point in history.by_role:
            by_role.setdefault(point.on, {})[point.delivery_role] = point.people
        sa, ie = "solution_architect", "implementation_engineer"
        assert by_role[date(2025, 12, 31)] == {sa: 1, ie: 1}  # Pat (two certifications) and Ian
        assert by_role[date(2026, 1, 31)] == {sa: 2, ie: 1}  # Ann joins
        assert by_role[date(2026, 2, 28)] == {sa: 2, ie: 1}  # Pat's associate expired on the 27th; his renewed pro still counts
        assert by_role[date(2026, 5, 31)] == {sa: 1, ie: 1}  # Pat's pro was renewed away on 2026-05-01
        assert by_role[date(2026, 11, 30)] == {sa: 1}  # Ian lapsed after 2026-11-28 without a sweep
        levels = {(p.on, p.delivery_role, p.level): p.people for p in history.by_level}
        assert levels[(date(2026, 4, 30), sa, "professional")] == 2 and levels[(date(2026, 5, 31), sa, "professional")] == 1

    def test_matches_the_pure_rule(self, db, world, capacity):
        """The SQL rule and recert.counts_on agree on every month end for every certification."""
        end = date(2026, 12, 31)
        history = run(db, ADMIN, capacity_service.capacity_history, partner_id=capacity["a"], start=date(2025, 1, 1), end=end)
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            windows = load_windows(session, today=end)
            rows = session.execute(
                select(Certification, CertificationTrack.delivery_role).join(CertificationTrack).where(Certification.partner_id == capacity["a"])
            ).all()
            expected: dict[tuple[date, str], set[int]] = {}
            for day in history.days:
                for cert, role in rows:
                    if recert.counts_on(cert, day, stored_ended_on=cert.ended_on, window=windows.get(cert.track_id)):
                        expected.setdefault((day, role), set()).add(cert.person_id)
        assert {(p.on, p.delivery_role): p.people for p in history.by_role} == {k: len(v) for k, v in expected.items()}

    def test_refuses_backwards_or_too_long_ranges(self, db, capacity):
        with pytest.raises(RuleViolation):
            run(db, ADMIN, capacity_service.capacity_history, partner_id=capacity["a"], start=date(2026, 5, 1), end=date(2026, 1, 1))
        with pytest.raises(RuleViolation):
            run(db, ADMIN, capacity_service.capacity_history, partner_id=capacity["a"], start=date(2000, 1, 1), end=date(2026, 1, 1))

    def test_default_range_is_the_last_twelve_months(self, db, capacity):
        history = run(db, ADMIN, capacity_service.capacity_history, partner_id=capacity["a"])
        assert history.end == TODAY and history.days[0] == date(2025, 10, 31) and len(history.days) == 12


class TestPortfolio:
    def test_by_subtype(self, db, capacity):
        rows = run(db, ADMIN, capacity_service.portfolio_capacity, group_by="subtype")
        assert [(r.group, r.delivery_role, r.people, r.partners) for r in rows] == [
            ("regional", "implementation_engineer", 1, 1),
            ("regional", "solution_architect", 1, 1),
            ("reseller", "solution_architect", 1, 1),
        ]

    def test_by_level(self, db, capacity):
        rows = run(db, ADMIN, capacity_service.portfolio_capacity, group_by="role")
        assert [(r.group, r.delivery_role, r.people, r.partners) for r in rows] == [
            ("associate", "implementation_engineer", 1, 1),
            ("associate", "solution_architect", 2, 2),
            ("professional", "solution_architect", 1, 1),
        ]

    def test_vendor_only(self, db, world, capacity):
        a_admin = Actor(user_id=world.a.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=world.a.id, label="a admin")
        with pytest.raises(PermissionDenied):
            run(db, a_admin, capacity_service.portfolio_capacity, group_by="subtype")


class TestCertifiedCountsByPartner:
    def test_set_based_counts_for_every_partner(self, db, capacity):
        with db.session_scope(PartnerScope.system(reason="tier engine")) as session:
            statement = capacity_service.certified_counts_by_partner(session, today=TODAY)
            rows = sorted(tuple(r) for r in session.execute(statement))
        assert rows == sorted(
            [
                (capacity["a"], "implementation_engineer", "associate", 1),
                (capacity["a"], "solution_architect", "associate", 1),
                (capacity["a"], "solution_architect", "professional", 1),
                (capacity["b"], "solution_architect", "associate", 1),
            ]
        )

    def test_on_another_day(self, db, capacity):
        with db.session_scope(PartnerScope.system(reason="tier engine")) as session:
            statement = capacity_service.certified_counts_by_partner(session, today=TODAY + timedelta(days=80))
            roles = {(r.partner_id, r.delivery_role) for r in session.execute(statement)}
        assert (capacity["a"], "implementation_engineer") not in roles


class TestCountingCertifications:
    def test_rows_with_effective_deadline_and_release(self, db, world, capacity):
        with db.session_scope(PartnerScope.system(reason="tier engine")) as session:
            rows = session.execute(capacity_service.counting_certifications(session, today=TODAY)).all()
        mine = sorted((r.person_id, r.delivery_role, r.level, r.product_line, r.recert_due_on, r.recert_version) for r in rows if r.partner_id == capacity["a"])
        ann, ian, _ = world.a.person_ids
        assert mine == sorted(
            [
                (ann, "solution_architect", "associate", "data-platform", None, None),
                (ann, "solution_architect", "associate", "analytics", None, None),
                (ann, "solution_architect", "professional", "data-platform", None, None),
                (ian, "implementation_engineer", "associate", "data-platform", date(2026, 11, 28), "10.0"),
            ]
        )

    def test_stored_window_reports_its_release(self, db, world, capacity):
        from alliance.enablement import recert_service

        with db.session_scope(PartnerScope.system(reason="sweep")) as session:
            recert_service.sweep_certifications(session, ADMIN, today=TODAY)
        with db.session_scope(PartnerScope.system(reason="tier engine")) as session:
            rows = session.execute(capacity_service.counting_certifications(session, today=TODAY)).all()
        assert [(r.recert_due_on, r.recert_version) for r in rows if r.person_id == world.a.person_ids[1]] == [(date(2026, 11, 28), "10.0")]
