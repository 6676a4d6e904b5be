"""The rules-of-engagement and dispute API: 409 with the rule and the way forward, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alliance.kit import clock
from tests.factories.engagements import agreed_plan, protected_account


@pytest.fixture
def accounts(db, world):  # type: ignore[no-untyped-def]
    """Partner A's and partner B's SI-protected accounts."""
    return {"a": protected_account(db, world, "a"), "b": protected_account(db, world, "b")}


def engagement(world, customer_id: int, **extra) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "customer_id": customer_id,
        "activity": "implementation",
        "staffed_user_id": world.users["ps_lead"],
        "starts_on": clock.today().isoformat(),
        **extra,
    }


def give_consent(client, world, who: str, customer_id: int, **extra) -> dict:  # type: ignore[no-untyped-def,type-arg]
    body = {"activity": "implementation", "expires_on": (clock.today() + timedelta(days=30)).isoformat(), **extra}
    response = client.post(f"/api/v1/customers/{customer_id}/consents", headers=world.headers(who), json=body)
    assert response.status_code == 201, response.text
    return response.json()


class TestCreateEngagement:
    def test_anonymous(self, client):
        assert client.post("/api/v1/ps-engagements", json={}).status_code == 401

    def test_blocked_answers_409_with_the_rule_and_the_way_forward(self, client, world, accounts):
        response = client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=engagement(world, accounts["a"].customer_id))
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "conflict"
        assert "SI-protected by Northwind Consulting" in error["message"] and "recorded consent" in error["message"]
        details = {d["field"]: d["message"] for d in error["details"]}
        assert details["activity"] == error["message"]
        assert details["way_forward"].startswith("Ask Northwind Consulting to record consent for implementation on ")
        assert details["way_forward"].endswith("or a program admin may override with a reason")

    def test_consented(self, client, world, accounts):
        consent = give_consent(client, world, "a_admin", accounts["a"].customer_id)
        response = client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=engagement(world, accounts["a"].customer_id))
        assert response.status_code == 201, response.text
        assert (response.json()["outcome"], response.json()["consent_id"]) == ("consented", consent["id"])

    def test_plan_gives_vendor_ps_the_activity(self, client, world, db, accounts):
        agreed_plan(db, accounts["a"], implementation="vendor_ps")
        response = client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=engagement(world, accounts["a"].customer_id))
        assert response.status_code == 201 and response.json()["outcome"] == "allowed"

    def test_program_admin_override_is_a_violation(self, client, world, accounts):
        body = engagement(world, accounts["a"].customer_id, override_reason="Customer escalation")
        response = client.post("/api/v1/ps-engagements", headers=world.headers("admin"), json=body)
        assert response.status_code == 201 and response.json()["outcome"] == "overridden"
        violations = client.get("/api/v1/roe-violations", headers=world.headers("a_user")).json()
        assert [(v["engagement_id"], v["reason"]) for v in violations["items"]] == [(response.json()["id"], "Customer escalation")]
        assert client.get("/api/v1/roe-violations", headers=world.headers("b_user")).json()["total"] == 0

    def test_ps_lead_override_is_forbidden(self, client, world, accounts):
        body = engagement(world, accounts["a"].customer_id, override_reason="Because")
        assert client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=body).status_code == 403

    def test_partners_cannot_staff(self, client, world, accounts):
        body = engagement(world, accounts["a"].customer_id, override_reason="Our own people")
        assert client.post("/api/v1/ps-engagements", headers=world.headers("a_admin"), json=body).status_code == 403


class TestReadEngagements:
    @pytest.fixture
    def staffed(self, client, world, accounts):  # type: ignore[no-untyped-def]
        """An engagement on A's protected account, one on B's, and one on an account nobody protects."""
        found = {}
        for key in ("a", "b"):
            body = engagement(world, accounts[key].customer_id, activity="integration", override_reason="Customer escalation")
            found[key] = client.post("/api/v1/ps-engagements", headers=world.headers("admin"), json=body).json()
        customer = client.post("/api/v1/customers", headers=world.headers("admin"), json={"name": "Open Account Co"}).json()
        found["open"] = client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=engagement(world, customer["id"])).json()
        return found

    def test_anonymous(self, client):
        assert client.get("/api/v1/ps-engagements").status_code == 401
        assert client.get("/api/v1/ps-engagements/1").status_code == 401

    def test_a_partner_lists_the_engagements_on_accounts_it_protected(self, client, world, staffed):
        for who in ("a_admin", "a_user"):
            page = client.get("/api/v1/ps-engagements", headers=world.headers(who)).json()
            assert [(e["id"], e["protecting_partner_id"]) for e in page["items"]] == [(staffed["a"]["id"], world.a.id)] and page["total"] == 1
        assert client.get(f"/api/v1/ps-engagements?partner_id={world.b.id}", headers=world.headers("a_admin")).json()["total"] == 0

    def test_a_partner_reads_its_own_and_gets_404_for_the_rest(self, client, world, staffed):
        headers = world.headers("a_user")
        own = client.get(f"/api/v1/ps-engagements/{staffed['a']['id']}", headers=headers)
        assert own.status_code == 200 and (own.json()["outcome"], own.json()["override_reason"]) == ("overridden", "Customer escalation")
        missing = client.get("/api/v1/ps-engagements/987654", headers=headers)
        for key in ("b", "open"):
            response = client.get(f"/api/v1/ps-engagements/{staffed[key]['id']}", headers=headers)
            assert response.status_code == 404 and response.json()["error"]["code"] == missing.json()["error"]["code"]

    def test_the_partner_admin_disputes_what_it_can_read(self, client, world, staffed):
        headers = world.headers("a_admin")
        opened = client.post("/api/v1/disputes", headers=headers, json={"engagement_id": staffed["a"]["id"], "subject": "We lead integration"})
        assert opened.status_code == 201 and opened.json()["opened_by_side"] == "partner"
        for key in ("b", "open"):
            assert client.post("/api/v1/disputes", headers=headers, json={"engagement_id": staffed[key]["id"], "subject": "Not ours"}).status_code == 404

    def test_vendor_users_read_every_engagement(self, client, world, staffed):
        page = client.get("/api/v1/ps-engagements", headers=world.headers("auditor")).json()
        assert {e["id"] for e in page["items"]} == {staffed[k]["id"] for k in ("a", "b", "open")}
        assert client.get(f"/api/v1/ps-engagements?partner_id={world.b.id}", headers=world.headers("cam")).json()["items"][0]["id"] == staffed["b"]["id"]
        for key in ("a", "b", "open"):
            assert client.get(f"/api/v1/ps-engagements/{staffed[key]['id']}", headers=world.headers("ps_lead")).status_code == 200


class TestConsents:
    def test_revocation(self, client, world, accounts):
        consent = give_consent(client, world, "a_admin", accounts["a"].customer_id, activity=None)
        response = client.post(f"/api/v1/consents/{consent['id']}/revocation", headers=world.headers("a_admin"), json={"reason": "Team available"})
        assert response.status_code == 200 and response.json()["revoke_reason"] == "Team available"
        blocked = client.post("/api/v1/ps-engagements", headers=world.headers("ps_lead"), json=engagement(world, accounts["a"].customer_id))
        assert blocked.status_code == 409 and "was revoked" in blocked.json()["error"]["message"]

    def test_revocation_needs_a_reason(self, client, world, accounts):
        consent = give_consent(client, world, "a_admin", accounts["a"].customer_id)
        assert client.post(f"/api/v1/consents/{consent['id']}/revocation", headers=world.headers("a_admin"), json={}).status_code == 422

    def test_partner_cannot_consent_on_another_partners_account(self, client, world, accounts):
        body = {"expires_on": (clock.today() + timedelta(days=30)).isoformat()}
        response = client.post(f"/api/v1/customers/{accounts['b'].customer_id}/consents", headers=world.headers("a_admin"), json=body)
        assert response.status_code == 404


class TestProtection:
    def test_registration_protects_its_account(self, client, world, db):
        from tests.factories.engagements import approve_as_project

        registration_id = world.registrations()["a"]
        approve_as_project(db, registration_id)
        response = client.post(f"/api/v1/registrations/{registration_id}/account-protection", headers=world.headers("cam"), json={"reason": "Approved project"})
        assert response.status_code == 200, response.text
        assert (response.json()["ownership"], response.json()["owning_partner_id"]) == ("si_protected", world.a.id)
        assert (
            client.post(f"/api/v1/registrations/{registration_id}/account-protection", headers=world.headers("a_admin"), json={"reason": "Mine"}).status_code
            == 403
        )


class TestDisputes:
    def open_plan_dispute(self, client, world, db, account, who: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
        plan_id, activities = agreed_plan(db, account, implementation="si")
        body = {"plan_id": plan_id, "activity_id": next(iter(activities.values())), "subject": "Who leads implementation"}
        response = client.post("/api/v1/disputes", headers=world.headers(who), json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def test_open_escalate_decide_report(self, client, world, db, accounts):
        dispute = self.open_plan_dispute(client, world, db, accounts["a"], "a_admin")
        assert (dispute["level"], dispute["level_name"], dispute["status"]) == (0, "CAM and PS lead", "open")
        escalated = client.post(f"/api/v1/disputes/{dispute['id']}/escalation", headers=world.headers("cam"), json={"reason": "No agreement"})
        assert escalated.status_code == 200 and escalated.json()["level_name"] == "Channel director"
        decision = {"lead": "joint", "split_note": "SI builds, PS reviews", "rationale": "Both on site"}
        assert client.post(f"/api/v1/disputes/{dispute['id']}/decision", headers=world.headers("cam"), json=decision).status_code == 403
        decided = client.post(f"/api/v1/disputes/{dispute['id']}/decision", headers=world.headers("admin"), json=decision)
        assert decided.status_code == 200 and decided.json()["status"] == "resolved" and decided.json()["resulting_version_id"]
        report = client.get("/api/v1/reports/disputes", headers=world.headers("admin")).json()
        assert (report["total"], report["resolved"], report["open_by_level"]) == (1, 1, [])
        assert report["median_resolution_business_days"] is not None

    def test_either_side_names_exactly_one_target(self, client, world):
        response = client.post("/api/v1/disputes", headers=world.headers("cam"), json={"subject": "Nothing named"})
        assert response.status_code == 422


class TestIsolation:
    def test_partner_a_never_sees_partner_b(self, client, world, db, accounts):
        a_consent = give_consent(client, world, "a_admin", accounts["a"].customer_id)
        b_consent = give_consent(client, world, "b_admin", accounts["b"].customer_id)
        for key in ("a", "b"):
            body = engagement(world, accounts[key].customer_id, activity="training", override_reason="Customer escalation")
            assert client.post("/api/v1/ps-engagements", headers=world.headers("admin"), json=body).status_code == 201
        a_dispute = TestDisputes().open_plan_dispute(client, world, db, accounts["a"], "a_admin")
        b_dispute = TestDisputes().open_plan_dispute(client, world, db, accounts["b"], "b_admin")

        for who in ("a_admin", "a_user"):
            headers = world.headers(who)
            consents = client.get("/api/v1/consents", headers=headers).json()["items"]
            assert [c["id"] for c in consents] == [a_consent["id"]]
            violations = client.get("/api/v1/roe-violations", headers=headers).json()["items"]
            assert {v["partner_id"] for v in violations} == {world.a.id}
            violations_of_b = client.get(f"/api/v1/roe-violations?partner_id={world.b.id}", headers=headers).json()
            assert violations_of_b["total"] == 0
            disputes = client.get("/api/v1/disputes", headers=headers).json()["items"]
            assert [d["id"] for d in disputes] == [a_dispute["id"]]
            assert client.get(f"/api/v1/disputes/{b_dispute['id']}", headers=headers).status_code == 404
            assert client.get("/api/v1/reports/disputes", headers=headers).status_code == 403
        assert client.post(f"/api/v1/consents/{b_consent['id']}/revocation", headers=world.headers("a_admin"), json={"reason": "Hijack"}).status_code == 404
        assert client.post(f"/api/v1/disputes/{b_dispute['id']}/escalation", headers=world.headers("a_admin"), json={"reason": "Hijack"}).status_code == 403
        decision = {"lead": "si", "rationale": "Hijack"}
        assert client.post(f"/api/v1/disputes/{b_dispute['id']}/decision", headers=world.headers("a_admin"), json=decision).status_code == 403
        assert client.get("/api/v1/consents", headers=world.headers("admin")).json()["total"] == 2
        assert client.get("/api/v1/disputes", headers=world.headers("admin")).json()["total"] == 2
