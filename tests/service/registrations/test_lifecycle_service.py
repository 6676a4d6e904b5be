"""Filing and the review lifecycle through the service, on the real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.customers.models import Customer
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.kit import clock
from alliance.registrations import service as registration_service
from alliance.registrations.models import AttributionEntry, RegistrationEvent
from alliance.registrations.protection import DEFAULT_PROTECTION_DAYS
from alliance.registrations.schemas import REGISTRATION_CREATE, RegistrationUpdate
from tests.factories.world import deal_input
from tests.service.registrations.conftest import APPROVE

PROJECT = {
    "kind": "project",
    "title": "ERP rollout",
    "customer": {"name": "Globex Corporation", "website": "globex.example", "country": "de"},
    "product_lines": ["data-platform", "integration-hub"],
    "amount": "2500000",
    "currency": "usd",
    "project_name": "Phoenix",
    "scope_description": "Data platform and integration",
    "phases": [{"name": "Design", "starts_on": "2030-01-01", "ends_on": "2030-03-31"}],
    "delivery_starts_on": "2030-01-01",
    "delivery_ends_on": "2031-06-30",
}
INFLUENCE = {
    "kind": "influence",
    "title": "Lakehouse choice",
    "customer": {"name": "Initech"},
    "product_lines": ["analytics"],
    "architecture_decision": "Lakehouse platform for the group",
    "candidate_platforms": ["Us", "Them"],
    "competitors": ["Them"],
    "registrant_role": "lead_architect",
    "decision_expected_on": "2030-09-01",
    "evidence": [{"kind": "meeting", "on": "2026-01-10", "description": "Architecture workshop"}],
}


def audit_actions(session, registration_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """This service's audit events of a registration (the conflict check records its own)."""
    statement = select(AuditEvent.action).where(AuditEvent.entity_type == "registration", AuditEvent.entity_id == str(registration_id))
    return [action for action in session.scalars(statement.order_by(AuditEvent.seq)) if action != "registration.conflicts_checked"]


class TestCreate:
    def test_each_kind_stores_columns_and_details(self, register, unit, actors, world):
        deal_id = register()
        project_id = register(body=PROJECT)
        influence_id = register(body=INFLUENCE)
        with unit(actors["a_user"]) as session:
            deal = registration_service.get_registration(session, actors["a_user"], registration_id=deal_id)
            assert (deal.status, deal.partner_id, deal.transacting_partner_id, deal.details["stage"]) == ("draft", world.a.id, world.a.id, "qualifying")
            project = registration_service.get_registration(session, actors["a_user"], registration_id=project_id)
            assert (project.currency, project.expected_close_on, project.amount) == ("USD", date(2031, 6, 30), Decimal("2500000"))
            assert project.details["phases"] == [{"name": "Design", "starts_on": "2030-01-01", "ends_on": "2030-03-31"}]
            assert project.product_lines == ["data-platform", "integration-hub"] and project.customer_country == "DE"
            influence = registration_service.get_registration(session, actors["a_user"], registration_id=influence_id)
            assert influence.amount is None and influence.expected_close_on == date(2030, 9, 1) and influence.customer_id is None
            assert audit_actions(session, deal_id) == ["registration.created"]
            [event] = registration_service.registration_history(session, actors["a_user"], registration_id=deal_id)
            assert (event.action, event.to_status, event.actor_side) == ("created", "draft", "partner")

    def test_only_partner_users_register(self, unit, actors, catalog):
        data = REGISTRATION_CREATE.validate_python(deal_input("Deal", "Acme"))
        for who in ("admin", "cam", "auditor"):
            with pytest.raises(PermissionDenied), unit(actors[who]) as session:
                registration_service.create_registration(session, actors[who], data=data)

    def test_unknown_or_inactive_product_line_is_named(self, register):
        with pytest.raises(RuleViolation) as caught:
            register(product_lines=["analytics", "quantum-toaster"])
        assert caught.value.details == [{"field": "product_lines", "message": "unknown or inactive product line 'quantum-toaster'"}]

    def test_only_the_registrant_itself_may_be_named_transacting(self, register, world):
        """It sees no other partner: every other id gets the same answer, whatever exists."""
        assert register(transacting_partner_id=world.a.id)
        refusals = []
        for other in (world.b.id, 999_999):
            with pytest.raises(RuleViolation) as caught:
                register(transacting_partner_id=other)
            refusals.append((caught.value.message, caught.value.details))
        assert refusals[0] == refusals[1] and refusals[0][1][0]["field"] == "transacting_partner_id"

    def test_unknown_customer_id(self, register):
        with pytest.raises(RuleViolation) as caught:
            register(customer={"customer_id": 424242})
        assert caught.value.details[0]["field"] == "customer.customer_id"

    def test_create_and_submit_in_one_call(self, register, unit, actors):
        registration_id = register(submit=True)
        with unit(actors["cam"]) as session:
            registration = registration_service.get_registration(session, actors["cam"], registration_id=registration_id)
            assert registration.status == "submitted" and registration.customer_id is not None and registration.submitted_at is not None
            assert audit_actions(session, registration_id) == ["registration.created", "registration.submitted"]


