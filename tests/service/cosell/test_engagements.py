from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import (
    ConsentCreate,
    ConsentFilters,
    EngagementFilters,
    PsEngagementCreate,
    ViolationFilters,
)
from alliance.cosell.models import RoeViolation
from alliance.cosell.vocabulary import Activity, EngagementOutcome
from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate
from alliance.customers.vocabulary import Ownership
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from tests.factories.engagements import (
    PROTECTION_DAYS,
    agreed_plan,
    approve_as_project,
    protected_account,
)

IMPL = Activity.IMPLEMENTATION


@pytest.fixture
def account(db, world):  # type: ignore[no-untyped-def]
    return protected_account(db, world)


@pytest.fixture
def staff(unit, actors, world):  # type: ignore[no-untyped-def]
    """Create an engagement as `who` (a PS lead by default); returns (id, outcome, consent id)."""

    def run(customer_id: int, activity: Activity = IMPL, who: str = "ps_lead", **extra):  # type: ignore[no-untyped-def]
        data = PsEngagementCreate(customer_id=customer_id, activity=activity, staffed_user_id=world.users["ps_lead"], starts_on=clock.today(), **extra)
        with unit(actors[who]) as session:
            engagement = engagement_service.create_engagement(session, actors[who], data=data)
            return engagement.id, engagement.outcome, engagement.consent_id

    return run


@pytest.fixture
def consent(unit, actors):  # type: ignore[no-untyped-def]
    def run(customer_id: int, activity: Activity | None = IMPL, days: int = 30, who: str = "a_admin") -> int:
        with unit(actors[who]) as session:
            data = ConsentCreate(activity=activity, expires_on=clock.today() + timedelta(days=days))
            return engagement_service.give_consent(session, actors[who], customer_id=customer_id, data=data).id

    return run


def blocked(staff, customer_id: int, **extra) -> Conflict:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as raised:
        staff(customer_id, **extra)
    return raised.value


class TestProtectFromRegistration:
    def test_protects_until_the_registration_protection(self, unit, actors, account):
        with unit(actors["admin"]) as session:
            customer = customer_service.get_customer(session, actors["admin"], customer_id=account.customer_id)
            assert customer.ownership == Ownership.SI_PROTECTED and customer.owning_partner_id == account.partner_id
            assert customer.protected_until == clock.today() + timedelta(days=PROTECTION_DAYS)
            assert customer.protection_reason == f"Approved project (approved project registration #{account.registration_id})"
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.ownership_changed")).one()
            assert event.partner_id == account.partner_id

    def test_explicit_until(self, unit, actors, db, world):
        approve_as_project(db, world.registrations()["a"])
        until = clock.today() + timedelta(days=30)
        with unit(actors["admin"]) as session:
            customer = engagement_service.protect_from_registration(
                session, actors["admin"], registration_id=world.registrations()["a"], until=until, reason="CAM call"
            )
            assert customer.protected_until == until

    def test_deal_registrations_do_not_protect(self, unit, actors, world):
        with unit(actors["cam"]) as session, pytest.raises(RuleViolation):
            engagement_service.protect_from_registration(session, actors["cam"], registration_id=world.registrations()["a"], reason="Deal")

    def test_only_cams_and_program_admins(self, unit, actors, db, world):
        approve_as_project(db, world.registrations()["a"])
        for who in ("ps_lead", "a_admin"):
            with unit(actors[who]) as session, pytest.raises(PermissionDenied):
                engagement_service.protect_from_registration(session, actors[who], registration_id=world.registrations()["a"], reason="Mine")


class TestGiveConsent:
    def test_partner_admin_of_the_protecting_si(self, unit, actors, account, consent):
        consent_id = consent(account.customer_id)
        with unit(actors["a_admin"]) as session:
            found = engagement_service.get_consent(session, actors["a_admin"], consent_id=consent_id)
            assert (found.partner_id, found.activity, found.given_by_user_id) == (account.partner_id, IMPL, actors["a_admin"].user_id)
            assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "engagement_consent")).all() == ["engagement_consent.given"]

    def test_customer_the_partner_does_not_protect_is_not_found(self, unit, actors, db, world, consent):
        with unit(actors["admin"]) as session:
            other = customer_service.create_customer(session, actors["admin"], data=CustomerCreate(name="Open Account Co")).id
        with pytest.raises(NotFound):
            consent(other)

    def test_only_partner_admins(self, account, consent):
        for who in ("a_user", "admin", "ps_lead"):
            with pytest.raises(PermissionDenied):
                consent(account.customer_id, who=who)

    def test_must_expire_in_the_future(self, account, consent):
        with pytest.raises(RuleViolation):
            consent(account.customer_id, days=0)


