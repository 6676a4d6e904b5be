"""MDF from budget to payment through the services: allocations within the budget, requests within
the available balance, partial approvals with reasons, claims within the deadline and capped by the
reimbursement percentage and the approved request, payment; the sweep's expiry, released
commitments and claim reminders (frozen clocks); nothing written when a rule refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, RuleViolation
from alliance.files.vocabulary import FilePurpose
from alliance.funds import service as fund_service
from alliance.funds.models import FundClaim, FundLedgerEntry, FundRequest
from alliance.funds.schemas import AllocationSet, BudgetCreate, BudgetUpdate, BudgetWithdrawal, ClaimCreate, Decision, FundRequestCreate, Payment
from alliance.funds.vocabulary import ClaimStatus, RequestStatus
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.notifications.models import OutboxMessage
from alliance.notifications.repository import OutboxRepository
from alliance.notifications.vocabulary import EventType
from alliance.partners.models import Partner, Program, Tier
from tests.factories.funds import allocate, claim_input, partner_actor, program_of, request_input, stored_file, year
from tests.service.notifications.conftest import renderer


@pytest.fixture(autouse=True)
def _release_clock() -> Iterator[None]:
    yield
    clock.freeze(None)


def rendered(db) -> list[str]:  # type: ignore[no-untyped-def]
    """Every queued message rendered as the worker sends it: the subjects."""
    with db.session_scope(PartnerScope.system(reason="test render"), write=False) as session:
        ids = list(session.scalars(select(OutboxMessage.id)))
        claimed = OutboxRepository(session).claimed(ids)
    render = renderer()
    return [render.render(message).subject for message in claimed]


def balances(unit, actor, partner_id):  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        found = fund_service.partner_balances(session, actor, partner_ids=[partner_id])
        return next(iter(found.values()))


def counts(db) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) or 0 for model in (FundRequest, FundClaim, FundLedgerEntry, AuditEvent))  # type: ignore[return-value]


def test_allocate_request_approve_in_part_claim_approve_in_part_and_pay(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    allocate(db, world, "a")
    partner = partner_actor(world, "a")
    with unit(partner) as session:
        request = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input()))
        request_id = request.id
    with unit(actors["cam"]) as session:
        decided = fund_service.decide_request(
            session, actors["cam"], request_id=request_id, decision=Decision(approve=True, amount=Decimal("15000"), reason="Venue only")
        )
        assert decided.status == RequestStatus.APPROVED and decided.claim_deadline == clock.today() + timedelta(days=45)
    assert balances(unit, partner, world.a.id).committed == Decimal("15000.00")
    file_id = stored_file(db, world.a.id)
    with unit(partner) as session:
        claim = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, file_id, amount="18000.00")))
        claim_id = claim.id
        assert claim.reimbursable_amount == Decimal("15000.00")  # capped by the approved request
    with unit(actors["cam"]) as session:
        fund_service.decide_claim(
            session, actors["cam"], claim_id=claim_id, decision=Decision(approve=True, amount=Decimal("14000"), reason="One invoice unreadable")
        )
    found = balances(unit, partner, world.a.id)
    assert (found.committed, found.claimed, found.approved, found.available) == (Decimal("1000.00"), 0, Decimal("14000.00"), Decimal("35000.00"))
    with unit(actors["admin"]) as session:
        paid = fund_service.pay_claim(session, actors["admin"], claim_id=claim_id, payment=Payment(payment_reference="PAY-1", paid_on=clock.today()))
        assert paid.status == ClaimStatus.PAID
    found = balances(unit, partner, world.a.id)
    assert (found.approved, found.paid, found.problems()) == (0, Decimal("14000.00"), [])
    with unit(actors["cam"]) as session:  # what plan-vs-actual shows against an MDF co-investment
        spent = fund_service.mdf_spent(session, actors["cam"], partner_ids=[world.a.id], starts_on=year().start, ends_on=year().end)
        assert spent == {(world.a.id, "USD"): Decimal("14000.00")}
    with unit(actors["admin"]) as session:
        told = session.scalars(select(OutboxMessage.event_type).where(OutboxMessage.recipient_user_id == world.a.user_id)).all()
        assert {EventType.FUND_REQUEST_DECIDED, EventType.FUND_CLAIM_DECIDED, EventType.FUND_CLAIM_PAID} <= set(told)
    subjects = rendered(db)
    assert "Approved: fund request “Healthcare cloud summit” (Northwind Consulting)" in subjects
    assert "Paid: MDF claim for “Healthcare cloud summit” (Northwind Consulting)" in subjects


def test_reimbursement_percentage_caps_the_claim(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        program = session.get(Program, program_of(db, world.a.id))
        assert program is not None
        program.mdf_reimbursement_percent = Decimal(50)
    allocate(db, world, "a")
    partner = partner_actor(world, "a")
    with unit(partner) as session:
        request_id = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input())).id
    with unit(actors["cam"]) as session:
        fund_service.decide_request(session, actors["cam"], request_id=request_id, decision=Decision(approve=True))
    file_id = stored_file(db, world.a.id)
    with unit(partner) as session:
        claim = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, file_id, amount="9000.01")))
        assert claim.reimbursable_amount == Decimal("4500.00")
        claim_id = claim.id
    with unit(actors["cam"]) as session, pytest.raises(RuleViolation) as over:
        fund_service.decide_claim(session, actors["cam"], claim_id=claim_id, decision=Decision(approve=True, amount=Decimal("4600")))
    assert over.value.details[0]["rule"] == "amount_over_reimbursable"


def test_refusals_name_the_rule_and_write_nothing(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    allocate(db, world, "a", amount=Decimal("10000"))
    partner = partner_actor(world, "a")
    before = counts(db)
    with unit(partner) as session, pytest.raises(RuleViolation) as over:
        fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount="10000.01")))
    assert over.value.details[0]["rule"] == "amount_over_balance"
    assert counts(db) == before
    with unit(partner) as session:
        first = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount="6000"))).id
        second = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount="6000"))).id
    with unit(actors["cam"]) as session:
        fund_service.decide_request(session, actors["cam"], request_id=first, decision=Decision(approve=True))
    before = counts(db)
    with unit(actors["cam"]) as session, pytest.raises(RuleViolation) as last:
        fund_service.decide_request(session, actors["cam"], request_id=second, decision=Decision(approve=True))
    assert last.value.details[0]["rule"] == "amount_over_balance" and counts(db) == before
    with unit(actors["cam"]) as session, pytest.raises(RuleViolation, match="says why"):
        fund_service.decide_request(session, actors["cam"], request_id=second, decision=Decision(approve=False))
    wrong_purpose = stored_file(db, world.a.id, purpose=FilePurpose.ASSET)
    foreign = stored_file(db, world.b.id)
    body = claim_input(first, wrong_purpose) | {"proofs": [{"file_id": wrong_purpose, "kind": "invoice"}, {"file_id": foreign, "kind": "photo"}]}
    with unit(partner) as session, pytest.raises(RuleViolation) as proofs:
        fund_service.submit_claim(session, partner, data=ClaimCreate(**body))
    assert [d["field"] for d in proofs.value.details] == ["proofs[0].file_id", "proofs[1].file_id"]
    assert counts(db) == before
    proof = stored_file(db, world.a.id)
    clock.freeze(datetime.combine(clock.today() + timedelta(days=46), time(9), tzinfo=UTC))
    with unit(partner) as session, pytest.raises(RuleViolation) as late:
        fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(first, proof)))
    assert late.value.details[0]["rule"] == "claim_after_deadline"


def test_two_claims_hold_no_more_than_the_request(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    allocate(db, world, "a")
    partner = partner_actor(world, "a")
    with unit(partner) as session:
        request_id = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount="5000"))).id
    with unit(actors["cam"]) as session:
        fund_service.decide_request(session, actors["cam"], request_id=request_id, decision=Decision(approve=True))
    files = [stored_file(db, world.a.id) for _ in range(3)]
    with unit(partner) as session:
        fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, files[0], amount="4000")))
        second = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, files[1], amount="4000")))
        assert second.reimbursable_amount == Decimal("1000.00")
    with unit(partner) as session, pytest.raises(Conflict, match="Nothing remains"):
        fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, files[2])))


def test_budget_and_allocation_limits(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    admin = actors["admin"]
    program_id = program_of(db, world.a.id)
    with unit(admin) as session:
        budget = fund_service.create_budget(session, admin, data=BudgetCreate(program_id=program_id, period=year().key, amount=Decimal("30000")))
        budget_id = budget.id
    with unit(admin) as session, pytest.raises(Conflict):
        fund_service.create_budget(session, admin, data=BudgetCreate(program_id=program_id, period=year().key, amount=Decimal("1")))
    with unit(admin) as session:
        fund_service.set_allocation(session, admin, data=AllocationSet(partner_id=world.a.id, budget_id=budget_id, amount=Decimal("20000"), reason="Launch"))
    with unit(admin) as session, pytest.raises(RuleViolation) as over:
        fund_service.set_allocation(session, admin, data=AllocationSet(partner_id=world.a.id, budget_id=budget_id, amount=Decimal("30001"), reason="More"))
    assert over.value.details[0]["rule"] == "amount_over_budget"
    with unit(admin) as session, pytest.raises(Conflict) as below:
        fund_service.update_budget(session, admin, budget_id=budget_id, data=BudgetUpdate(amount=Decimal("19999"), reason="Cut"))
    assert below.value.details[0]["rule"] == "budget_below_allocated" and "19999" in str(below.value) and "20000.00" in str(below.value)
    with unit(admin) as session, pytest.raises(Conflict) as withdrawn:
        fund_service.withdraw_budget(session, admin, budget_id=budget_id, data=BudgetWithdrawal(amount=Decimal("10001"), reason="Cut"))
    assert "19999.00 USD" in str(withdrawn.value) and "20000.00 USD" in str(withdrawn.value)
    with unit(admin) as session:  # all that is not allocated
        assert fund_service.withdraw_budget(session, admin, budget_id=budget_id, data=BudgetWithdrawal(reason="Year-end cut")).amount == Decimal("20000")
    with unit(admin) as session, pytest.raises(Conflict):
        fund_service.withdraw_budget(session, admin, budget_id=budget_id, data=BudgetWithdrawal(reason="Again"))
    with unit(admin) as session, pytest.raises(RuleViolation) as foreign:
        fund_service.set_allocation(session, admin, data=AllocationSet(partner_id=world.b.id, budget_id=budget_id, amount=Decimal("1"), reason="Wrong program"))
    assert foreign.value.details[0]["rule"] == "partner_not_in_program"
    with unit(admin) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "fund_allocation.set")).all()
        assert [e.reason for e in events] == ["Launch"]
        withdrawn = session.scalars(select(AuditEvent).where(AuditEvent.action == "fund_budget.withdrawn")).one()
        assert (withdrawn.reason, withdrawn.after["withdrawn"]) == ("Year-end cut", "10000.00")


def test_allocations_generated_from_the_tiers_mdf_benefit(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    admin = actors["admin"]
    program_id = program_of(db, world.a.id)
    with db.session_scope(PartnerScope.system(reason="test: partner A in a tier granting MDF")) as session:
        tier = session.scalars(select(Tier).where(Tier.program_id == program_id, Tier.mdf_allocation > 0).order_by(Tier.rank)).first()
        assert tier is not None
        session.execute(update(Partner).where(Partner.id == world.a.id).values(tier_id=tier.id))
        benefit = tier.mdf_allocation
    with unit(admin) as session:
        budget = fund_service.create_budget(session, admin, data=BudgetCreate(program_id=program_id, period=year().key, amount=benefit))
        created = fund_service.generate_allocations(session, admin, budget_id=budget.id, reason="FY allocations")
        assert [(a.partner_id, a.amount, a.from_tier_id) for a in created] == [(world.a.id, benefit, tier.id)]
        assert fund_service.generate_allocations(session, admin, budget_id=budget.id, reason="FY allocations") == []
    assert balances(unit, partner_actor(world, "a"), world.a.id).available == benefit


def test_the_sweep_releases_lapsed_commitments_expires_the_rest_and_reminds_once(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    ids = allocate(db, world, "a")
    partner = partner_actor(world, "a")
    with unit(partner) as session:
        request_id = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount="5000"))).id
    with unit(actors["cam"]) as session:
        deadline = fund_service.decide_request(session, actors["cam"], request_id=request_id, decision=Decision(approve=True)).claim_deadline
    assert deadline is not None
    operator = actors["admin"]
    clock.freeze(datetime.combine(deadline - timedelta(days=3), time(6), tzinfo=UTC))
    for _ in range(2):
        with unit(operator) as session:
            fund_service.sweep_funds(session, operator, today=clock.today())
    with unit(operator) as session:
        reminders = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.FUND_CLAIM_DUE)).all()
        assert [(m.recipient_user_id, m.entity_id) for m in reminders] == [(world.a.user_id, request_id)]
    assert f"Claim by {deadline.isoformat()}: “Healthcare cloud summit” (Northwind Consulting MDF)" in rendered(db)
    clock.freeze(datetime.combine(max(deadline, year().end) + timedelta(days=1), time(6), tzinfo=UTC))
    with unit(operator) as session:
        fund_service.sweep_funds(session, operator, today=clock.today())
        assert session.get(FundRequest, request_id).status == RequestStatus.CLOSED  # type: ignore[union-attr]
    found = balances(unit, partner, world.a.id)
    assert (found.committed, found.expired, found.available, found.problems()) == (0, Decimal("50000.00"), 0, [])
    with unit(operator) as session:
        assert fund_service.sweep_funds(session, operator, today=clock.today()) == 0
        assert fund_service.ledger(session, operator, partner_id=world.a.id)[0].allocation_id == ids["allocation_id"]


def test_a_cam_reviews_only_their_own_partners_funds_and_hears_of_each_submission(db, world, unit, actors) -> None:  # type: ignore[no-untyped-def]
    from alliance.errors import NotFound
    from alliance.funds.repository import FundFilters
    from alliance.kit.pagination import PageRequest

    allocate(db, world, "a")
    allocate(db, world, "b")
    requests = {}
    for key in ("a", "b"):
        partner = partner_actor(world, key)
        with unit(partner) as session:
            requests[key] = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(title=f"{key} summit"))).id
    cam = actors["cam"]  # partner A's CAM; partner B's is cam2
    with unit(cam) as session:
        queue = fund_service.list_requests(session, cam, filters=FundFilters(status="submitted"), page=PageRequest(limit=50))
        assert [row[0].id for row in queue.items] == [requests["a"]]
        with pytest.raises(NotFound):
            fund_service.get_request(session, cam, request_id=requests["b"])
    with unit(cam) as session, pytest.raises(NotFound):
        fund_service.decide_request(session, cam, request_id=requests["b"], decision=Decision(approve=True))
    with unit(actors["admin"]) as session:  # a program admin reviews any partner's
        queue = fund_service.list_requests(session, actors["admin"], filters=FundFilters(status="submitted"), page=PageRequest(limit=50))
        assert {row[0].id for row in queue.items} == set(requests.values())
    with unit(actors["cam2"]) as session:
        fund_service.decide_request(session, actors["cam2"], request_id=requests["b"], decision=Decision(approve=True))
    file_id = stored_file(db, world.b.id)
    partner = partner_actor(world, "b")
    with unit(partner) as session:
        claim_id = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(requests["b"], file_id))).id
    with unit(cam) as session, pytest.raises(NotFound):
        fund_service.decide_claim(session, cam, claim_id=claim_id, decision=Decision(approve=True))
    with unit(cam) as session:
        assert fund_service.list_claims(session, cam, filters=FundFilters(), page=PageRequest(limit=50)).total == 0
    with unit(actors["admin"]) as session:
        told = session.execute(
            select(OutboxMessage.event_type, OutboxMessage.recipient_user_id).where(
                OutboxMessage.event_type.in_([EventType.FUND_REQUEST_SUBMITTED, EventType.FUND_CLAIM_SUBMITTED])
            )
        ).all()
    assert sorted((str(e), u) for e, u in told) == sorted(
        [
            (str(EventType.FUND_REQUEST_SUBMITTED), world.users["cam"]),
            (str(EventType.FUND_REQUEST_SUBMITTED), world.users["cam2"]),
            (str(EventType.FUND_CLAIM_SUBMITTED), world.users["cam2"]),
        ]
    )
    subjects = rendered(db)
    assert "To review: fund request “a summit” (Northwind Consulting)" in subjects
    assert any(s.startswith("To review: MDF claim for “b summit”") for s in subjects)
