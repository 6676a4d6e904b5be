"""The co-sell API: routing configuration, resource requests, breaches, report; partner isolation."""

# The fixtures are imported from requests_fixtures; tests name them as arguments.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from alliance.kit import clock
from tests.service.cosell.requests_fixtures import WEDNESDAY, routing  # noqa: F401


def body(**extra: object) -> dict[str, object]:
    return {"request_type": "solution_architect", "needed_by": (clock.today() + timedelta(days=10)).isoformat(), "description": "SA for RFP", **extra}


@pytest.fixture
def a_request(client, world, routing):  # type: ignore[no-untyped-def]
    registration_id = world.registrations()["a"]
    response = client.post(f"/api/v1/registrations/{registration_id}/resource-requests", headers=world.headers("a_user"), json=body())
    assert response.status_code == 201, response.text
    return response.json()


class TestRoutingConfiguration:
    def test_anonymous(self, client):
        assert client.get("/api/v1/routing-rules").status_code == 401

    def test_admin_creates_calendar_team_rule(self, client, world, routing):
        admin = world.headers("admin")
        calendar = client.post(
            "/api/v1/business-calendars",
            headers=admin,
            json={
                "key": "uk",
                "name": "UK",
                "time_zone": "Europe/London",
                "holidays": ["2026-12-25"],
            },
        )
        assert calendar.status_code == 201, calendar.text
        assert calendar.json()["work_days"] == [1, 2, 3, 4, 5] and calendar.json()["day_starts"] == "09:00:00"
        team = client.post("/api/v1/cosell-teams", headers=admin, json={"key": "uk-sa", "name": "UK SAs", "calendar_id": calendar.json()["id"]})
        assert team.status_code == 201 and team.json()["is_default"] is False
        rule = client.post(
            "/api/v1/routing-rules",
            headers=admin,
            json={
                "name": "UK",
                "team_id": team.json()["id"],
                "territory": "UK",
                "first_response_hours": "6",
                "priority_hours": {"1": 2},
                "position": 2,
            },
        )
        assert rule.status_code == 201, rule.text
        rules = client.get("/api/v1/routing-rules", headers=admin).json()
        assert [r["name"] for r in rules][1] == "UK" and [r["position"] for r in rules] == list(range(1, len(rules) + 1))
        moved = client.patch(f"/api/v1/routing-rules/{rule.json()['id']}", headers=admin, json={"position": 99, "region": None})
        assert moved.status_code == 200 and moved.json()["position"] == len(rules)
        renamed = client.patch(f"/api/v1/business-calendars/{calendar.json()['id']}", headers=admin, json={"name": "United Kingdom"})
        assert renamed.json()["name"] == "United Kingdom"
        assert client.patch(f"/api/v1/cosell-teams/{team.json()['id']}", headers=admin, json={"is_default": True}).json()["is_default"]

    def test_invalid_configuration(self, client, world, routing):
        admin = world.headers("admin")
        assert client.post("/api/v1/business-calendars", headers=admin, json={"key": "x", "name": "X", "time_zone": "Mars/Base"}).status_code == 422
        assert client.post("/api/v1/business-calendars", headers=admin, json={"key": "x", "name": "X", "day_starts": "18:00"}).status_code == 422
        bad = {"name": "X", "team_id": 999999, "first_response_hours": "4"}
        assert client.post("/api/v1/routing-rules", headers=admin, json=bad).status_code == 422
        team_id = routing["teams"]["ps-desk"]
        assert client.post("/api/v1/routing-rules", headers=admin, json={**bad, "team_id": team_id, "priority_hours": {"9": 1}}).status_code == 422
        assert client.patch(f"/api/v1/cosell-teams/{routing['teams']['cosell-desk']}", headers=admin, json={"is_default": False}).status_code == 409
        assert client.patch("/api/v1/routing-rules/999999", headers=admin, json={"name": "Y"}).status_code == 404

    def test_calendar_times_are_wall_clock_times(self, client, world, routing):
        """Issue 16: "08:00:00Z" was a 500 (an aware time compared with a naive one); times came back
        in a form their declared `format: time` refused. Now: no offset accepted, a pattern documented."""
        admin = world.headers("admin")
        for value in ("08:00:00Z", "08:00:00+01:00", "8:00", "25:00", "08:00:00.5"):
            response = client.post("/api/v1/business-calendars", headers=admin, json={"key": "x", "name": "X", "day_starts": value})
            assert response.status_code == 422, (value, response.text)
            assert [d["field"] for d in response.json()["error"]["details"]] == ["day_starts"]
        calendar = client.post(
            "/api/v1/business-calendars", headers=admin, json={"key": "x", "name": "X", "day_starts": "08:30", "day_ends": "17:15:00"}
        ).json()
        changed = client.patch(f"/api/v1/business-calendars/{calendar['id']}", headers=admin, json={"day_ends": "18:00Z"})
        assert changed.status_code == 422 and changed.json()["error"]["details"][0]["field"] == "day_ends"
        declared = client.get("/api/openapi.json").json()["components"]["schemas"]["CalendarRead"]["properties"]["day_starts"]
        assert "format" not in declared
        for listed in client.get("/api/v1/business-calendars", headers=admin).json():
            assert re.fullmatch(declared["pattern"], listed["day_starts"]) and re.fullmatch(declared["pattern"], listed["day_ends"]), listed
        assert (calendar["day_starts"], calendar["day_ends"]) == ("08:30:00", "17:15:00")

    def test_partners_and_cams(self, client, world, routing):
        assert client.get("/api/v1/cosell-teams", headers=world.headers("a_admin")).status_code == 403
        assert client.get("/api/v1/cosell-teams", headers=world.headers("cam")).status_code == 200
        assert client.post("/api/v1/cosell-teams", headers=world.headers("cam"), json={"key": "k", "name": "K", "calendar_id": 1}).status_code == 403


