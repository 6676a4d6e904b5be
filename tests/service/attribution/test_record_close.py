"""record_close: who is credited how much when a deal or project is won."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from alliance.audit import service as audit_service
from alliance.audit.repository import AuditFilters
from alliance.errors import Conflict, PermissionDenied, RuleViolation
from alliance.identity.scope import PartnerScope
from alliance.kit.pagination import PageRequest
from alliance.partners.vocabulary import PartnerStatus, RegistrationKind
from alliance.registrations import attribution_service
from alliance.registrations.lifecycle import Status
from tests.service.attribution.builders import (
    CLOSED_ON,
    add_customer,
    add_registration,
    add_si,
    admin_of,
    partner_actor,
    set_program_rule,
    win,
)

INFLUENCE = RegistrationKind.INFLUENCE
DEAL = RegistrationKind.DEAL
PROJECT = RegistrationKind.PROJECT


@pytest.fixture
def session(db, world):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="attribution tests")) as session:
        yield session


def credits(entries):  # type: ignore[no-untyped-def]
    return sorted((e.credit_type, e.partner_id, e.amount, e.share_percent) for e in entries)


class TestDirectCredit:
    def test_registrant_transacts_when_no_transacting_partner(self, session, world):
        customer = add_customer(session, "Fabrikam")
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        entries = win(session, admin_of(world), deal, "1000.50")
        assert credits(entries) == [("direct", world.b.id, Decimal("1000.50"), Decimal("100.00"))]
        entry = entries[0]
        assert (entry.registration_id, entry.closing_registration_id, entry.customer_id, entry.currency) == (deal.id, deal.id, customer, "USD")
        assert entry.effective_on == CLOSED_ON and entry.recorded_by == world.emails["admin"]

    def test_transacting_partner_gets_direct_credit(self, session, world):
        customer = add_customer(session, "Fabrikam")
        deal = add_registration(session, partner_id=world.a.id, kind=DEAL, customer_id=customer, transacting_partner_id=world.b.id)
        assert credits(win(session, admin_of(world), deal, "500")) == [("direct", world.b.id, Decimal("500.00"), Decimal("100.00"))]

    @pytest.mark.parametrize("how", ["details", "argument"])
    def test_vendor_transacted_deal_is_vendor_direct(self, session, world, how):
        customer = add_customer(session, "Fabrikam")
        details = {"transacting": "vendor"} if how == "details" else {}
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer, details=details)
        kwargs = {"vendor_transacted": True} if how == "argument" else {}
        assert credits(win(session, admin_of(world), deal, "750", **kwargs)) == [("vendor_direct", None, Decimal("750.00"), Decimal("100.00"))]

    def test_project_credits_services_to_the_registrant(self, session, world):
        customer = add_customer(session, "Fabrikam")
        project = add_registration(session, partner_id=world.a.id, kind=PROJECT, customer_id=customer)
        assert credits(win(session, admin_of(world), project, "250000")) == [("services", world.a.id, Decimal("250000.00"), Decimal("100.00"))]

    def test_each_entry_is_audited(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        entries = win(session, admin_of(world), deal, "100")
        events = audit_service.list_events(session, admin_of(world), filters=AuditFilters(action="attribution.recorded"), page=PageRequest()).items
        assert sorted(int(e.entity_id) for e in events) == sorted(e.id for e in entries)
        assert {e.partner_id for e in events} == {world.a.id, world.b.id}


class TestInfluenceCredit:
    def test_partner_of_record_gets_influence_at_the_program_rule(self, session, world):
        customer = add_customer(session, "Fabrikam")
        influence = add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        entries = win(session, admin_of(world), deal, "1000")
        assert credits(entries) == [
            ("direct", world.b.id, Decimal("1000.00"), Decimal("100.00")),
            ("influence", world.a.id, Decimal("1000.00"), Decimal("100.00")),
        ]
        influence_entry = next(e for e in entries if e.credit_type == "influence")
        assert influence_entry.registration_id == influence.id and influence_entry.closing_registration_id == deal.id
        assert "si-regional" in influence_entry.rule

    def test_project_registration_is_of_record_for_a_deal(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=PROJECT, customer_id=customer)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        assert ("influence", world.a.id) in [(e.credit_type, e.partner_id) for e in win(session, admin_of(world), deal, "10")]

    def test_other_si_is_of_record_for_a_project(self, session, world):
        customer = add_customer(session, "Fabrikam")
        other = add_si(session, world, "Tailspin Data")
        add_registration(session, partner_id=other, kind=INFLUENCE, customer_id=customer)
        project = add_registration(session, partner_id=world.a.id, kind=PROJECT, customer_id=customer)
        assert credits(win(session, admin_of(world), project, "300")) == [
            ("influence", other, Decimal("300.00"), Decimal("100.00")),
            ("services", world.a.id, Decimal("300.00"), Decimal("100.00")),
        ]

    def test_partner_credited_direct_gets_no_influence_on_the_same_close(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer)
        deal = add_registration(session, partner_id=world.a.id, kind=DEAL, customer_id=customer)
        assert credits(win(session, admin_of(world), deal, "10")) == [("direct", world.a.id, Decimal("10.00"), Decimal("100.00"))]

    def test_registrant_that_did_not_transact_keeps_its_influence(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer)
        deal = add_registration(session, partner_id=world.a.id, kind=DEAL, customer_id=customer, transacting_partner_id=world.b.id)
        assert [(e.credit_type, e.partner_id) for e in win(session, admin_of(world), deal, "10")] == [("direct", world.b.id), ("influence", world.a.id)]

    def test_several_registrations_of_one_partner_count_once(self, session, world):
        customer = add_customer(session, "Fabrikam")
        first = add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer, approved_at=datetime(2025, 1, 2, tzinfo=UTC))
        add_registration(session, partner_id=world.a.id, kind=PROJECT, customer_id=customer, approved_at=datetime(2025, 2, 2, tzinfo=UTC))
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        influence = [e for e in win(session, admin_of(world), deal, "10") if e.credit_type == "influence"]
        assert [(e.partner_id, e.registration_id) for e in influence] == [(world.a.id, first.id)]

    @pytest.mark.parametrize(
        "change",
        [
            {"protected_until": date(2025, 5, 14)},  # protection ended the day before the close
            {"products": ("edge-gateway",)},  # no product line in common
            {"status": Status.REJECTED},
            {"status": Status.WITHDRAWN},
            {"status": Status.SUBMITTED, "approved_at": None},
            {"approved_at": datetime(2025, 5, 16, 9, tzinfo=UTC)},  # approved after the close date
            {"other_customer": True},
        ],
        ids=["expired-protection", "no-overlap", "rejected", "withdrawn", "not-approved", "approved-later", "other-customer"],
    )
    def test_registrations_not_of_record_get_nothing(self, session, world, change):
        customer = add_customer(session, "Fabrikam")
        other_customer = add_customer(session, "Northwind Traders")
        fields = {k: v for k, v in change.items() if k != "other_customer"}
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=other_customer if change.get("other_customer") else customer, **fields)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer, products=("data-platform", "analytics"))
        assert [e.credit_type for e in win(session, admin_of(world), deal, "10")] == ["direct"]

    def test_protection_ending_on_the_close_date_still_counts(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer, protected_until=CLOSED_ON)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        assert "influence" in [e.credit_type for e in win(session, admin_of(world), deal, "10")]

    def test_expired_since_the_close_date_still_counts(self, session, world):
        """A close recorded late: the registration expired after the close, so it was of record then."""
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer, status=Status.EXPIRED, protected_until=date(2025, 5, 20))
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        assert "influence" in [e.credit_type for e in win(session, admin_of(world), deal, "10")]

    def test_terminated_partner_gets_nothing(self, session, world):
        customer = add_customer(session, "Fabrikam")
        gone = add_si(session, world, "Gone Consulting", status=PartnerStatus.TERMINATED)
        add_registration(session, partner_id=gone, kind=INFLUENCE, customer_id=customer)
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        assert [e.credit_type for e in win(session, admin_of(world), deal, "10")] == ["direct"]

    def test_no_customer_means_no_influence(self, session, world):
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=None)
        assert [e.credit_type for e in win(session, admin_of(world), deal, "10")] == ["direct"]

    def test_equal_split_shares_the_program_pool_and_sums_exactly(self, session, world):
        set_program_rule(session, world, "si-technology", "50", "equal")
        customer = add_customer(session, "Fabrikam")
        first = add_si(session, world, "First Tech SI")
        second = add_si(session, world, "Second Tech SI")
        add_registration(session, partner_id=second, kind=INFLUENCE, customer_id=customer, approved_at=datetime(2025, 2, 1, tzinfo=UTC))
        add_registration(session, partner_id=first, kind=INFLUENCE, customer_id=customer, approved_at=datetime(2025, 1, 1, tzinfo=UTC))
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer)  # si-regional: 100 % full
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer)
        influence = {e.partner_id: (e.amount, e.share_percent) for e in win(session, admin_of(world), deal, "100.01") if e.credit_type == "influence"}
        # 50 % of 100.01 = 50.005 -> 50.01, shared by two: the first registered takes the odd cent.
        assert influence == {
            first: (Decimal("25.01"), Decimal("25.00")),
            second: (Decimal("25.00"), Decimal("25.00")),
            world.a.id: (Decimal("100.01"), Decimal("100.00")),
        }

    def test_currency_follows_the_closing_registration(self, session, world):
        customer = add_customer(session, "Fabrikam")
        add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=customer, currency="USD")
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=customer, currency="EUR")
        assert {e.currency for e in win(session, admin_of(world), deal, "10")} == {"EUR"}


class TestRefusals:
    def test_only_a_won_registration(self, session, world):
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=None)
        with pytest.raises(Conflict):
            attribution_service.record_close(session, admin_of(world), deal, booked_amount=Decimal(10), closed_on=CLOSED_ON)

    def test_a_close_is_recorded_once(self, session, world):
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=None)
        win(session, admin_of(world), deal, "10")
        with pytest.raises(Conflict):
            attribution_service.record_close(session, admin_of(world), deal, booked_amount=Decimal(10), closed_on=CLOSED_ON)

    def test_influence_registrations_do_not_close_with_an_amount(self, session, world):
        influence = add_registration(session, partner_id=world.a.id, kind=INFLUENCE, customer_id=None)
        with pytest.raises(RuleViolation):
            win(session, admin_of(world), influence, "10")

    @pytest.mark.parametrize("amount", ["-1", "10.005", "NaN"])
    def test_bad_booked_amounts(self, session, world, amount):
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=None)
        with pytest.raises(RuleViolation):
            win(session, admin_of(world), deal, amount)

    def test_partners_cannot_record_a_close(self, session, world):
        deal = add_registration(session, partner_id=world.b.id, kind=DEAL, customer_id=None)
        with pytest.raises(PermissionDenied):
            win(session, partner_actor(world, "b_admin"), deal, "10")

    def test_vendor_and_partner_transacting_at_once_is_refused(self, session, world):
        deal = add_registration(
            session, partner_id=world.a.id, kind=DEAL, customer_id=None, transacting_partner_id=world.b.id, details={"transacting": "vendor"}
        )
        with pytest.raises(RuleViolation):
            win(session, admin_of(world), deal, "10")
