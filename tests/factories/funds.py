"""Market development funds of partners A and B, built through the services: a budget for each
one's program for the current fiscal year, an allocation of 50,000, an approved request of 20,000
(activity from a few days ago to today) and a submitted claim of 8,000 with one proof file."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from alliance.db import Database
from alliance.files.models import StoredFile
from alliance.files.vocabulary import FilePurpose
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock, fiscal

ALLOCATION = Decimal("50000.00")


def year() -> fiscal.FiscalPeriod:
    return fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())


def request_input(**changes: Any) -> dict[str, Any]:
    """A valid fund request body for the current fiscal year (activity: a few days ago to today)."""
    today = clock.today()
    period = year()
    body = {
        "period": period.key,
        "activity_type": "event",
        "title": "Healthcare cloud summit",
        "plan": "A half-day summit for 40 hospital IT leaders, with a hands-on lab.",
        "starts_on": max(period.start, today - timedelta(days=5)).isoformat(),
        "ends_on": today.isoformat(),
        "requested_amount": "20000.00",
        "expected_leads": 40,
        "expected_registrations": 5,
        "expected_pipeline": "600000.00",
    }
    return body | changes


def claim_input(request_id: int, file_id: int, amount: str = "8000.00") -> dict[str, Any]:
    return {
        "request_id": request_id,
        "lines": [{"category": "venue", "description": "Conference room and catering", "amount": amount}],
        "proofs": [{"file_id": file_id, "kind": "invoice"}],
    }


def stored_file(db: Database, partner_id: int, *, purpose: FilePurpose = FilePurpose.FUND_CLAIM) -> int:
    """A file record of the partner's (its content is not needed by the funds domain)."""
    with db.session_scope(PartnerScope.system(reason="test: a proof file")) as session:
        stored = StoredFile(partner_id=partner_id, sha256="1" * 64, size_bytes=10, content_type="application/pdf", filename="invoice.pdf", purpose=purpose)
        session.add(stored)
        session.flush()
        return stored.id


def partner_actor(world: Any, key: str, who: str = "user") -> Actor:
    partner = world.a if key == "a" else world.b
    role = Role.PARTNER_ADMIN if who == "admin" else Role.PARTNER_USER
    user_id = partner.admin_user_id if who == "admin" else partner.user_id
    return Actor(user_id=user_id, role=role, partner_id=partner.id, label=world.emails[f"{key}_{who}"])


def admin_actor(world: Any) -> Actor:
    return Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])


def program_of(db: Database, partner_id: int) -> int:
    from alliance.partners.models import Partner

    with db.session_scope(PartnerScope.system(reason="test: program"), write=False) as session:
        partner = session.get(Partner, partner_id)
        assert partner is not None and partner.program_id is not None
        return partner.program_id


def allocate(db: Database, world: Any, key: str, amount: Decimal = ALLOCATION) -> dict[str, int]:
    """A budget for the partner's program this fiscal year (created once) and the partner's allocation."""
    from alliance.funds import service as fund_service
    from alliance.funds.schemas import AllocationSet, BudgetCreate

    admin = admin_actor(world)
    partner_id = (world.a if key == "a" else world.b).id
    program_id = program_of(db, partner_id)
    with db.session_scope(scope_for(admin)) as session:
        existing = [v.budget for v in fund_service.list_budgets(session, admin, program_id=program_id, period_key=year().key)]
        budget = (
            existing[0]
            if existing
            else fund_service.create_budget(session, admin, data=BudgetCreate(program_id=program_id, period=year().key, amount=Decimal("1000000")))
        )
        allocation = fund_service.set_allocation(
            session, admin, data=AllocationSet(partner_id=partner_id, budget_id=budget.id, amount=amount, reason="Test allocation")
        )
        return {"budget_id": budget.id, "allocation_id": allocation.id}


def build_funds(db: Database, world: Any) -> dict[str, dict[str, int]]:
    from alliance.funds import service as fund_service
    from alliance.funds.schemas import ClaimCreate, Decision, FundRequestCreate

    built = {}
    for key in ("a", "b"):
        ids = allocate(db, world, key)
        partner = partner_actor(world, key)
        with db.session_scope(scope_for(partner)) as session:
            request = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(title=f"{key.upper()} summit")))
            ids["fund_request_id"] = request.id
        admin = admin_actor(world)
        with db.session_scope(scope_for(admin)) as session:
            fund_service.decide_request(session, admin, request_id=ids["fund_request_id"], decision=Decision(approve=True))
        ids["fund_file_id"] = stored_file(db, partner.partner_id or 0)
        with db.session_scope(scope_for(partner)) as session:
            claim = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(ids["fund_request_id"], ids["fund_file_id"])))
            ids["claim_id"] = claim.id
        built[key] = ids
    return built
