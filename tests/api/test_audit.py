from __future__ import annotations

from datetime import UTC, datetime, timedelta


class TestAuditApi:
    def test_auditor_browses_and_filters(self, client, world):
        headers = world.headers("auditor")
        body = client.get("/api/v1/audit/events?limit=5", headers=headers).json()
        assert body["total"] > 20 and len(body["items"]) == 5
        seqs = [e["seq"] for e in body["items"]]
        assert seqs == sorted(seqs, reverse=True)
        partner_events = client.get(f"/api/v1/audit/events?partner_id={world.b.id}&action=person.", headers=headers).json()
        assert partner_events["total"] == 2 and all(e["partner_id"] == world.b.id for e in partner_events["items"])
        by_actor = client.get("/api/v1/audit/events?actor=test-setup", headers=headers).json()
        assert by_actor["total"] == body["total"]
        future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert client.get("/api/v1/audit/events", params={"since": future}, headers=headers).json()["total"] == 0

    def test_event_and_verify(self, client, world):
        headers = world.headers("admin")
        assert client.get("/api/v1/audit/events/1", headers=headers).json()["prev_hash"] == "0" * 64
        verdict = client.get("/api/v1/audit/verify", headers=headers).json()
        assert verdict["ok"] is True and verdict["checked"] > 20

    def test_only_auditors_and_admins(self, client, world):
        for who in ("cam", "executive", "ps_lead", "a_admin", "a_user"):
            assert client.get("/api/v1/audit/events", headers=world.headers(who)).status_code == 403, who

    def test_bad_filters(self, client, world):
        headers = world.headers("auditor")
        assert client.get("/api/v1/audit/events?since=not-a-date", headers=headers).status_code == 422
        assert client.get("/api/v1/audit/events/abc", headers=headers).status_code == 422
        assert client.get("/api/v1/audit/events/999999", headers=headers).status_code == 404

    def test_failed_change_leaves_no_event(self, client, world):
        headers = world.headers("admin")
        before = client.get("/api/v1/audit/events?limit=1", headers=headers).json()["total"]
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=headers, json={"tier_id": world.tier_ids["reseller/gold"]})
        assert response.status_code == 422
        assert client.get("/api/v1/audit/events?limit=1", headers=headers).json()["total"] == before
