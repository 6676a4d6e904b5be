from __future__ import annotations

from datetime import timedelta

import pytest

from alliance.kit import clock
from tests.service.tiers.factory import TierData


@pytest.fixture
def silver_a(db, world):  # type: ignore[no-untyped-def]
    data = TierData(db)
    far = clock.today() + timedelta(days=900)
    data.certify(world.a.id, "solution_architect", "professional", 2, expires_on=far)
    data.certify(world.a.id, "implementation_engineer", "associate", 3, expires_on=far)
    return data


class TestTierEvaluation:
    def test_anonymous(self, client, world):
        assert client.get(f"/api/v1/partners/{world.a.id}/tier-evaluation").status_code == 401

    def test_partner_sees_own(self, client, world, silver_a):
        response = client.get(f"/api/v1/partners/{world.a.id}/tier-evaluation", headers=world.headers("a_user"))
        assert response.status_code == 200
        body = response.json()
        assert body["current_tier"]["key"] == "registered"
        assert body["qualifying_tier"]["key"] == "silver"
        assert body["next_tier"]["key"] == "gold"
        assert "needs 2 more certified solution architects at professional level or above: has 2 of 4" in body["summary"]
        assert {g["metric"] for g in body["gaps"]} >= {"influenced_revenue_12m", "won_projects_12m"}
        assert "customer_references" not in body["no_data"]  # sourced from approved customer references

    def test_other_partner_is_not_found(self, client, world, silver_a):
        response = client.get(f"/api/v1/partners/{world.a.id}/tier-evaluation", headers=world.headers("b_user"))
        assert response.status_code == 404

    def test_vendor_staff_may_read(self, client, world):
        assert client.get(f"/api/v1/partners/{world.b.id}/tier-evaluation", headers=world.headers("cam")).status_code == 200


class TestEvaluateAllAndDecide:
    def test_partner_cannot_run_or_review(self, client, world):
        assert client.post("/api/v1/tier-evaluations", headers=world.headers("a_admin")).status_code == 403
        assert client.get("/api/v1/tier-recommendations", headers=world.headers("a_admin")).status_code == 403
        # A CAM reads the queue (to prepare partner conversations) but cannot run or decide.
        assert client.get("/api/v1/tier-recommendations", headers=world.headers("cam")).status_code == 200
        assert client.post("/api/v1/tier-evaluations", headers=world.headers("cam")).status_code == 403

    def test_evaluate_review_accept(self, client, world, silver_a):
        admin = world.headers("admin")
        summary = client.post("/api/v1/tier-evaluations", headers=admin)
        assert summary.status_code == 200
        assert summary.json()["upgrades"] == 1 and summary.json()["evaluated"] == 2
        queue = client.get("/api/v1/tier-recommendations", headers=admin).json()
        assert queue["total"] == 1
        [item] = queue["items"]
        assert item["partner_id"] == world.a.id and item["partner_name"] == "Northwind Consulting" and item["action"] == "upgrade"
        assert item["explanation"]["summary"][0] == "qualifies for Silver (currently Registered)"
        url = f"/api/v1/tier-recommendations/{item['id']}/decision"
        assert client.post(url, headers=admin, json={"accept": True}).status_code == 422
        assert client.post(url, headers=admin, json={"accept": True, "reason": ""}).status_code == 422
        decided = client.post(url, headers=admin, json={"accept": True, "reason": "Capacity verified"})
        assert decided.status_code == 200 and decided.json()["status"] == "accepted"
        partner = client.get(f"/api/v1/partners/{world.a.id}", headers=admin).json()
        assert partner["tier"]["key"] == "silver"
        assert client.post(url, headers=admin, json={"accept": True, "reason": "again"}).status_code == 409
        assert client.get("/api/v1/tier-recommendations", headers=admin).json()["total"] == 0

    def test_decision_by_partner_is_forbidden(self, client, world, silver_a):
        client.post("/api/v1/tier-evaluations", headers=world.headers("admin"))
        [item] = client.get("/api/v1/tier-recommendations", headers=world.headers("admin")).json()["items"]
        response = client.post(f"/api/v1/tier-recommendations/{item['id']}/decision", headers=world.headers("a_admin"), json={"accept": True, "reason": "me"})
        assert response.status_code == 403

    def test_unknown_recommendation(self, client, world):
        response = client.post("/api/v1/tier-recommendations/999/decision", headers=world.headers("admin"), json={"accept": False, "reason": "x"})
        assert response.status_code == 404