class TestRevokeConsent:
    def test_revoked_with_reason(self, unit, actors, account, consent):
        consent_id = consent(account.customer_id)
        with unit(actors["a_admin"]) as session:
            revoked = engagement_service.revoke_consent(session, actors["a_admin"], consent_id=consent_id, reason="Our team is available again")
            assert revoked.revoked_at is not None and revoked.revoke_reason == "Our team is available again"

    def test_twice_is_a_conflict(self, unit, actors, account, consent):
        consent_id = consent(account.customer_id)
        with unit(actors["a_admin"]) as session:
            engagement_service.revoke_consent(session, actors["a_admin"], consent_id=consent_id, reason="No longer")
        with unit(actors["a_admin"]) as session, pytest.raises(Conflict):
            engagement_service.revoke_consent(session, actors["a_admin"], consent_id=consent_id, reason="Again")

    def test_reason_required(self, unit, actors, account, consent):
        consent_id = consent(account.customer_id)
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation):
            engagement_service.revoke_consent(session, actors["a_admin"], consent_id=consent_id, reason="  ")

    def test_another_partner_gets_not_found(self, unit, actors, db, world, account, consent):
        consent_id = consent(account.customer_id)
        with unit(actors["b_admin"]) as session, pytest.raises(NotFound):
            engagement_service.revoke_consent(session, actors["b_admin"], consent_id=consent_id, reason="Not mine")


class TestCreateEngagement:
    def test_open_account_is_allowed(self, unit, actors, world, staff):
        with unit(actors["admin"]) as session:
            customer_id = customer_service.create_customer(session, actors["admin"], data=CustomerCreate(name="Open Account Co")).id
        _, outcome, _ = staff(customer_id)
        assert outcome == EngagementOutcome.ALLOWED

    def test_no_plan_blocks_with_rule_and_way_forward(self, account, staff):
        error = blocked(staff, account.customer_id)
        assert "Northwind Consulting" in error.message and "no agreed co-delivery plan" in error.message
        assert error.details[0] == {"field": "activity", "message": error.message}
        assert error.details[1]["field"] == "way_forward"
        assert error.details[1]["message"].startswith("Ask Northwind Consulting to record consent for implementation on ")

    def test_activity_the_plan_gives_the_si_is_blocked(self, db, account, staff):
        agreed_plan(db, account, implementation="si", training="vendor_ps")
        assert "the agreed co-delivery plan gives implementation to Northwind Consulting" in blocked(staff, account.customer_id).message

    def test_activity_the_plan_gives_vendor_ps_is_allowed(self, db, account, staff):
        agreed_plan(db, account, implementation="si", training="vendor_ps")
        _, outcome, _ = staff(account.customer_id, activity=Activity.TRAINING)
        assert outcome == EngagementOutcome.ALLOWED

    def test_consented(self, db, account, staff, consent):
        agreed_plan(db, account, implementation="si")
        consent_id = consent(account.customer_id)
        _, outcome, used = staff(account.customer_id)
        assert (outcome, used) == (EngagementOutcome.CONSENTED, consent_id)

    def test_consent_expired(self, account, staff, consent):
        consent(account.customer_id, days=5)
        clock.freeze(clock.now() + timedelta(days=6))
        assert "expired on" in blocked(staff, account.customer_id).message

    def test_consent_revoked(self, unit, actors, account, staff, consent):
        consent_id = consent(account.customer_id, activity=None)
        with unit(actors["a_admin"]) as session:
            engagement_service.revoke_consent(session, actors["a_admin"], consent_id=consent_id, reason="Changed our mind")
        assert "was revoked" in blocked(staff, account.customer_id).message

    def test_admin_override_is_recorded_as_a_violation(self, unit, actors, account, staff):
        engagement_id, outcome, _ = staff(account.customer_id, who="admin", override_reason="Customer escalation, SI has no capacity")
        assert outcome == EngagementOutcome.OVERRIDDEN
        with unit(actors["admin"]) as session:
            [violation] = session.scalars(select(RoeViolation)).all()
            assert (violation.partner_id, violation.engagement_id, violation.activity) == (account.partner_id, engagement_id, IMPL)
            assert violation.reason == "Customer escalation, SI has no capacity" and "recorded consent" in violation.rule
            actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
            assert actions[-2:] == ["ps_engagement.created", "roe_violation.recorded"]
        with unit(actors["a_user"]) as session:
            page = engagement_service.list_violations(session, actors["a_user"], filters=ViolationFilters(), page=PageRequest())
            assert [v.id for v in page.items] == [violation.id]

    def test_ps_lead_cannot_override(self, account, staff):
        with pytest.raises(PermissionDenied):
            staff(account.customer_id, override_reason="I want to")

    def test_only_ps_leads_and_program_admins_staff(self, account, staff):
        for who in ("cam", "a_admin"):
            with pytest.raises(PermissionDenied):
                staff(account.customer_id, who=who)

    def test_protection_that_ended_allows(self, account, staff):
        clock.freeze(clock.now() + timedelta(days=PROTECTION_DAYS + 1))
        _, outcome, _ = staff(account.customer_id)
        assert outcome == EngagementOutcome.ALLOWED


