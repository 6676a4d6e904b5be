"""Tier engine pages: the portal's "what it takes to reach the next tier", the console partner
profile's evaluation panel, and the program admin's tier review queue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.tiers.models import TierRecommendation
from tests.service.tiers.factory import TierData
from tests.web.client import field_error, post, soup

TODAY = date(2026, 11, 24)
FAR = date(2029, 1, 1)
RECERT_DUE = date(2027, 5, 14)
IE_GAP = "needs 8 more certified implementation engineers at professional level or above: has 0 of 8"
FORECAST = "Silver until 14 May 2027 unless 2 implementation engineers recertify for v8"


@pytest.fixture
def data(db, world) -> TierData:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    return TierData(db)


@pytest.fixture
def northwind_qualifies_for_silver(world, data) -> None:  # type: ignore[no-untyped-def]
    """Partner A holds Registered and qualifies for Silver; two of its three engineers must
    recertify by 14 May 2027, and its four architects already meet Gold's architect criterion."""
    data.certify(world.a.id, "solution_architect", "professional", 4, expires_on=FAR)
    data.certify(world.a.id, "implementation_engineer", "associate", 1, expires_on=FAR)
    data.certify(world.a.id, "implementation_engineer", "associate", 2, expires_on=FAR, recert_due_on=RECERT_DUE, status="recert_required")
    data.credit(world.b.id, "direct", "70000", effective_on=TODAY)


def recommendations(db, partner_id: int) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        rows = session.scalars(select(TierRecommendation).where(TierRecommendation.partner_id == partner_id).order_by(TierRecommendation.id))
        return [(r.action, r.status, r.decision_reason) for r in rows]


def decision_events(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("tier_recommendation.%")).order_by(AuditEvent.seq)))


