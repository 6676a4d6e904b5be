"""QBR section 7 for partner A, FY2026-Q2 (April–June 2026) as of 2026-06-30, against figures
worked out by hand:

- MDF: an FY2026 allocation of 50,000 (raised to 60,000 only in July); a request for an event on
  5–8 April approved on 10 April for 20,000; a claim of 8,000 submitted the same day, approved
  on 1 May and paid on 20 May; a registration citing the event, won on 1 June for 30,000, and
  one submitted only in July. So: allocated 50,000; one request approved for 20,000; claimed,
  approved and paid 8,000; spent 8,000; 1 registration; won 30,000, 3.75 per unit spent.
- Asset library: A's people viewed twice and downloaded once in the quarter (a view in March and
  one in July do not count); a project recorded in May as using an asset; A's contribution
  started and published on 10 May. Partner B has nothing in either section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bs4 import BeautifulSoup

from alliance.assets.models import AssetProjectUse, AssetUsage
from alliance.assets.vocabulary import UsageAction
from alliance.funds import service as fund_service
from alliance.funds.schemas import AllocationSet, ClaimCreate, Decision, FundRequestCreate, Payment
from alliance.identity.scope import PartnerScope, scope_for
from alliance.kit import clock
from alliance.qbr import figures_service
from alliance.web.templating import templates
from tests.factories.assets import publish_contribution
from tests.factories.funds import admin_actor, allocate, claim_input, partner_actor, request_input, stored_file
from tests.factories.qbr import at, registration


def compute(db, world):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test: QBR section 7")) as session:
        return figures_service.compute(session, partner_ids=None, quarter=figures_service.parse_quarter("FY2026-Q2"), as_of=date(2026, 6, 30))


def build_mdf(db, world) -> None:  # type: ignore[no-untyped-def]
    admin, partner = admin_actor(world), partner_actor(world, "a")
    clock.freeze(at("2026-04-10"))
    ids = allocate(db, world, "a")
    with db.session_scope(scope_for(partner)) as session:
        body = request_input(title="Spring summit", starts_on="2026-04-05", ends_on="2026-04-08")
        request_id = fund_service.submit_request(session, partner, data=FundRequestCreate(**body)).id
    with db.session_scope(scope_for(admin)) as session:
        fund_service.decide_request(session, admin, request_id=request_id, decision=Decision(approve=True))
    file_id = stored_file(db, world.a.id)
    with db.session_scope(scope_for(partner)) as session:
        claim_id = fund_service.submit_claim(session, partner, data=ClaimCreate(**claim_input(request_id, file_id))).id
    clock.freeze(at("2026-05-01"))
    with db.session_scope(scope_for(admin)) as session:
        fund_service.decide_claim(session, admin, claim_id=claim_id, decision=Decision(approve=True))
    clock.freeze(at("2026-05-20"))
    with db.session_scope(scope_for(admin)) as session:
        fund_service.pay_claim(session, admin, claim_id=claim_id, payment=Payment(payment_reference="PAY-1", paid_on=date(2026, 5, 20)))
    with db.session_scope(PartnerScope.system(reason="test: registrations citing the event")) as session:
        won = registration(session, world.a.id, "deal", "Summit deal", [("2026-04-20", "draft", "submitted"), ("2026-06-01", "submitted", "won")])
        won.submitted_at, won.closed_at, won.booked_amount, won.fund_request_id = at("2026-04-20"), at("2026-06-01"), Decimal("30000.00"), request_id
        late = registration(session, world.a.id, "deal", "July deal", [("2026-07-02", "draft", "submitted")])
        late.submitted_at, late.fund_request_id = at("2026-07-02"), request_id
    clock.freeze(at("2026-07-05"))
    with db.session_scope(scope_for(admin)) as session:
        fund_service.set_allocation(
            session, admin, data=AllocationSet(partner_id=world.a.id, budget_id=ids["budget_id"], amount=Decimal("60000"), reason="Raised in July")
        )


def build_assets(db, world) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(at("2026-05-10"))
    contribution = publish_contribution(db, world, "a")
    asset_id, a = contribution["asset_id"], world.a.id
    with db.session_scope(PartnerScope.system(reason="test: library usage")) as session:
        for action, day in (("view", "2026-03-30"), ("view", "2026-04-16"), ("view", "2026-05-11"), ("download", "2026-05-11"), ("view", "2026-07-01")):
            session.add(AssetUsage(asset_id=asset_id, partner_id=a, user_id=world.a.user_id, action=UsageAction(action), occurred_at=at(day)))
        project = registration(session, a, "project", "Hospital rollout", [("2026-05-01", "draft", "submitted")])
        session.flush()
        session.add(AssetProjectUse(asset_id=asset_id, partner_id=a, registration_id=project.id, recorded_at=at("2026-05-12")))


def test_mdf_and_asset_sections_against_hand_computed_figures(db, world) -> None:  # type: ignore[no-untyped-def]
    build_mdf(db, world)
    build_assets(db, world)
    found = compute(db, world)
    mdf = found[world.a.id]["later"]["mdf"]
    assert mdf["figures"] == {
        "allocated": "50000.00",
        "requests_approved": 1,
        "requests_approved_amount": "20000.00",
        "claimed": "8000.00",
        "claims_approved": "8000.00",
        "paid": "8000.00",
        "spent": "8000.00",
        "registrations": 1,
        "won": "30000.00",
        "won_per_unit_spent": "3.75",
    }
    assert mdf["labels"]["won_per_unit_spent"] == "Won revenue per unit of MDF spent" and "paid" in mdf["money"]
    assets = found[world.a.id]["later"]["assets"]
    assert assets["figures"] == {"views": 2, "downloads": 1, "projects": 1, "contributions_created": 1, "contributions_published": 1}
    assert found[world.b.id]["later"]["mdf"]["figures"] is None and found[world.b.id]["later"]["assets"]["figures"] is None
    html = templates.env.get_template("qbr/_package.html").render(f=found[world.a.id], shown={}, chart_base=None)
    section = BeautifulSoup(html, "html.parser").find(id="later")
    facts = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in section.select("dt")}
    assert facts["MDF allocated (allocations covering the quarter)"] == "$50,000.00" and facts["Won revenue per unit of MDF spent"] == "3.75"
    assert facts["Downloads by the partner's people"] == "1"
