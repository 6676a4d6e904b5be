"""Customer references through the services: a rejection says why; approving needs the customer's
approval for external use on record, which the approver may record in the same act; a refused
decision changes nothing; the decision is audited with before and after."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from alliance.assets import reference_service
from alliance.assets.models import CustomerReference
from alliance.assets.reference_repository import ReferenceFilters
from alliance.assets.schemas import ReferenceDecision, ReferenceInput
from alliance.assets.vocabulary import ReferenceStatus
from alliance.audit.models import AuditEvent
from alliance.errors import NotFound, RuleViolation
from alliance.identity.scope import PartnerScope
from alliance.kit.pagination import PageRequest

STORY = ReferenceInput(customer_name="Northwind Regional Health", title="Claims in hours", problem="Claims took days", outcome="6x faster")


def _submitted(unit, actors, who: str = "a_user", **extra) -> int:  # type: ignore[no-untyped-def]
    with unit(actors[who]) as session:
        data = STORY.model_copy(update=extra)
        return reference_service.submit_reference(session, actors[who], partner_id=None, data=data).id


def _stored(db, reference_id: int) -> CustomerReference:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test read"), write=False) as session:
        found = session.scalars(select(CustomerReference).where(CustomerReference.id == reference_id)).one()
        session.expunge(found)
        return found


class TestDecideReference:
    def test_a_rejection_without_a_reason_is_refused_and_nothing_changes(self, unit, actors, db):
        reference_id = _submitted(unit, actors)
        with pytest.raises(RuleViolation) as refused, unit(actors["cam"]) as session:
            reference_service.decide_reference(session, actors["cam"], reference_id=reference_id, data=ReferenceDecision(approve=False, note="  "))
        assert refused.value.details == [{"field": "note", "message": "required to reject"}]
        assert _stored(db, reference_id).status == ReferenceStatus.SUBMITTED

    def test_approval_needs_the_customers_approval_and_may_record_it(self, unit, actors, db):
        reference_id = _submitted(unit, actors)
        decision = ReferenceDecision(approve=True, customer_approved_on=date(2026, 3, 2))
        with pytest.raises(RuleViolation) as refused, unit(actors["cam"]) as session:
            reference_service.decide_reference(session, actors["cam"], reference_id=reference_id, data=decision)
        assert refused.value.details == [{"field": "customer_approver", "message": "the customer's approval is missing"}]
        with unit(actors["cam"]) as session:
            decision = ReferenceDecision(approve=True, customer_approved_on=date(2026, 3, 2), customer_approver="Dr. Jane Holt, CIO")
            reference_service.decide_reference(session, actors["cam"], reference_id=reference_id, data=decision)
        stored = _stored(db, reference_id)
        assert (stored.status, stored.customer_approved_on, stored.customer_approver) == (ReferenceStatus.APPROVED, date(2026, 3, 2), "Dr. Jane Holt, CIO")
        with db.session_scope(PartnerScope.system(reason="test audit"), write=False) as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer_reference.decided")).one()
            assert event.before["customer_approver"] is None and event.after["customer_approver"] == "Dr. Jane Holt, CIO"

    def test_a_rejection_keeps_what_the_partner_recorded(self, unit, actors, db):
        reference_id = _submitted(unit, actors, customer_approved_on=date(2026, 1, 5), customer_approver="Ann Lee, CTO")
        with unit(actors["cam"]) as session:
            decision = ReferenceDecision(approve=False, note="No figures", customer_approved_on=date(2026, 3, 2), customer_approver="Someone else")
            reference_service.decide_reference(session, actors["cam"], reference_id=reference_id, data=decision)
        stored = _stored(db, reference_id)
        assert (stored.status, stored.decision_note, stored.customer_approver) == (ReferenceStatus.REJECTED, "No figures", "Ann Lee, CTO")


class TestReadReferences:
    def test_a_partner_reads_its_own_only_with_names(self, unit, actors):
        own = _submitted(unit, actors, "a_user")
        other = _submitted(unit, actors, "b_user", customer_name="Harbor Freight Lines")
        with unit(actors["a_user"]) as session:
            entry = reference_service.get_reference(session, actors["a_user"], reference_id=own)
            assert entry.partner_name == "Northwind Consulting" and entry.submitted_by
            with pytest.raises(NotFound):
                reference_service.get_reference(session, actors["a_user"], reference_id=other)
            listed = reference_service.list_references(session, actors["a_user"], filters=ReferenceFilters(), page=PageRequest())
            assert [e.reference.id for e in listed.items] == [own]

    def test_the_queue_order_puts_pending_first_and_oldest_first(self, unit, actors):
        first, second, decided = (_submitted(unit, actors, customer_name=name) for name in ("One", "Two", "Three"))
        with unit(actors["cam"]) as session:
            reference_service.decide_reference(session, actors["cam"], reference_id=decided, data=ReferenceDecision(approve=False, note="No"))
        with unit(actors["cam"]) as session:
            listed = reference_service.list_references(session, actors["cam"], filters=ReferenceFilters(sort="status"), page=PageRequest())
            assert [e.reference.id for e in listed.items] == [first, second, decided]
            newest = reference_service.list_references(session, actors["cam"], filters=ReferenceFilters(), page=PageRequest())
            assert [e.reference.id for e in newest.items][:2] == [decided, second]