class TestLists:
    def test_partners_see_their_own_consents_vendor_sees_all(self, unit, actors, db, world, account, consent):
        other = protected_account(db, world, "b")
        a_consent, b_consent = consent(account.customer_id), consent(other.customer_id, who="b_admin")
        with unit(actors["a_user"]) as session:
            assert [c.id for c in engagement_service.list_consents(session, actors["a_user"], filters=ConsentFilters(), page=PageRequest()).items] == [
                a_consent
            ]
        with unit(actors["admin"]) as session:
            found = engagement_service.list_consents(session, actors["admin"], filters=ConsentFilters(), page=PageRequest())
            assert {c.id for c in found.items} == {a_consent, b_consent}
            only_b = engagement_service.list_consents(session, actors["admin"], filters=ConsentFilters(partner_id=other.partner_id), page=PageRequest())
            assert [c.id for c in only_b.items] == [b_consent]

    def test_violations_by_period(self, unit, actors, account, staff):
        staff(account.customer_id, who="admin", override_reason="Escalated by the customer")
        today = clock.today()
        with unit(actors["admin"]) as session:

            def count(**period: date) -> int:
                return engagement_service.list_violations(session, actors["admin"], filters=ViolationFilters(**period), page=PageRequest()).total

            assert count(occurred_from=today, occurred_to=today) == 1
            assert count(occurred_to=today - timedelta(days=1)) == 0
            assert count(occurred_from=today + timedelta(days=1)) == 0


@pytest.fixture
def three_engagements(unit, actors, db, world, account, staff):  # type: ignore[no-untyped-def]
    """Engagements on A's protected account, on B's, and on an account nobody protects."""
    other = protected_account(db, world, "b")
    with unit(actors["admin"]) as session:
        open_account = customer_service.create_customer(session, actors["admin"], data=CustomerCreate(name="Open Account Co")).id
    return {
        "a": staff(account.customer_id, who="admin", override_reason="Escalated by the customer")[0],
        "b": staff(other.customer_id, who="admin", override_reason="Escalated by the customer")[0],
        "open": staff(open_account)[0],
        "b_partner": other.partner_id,
    }


def listed(unit, actor, **filters) -> list[int]:  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        return [e.id for e in engagement_service.list_engagements(session, actor, filters=EngagementFilters(**filters), page=PageRequest()).items]


class TestListEngagements:
    def test_vendor_users_read_every_engagement(self, unit, actors, three_engagements):
        assert set(listed(unit, actors["ps_lead"])) == {three_engagements[k] for k in ("a", "b", "open")}
        assert listed(unit, actors["executive"], outcome=EngagementOutcome.OVERRIDDEN) == [three_engagements["b"], three_engagements["a"]]
        assert listed(unit, actors["cam"], partner_id=three_engagements["b_partner"]) == [three_engagements["b"]]

    def test_a_partner_reads_only_the_engagements_on_accounts_it_protected(self, unit, actors, three_engagements):
        for who in ("a_admin", "a_user"):
            assert listed(unit, actors[who]) == [three_engagements["a"]]
        assert listed(unit, actors["b_user"]) == [three_engagements["b"]]

    def test_naming_another_partner_finds_nothing(self, unit, actors, three_engagements):
        assert listed(unit, actors["a_admin"], partner_id=three_engagements["b_partner"]) == []


class TestGetEngagement:
    def test_a_partner_reads_its_own(self, unit, actors, three_engagements, account):
        with unit(actors["a_user"]) as session:
            found = engagement_service.get_engagement(session, actors["a_user"], engagement_id=three_engagements["a"])
            assert (found.protecting_partner_id, found.customer_id) == (account.partner_id, account.customer_id)

    def test_another_partners_unprotected_and_missing_are_all_not_found(self, unit, actors, three_engagements):
        for engagement_id in (three_engagements["b"], three_engagements["open"], 987654):
            with unit(actors["a_admin"]) as session, pytest.raises(NotFound) as raised:
                engagement_service.get_engagement(session, actors["a_admin"], engagement_id=engagement_id)
            assert raised.value.message == f"Engagement {engagement_id} not found."

    def test_vendor_users_read_any(self, unit, actors, three_engagements):
        with unit(actors["auditor"]) as session:
            for key in ("a", "b", "open"):
                assert engagement_service.get_engagement(session, actors["auditor"], engagement_id=three_engagements[key]).id == three_engagements[key]
