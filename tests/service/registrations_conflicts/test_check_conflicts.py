"""check_conflicts against a real database: candidates through the customer record and matching,
scope overlap by product line, account rules, supersession, audit, and a bounded query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from alliance.audit.models import AuditEvent
from alliance.customers.vocabulary import Ownership
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import conflict_service
from alliance.registrations.conflict_repository import ConflictRepository
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration, RegistrationConflict
from alliance.registrations.vocabulary import ConflictCheck, ConflictKind
from tests.service.registrations_conflicts.conftest import TODAY, Typed, days_ago

DEAL, PROJECT, INFLUENCE = RegistrationKind.DEAL, RegistrationKind.PROJECT, RegistrationKind.INFLUENCE


@pytest.fixture
def acme(add_customer) -> int:  # type: ignore[no-untyped-def]
    return add_customer("Acme Analytics, Inc.", "https://www.acme-analytics.com")


class TestSameKind:
    def test_earlier_approved_deal_holds_and_the_later_is_flagged(self, world, acme, add_registration, check):
        held = add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8), lines=("analytics", "cloud", "iot"))
        mine = add_registration(world.b.id, acme, lines=("analytics", "cloud", "security"))
        [finding] = check(mine)
        assert (finding.kind, finding.other_registration_id, finding.partner_id) == (ConflictKind.SAME_KIND_OVERLAP, held, world.b.id)
        assert (finding.step, finding.score, finding.is_current) == (ConflictCheck.SUBMIT, 1.0, True)
        assert finding.partner_message.startswith("Overlaps an earlier registration of 2026-03-02: same customer, 2 of 3 product lines.")
        assert finding.evidence["products"] == {"shared": ["analytics", "cloud"], "shared_count": 2, "of": 3, "other_count": 3}
        assert finding.evidence["customer_id"] == acme and finding.evidence["customer_match"] == "same_record"

    def test_earlier_pending_deal_is_first_in_the_queue_and_the_earlier_one_is_not_flagged(self, world, acme, add_registration, check):
        first = add_registration(world.a.id, acme, status=Status.IN_REVIEW, submitted_at=days_ago(3))
        second = add_registration(world.b.id, acme, submitted_at=days_ago(1))
        assert [(f.kind, f.other_registration_id) for f in check(second)] == [(ConflictKind.SAME_KIND_OVERLAP, first)]
        assert check(first, step=ConflictCheck.REVIEW) == []

    def test_found_through_matching_when_the_customer_record_differs(self, world, acme, add_customer, add_registration, check):
        duplicate = add_customer("Acme Analytics Corporation", "acme-analytics.com")
        held = add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8))
        mine = add_registration(world.b.id, duplicate, typed=Typed("Acme Analytcs Corp", "http://acme-analytics.com/contact"), lines=("cloud",))
        [finding] = check(mine)
        assert finding.other_registration_id == held
        assert finding.evidence["customer_match"] == "matched" and finding.evidence["domain"] == "same"
        assert 0.9 <= finding.score < 1.0
        assert "same website domain" in finding.partner_message and "1 of 1 product line." in finding.partner_message

    def test_different_company_sharing_a_word_is_not_a_conflict(self, world, acme, add_customer, add_registration, check):
        logistics = add_customer("Acme Logistics GmbH", "acme-logistics.de", "DE")
        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8))
        mine = add_registration(world.b.id, logistics, typed=Typed("Acme Logistics GmbH", "acme-logistics.de", "DE"))
        assert check(mine) == []

    def test_not_flagged_without_a_common_line_after_expiry_or_when_closed(self, world, acme, add_registration, check):
        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(9), lines=("networking",))
        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(200), protected_until=TODAY - timedelta(days=1))
        for status in (Status.REJECTED, Status.WITHDRAWN, Status.WON, Status.DRAFT):
            add_registration(world.a.id, acme, status=status, submitted_at=days_ago(5))
        add_registration(world.b.id, acme, status=Status.APPROVED, submitted_at=days_ago(9))  # the same partner's own
        assert check(add_registration(world.b.id, acme)) == []


class TestInfluenceAndAccounts:
    def test_si_influence_holds_against_a_resellers_deal(self, world, acme, add_registration, check):
        influence = add_registration(world.a.id, acme, kind=INFLUENCE, status=Status.APPROVED, submitted_at=days_ago(60))
        deal = add_registration(world.b.id, acme, kind=DEAL)
        [finding] = check(deal)
        assert (finding.kind, finding.other_registration_id) == (ConflictKind.INFLUENCE_HOLDS, influence)
        assert "may still be approved for the transaction" in finding.partner_message

    def test_resellers_influence_is_only_informational(self, world, acme, add_registration, check):
        add_registration(world.b.id, acme, kind=PROJECT, status=Status.APPROVED, submitted_at=days_ago(60))
        assert [f.kind for f in check(add_registration(world.a.id, acme, kind=DEAL))] == [ConflictKind.CROSS_KIND_OVERLAP]

    def test_vendor_direct_account(self, world, add_customer, add_registration, check):
        direct = add_customer("Globex Corporation", "globex.example", ownership=Ownership.VENDOR_DIRECT)
        [finding] = check(add_registration(world.b.id, direct, typed=Typed("Globex Corporation", "globex.example")))
        assert (finding.kind, finding.other_registration_id) == (ConflictKind.VENDOR_DIRECT, None)
        assert finding.partner_message == "This customer is a vendor-direct account: the vendor sells to it directly."

    def test_account_protected_by_another_si(self, world, add_customer, add_registration, check):
        until = TODAY + timedelta(days=120)
        protected = add_customer("Initech", "initech.example", ownership=Ownership.SI_PROTECTED, owner=world.a.id, until=until)
        typed = Typed("Initech", "initech.example")
        [finding] = check(add_registration(world.b.id, protected, typed=typed))
        assert (finding.kind, finding.other_registration_id) == (ConflictKind.SI_PROTECTED, None)
        assert finding.partner_message == f"This customer is protected by another partner until {until.isoformat()}."
        assert "Northwind" not in finding.partner_message
        assert check(add_registration(world.a.id, protected, typed=typed, lines=("iot",))) == []  # the protecting SI itself


class TestRecheck:
    def test_review_replaces_the_current_findings_and_keeps_history(self, world, acme, add_registration, check, unit, actors):
        first = add_registration(world.a.id, acme, status=Status.SUBMITTED, submitted_at=days_ago(3))
        mine = add_registration(world.b.id, acme)
        [on_submit] = check(mine)
        with unit(actors["cam"]) as session:
            session.get_one(Registration, first, with_for_update=True).status = Status.REJECTED
        assert check(mine, step=ConflictCheck.REVIEW, as_actor=actors["cam"]) == []
        with unit(actors["cam"]) as session:
            rows = session.scalars(select(RegistrationConflict).where(RegistrationConflict.registration_id == mine)).all()
            assert [(r.id, r.is_current) for r in rows] == [(on_submit.id, False)]
            assert conflict_service.conflict_counts(session, [mine, first]) == {mine: 0, first: 0}

    def test_each_check_is_audited(self, world, acme, add_customer, add_registration, check, unit, actors):
        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8))
        mine = add_registration(world.b.id, acme)
        check(mine)
        with unit(actors["cam"]) as session:
            [event_] = session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.conflicts_checked")).all()
            assert (event_.entity_type, event_.entity_id, event_.partner_id) == ("registration", str(mine), world.b.id)
            assert event_.after == {"count": 1, "kinds": ["same_kind_overlap"]}


class TestBoundedQueries:
    def _statements(self, db, check_one) -> int:  # type: ignore[no-untyped-def]
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            check_one()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    def test_statement_count_does_not_grow_with_registrations_on_the_customer(self, db, world, acme, add_registration, unit, actors):
        def run(registration_id: int) -> int:
            with unit(actors["b_user"]) as session:
                registration = session.get_one(Registration, registration_id, with_for_update=True)
                session.flush()

                def one() -> None:
                    assert conflict_service.check_conflicts(session, registration, step=ConflictCheck.SUBMIT)

                return self._statements(db, one)

        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(30))
        few = run(add_registration(world.b.id, acme))
        for i in range(40):
            add_registration(world.a.id, acme, status=Status.SUBMITTED, submitted_at=days_ago(20 - i * 0.1), lines=("analytics", "cloud", f"x{i}"))
        many = run(add_registration(world.b.id, acme))
        assert few == many
        assert many <= 20

    def test_candidates_are_read_through_the_customer_status_index(self, db, world, acme, add_registration, unit, actors):
        """On PostgreSQL sequential scans are priced out first: tiny tables are otherwise cheapest
        to scan, and the question is whether an index serves the query at all."""
        add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8))
        captured: list[tuple[str, object]] = []

        def keep(_conn, _cursor, statement, parameters, *_args):  # type: ignore[no-untyped-def]
            captured.append((statement, parameters))

        with unit(actors["b_user"]) as session:
            event.listen(db.engine, "before_cursor_execute", keep)
            try:
                ConflictRepository(session).active_on_customers([acme], other_than_partner_id=world.b.id, product_lines=["cloud"])
            finally:
                event.remove(db.engine, "before_cursor_execute", keep)
            statement, parameters = captured[-1]
            connection = session.connection()
            if db.is_sqlite:
                plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]  # type: ignore[arg-type]
            else:
                connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
                plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]  # type: ignore[arg-type]
        assert any("ix_registrations_customer_status" in line for line in plan), plan
