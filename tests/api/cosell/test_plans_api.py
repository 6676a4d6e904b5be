from __future__ import annotations

import pytest

from alliance.identity.scope import PartnerScope
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.models import Registration

BODY = {"activities": [{"activity": "data_migration", "lead": "si", "effort_days": "20"}, {"activity": "training", "lead": "joint"}], "note": "First cut"}


@pytest.fixture
def projects(db, world):  # type: ignore[no-untyped-def]
    ids = world.registrations()
    with db.session_scope(PartnerScope.system(reason="test: project registrations")) as session:
        for registration_id in ids.values():
            session.get(Registration, registration_id, with_for_update=True).kind = RegistrationKind.PROJECT
    return ids


def propose(client, world, projects, who="a_admin", key="a", body=BODY):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/registrations/{projects[key]}/codelivery-plan", headers=world.headers(who), json=body)


class TestProposePlan:
    def test_anonymous(self, client, projects):
        assert client.post(f"/api/v1/registrations/{projects['a']}/codelivery-plan", json=BODY).status_code == 401

    def test_valid(self, client, world, projects):
        response = propose(client, world, projects)
        assert response.status_code == 201, response.text
        version = response.json()
        assert (version["number"], version["status"], version["proposed_by_side"], version["note"]) == (1, "proposed", "partner", "First cut")
        assert [(a["activity"], a["lead"], a["effort_days"]) for a in version["activities"]] == [("data_migration", "si", "20.0"), ("training", "joint", None)]

    def test_other_partner(self, client, world, projects):
        assert propose(client, world, projects, who="b_admin", key="a").status_code == 404

    def test_partner_user_cannot_propose(self, client, world, projects):
        assert propose(client, world, projects, who="a_user").status_code == 403

    def test_deal_registration_is_409(self, client, world, projects, db):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.get(Registration, projects["a"], with_for_update=True).kind = RegistrationKind.DEAL
        assert propose(client, world, projects).status_code == 409

    def test_payload_and_rule_errors(self, client, world, projects):
        assert propose(client, world, projects, body={"activities": [{"activity": "training", "lead": "nobody"}]}).status_code == 422
        assert propose(client, world, projects, body={"activities": [{"activity": "training", "lead": "si", "effort_days": "-1"}]}).status_code == 422
        response = propose(client, world, projects, body={"activities": [{"activity": "custom", "lead": "si"}]})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "rule_violation"


class TestSignOffAndCompare:
    def test_double_sign_off_then_compare(self, client, world, projects):
        first = propose(client, world, projects).json()
        signed = client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=world.headers("a_admin")).json()
        assert signed["status"] == "proposed" and signed["partner_signed_by_user_id"] == world.users["a_admin"]
        agreed = client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=world.headers("ps_lead")).json()
        assert agreed["status"] == "agreed"
        body = {"activities": [{"activity": "data_migration", "lead": "vendor_ps", "effort_days": "35"}, {"activity": "training", "lead": "joint"}]}
        second = propose(client, world, projects, who="ps_lead", body=body).json()
        plan = client.get(f"/api/v1/codelivery-plans/{first['plan_id']}", headers=world.headers("a_user")).json()
        assert plan["agreed_version_id"] == first["id"]
        assert [(v["number"], v["status"]) for v in plan["versions"]] == [(1, "agreed"), (2, "proposed")]
        comparison = client.get(f"/api/v1/codelivery-plans/{first['plan_id']}/compare?from=1&to=2", headers=world.headers("a_user"))
        assert comparison.status_code == 200
        assert [c["text"] for c in comparison.json()["changes"]] == ["Data migration: lead SI → vendor PS; effort 20 → 35 days"]
        assert second["status"] == "proposed"

    def test_other_partner_cannot_sign_or_read(self, client, world, projects):
        first = propose(client, world, projects).json()
        headers = world.headers("b_admin")
        assert client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=headers).status_code == 404
        assert client.get(f"/api/v1/codelivery-plans/{first['plan_id']}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/codelivery-plans/{first['plan_id']}/compare?from=1&to=1", headers=headers).status_code == 404

    def test_cam_cannot_sign(self, client, world, projects):
        first = propose(client, world, projects).json()
        assert client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=world.headers("cam")).status_code == 403

    def test_compare_defaults_to_latest_against_agreed(self, client, world, projects):
        first = propose(client, world, projects).json()
        client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=world.headers("a_admin"))
        client.post(f"/api/v1/plan-versions/{first['id']}/sign-off", headers=world.headers("admin"))
        propose(client, world, projects, who="ps_lead", body={"activities": [{"activity": "training", "lead": "joint"}]})
        propose(client, world, projects, body={"activities": [{"activity": "training", "lead": "si"}]})
        comparison = client.get(f"/api/v1/codelivery-plans/{first['plan_id']}/compare", headers=world.headers("a_user")).json()
        assert (comparison["from_number"], comparison["to_number"]) == (1, 3)
        assert [c["text"] for c in comparison["changes"]] == ["Training: lead joint → SI", "Data migration: removed (was lead SI, 20 days)"]
        assert client.get(f"/api/v1/codelivery-plans/{first['plan_id']}/compare?from=0", headers=world.headers("a_user")).status_code == 422
        assert client.get(f"/api/v1/codelivery-plans/{first['plan_id']}/compare?to=9", headers=world.headers("a_user")).status_code == 404


