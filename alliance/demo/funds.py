"""The demo vendor's market development funds: this fiscal year's budget for Harbor Bridge's
program, allocations generated from the tiers' MDF benefits (Harbor Bridge's set by hand), and
Harbor Bridge's requests and claims in every state — one in review, one rejected, one withdrawn,
a claim in review, one partially approved and paid, one approved awaiting payment, one rejected —
and a deal registered with the paid summit's campaign code (its return on the MDF),
plus last year's allocation, whose request lapsed past its claim deadline and whose unused rest
expired (the sweep). Steps run with the clock set to when they happened, through the services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from alliance.config import get_settings
from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import frozen
from alliance.files import service as file_service
from alliance.files.storage import store_for
from alliance.files.vocabulary import FilePurpose
from alliance.funds import service as fund_service
from alliance.funds.schemas import AllocationSet, BudgetCreate, ClaimCreate, Decision, FundRequestCreate, Payment
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit import fiscal
from alliance.kit.pagination import PageRequest
from alliance.partners import product_line_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.registrations import service as registration_service
from alliance.registrations.schemas import REGISTRATION_CREATE


@dataclass(frozen=True)
class FundsSummary:
    allocations: int
    requests: int
    claims: int


# (title, activity, days before today it started, length in days, requested, fate, claimed)
ACTIVITIES = (
    ("Healthcare cloud summit, Boston", "event", 40, 1, "25000", "paid", "27500"),
    ("Data platform webinar series", "campaign", 30, 20, "12000", "approved_claim", "9800"),
    ("Architect bootcamp for hospital IT", "training", 20, 3, "15000", "claim_in_review", "14200"),
    ("Joint ads: payer analytics", "co_marketing", 25, 10, "8000", "claim_rejected", "8000"),
    ("Demo environment: clinical data lake", "demo_environment", 6, 60, "30000", "approved", None),
    ("Roadshow: three regional health systems", "event", -20, 3, "40000", "submitted", None),
    ("Trade-show booth", "event", -40, 2, "60000", "rejected", None),
    ("Partner newsletter sponsorship", "campaign", -10, 30, "3000", "withdrawn", None),
)
PDF = b"%PDF-1.4\n% Alliance demo proof of performance\n"


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def build_funds(session: Session, actor: Actor, *, today: date) -> FundsSummary:
    found = partner_service.list_partners(session, actor, filters=PartnerFilters(q=SHOWCASE_NAME), sort=None, page=PageRequest(limit=5)).items
    harbor = next((p for p in found if p.display_name == SHOWCASE_NAME), None)
    if harbor is None or harbor.program_id is None:
        return FundsSummary(0, 0, 0)
    admin = identity_service.actor_for(identity_service.vendor_users(session, Role.PROGRAM_ADMIN)[0])
    # Harbor Bridge's own CAM reviews its funds (a CAM reaches only the partners they manage).
    cam = identity_service.actor_for(identity_service.get_user(session, actor, user_id=harbor.cam_user_id)) if harbor.cam_user_id else admin
    users = identity_service.list_users(session, actor, role=Role.PARTNER_ADMIN, partner_id=harbor.id, q=None, sort=None, page=PageRequest(limit=1)).items
    if not users:
        return FundsSummary(0, 0, 0)
    partner = identity_service.actor_for(users[0])
    calendar = fiscal.current()
    year = calendar.period(fiscal.PeriodKind.YEAR, today)
    last_year = calendar.shift(year, -1)
    store = store_for(get_settings())
    # Last year: an allocation, a request never claimed (its deadline passed) and the rest unused.
    with frozen(_moment(last_year.start)):
        budget = fund_service.create_budget(session, admin, data=BudgetCreate(program_id=harbor.program_id, period=last_year.key, amount=Decimal("2000000")))
        fund_service.set_allocation(session, admin, data=AllocationSet(partner_id=harbor.id, budget_id=budget.id, amount=Decimal("80000"), reason="FY launch"))
    lapsed_on = last_year.end - timedelta(days=90)
    with frozen(_moment(lapsed_on - timedelta(days=30))):
        body = {"period": last_year.key, "activity_type": "event", "title": "Payer analytics breakfast", "plan": "Breakfast briefing for 25 payer CIOs."}
        request = fund_service.submit_request(
            session, partner, data=FundRequestCreate(**body, starts_on=lapsed_on, ends_on=lapsed_on, requested_amount=Decimal("6000"), expected_leads=25)
        )
        fund_service.decide_request(session, cam, request_id=request.id, decision=Decision(approve=True))
    # This year: the program's budget, allocations from the tiers, Harbor Bridge's by hand.
    start = max(year.start, today - timedelta(days=60))
    with frozen(_moment(start, 8)):
        budget = fund_service.create_budget(session, admin, data=BudgetCreate(program_id=harbor.program_id, period=year.key, amount=Decimal("100000000")))
        generated = fund_service.generate_allocations(session, admin, budget_id=budget.id, reason="FY allocations from the tiers' MDF benefits")
        fund_service.set_allocation(
            session,
            admin,
            data=AllocationSet(partner_id=harbor.id, budget_id=budget.id, amount=Decimal("250000"), reason="Healthcare practice build-out (JBP)"),
        )
    requests = claims = 0
    for index, (title, activity, started_ago, length, amount, fate, claimed) in enumerate(ACTIVITIES):
        starts_on = min(max(today - timedelta(days=started_ago), year.start), year.end - timedelta(days=length))
        ends_on = starts_on + timedelta(days=length)
        asked_on = max(min(starts_on, today) - timedelta(days=14), start)
        with frozen(_moment(asked_on, 9 + index % 5)):
            data = FundRequestCreate(
                period=year.key,
                activity_type=activity,
                title=title,
                plan=f"{title}: run with the vendor's field marketing, invitations to named accounts in the healthcare vertical.",
                starts_on=starts_on,
                ends_on=ends_on,
                requested_amount=Decimal(amount),
                expected_leads=30 + 10 * index,
                expected_registrations=2 + index % 4,
                expected_pipeline=Decimal(amount) * 20,
            )
            request = fund_service.submit_request(session, partner, data=data)
        requests += 1
        if fate == "submitted":
            continue
        decided_on = min(asked_on + timedelta(days=3), today)
        with frozen(_moment(decided_on, 15)):
            if fate == "withdrawn":
                fund_service.withdraw_request(session, partner, request_id=request.id)
                continue
            if fate == "rejected":
                decision = Decision(approve=False, reason="Outside the agreed healthcare focus of the joint business plan.")
            elif fate == "paid":
                decision = Decision(approve=True, amount=Decimal("20000"), reason="Catering above the program's per-head policy is not funded.")
            else:
                decision = Decision(approve=True)
            fund_service.decide_request(session, cam, request_id=request.id, decision=decision)
        if claimed is None or fate == "rejected":
            continue
        claimed_on = min(ends_on + timedelta(days=2), today)
        with frozen(_moment(claimed_on, 11)):
            proof = file_service.upload(
                session,
                partner,
                source=io.BytesIO(PDF + title.encode()),
                filename=f"invoice-{index + 1}.pdf",
                purpose=FilePurpose.FUND_CLAIM,
                partner_id=None,
                store=store,
                max_bytes=get_settings().max_upload_bytes,
            )
            lines = [
                {"category": "venue" if activity == "event" else "media", "description": "Main cost", "amount": str(Decimal(claimed) * Decimal("0.8"))},
                {"category": "agency", "description": "Agency fees", "amount": str(Decimal(claimed) * Decimal("0.2"))},
            ]
            claim = fund_service.submit_claim(
                session, partner, data=ClaimCreate(request_id=request.id, lines=lines, proofs=[{"file_id": proof.id, "kind": "invoice"}])
            )
        claims += 1
        if fate == "paid":
            _registration_from_the_campaign(session, partner, request_id=request.id, day=claimed_on)
        if fate == "claim_in_review":
            continue
        with frozen(_moment(min(claimed_on + timedelta(days=4), today), 16)):
            if fate == "claim_rejected":
                decision = Decision(approve=False, reason="The ads ran without the vendor's logo approval: not eligible.")
            elif fate == "paid":
                decision = Decision(approve=True, amount=Decimal("18500"), reason="One catering invoice is for a different event.")
            else:
                decision = Decision(approve=True)
            fund_service.decide_claim(session, cam, claim_id=claim.id, decision=decision)
            if fate == "paid":
                fund_service.pay_claim(
                    session, admin, claim_id=claim.id, payment=Payment(payment_reference="AP-2026-0412", paid_on=min(claimed_on + timedelta(days=4), today))
                )
    fund_service.sweep_funds(session, Actor.system(label="demo"), today=today)
    return FundsSummary(allocations=len(generated) + 1, requests=requests + 1, claims=claims)


def _registration_from_the_campaign(session: Session, partner: Actor, *, request_id: int, day: date) -> None:
    """A deal the summit brought, registered with the activity's campaign code (its ROI counts it)."""
    with frozen(_moment(day, 12)):
        payload = {
            "kind": "deal",
            "title": "Clinical data platform after the summit",
            "customer": {"name": "Mass Bay Health Partners", "country": "US"},
            "product_lines": [product_line_service.DEFAULT_CATALOG[0][0]],
            "amount": "420000",
            "expected_close_on": (day + timedelta(days=90)).isoformat(),
            "stage": "discovery",
            "campaign_code": f"MDF-{request_id}",
            "submit": True,
        }
        registration_service.create_registration(session, partner, data=REGISTRATION_CREATE.validate_python(payload))
