from __future__ import annotations

import pytest


class TestPrograms:
    def test_default_programs_cover_every_partner_type(self, client, world):
        programs = client.get("/api/v1/programs", headers=world.headers("a_user")).json()["items"]
        kinds = {(p["partner_type"], p["si_subtype"]) for p in programs}
        assert kinds == {
            ("systems_integrator", "gsi"),
            ("systems_integrator", "regional"),
            ("systems_integrator", "vertical"),
            ("systems_integrator", "technology"),
            ("reseller", None),
            ("msp", None),
            ("distributor", None),
        }

    def test_si_programs_weigh_delivery_capacity_resellers_weigh_revenue(self, client, world):
        programs = {p["key"]: p for p in client.get("/api/v1/programs", headers=world.headers("admin")).json()["items"]}
        si_gold = next(t for t in programs["si-regional"]["tiers"] if t["key"] == "gold")
        reseller_gold = next(t for t in programs["reseller"]["tiers"] if t["key"] == "gold")
        assert any(c["metric"].startswith("certified.implementation_engineer") for c in si_gold["criteria"])
        assert any(c["metric"] == "influenced_revenue_12m" for c in si_gold["criteria"])
        assert not any(c["metric"] == "direct_revenue_12m" for c in si_gold["criteria"])
        assert any(c["metric"] == "direct_revenue_12m" for c in reseller_gold["criteria"])
        assert si_gold["influence_protection_days"] >= 270 and si_gold["project_protection_days"] >= 365

    def test_tiers_are_ordered(self, client, world):
        program = client.get(f"/api/v1/programs/{world.program_ids['si-regional']}", headers=world.headers("admin")).json()
        assert [t["rank"] for t in program["tiers"]] == [1, 2, 3, 4]
        assert [t["key"] for t in program["tiers"]] == ["registered", "silver", "gold", "platinum"]

    def test_update_program_admin_only(self, client, world):
        url = f"/api/v1/programs/{world.program_ids['msp']}"
        assert client.patch(url, headers=world.headers("cam"), json={"name": "MSP+"}).status_code == 403
        response = client.patch(url, headers=world.headers("admin"), json={"name": "MSP+"})
        assert response.status_code == 200 and response.json()["name"] == "MSP+"

    def test_program_settings_ladder_and_grace(self, client, world):
        url = f"/api/v1/programs/{world.program_ids['si-regional']}"
        program = client.get(url, headers=world.headers("admin")).json()
        assert program["downgrade_grace_days"] == 90
        assert [(level["name"], level["days"], level["deciders"]) for level in program["dispute_ladder"]] == [
            ("CAM and PS lead", 5, ["cam", "ps_lead", "program_admin"]),
            ("Channel director", 5, ["program_admin"]),
            ("VP channel", 10, ["executive", "program_admin"]),
        ]
        ladder = [{"name": "Account team", "days": 3, "deciders": ["cam", "cam", "ps_lead"]}, {"name": "VP channel", "days": 10, "deciders": ["executive"]}]
        response = client.patch(url, headers=world.headers("admin"), json={"downgrade_grace_days": 30, "dispute_ladder": ladder})
        assert response.status_code == 200, response.text
        assert response.json()["downgrade_grace_days"] == 30
        assert response.json()["dispute_ladder"][0] == {"name": "Account team", "days": 3, "deciders": ["cam", "ps_lead"]}
        events = client.get("/api/v1/audit/events?action=program.updated&sort=-seq", headers=world.headers("auditor")).json()["items"]
        assert events and events[0]["after"]["downgrade_grace_days"] == 30

    def test_review_calendar(self, client, world):
        admin = world.headers("admin")
        calendar = client.post(
            "/api/v1/business-calendars",
            headers=admin,
            json={"key": "bavaria", "name": "Munich", "time_zone": "Europe/Berlin", "holiday_country": "de", "holiday_subdivision": "by"},
        )
        assert calendar.status_code == 201, calendar.text
        assert (calendar.json()["holiday_country"], calendar.json()["holiday_subdivision"]) == ("DE", "BY")
        url = f"/api/v1/programs/{world.program_ids['si-regional']}"
        assert client.get(url, headers=admin).json()["review_calendar_id"] is None
        response = client.patch(url, headers=admin, json={"review_calendar_id": calendar.json()["id"]})
        assert response.status_code == 200 and response.json()["review_calendar_id"] == calendar.json()["id"]
        unknown = client.patch(url, headers=admin, json={"review_calendar_id": 999_999})
        assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "review_calendar_id"
        assert client.patch(url, headers=admin, json={"review_calendar_id": None}).json()["review_calendar_id"] is None

    @pytest.mark.parametrize(
        "body",
        [
            {"downgrade_grace_days": -1},
            {"downgrade_grace_days": 400},
            {"downgrade_grace_days": None},
            {"dispute_ladder": []},
            {"dispute_ladder": None},
            {"dispute_ladder": [{"name": "Team", "days": 0, "deciders": ["cam"]}]},
            {"dispute_ladder": [{"name": "Team", "days": 3, "deciders": []}]},
            {"dispute_ladder": [{"name": "Team", "days": 3, "deciders": ["auditor"]}]},
            {"dispute_ladder": [{"name": "", "days": 3, "deciders": ["cam"]}]},
            {"dispute_ladder": [{"name": "Team", "days": 3, "deciders": ["cam"]}] * 7},
        ],
    )
    def test_bad_program_settings(self, client, world, body):
        url = f"/api/v1/programs/{world.program_ids['si-regional']}"
        response = client.patch(url, headers=world.headers("admin"), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"]
        assert client.get(url, headers=world.headers("admin")).json()["downgrade_grace_days"] == 90

    def test_currency_is_iso_4217(self, client, world):
        url = f"/api/v1/programs/{world.program_ids['msp']}"
        assert client.get(url, headers=world.headers("admin")).json()["currency"] == "USD"
        response = client.patch(url, headers=world.headers("admin"), json={"currency": "XYZ"})
        assert response.status_code == 422, response.text
        assert [d["field"] for d in response.json()["error"]["details"]] == ["currency"]
        response = client.patch(url, headers=world.headers("admin"), json={"currency": "eur"})
        assert response.status_code == 200 and response.json()["currency"] == "EUR"
        events = client.get("/api/v1/audit/events?action=program.updated&sort=-seq", headers=world.headers("auditor")).json()["items"]
        assert (events[0]["before"]["currency"], events[0]["after"]["currency"]) == ("USD", "EUR")

    def test_currency_is_fixed_once_amounts_are_recorded(self, client, world):
        world.registrations()  # partner A (si-regional) files a 120,000 USD deal
        url = f"/api/v1/programs/{world.program_ids['si-regional']}"
        response = client.patch(url, headers=world.headers("admin"), json={"currency": "EUR"})
        assert response.status_code == 409, response.text
        assert "never converted" in response.json()["error"]["message"]
        assert response.json()["error"]["details"] == [{"field": "currency", "message": "amounts are recorded in USD"}]
        assert client.get(url, headers=world.headers("admin")).json()["currency"] == "USD"

    def test_missing(self, client, world):
        assert client.get("/api/v1/programs/99999", headers=world.headers("admin")).status_code == 404
        assert client.get("/api/v1/tiers/99999", headers=world.headers("admin")).status_code == 404


class TestUpdateTier:
    def test_benefits_and_criteria(self, client, world):
        tier_id = world.tier_ids["si-regional/silver"]
        body = {
            "deal_protection_days": 120,
            "criteria_mode": "any",
            "criteria": [
                {"metric": "certified.solution_architect.professional", "comparison": ">=", "threshold": 3},
                {"metric": "won_projects_12m", "threshold": 2},
            ],
            "reason": "FY27 program refresh",
        }
        response = client.patch(f"/api/v1/tiers/{tier_id}", headers=world.headers("admin"), json=body)
        assert response.status_code == 200, response.text
        tier = response.json()
        assert tier["deal_protection_days"] == 120 and tier["criteria_mode"] == "any"
        assert [c["metric"] for c in tier["criteria"]] == ["certified.solution_architect.professional", "won_projects_12m"]
        event = client.get(f"/api/v1/audit/events?entity_type=tier&entity_id={tier_id}", headers=world.headers("auditor")).json()["items"][0]
        assert event["before"]["deal_protection_days"] == 90 and event["after"]["deal_protection_days"] == 120
        assert event["reason"] == "FY27 program refresh"

    def test_unknown_metric_named_with_suggestion(self, client, world):
        tier_id = world.tier_ids["si-regional/silver"]
        before = client.get(f"/api/v1/tiers/{tier_id}", headers=world.headers("admin")).json()
        body = {
            "deal_protection_days": 10,
            "criteria": [{"metric": "won_projects_12m", "threshold": 1}, {"metric": "certified.solution_architekt", "threshold": 2}],
        }
        response = client.patch(f"/api/v1/tiers/{tier_id}", headers=world.headers("admin"), json=body)
        assert response.status_code == 422
        detail = response.json()["error"]["details"][0]
        assert detail["field"] == "criteria[1].metric" and "certified.solution_architect" in detail["message"]
        assert client.get(f"/api/v1/tiers/{tier_id}", headers=world.headers("admin")).json() == before, "a refused change must leave nothing behind"

    @pytest.mark.parametrize(
        "body",
        [
            {"deal_protection_days": -1},
            {"deal_protection_days": 5000},
            {"discount_percent": 101},
            {"cosell_priority": 0},
            {"criteria_mode": "most"},
            {"asset_access_level": "secret"},
            {"criteria": [{"metric": "won_projects_12m", "comparison": "~", "threshold": 1}]},
            {"criteria": [{"metric": "won_projects_12m", "threshold": -5}]},
            {"criteria": [{"metric": "won_projects_12m", "threshold": 1}] * 31},
            {"name": None},
            {"rank": 1},
        ],
    )
    def test_bad_input(self, client, world, body):
        response = client.patch(f"/api/v1/tiers/{world.tier_ids['reseller/gold']}", headers=world.headers("admin"), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"]

    def test_metrics_catalog(self, client, world):
        body = client.get("/api/v1/metrics?limit=500", headers=world.headers("a_user")).json()
        names = {m["name"] for m in body["items"]}
        assert body["total"] == len(names)
        assert client.get("/api/v1/metrics?q=influenced_revenue", headers=world.headers("a_user")).json()["total"] == 1
        assert {"certified.implementation_engineer.professional", "influenced_revenue_12m", "direct_revenue_12m"} <= names
