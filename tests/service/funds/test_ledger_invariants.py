"""The ledger reconciles whatever happens: seeded random sequences of MDF acts (requests, full,
partial and refused approvals, claims, claim decisions, payments, allocation changes), each
checked after every act against the requests and claims themselves. Refusals are expected (that
is the point: over-commitment is refused); a refused act must leave everything as it was."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from alliance.errors import AllianceError
from alliance.funds import service as fund_service
from alliance.funds.ledger_repository import LedgerRepository
from alliance.funds.models import FundAllocation, FundClaim, FundRequest
from alliance.funds.schemas import AllocationSet, ClaimCreate, Decision, FundRequestCreate, Payment
from alliance.funds.vocabulary import ClaimStatus, RequestStatus
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from tests.factories.funds import allocate, claim_input, partner_actor, request_input, stored_file

ACTS = 30


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def expected(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The buckets as the requests and claims say they must be."""
    with db.session_scope(PartnerScope.system(reason="test: ledger model"), write=False) as session:
        requests = session.scalars(select(FundRequest)).all()
        claims = session.scalars(select(FundClaim)).all()
        allocated = sum((a.amount for a in session.scalars(select(FundAllocation))), Decimal(0))
    held: dict[int, Decimal] = {}
    for claim in claims:
        if claim.status == ClaimStatus.SUBMITTED:
            used = claim.reimbursable_amount
        elif claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
            used = claim.approved_amount or Decimal(0)
        else:
            used = Decimal(0)
        held[claim.request_id] = held.get(claim.request_id, Decimal(0)) + used
    committed = sum(((r.approved_amount or Decimal(0)) - held.get(r.id, Decimal(0)) for r in requests if r.status == RequestStatus.APPROVED), Decimal(0))
    by_status = {status: sum((c.approved_amount or Decimal(0) for c in claims if c.status == status), Decimal(0)) for status in ClaimStatus}
    return {
        "allocated": allocated,
        "committed": committed,
        "claimed": sum((c.reimbursable_amount for c in claims if c.status == ClaimStatus.SUBMITTED), Decimal(0)),
        "approved": by_status[ClaimStatus.APPROVED],
        "paid": by_status[ClaimStatus.PAID],
        "per_request": {r.id: (r.approved_amount or Decimal(0)) - held.get(r.id, Decimal(0)) for r in requests if r.status == RequestStatus.APPROVED},
    }


@pytest.mark.parametrize("seed", [7, 20261201])
def test_random_sequences_keep_the_ledger_reconciled(db, world, unit, actors, seed) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    ids = allocate(db, world, "a", amount=Decimal("12000"))
    partner, cam, admin = partner_actor(world, "a"), actors["cam"], actors["admin"]
    files = [stored_file(db, world.a.id) for _ in range(ACTS)]
    acts: list[str] = []
    for step in range(ACTS):
        with unit(admin) as session:
            requests = session.scalars(select(FundRequest)).all()
            claims = session.scalars(select(FundClaim)).all()
            submitted = [r.id for r in requests if r.status == RequestStatus.SUBMITTED]
            approved = [r.id for r in requests if r.status == RequestStatus.APPROVED]
            open_claims = [c.id for c in claims if c.status == ClaimStatus.SUBMITTED]
            payable = [c.id for c in claims if c.status == ClaimStatus.APPROVED]
        choice = rng.choice(["request", "request", "decide", "decide", "claim", "claim", "claim_decision", "pay", "allocation"])
        try:
            if choice == "request":
                with unit(partner) as session:
                    fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(requested_amount=str(money(rng, 100, 6000)))))
            elif choice == "decide" and submitted:
                approve = rng.random() < 0.8
                amount = money(rng, 50, 6000) if approve and rng.random() < 0.5 else None
                with unit(cam) as session:
                    fund_service.decide_request(
                        session, cam, request_id=rng.choice(submitted), decision=Decision(approve=approve, amount=amount, reason="random")
                    )
            elif choice == "claim" and approved:
                body = claim_input(rng.choice(approved), files[step], amount=str(money(rng, 10, 5000)))
                with unit(partner) as session:
                    fund_service.submit_claim(session, partner, data=ClaimCreate(**body))
            elif choice == "claim_decision" and open_claims:
                approve = rng.random() < 0.75
                amount = money(rng, 1, 3000) if approve and rng.random() < 0.5 else None
                with unit(cam) as session:
                    fund_service.decide_claim(
                        session, cam, claim_id=rng.choice(open_claims), decision=Decision(approve=approve, amount=amount, reason="random")
                    )
            elif choice == "pay" and payable:
                with unit(admin) as session:
                    fund_service.pay_claim(
                        session, admin, claim_id=rng.choice(payable), payment=Payment(payment_reference=f"PAY-{step}", paid_on=clock.today())
                    )
            elif choice == "allocation":
                change = AllocationSet(partner_id=world.a.id, budget_id=ids["budget_id"], amount=money(rng, 2000, 20000), reason="random")
                with unit(admin) as session:
                    fund_service.set_allocation(session, admin, data=change)
            else:
                continue
            acts.append(choice)
        except AllianceError:
            acts.append(f"{choice} refused")
        with unit(admin) as session:
            found = next(iter(fund_service.partner_balances(session, admin, partner_ids=[world.a.id]).values()))
            per_request = {r: LedgerRepository(session).request_committed(r) for r in expected(db)["per_request"]}
        model = expected(db)
        assert found.problems() == [], (seed, acts)
        assert (found.allocated, found.committed, found.claimed, found.approved, found.paid) == (
            model["allocated"],
            model["committed"],
            model["claimed"],
            model["approved"],
            model["paid"],
        ), (seed, acts)
        assert per_request == model["per_request"], (seed, acts)
    assert any(a.endswith("refused") for a in acts) and sum(1 for a in acts if not a.endswith("refused")) > ACTS // 3, acts