class TestUpdate:
    def test_partial_change_is_revalidated_and_audited(self, register, unit, actors):
        registration_id = register()
        with unit(actors["a_user"]) as session:
            registration_service.update_registration(
                session,
                actors["a_user"],
                registration_id=registration_id,
                data=RegistrationUpdate(title="Renamed", stage="proposal", product_lines=["ml-studio"]),
            )
        with unit(actors["a_user"]) as session:
            registration = registration_service.get_registration(session, actors["a_user"], registration_id=registration_id)
            assert (registration.title, registration.details["stage"], registration.product_lines) == ("Renamed", "proposal", ["ml-studio"])
            assert audit_actions(session, registration_id)[-1] == "registration.updated"

    def test_fields_of_another_kind_are_refused(self, register, unit, actors):
        registration_id = register()
        with pytest.raises(RuleViolation) as caught, unit(actors["a_user"]) as session:
            registration_service.update_registration(session, actors["a_user"], registration_id=registration_id, data=RegistrationUpdate(project_name="X"))
        assert caught.value.details[0]["field"] == "project_name"

    def test_only_drafts_and_info_requested(self, register, unit, actors, act):
        registration_id = register()
        act(registration_id, ("a_user", "submit"))
        with pytest.raises(Conflict), unit(actors["a_user"]) as session:
            registration_service.update_registration(session, actors["a_user"], registration_id=registration_id, data=RegistrationUpdate(title="Late"))
        act(registration_id, ("cam", "start_review"), ("cam", "request_info", "Which business unit?"))
        with unit(actors["a_user"]) as session:
            registration_service.update_registration(session, actors["a_user"], registration_id=registration_id, data=RegistrationUpdate(title="BU Retail"))

    def test_other_partner_gets_not_found(self, register, unit, actors):
        registration_id = register()
        with pytest.raises(NotFound), unit(actors["b_user"]) as session:
            registration_service.update_registration(session, actors["b_user"], registration_id=registration_id, data=RegistrationUpdate(title="Mine"))
        for action in ("withdraw", "submit"):
            with pytest.raises(NotFound), unit(actors["b_user"]) as session:
                registration_service.act(session, actors["b_user"], registration_id=registration_id, action=action)


