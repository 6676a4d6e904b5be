"""Reversals, corrections, and the contribution report as of any moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import attribution_service
from tests.service.attribution.builders import (
    add_customer,
    add_registration,
    add_si,
    admin_of,
    build_ledger,
    partner_actor,
    win,
)

Q2 = {"period_start": date(2025, 4, 1), "period_end": date(2025, 6, 30)}
T1, T2, T3 = (datetime(2025, 5, 20, 12, tzinfo=UTC), datetime(2025, 6, 2, 12, tzinfo=UTC), datetime(2025, 6, 10, 12, tzinfo=UTC))


def amounts(report, partner_id):  # type: ignore[no-untyped-def]
    row = next(r for r in report.items if r.partner_id == partner_id)
    return {a.currency: (a.direct, a.influenced, a.services, a.total) for a in row.amounts}


@pytest.fixture
def ledger(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(T1)
    built = build_ledger(db, world)
    clock.freeze(None)
    return built


class TestReport:
    def test_per_partner_with_totals(self, db, world, ledger):
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world), **Q2)
        assert [r.partner_name for r in report.items] == ["Blue Harbor", "Northwind Consulting"]
        assert amounts(report, world.a.id) == {"USD": (Decimal("0.00"), Decimal("125000.00"), Decimal("80000.00"), Decimal("205000.00"))}
        assert amounts(report, world.b.id) == {"USD": (Decimal("120000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("120000.00"))}
        (totals,) = report.totals
        assert (totals.direct, totals.influenced, totals.services, totals.total, totals.vendor_direct) == (
            Decimal("120000.00"),
            Decimal("125000.00"),
            Decimal("80000.00"),
            Decimal("325000.00"),
            Decimal("5000.00"),
        )
        assert (totals.entries, totals.closings, report.total) == (5, 3, 2)

    def test_paged_by_partner_with_totals_over_all_pages(self, db, world, ledger):
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world), page=PageRequest(limit=1, offset=1), **Q2)
            past_the_end = attribution_service.contribution_report(session, admin_of(world), page=PageRequest(limit=1, offset=5), **Q2)
        assert [r.partner_id for r in report.items] == [world.a.id] and report.total == 2 and report.has_previous and not report.has_next
        assert report.totals[0].total == Decimal("325000.00")
        assert past_the_end.items == [] and past_the_end.total == 2

    def test_currencies_are_never_converted(self, db, world, ledger):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            deal = add_registration(session, partner_id=world.b.id, kind=RegistrationKind.DEAL, customer_id=ledger.customer_id, currency="EUR")
            win(session, admin_of(world), deal, "1000")
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world), **Q2)
        assert set(amounts(report, world.b.id)) == {"EUR", "USD"}
        assert amounts(report, world.a.id)["EUR"][1] == Decimal("1000.00")
        assert [t.currency for t in report.totals] == ["EUR", "USD"]

    def test_eur_and_jpy_of_one_partner_are_reported_apart(self, db, world, ledger):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            for currency in ("EUR", "JPY"):
                deal = add_registration(session, partner_id=world.b.id, kind=RegistrationKind.DEAL, customer_id=ledger.customer_id, currency=currency)
                win(session, admin_of(world), deal, "100000")
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world), **Q2)
        direct = {currency: cell[0] for currency, cell in amounts(report, world.b.id).items()}
        assert direct == {"EUR": Decimal("100000.00"), "JPY": Decimal("100000.00"), "USD": Decimal("120000.00")}
        assert {t.currency: t.direct for t in report.totals} == direct  # no total adds them up

    def test_period_selects_by_close_date(self, db, world, ledger):
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world), period_start=date(2025, 7, 1), period_end=date(2025, 9, 30))
        assert report.items == [] and report.totals == []

    def test_bad_period_is_refused(self, db, world):
        with db.session_scope(scope_for(admin_of(world))) as session, pytest.raises(RuleViolation) as error:
            attribution_service.contribution_report(session, admin_of(world), period_start=date(2025, 6, 1), period_end=date(2025, 5, 1))
        assert error.value.details[0]["field"] == "period_end"

    def test_defaults_to_the_current_quarter(self, db, world):
        clock.freeze(datetime(2025, 11, 5, tzinfo=UTC))
        with db.session_scope(scope_for(admin_of(world))) as session:
            report = attribution_service.contribution_report(session, admin_of(world))
        assert (report.period_start, report.period_end) == (date(2025, 10, 1), date(2025, 12, 31))

    def test_drill_down_lists_entries_with_their_registrations(self, db, world, ledger):
        with db.session_scope(scope_for(admin_of(world))) as session:
            page = attribution_service.contribution_entries(session, admin_of(world), partner_id=world.a.id, **Q2)
        assert page.total == 3
        first = page.items[0]
        assert first.credit_type == "influence" and first.registration.id == ledger.influence_id
        assert first.registration.title == "Contoso data platform architecture" and first.closing_registration.id == ledger.deal_id


class TestPartnerSeesOwnRowsOnly:
    def test_report_holds_only_the_partners_own_row_and_totals(self, db, world, ledger):
        actor = partner_actor(world, "a_user")
        with db.session_scope(scope_for(actor)) as session:
            report = attribution_service.contribution_report(session, actor, **Q2)
        assert [r.partner_id for r in report.items] == [world.a.id] and report.total == 1
        (totals,) = report.totals
        assert (totals.total, totals.vendor_direct) == (Decimal("205000.00"), Decimal("0.00"))

    def test_partner_without_credit_gets_an_empty_own_row(self, db, world):
        actor = partner_actor(world, "b_user")
        with db.session_scope(scope_for(actor)) as session:
            report = attribution_service.contribution_report(session, actor, **Q2)
        assert [(r.partner_id, r.partner_name, r.amounts) for r in report.items] == [(world.b.id, "Blue Harbor", [])]

    def test_another_partners_row_is_not_found(self, db, world, ledger):
        actor = partner_actor(world, "a_admin")
        with db.session_scope(scope_for(actor)) as session:
            with pytest.raises(NotFound):
                attribution_service.contribution_report(session, actor, partner_id=world.b.id, **Q2)
            with pytest.raises(NotFound):
                attribution_service.contribution_entries(session, actor, partner_id=world.b.id, **Q2)

    def test_transacting_partner_does_not_see_the_registrants_deal(self, db, world):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            customer = add_customer(session, "Fabrikam")
            deal = add_registration(
                session, partner_id=world.a.id, kind=RegistrationKind.DEAL, customer_id=customer, transacting_partner_id=world.b.id, title="A's secret deal"
            )
            win(session, admin_of(world), deal, "10")
        actor = partner_actor(world, "b_user")
        with db.session_scope(scope_for(actor)) as session:
            (entry,) = attribution_service.contribution_entries(session, actor, partner_id=world.b.id, **Q2).items
        assert entry.credit_type == "direct" and entry.amount == Decimal("10.00")
        assert entry.registration is None and entry.closing_registration is None

    def test_the_ledger_list_is_the_vendors(self, db, world, ledger):
        actor = partner_actor(world, "a_admin")
        with db.session_scope(scope_for(actor)) as session, pytest.raises(PermissionDenied):
            attribution_service.list_entries(session, actor, registration_id=None, credit_type=None, partner_id=None, page=PageRequest())


class TestReversal:
    def reverse(self, db, world, entry_id, reason="booked twice"):  # type: ignore[no-untyped-def]
        with db.session_scope(scope_for(admin_of(world))) as session:
            return attribution_service.reverse_entry(session, admin_of(world), entry_id=entry_id, reason=reason)

    def test_reversal_is_a_new_opposite_entry(self, db, world, ledger):
        original_id = ledger.entry_ids["deal/direct"]
        reversal = self.reverse(db, world, original_id)
        assert (reversal.amount, reversal.partner_id, reversal.reverses_entry_id, reversal.reason) == (
            Decimal("-120000.00"),
            world.b.id,
            original_id,
            "booked twice",
        )
        assert reversal.effective_on == date(2025, 5, 15)

    def test_an_entry_is_reversed_once_and_a_reversal_never(self, db, world, ledger):
        reversal = self.reverse(db, world, ledger.entry_ids["deal/direct"])
        with pytest.raises(Conflict):
            self.reverse(db, world, ledger.entry_ids["deal/direct"])
        with pytest.raises(Conflict):
            self.reverse(db, world, reversal.id)

    def test_program_admins_only_and_a_reason(self, db, world, ledger):
        cam = Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label="cam")
        with db.session_scope(scope_for(cam)) as session, pytest.raises(PermissionDenied):
            attribution_service.reverse_entry(session, cam, entry_id=ledger.entry_ids["deal/direct"], reason="x")
        with pytest.raises(RuleViolation):
            self.reverse(db, world, ledger.entry_ids["deal/direct"], reason="  ")
        with pytest.raises(NotFound):
            self.reverse(db, world, 987654)

    def test_report_as_of_a_past_moment_ignores_later_corrections(self, db, world, ledger):
        clock.freeze(T2)
        self.reverse(db, world, ledger.entry_ids["deal/direct"])
        clock.freeze(T3)
        with db.session_scope(scope_for(admin_of(world))) as session:
            before = attribution_service.contribution_report(session, admin_of(world), as_of=datetime(2025, 6, 1, tzinfo=UTC), **Q2)
            after = attribution_service.contribution_report(session, admin_of(world), **Q2)
            before_recording = attribution_service.contribution_report(session, admin_of(world), as_of=datetime(2025, 5, 1, tzinfo=UTC), **Q2)
        assert amounts(before, world.b.id)["USD"][0] == Decimal("120000.00")
        assert amounts(after, world.b.id)["USD"][0] == Decimal("0.00")
        assert before.totals[0].total == Decimal("325000.00") and after.totals[0].total == Decimal("205000.00")
        assert before_recording.items == []


class TestCorrectClose:
    def test_reverses_and_records_again_with_the_new_amount(self, db, world, ledger):
        admin = admin_of(world)
        clock.freeze(T2)
        with db.session_scope(scope_for(admin)) as session:
            entries = attribution_service.correct_close(
                session, admin, registration_id=ledger.deal_id, booked_amount=Decimal("100000.00"), reason="credit note"
            )
        assert sorted((e.credit_type, e.amount) for e in entries) == [("direct", Decimal("100000.00")), ("influence", Decimal("100000.00"))]
        clock.freeze(T3)
        with db.session_scope(scope_for(admin)) as session:
            now = attribution_service.contribution_report(session, admin, **Q2)
            then = attribution_service.contribution_report(session, admin, as_of=T1, **Q2)
            lines = attribution_service.list_entries(
                session, admin, registration_id=ledger.deal_id, credit_type=None, partner_id=None, page=PageRequest()
            ).items
        assert amounts(now, world.b.id)["USD"][0] == Decimal("100000.00") and amounts(then, world.b.id)["USD"][0] == Decimal("120000.00")
        assert amounts(now, world.a.id)["USD"][1] == Decimal("105000.00")
        assert len(lines) == 6  # two originals, two reversals, two new entries
        with db.session_scope(scope_for(admin)) as session, pytest.raises(Conflict):
            attribution_service.correct_close(session, admin, registration_id=ledger.influence_id, booked_amount=Decimal(1), reason="not won")

    def test_new_partners_of_record_are_found_again(self, db, world, ledger):
        admin = admin_of(world)
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            late = add_si(session, world, "Late Architects")
            add_registration(session, partner_id=late, kind=RegistrationKind.INFLUENCE, customer_id=ledger.customer_id)
        with db.session_scope(scope_for(admin)) as session:
            entries = attribution_service.correct_close(session, admin, registration_id=ledger.deal_id, booked_amount=Decimal(10), reason="fix")
        assert {e.partner_id for e in entries if e.credit_type == "influence"} == {world.a.id, late}
