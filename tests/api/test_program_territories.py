"""A program's sales territories one at a time: add, change, delete; a country in one territory
only (409); a territory open plans measure is neither deleted nor renamed (409 naming the plans),
whichever door the change comes in by (territory routes, program PATCH); every change audited."""

from __future__ import annotations

import pytest

from tests.factories.business_plans import build_business_plans

WEST = {"name": "West", "countries": ["US", "CA"]}
DACH = {"name": "DACH", "countries": ["DE", "AT", "CH"]}


@pytest.fixture
def territories(client, world):  # type: ignore[no-untyped-def]
    url = f"/api/v1/programs/{world.program_ids['si-regional']}"
    response = client.patch(url, headers=world.headers("admin"), json={"territories": [WEST, DACH]})
    assert response.status_code == 200, response.text
    return f"{url}/territories"


def _names(client, world) -> list[str]:  # type: ignore[no-untyped-def]
    program = client.get(f"/api/v1/programs/{world.program_ids['si-regional']}", headers=world.headers("admin")).json()
    return [t["name"] for t in program["territories"]]


class TestAddTerritory:
    def test_adds_and_audits(self, client, world, territories):
        response = client.post(territories, headers=world.headers("admin"), json={"name": " Nordics ", "countries": ["se", "NO", "DK", "SE"]})
        assert response.status_code == 201, response.text
        assert response.json() == {"name": "Nordics", "countries": ["SE", "NO", "DK"]}
        assert _names(client, world) == ["West", "DACH", "Nordics"]
        events = client.get("/api/v1/audit/events?action=program.territory_added", headers=world.headers("auditor")).json()["items"]
        assert events[0]["after"] == {"territory": {"name": "Nordics", "countries": ["SE", "NO", "DK"]}}

    def test_program_admins_only(self, client, world, territories):
        assert client.post(territories, headers=world.headers("cam"), json={"name": "Nordics", "countries": ["SE"]}).status_code == 403

    def test_country_of_another_territory_is_409_naming_it(self, client, world, territories):
        response = client.post(territories, headers=world.headers("admin"), json={"name": "Americas", "countries": ["MX", "US"]})
        assert response.status_code == 409
        assert "United States is in “West”" in response.json()["error"]["message"]
        assert _names(client, world) == ["West", "DACH"]

    def test_name_taken_is_409(self, client, world, territories):
        response = client.post(territories, headers=world.headers("admin"), json={"name": "west ", "countries": ["MX"]})
        assert response.status_code == 409
        assert "already has a territory “West”" in response.json()["error"]["message"]

    @pytest.mark.parametrize(
        "body", [{"name": "X", "countries": []}, {"name": "X", "countries": ["Narnia"]}, {"name": "", "countries": ["FR"]}, {"countries": ["FR"]}]
    )
    def test_bad_input_is_422(self, client, world, territories, body):
        assert client.post(territories, headers=world.headers("admin"), json=body).status_code == 422
        assert _names(client, world) == ["West", "DACH"]

    def test_unknown_program_is_404(self, client, world):
        response = client.post("/api/v1/programs/424242/territories", headers=world.headers("admin"), json=WEST)
        assert response.status_code == 404


class TestChangeTerritory:
    def test_renames_and_sets_countries_in_place(self, client, world, territories):
        response = client.put(f"{territories}/west", headers=world.headers("admin"), json={"name": "North America", "countries": ["US", "CA", "MX"]})
        assert response.status_code == 200, response.text
        assert response.json() == {"name": "North America", "countries": ["US", "CA", "MX"]}
        assert _names(client, world) == ["North America", "DACH"]
        events = client.get("/api/v1/audit/events?action=program.territory_changed", headers=world.headers("auditor")).json()["items"]
        assert events[0]["before"]["territory"]["name"] == "West" and events[0]["after"]["territory"]["name"] == "North America"

    def test_may_keep_its_own_countries_but_not_take_anothers(self, client, world, territories):
        assert client.put(f"{territories}/DACH", headers=world.headers("admin"), json={"name": "DACH", "countries": ["DE", "AT"]}).status_code == 200
        response = client.put(f"{territories}/DACH", headers=world.headers("admin"), json={"name": "DACH", "countries": ["DE", "CA"]})
        assert response.status_code == 409 and "Canada is in “West”" in response.json()["error"]["message"]

    def test_unknown_territory_is_404(self, client, world, territories):
        assert client.put(f"{territories}/Mars", headers=world.headers("admin"), json=WEST).status_code == 404


class TestTerritoriesPlansMeasure:
    def test_delete_and_rename_are_409_naming_the_plans(self, client, world, db, territories):
        build_business_plans(db, world)  # partner A's agreed plan targets services revenue in "West"
        response = client.delete(f"{territories}/West", headers=world.headers("admin"))
        assert response.status_code == 409
        message = response.json()["error"]["message"]
        assert "Territory “West” cannot be deleted" in message and "Northwind Consulting: A annual plan" in message
        renamed = client.put(f"{territories}/West", headers=world.headers("admin"), json={"name": "Pacific", "countries": ["US"]})
        assert renamed.status_code == 409 and "cannot be renamed" in renamed.json()["error"]["message"]
        assert _names(client, world) == ["West", "DACH"]
        # Its countries may change (the plans then measure the new set), and case alone is no rename.
        assert client.put(f"{territories}/West", headers=world.headers("admin"), json={"name": "WEST", "countries": ["US"]}).status_code == 200

    def test_program_patch_dropping_it_is_409_too(self, client, world, db, territories):
        build_business_plans(db, world)
        url = f"/api/v1/programs/{world.program_ids['si-regional']}"
        response = client.patch(url, headers=world.headers("admin"), json={"territories": [DACH]})
        assert response.status_code == 409 and "Northwind Consulting: A annual plan" in response.json()["error"]["message"]

    def test_unused_territory_is_deleted(self, client, world, db, territories):
        build_business_plans(db, world)
        assert client.delete(f"{territories}/dach", headers=world.headers("admin")).status_code == 204
        assert _names(client, world) == ["West"]
        events = client.get("/api/v1/audit/events?action=program.territory_deleted", headers=world.headers("auditor")).json()["items"]
        assert events[0]["before"] == {"territory": DACH}