class TestRequests:
    def test_create_and_read(self, client, world, routing, a_request):
        assert a_request["status"] == "new" and a_request["team_id"] == routing["teams"]["na-architects"]
        assert a_request["breached"] is False and "partner_id" in a_request
        got = client.get(f"/api/v1/resource-requests/{a_request['id']}", headers=world.headers("a_user"))
        assert got.status_code == 200 and got.json()["id"] == a_request["id"]

    def test_validation_and_conflicts(self, client, world, routing):
        registration_id = world.registrations()["a"]
        url = f"/api/v1/registrations/{registration_id}/resource-requests"
        assert client.post(url, headers=world.headers("a_user"), json=body(request_type="coffee")).status_code == 422
        assert client.post(url, headers=world.headers("a_user"), json=body(partner_id=world.b.id)).status_code == 422
        assert client.post(url, headers=world.headers("admin"), json=body()).status_code == 403
        assert client.post("/api/v1/registrations/999999/resource-requests", headers=world.headers("a_user"), json=body()).status_code == 404

    def test_lifecycle(self, client, world, routing, a_request):
        admin = world.headers("admin")
        url = f"/api/v1/resource-requests/{a_request['id']}"
        assert client.post(f"{url}/actions/complete", headers=admin, json={"outcome_rating": 3}).status_code == 409
        accepted = client.post(f"{url}/actions/accept", headers=admin)
        assert accepted.status_code == 200 and accepted.json()["first_responded_at"] is not None
        assert client.post(f"{url}/assignment", headers=admin, json={"assignee_user_id": world.users["cam"]}).status_code == 422
        assigned = client.post(f"{url}/assignment", headers=admin, json={"assignee_user_id": routing["resource_id"]})
        assert assigned.status_code == 200 and assigned.json()["assignee_user_id"] == routing["resource_id"]
        assert client.post(f"{url}/actions/start", headers=admin).json()["status"] == "in_progress"
        assert client.post(f"{url}/actions/complete", headers=admin, json={"outcome_rating": 9}).status_code == 422
        assert client.post(f"{url}/actions/complete", headers=admin).status_code == 422
        done = client.post(f"{url}/actions/complete", headers=admin, json={"outcome_rating": 4, "notes": "Tech win"})
        assert done.json()["status"] == "completed" and done.json()["outcome_rating"] == 4
        assert client.post(f"{url}/actions/fly", headers=admin).status_code == 422

    def test_decline_needs_reason(self, client, world, a_request):
        url = f"/api/v1/resource-requests/{a_request['id']}/actions/decline"
        assert client.post(url, headers=world.headers("admin")).status_code == 422
        declined = client.post(url, headers=world.headers("admin"), json={"reason": "No capacity"})
        assert declined.json()["status"] == "declined" and declined.json()["declined_reason"] == "No capacity"

    def test_partner_isolation(self, client, world, a_request):
        url = f"/api/v1/resource-requests/{a_request['id']}"
        b = world.headers("b_admin")
        assert client.get(url, headers=b).status_code == 404
        assert client.get("/api/v1/resource-requests", headers=b).json()["total"] == 0
        assert client.get("/api/v1/resource-requests", headers=world.headers("a_admin")).json()["total"] == 1
        assert client.post(f"{url}/actions/accept", headers=b).status_code == 403
        assert client.post(f"{url}/assignment", headers=b, json={"assignee_user_id": 1}).status_code == 403
        registration_a = world.registrations()["a"]
        assert client.post(f"/api/v1/registrations/{registration_a}/resource-requests", headers=b, json=body()).status_code == 404
        assert client.get("/api/v1/resource-requests/breaches", headers=b).status_code == 403
        assert client.get("/api/v1/reports/cosell", headers=b).status_code == 403

    def test_breaches(self, client, world, routing):
        clock.freeze(WEDNESDAY)
        registration_id = world.registrations()["b"]
        created = client.post(f"/api/v1/registrations/{registration_id}/resource-requests", headers=world.headers("b_user"), json=body()).json()
        clock.freeze(WEDNESDAY + timedelta(days=7))
        admin = world.headers("admin")
        breaches = client.get("/api/v1/resource-requests/breaches", headers=admin).json()
        assert [r["id"] for r in breaches["items"]] == [created["id"]] and breaches["items"][0]["breached"] is True
        assert client.get("/api/v1/resource-requests", headers=admin, params={"breached": "false"}).json()["total"] == 0


class TestReport:
    def test_json_and_csv(self, client, world, routing, a_request):
        admin = world.headers("admin")
        report = client.get("/api/v1/reports/cosell", headers=admin, params={"group_by": "request_type"})
        assert report.status_code == 200, report.text
        assert report.json()["rows"][0]["key"] == "solution_architect" and report.json()["total"]["volume"] == 1
        csv = client.get("/api/v1/reports/cosell.csv", headers=admin, params={"group_by": "partner"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.strip().splitlines()
        assert lines[0].startswith("group_by,key,label,volume") and "Northwind Consulting" in lines[1] and lines[-1].startswith("partner,total")
        assert client.get("/api/v1/reports/cosell", headers=admin, params={"group_by": "colour"}).status_code == 422
        assert client.get("/api/v1/reports/cosell", headers=admin, params={"start": "2026-05-01", "end": "2026-04-01"}).status_code == 422