class TestListPlans:
    def test_anonymous(self, client):
        assert client.get("/api/v1/codelivery-plans").status_code == 401

    def test_partners_see_their_own(self, client, world, projects):
        plan_a = propose(client, world, projects).json()["plan_id"]
        plan_b = propose(client, world, projects, who="b_admin", key="b").json()["plan_id"]
        mine = client.get("/api/v1/codelivery-plans", headers=world.headers("a_user")).json()
        assert [p["id"] for p in mine["items"]] == [plan_a] and mine["total"] == 1
        assert mine["items"][0]["partner_id"] == world.a.id
        everything = client.get("/api/v1/codelivery-plans", headers=world.headers("cam")).json()
        assert {p["id"] for p in everything["items"]} == {plan_a, plan_b}

    def test_filters(self, client, world, projects):
        plan_a = propose(client, world, projects).json()["plan_id"]
        propose(client, world, projects, who="b_admin", key="b")
        headers = world.headers("admin")
        found = client.get(f"/api/v1/codelivery-plans?registration_id={projects['a']}", headers=headers).json()
        assert [p["id"] for p in found["items"]] == [plan_a]
        assert [p["latest_status"] for p in found["items"]] == ["proposed"]
        assert client.get("/api/v1/codelivery-plans?status=agreed", headers=headers).json()["total"] == 0


class TestSignWhileDisputed:
    """Defect 5 through the API: 409 naming the dispute and the way forward; the plan lists it and offers no sign."""

    def test_sign_off_is_409_and_the_plan_shows_the_dispute(self, client, world, projects):
        version = propose(client, world, projects).json()
        activity = version["activities"][0]
        opened = client.post(
            "/api/v1/disputes",
            headers=world.headers("a_admin"),
            json={"plan_id": version["plan_id"], "activity_id": activity["id"], "subject": "Who migrates the data"},
        )
        assert opened.status_code == 201, opened.text
        dispute_id = opened.json()["id"]
        for who in ("a_admin", "ps_lead"):
            refused = client.post(f"/api/v1/plan-versions/{version['id']}/sign-off", headers=world.headers(who))
            assert refused.status_code == 409, refused.text
            body = refused.json()["error"]
            assert f"dispute #{dispute_id} on Data migration" in body["message"]
            assert {d["field"] for d in body["details"]} >= {"dispute_id", "way_forward"}
        plan = client.get(f"/api/v1/codelivery-plans/{version['plan_id']}", headers=world.headers("a_admin")).json()
        assert [(d["dispute_id"], d["activity"], d["subject"]) for d in plan["open_disputes"]] == [(dispute_id, "Data migration", "Who migrates the data")]
        assert plan["actions"] == ["propose", "dispute"]
        assert plan["versions"][0]["partner_signed_at"] is None and plan["versions"][0]["vendor_signed_at"] is None

    def test_without_a_dispute_sign_is_offered(self, client, world, projects):
        version = propose(client, world, projects).json()
        assert client.get(f"/api/v1/codelivery-plans/{version['plan_id']}", headers=world.headers("a_admin")).json()["actions"] == [
            "propose",
            "sign",
            "dispute",
        ]
        assert client.get(f"/api/v1/codelivery-plans/{version['plan_id']}", headers=world.headers("a_user")).json()["actions"] == []