class TestLifecycle:
    def test_submit_resolves_the_customer_and_stamps_server_time(self, register, unit, actors, act):
        registration_id = register()
        moment = datetime(2030, 5, 6, 9, 30, tzinfo=UTC)
        clock.freeze(moment)
        registration = act(registration_id, ("a_user", "submit"))
        assert registration.submitted_at == moment == registration.last_submitted_at == registration.status_changed_at
        with unit(actors["cam"]) as session:
            [customer] = session.scalars(select(Customer)).all()
            assert customer.name == "Acme Analytics" and customer.ownership == "open"
            assert registration.customer_id == customer.id

    def test_submit_links_an_existing_customer_by_matching(self, register, unit, actors, act):
        first = register(customer={"name": "Acme Analytics Inc.", "country": "US"})
        second = register(customer={"name": "ACME Analytics", "country": "US"})
        act(first, ("a_user", "submit"))
        act(second, ("a_user", "submit"))
        with unit(actors["cam"]) as session:
            assert session.scalars(select(Customer.id)).all() and len(session.scalars(select(Customer.id)).all()) == 1

    def test_full_approval_path_with_history_and_audit(self, register, unit, actors, act, world):
        registration_id = register()
        clock.freeze(datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
        registration = act(registration_id, *APPROVE)
        assert registration.status == "approved" and registration.approved_at is not None
        # Partner A (regional SI) starts on its program's entry tier; its deal protection days come from there.
        with unit(actors["cam"]) as session:
            expected = registration_service.RegistrationRepository(session).protection_days(world.a.id, "deal")
            assert expected is not None
            assert registration.protected_until == date(2030, 5, 6) + timedelta(days=expected)
            assert audit_actions(session, registration_id) == [
                "registration.created",
                "registration.submitted",
                "registration.review_started",
                "registration.approved",
            ]
        with unit(actors["a_user"]) as session:
            events = registration_service.registration_history(session, actors["a_user"], registration_id=registration_id)
            assert [(e.action, e.from_status, e.to_status) for e in events] == [
                ("created", None, "draft"),
                ("submit", "draft", "submitted"),
                ("start_review", "submitted", "in_review"),
                ("approve", "in_review", "approved"),
            ]
            assert events[-1].actor_label == "Channel account manager" and events[-1].reason == "Qualified opportunity"

    def test_protection_defaults_without_a_tier(self, register, unit, actors, act, world, db):
        from alliance.identity.scope import PartnerScope
        from alliance.partners.models import Partner

        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.get(Partner, world.a.id, with_for_update=True).tier_id = None  # type: ignore[union-attr]
        clock.freeze(datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
        registration = act(register(body=INFLUENCE), *APPROVE)
        assert registration.protected_until == date(2030, 5, 6) + timedelta(days=DEFAULT_PROTECTION_DAYS["influence"])

    @pytest.mark.parametrize("action", ["request_info", "approve", "reject"])
    def test_vendor_decisions_need_a_reason(self, register, act, action):
        registration_id = register()
        act(registration_id, ("a_user", "submit"), ("cam", "start_review"))
        with pytest.raises(RuleViolation) as caught:
            act(registration_id, ("cam", action))
        assert caught.value.details[0]["field"] == "reason"

    def test_withdraw_needs_a_reason_after_submit_only(self, register, act):
        assert act(register(), ("a_user", "withdraw")).status == "withdrawn"
        registration_id = register()
        act(registration_id, ("a_user", "submit"))
        with pytest.raises(RuleViolation):
            act(registration_id, ("a_user", "withdraw"))
        assert act(registration_id, ("a_user", "withdraw", "Customer paused")).status == "withdrawn"

    def test_sides(self, register, act, unit, actors):
        registration_id = register()
        with pytest.raises(PermissionDenied):
            act(registration_id, ("cam", "submit"))
        act(registration_id, ("a_user", "submit"))
        with pytest.raises(PermissionDenied):
            act(registration_id, ("a_admin", "start_review"))
        for who in ("auditor", "executive"):
            with pytest.raises(PermissionDenied):
                act(registration_id, (who, "start_review"))
        act(registration_id, ("admin", "start_review"))

    def test_impossible_transitions_are_conflicts(self, register, act):
        registration_id = register()
        with pytest.raises(Conflict):
            act(registration_id, ("cam", "approve", "too early"))
        act(registration_id, ("a_user", "withdraw"))
        with pytest.raises(Conflict):
            act(registration_id, ("a_user", "submit"))

    def test_info_requested_then_resubmitted_keeps_first_submission_time(self, register, act):
        registration_id = register()
        clock.freeze(datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
        act(registration_id, ("a_user", "submit"), ("cam", "start_review"), ("cam", "request_info", "Amount?"))
        clock.freeze(datetime(2030, 5, 8, 9, 0, tzinfo=UTC))
        registration = act(registration_id, ("a_user", "submit"))
        assert registration.submitted_at == datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
        assert registration.last_submitted_at == datetime(2030, 5, 8, 9, 0, tzinfo=UTC)

    def test_rejection_and_loss(self, register, act):
        rejected = register()
        assert act(rejected, ("a_user", "submit"), ("cam", "start_review"), ("cam", "reject", "Duplicate")).decision_reason == "Duplicate"
        lost = act(register(), *APPROVE, ("a_user", "mark_lost", "Budget cut"))
        assert lost.status == "lost" and lost.closed_on is not None


class TestMarkWon:
    def test_vendor_confirms_the_booking(self, register, act, unit, actors):
        registration_id = register()
        act(registration_id, *APPROVE)
        with unit(actors["cam"]) as session:
            registration = registration_service.mark_won(
                session, actors["cam"], registration_id=registration_id, booked_amount=Decimal("99000"), closed_on=clock.today()
            )
            assert (registration.status, registration.booked_amount, registration.closed_on) == ("won", Decimal("99000"), clock.today())
            assert audit_actions(session, registration_id)[-1] == "registration.won"
            assert [
                e.action
                for e in session.scalars(select(RegistrationEvent).where(RegistrationEvent.registration_id == registration_id).order_by(RegistrationEvent.id))
            ][-1] == "mark_won"
            # The attribution hook ran in the same transaction: the registrant gets direct credit.
            entries = session.scalars(select(AttributionEntry).where(AttributionEntry.closing_registration_id == registration_id)).all()
            assert [(e.partner_id, e.credit_type, e.amount) for e in entries] == [(registration.partner_id, "direct", Decimal("99000.00"))]

    def test_partners_cannot_mark_won(self, register, act, unit, actors):
        registration_id = register()
        act(registration_id, *APPROVE)
        with pytest.raises(PermissionDenied), unit(actors["a_user"]) as session:
            registration_service.mark_won(session, actors["a_user"], registration_id=registration_id, booked_amount=Decimal(1), closed_on=clock.today())

    def test_influence_is_never_won(self, register, act, unit, actors):
        registration_id = register(body=INFLUENCE)
        act(registration_id, *APPROVE)
        with pytest.raises(Conflict) as caught, unit(actors["cam"]) as session:
            registration_service.mark_won(session, actors["cam"], registration_id=registration_id, booked_amount=Decimal(1), closed_on=clock.today())
        assert "influence" in caught.value.message

    def test_close_date_and_amount_are_checked(self, register, act, unit, actors):
        registration_id = register()
        act(registration_id, *APPROVE)
        for amount, closed_on, field in ((Decimal(0), clock.today(), "booked_amount"), (Decimal(5), clock.today() + timedelta(days=1), "closed_on")):
            with pytest.raises(RuleViolation) as caught, unit(actors["cam"]) as session:
                registration_service.mark_won(session, actors["cam"], registration_id=registration_id, booked_amount=amount, closed_on=closed_on)
            assert caught.value.details[0]["field"] == field

    def test_only_approved(self, register, act, unit, actors):
        registration_id = register()
        act(registration_id, ("a_user", "submit"))
        with pytest.raises(Conflict), unit(actors["cam"]) as session:
            registration_service.mark_won(session, actors["cam"], registration_id=registration_id, booked_amount=Decimal(5), closed_on=clock.today())