def pending_id(db, partner_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        statement = select(TierRecommendation.id).where(TierRecommendation.partner_id == partner_id, TierRecommendation.status == "pending")
        return session.scalars(statement).one()


def tier_key(client, world, partner_id: int) -> str:  # type: ignore[no-untyped-def]
    partner = client.get(f"/api/v1/partners/{partner_id}", headers=world.headers("admin")).json()
    return {v: k for k, v in world.tier_ids.items()}[partner["tier_id"]]


class TestPortalTierPage:
    def test_what_it_takes_to_reach_the_next_tier(self, client, login, world, northwind_qualifies_for_silver):
        login("a_admin")
        page = soup(client.get("/portal/tier"))
        panel = page.find(id="tier-evaluation")
        assert panel.find("h2").get_text(strip=True) == "What it takes to reach Gold"
        compare = panel.find("dl", class_="tier-compare").get_text(" ", strip=True)
        assert "Current tier Registered" in compare and "You qualify for Silver" in compare
        gaps = panel.find_all("li", class_="gap")
        words = [g.find(class_="gap-words").get_text(strip=True) for g in gaps]
        assert IE_GAP in words
        assert "influenced revenue, trailing 12 months: $0 of $1M (needs $1M more)" in words
        met = [g for g in gaps if "is-met" in g["class"]]
        assert [g.find(class_="gap-label").get_text(strip=True) for g in met] == ["Certified solution architects at professional level or above"]
        assert met[0].find(class_="gap-mark").get_text(strip=True) == "✓"
        bars = {g.find(class_="gap-label").get_text(strip=True): g.find(attrs={"role": "progressbar"}) for g in gaps}
        assert bars["Certified solution architects at professional level or above"]["aria-valuenow"] == "100"
        assert bars["Certified implementation engineers at professional level or above"]["aria-valuetext"] == "0 of 8"
        timeline = [li.get_text(" ", strip=True) for li in panel.select("ol.timeline li")]
        assert timeline[0].startswith("Today") and "Silver" in timeline[0]
        assert timeline[1] == f"15 May 2027 Registered {FORECAST}"
        # The ladder is still there below the evaluation.
        assert page.find("ol", class_="ladder") is not None

    def test_never_shows_another_partners_data(self, client, login, world, northwind_qualifies_for_silver):
        login("b_user")
        text = soup(client.get("/portal/tier")).get_text(" ", strip=True)
        assert "What it takes to reach Silver" in text
        assert "direct (transacted) revenue, trailing 12 months: $70K of $250K (needs $180K more)" in text
        assert "Northwind" not in text and IE_GAP not in text and FORECAST not in text
        login("a_user")
        text = soup(client.get("/portal/tier")).get_text(" ", strip=True)
        assert IE_GAP in text and "$70K" not in text and "Blue Harbor" not in text

    def test_customer_references_are_counted_not_held(self, client, login, world, data):
        # Approved customer references (the asset library's) are the metric's source now: a
        # partner without any sees an ordinary gap to close, not "no data yet".
        a = world.a.id
        data.certify(a, "solution_architect", "professional", 4, expires_on=FAR)
        data.certify(a, "implementation_engineer", "professional", 8, expires_on=FAR)
        data.credit(a, "influence", "1000000", effective_on=TODAY)
        for _ in range(3):
            data.registration(a, kind="project", closed_on=TODAY)
        login("a_user")
        panel = soup(client.get("/portal/tier")).find(id="tier-evaluation")
        assert panel.find("h2").get_text(strip=True) == "What it takes to reach Platinum"
        assert not panel.select("li.gap.no-data")
        labels = [gap.find(class_="gap-label").get_text(strip=True) for gap in panel.select("li.gap")]
        assert "Approved customer references, trailing 24 months" in labels

    def test_a_partner_above_its_data_is_told_what_it_takes_to_keep_its_tier(self, client, login, world, db, northwind_qualifies_for_silver):
        from sqlalchemy import update

        from alliance.partners.models import Partner

        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.execute(update(Partner).where(Partner.id == world.a.id).values(tier_id=world.tier_ids["si-regional/platinum"]))
        login("a_user")
        panel = soup(client.get("/portal/tier")).find(id="tier-evaluation")
        text = panel.get_text(" ", strip=True)
        assert panel.find("h2").get_text(strip=True) == "What it takes to keep Platinum"
        assert "You no longer meet every criterion of Platinum" in text
        assert "No tier change expected" not in text
        assert FORECAST in text  # the forecast still projects the tier the partner qualifies for


class TestConsoleProfilePanel:
    def test_profile_shows_the_evaluation(self, client, login, world, northwind_qualifies_for_silver):
        login("cam")
        panel = soup(client.get(f"/console/partners/{world.a.id}")).find(id="tier-evaluation")
        text = panel.get_text(" ", strip=True)
        assert panel.find("h2").get_text(strip=True) == "What it takes to reach Gold"
        assert "Qualifies for Silver" in text and IE_GAP in text and FORECAST in text


class TestReviewQueue:
    def test_evaluate_all_then_accept_an_upgrade(self, client, login, world, db, northwind_qualifies_for_silver):
        login("admin")
        page = soup(client.get("/console/tiers/review"))
        assert page.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "Tiers"
        assert "No tier changes are waiting" in page.get_text()
        response = post(client, "/console/tiers/evaluate")
        assert response.status_code == 303 and response.headers["location"] == "/console/tiers/review"
        page = soup(client.get("/console/tiers/review"))
        flash = page.find(class_="flash").get_text(strip=True)
        assert flash.startswith("Evaluated 2 partners in ") and "1 upgrade and 0 downgrades recommended" in flash and "1 at their tier" in flash
        recommendation_id = pending_id(db, world.a.id)
        row = page.find(id=f"recommendation-{recommendation_id}")
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert cells[0] == "Northwind Consulting" and cells[1] == "Registered → Silver" and cells[2] == "Upgrade"
        assert "qualifies for Silver (currently Registered)" in cells[5]

        response = post(
            client, f"/console/tiers/recommendations/{recommendation_id}/decision", {"decision": "accept", "reason": "Capacity verified at the QBR"}
        )
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        assert page.find(class_="flash").get_text(strip=True) == "Upgrade accepted: Northwind Consulting is now Silver."
        assert page.find(id=f"recommendation-{recommendation_id}") is None
        assert tier_key(client, world, world.a.id) == "si-regional/silver"
        assert recommendations(db, world.a.id) == [("upgrade", "accepted", "Capacity verified at the QBR")]

    def test_reject_needs_a_reason_and_writes_nothing(self, client, login, world, db, northwind_qualifies_for_silver):
        login("admin")
        post(client, "/console/tiers/evaluate")
        recommendation_id = pending_id(db, world.a.id)
        response = post(client, f"/console/tiers/recommendations/{recommendation_id}/decision", {"decision": "reject", "reason": "  "})
        assert response.status_code == 422
        assert "Give a reason" in field_error(soup(response), f"reason-{recommendation_id}")
        assert recommendations(db, world.a.id) == [("upgrade", "pending", None)]
        assert decision_events(db) == []
        assert tier_key(client, world, world.a.id) == "si-regional/registered"

        response = post(client, f"/console/tiers/recommendations/{recommendation_id}/decision", {"decision": "reject", "reason": "Wait for the QBR"})
        assert response.status_code == 303
        assert recommendations(db, world.a.id) == [("upgrade", "rejected", "Wait for the QBR")]
        assert tier_key(client, world, world.a.id) == "si-regional/registered"

    @pytest.mark.parametrize("who", ["cam", "auditor"])
    def test_other_vendor_roles_see_no_buttons_and_cannot_post(self, client, login, world, db, northwind_qualifies_for_silver, who):
        login("admin")
        post(client, "/console/tiers/evaluate")
        recommendation_id = pending_id(db, world.a.id)
        login(who)
        client.csrf_token = None  # type: ignore[attr-defined]
        response = client.get("/console/tiers/review")
        assert response.status_code == 200
        page = soup(response)
        assert page.find("form", action="/console/tiers/evaluate") is None
        assert page.find("form", action=f"/console/tiers/recommendations/{recommendation_id}/decision") is None
        assert post(client, "/console/tiers/evaluate").status_code == 403
        response = post(client, f"/console/tiers/recommendations/{recommendation_id}/decision", {"decision": "accept", "reason": "Sneaky"})
        assert response.status_code == 403
        assert recommendations(db, world.a.id) == [("upgrade", "pending", None)]

    @pytest.mark.parametrize("who", ["a_admin", "a_user"])
    def test_partner_users_get_404(self, client, login, world, who):
        login(who)
        assert client.get("/console/tiers/review").status_code == 404
        assert post(client, "/console/tiers/evaluate").status_code == 404
        assert post(client, "/console/tiers/recommendations/1/decision", {"decision": "accept", "reason": "x"}).status_code == 404
