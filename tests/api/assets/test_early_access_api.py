"""Early access through the API: a Data Platform 10 program needing Gold; a Silver partner is told
what it misses; after the upgrade its admin applies (terms recorded with the time and the
person), the vendor accepts; the pre-release asset, locked with "needs enrolment ... — apply"
until then, opens; the partner leaves feedback the vendor reads. A decline needs a reason; a
decided application is a 409; another partner sees neither the application nor the feedback."""

from __future__ import annotations

from typing import Any

from tests.api.assets.test_assets_api import _asset, _catalog, _publish

TERMS = "Pre-release software: no production use; feedback within 30 days."


def _program(client, world, **extra: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = {"product_line": "data-platform", "version": "10", "terms": TERMS, "minimum_tier_rank": 3, **extra}
    response = client.post("/api/v1/early-access/programs", headers=world.headers("admin"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_apply_accept_open_the_pre_release_asset_and_leave_feedback(client, world):
    _catalog(world)
    admin, a_admin, a_user = world.headers("admin"), world.headers("a_admin"), world.headers("a_user")
    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/silver"]})
    program = _program(client, world)
    assert program["name"] == "Data Platform 10"
    assert client.post("/api/v1/early-access/programs", headers=admin, json={"product_line": "data-platform", "version": "10", "terms": "x"}).status_code == 409
    asset = _asset(client, world, title="Data Platform 10 migration guide", entitlement={"early_access_program_id": program["id"]})
    _publish(client, world, asset["id"])

    locked = client.get(f"/api/v1/assets/{asset['id']}", headers=a_user).json()
    assert [(lock["reason"], lock["unlock"], lock["link"]) for lock in locked["locks"]] == [
        ("needs enrolment in the Data Platform 10 early-access program", "apply", "early_access")
    ]
    listed = client.get("/api/v1/early-access/programs", headers=a_user).json()
    assert listed[0]["eligibility"] == ["needs Gold tier: you are Silver"] and listed[0]["application_status"] is None
    url = f"/api/v1/early-access/programs/{program['id']}/applications"
    assert client.post(url, headers=a_user, json={"accept_terms": True}).status_code == 403  # the partner admin applies
    refused = client.post(url, headers=a_admin, json={"accept_terms": True})
    assert refused.status_code == 422 and "needs Gold tier: you are Silver" in refused.json()["error"]["message"]
    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/gold"]})
    assert client.post(url, headers=a_admin, json={"accept_terms": False}).status_code == 422
    applied = client.post(url, headers=a_admin, json={"accept_terms": True, "note": "Pilot at two hospitals"})
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["status"] == "pending" and application["terms_accepted_by_user_id"] == world.a.admin_user_id
    assert len(application["terms_sha256"]) == 64 and application["terms_accepted_at"]
    assert client.post(url, headers=a_admin, json={"accept_terms": True}).status_code == 409

    decision = f"/api/v1/early-access/applications/{application['id']}/decision"
    assert client.post(decision, headers=a_admin, json={"decision": "accept"}).status_code == 403
    assert client.post(decision, headers=world.headers("b_admin"), json={"decision": "accept"}).status_code == 403
    assert client.post(decision, headers=admin, json={"decision": "decline"}).status_code == 422  # a decline says why
    accepted = client.post(decision, headers=world.headers("cam"), json={"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert client.post(decision, headers=admin, json={"decision": "decline", "reason": "Too late"}).status_code == 409

    assert client.get(f"/api/v1/assets/{asset['id']}", headers=a_user).json()["locks"] == []
    feedback = client.post(f"/api/v1/assets/{asset['id']}/early-access-feedback", headers=a_user, json={"body": "Step 4 misses the schema upgrade."})
    assert feedback.status_code == 201, feedback.text
    seen = client.get(f"/api/v1/early-access/programs/{program['id']}/feedback", headers=admin).json()
    assert [f["body"] for f in seen] == ["Step 4 misses the schema upgrade."]
    rows = client.get("/api/v1/early-access/applications", headers=admin, params={"status": "accepted", "sort": "partner"}).json()
    assert rows["total"] == 1 and rows["items"][0]["partner"] == "Northwind Consulting" and rows["items"][0]["accepted_by"] == "A Admin"
    assert rows["items"][0]["decided_by"] == "Carl Cam"
    assert client.get("/api/v1/early-access/applications", headers=admin, params={"sort": "nonsense"}).status_code == 422

    # Partner B: not enrolled, sees the asset locked, none of A's application or feedback.
    b_user = world.headers("b_user")
    assert client.get(f"/api/v1/assets/{asset['id']}", headers=b_user).json()["locks"][0]["dimension"] == "early_access"
    assert client.get("/api/v1/early-access/applications", headers=b_user).json()["total"] == 0
    assert client.get(f"/api/v1/early-access/programs/{program['id']}/feedback", headers=b_user).json() == []
    assert client.post(f"/api/v1/assets/{asset['id']}/early-access-feedback", headers=b_user, json={"body": "x"}).status_code == 422
    audit = client.get("/api/v1/audit/events", headers=admin, params={"action": "early_access."}).json()
    assert {e["action"] for e in audit["items"]} >= {"early_access.program_created", "early_access.applied", "early_access.accepted", "early_access.feedback"}
