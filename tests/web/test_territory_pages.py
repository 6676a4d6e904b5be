"""The console's territory editor: countries picked and shown by name, refusals in words on the
page (422 for bad input, 409 for a country in two territories or a territory open plans measure),
the list filterable, sortable and exportable."""

from __future__ import annotations

import pytest

from tests.factories.business_plans import build_business_plans
from tests.web.client import field_error, post, soup


@pytest.fixture
def base(client, world):  # type: ignore[no-untyped-def]
    program_id = world.program_ids["si-regional"]
    territories = [{"name": "West", "countries": ["US", "CA"]}, {"name": "DACH", "countries": ["DE", "AT", "CH"]}]
    response = client.patch(f"/api/v1/programs/{program_id}", headers=world.headers("admin"), json={"territories": territories})
    assert response.status_code == 200, response.text
    return f"/console/programs/{program_id}/territories"


def _rows(page):  # type: ignore[no-untyped-def]
    return [(r.find("th").get_text(strip=True), r.select_one("td.countries").get_text(strip=True)) for r in page.select("#territories tr.territory")]


class TestTerritoryList:
    def test_countries_by_name_and_the_plans_measuring_them(self, client, login, world, db, base):
        build_business_plans(db, world)
        login("admin")
        page = soup(client.get(base))
        assert _rows(page) == [("DACH", "Austria, Germany, Switzerland"), ("West", "Canada, United States")]
        west = page.select("#territories tr.territory")[1]
        assert west.select_one("td.plans").get_text(strip=True) == "Northwind Consulting: A annual plan"
        assert page.find("a", string="Add territory") is not None

    def test_program_page_links_to_it(self, client, login, world, base):
        login("admin")
        page = soup(client.get(f"/console/programs/{world.program_ids['si-regional']}"))
        assert "West (2 countries)" in page.select_one("#program-territories").get_text(" ", strip=True)
        assert page.find("a", href=base).get_text(strip=True) == "Manage territories"

    def test_filter_by_country_name_and_sort(self, client, login, base):
        login("admin")
        assert _rows(soup(client.get(f"{base}?q=switz"))) == [("DACH", "Austria, Germany, Switzerland")]
        assert [name for name, _ in _rows(soup(client.get(f"{base}?sort=-countries")))] == ["DACH", "West"]
        assert [name for name, _ in _rows(soup(client.get(f"{base}?sort=-name")))] == ["West", "DACH"]

    def test_csv_export_one_row_per_country(self, client, login, base):
        login("admin")
        response = client.get(f"{base}.csv?q=west")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        lines = response.text.splitlines()
        assert lines[0] == "program,territory,country_code,country,open_plans_measuring"
        assert lines[1:] == ["Regional SI Program,West,CA,Canada,0", "Regional SI Program,West,US,United States,0"]

    def test_cam_reads_but_does_not_edit(self, client, login, base):
        login("cam")
        page = soup(client.get(base))
        assert _rows(page) and page.find("a", string="Add territory") is None
        assert client.get(f"{base}/new").status_code == 403
        assert post(client, f"{base}/new", {"name": "Nordics", "countries": ["SE"]}).status_code == 403
        assert post(client, f"{base}/West/delete").status_code == 403


class TestTerritoryForm:
    def test_picker_offers_countries_by_name(self, client, login, base):
        login("admin")
        picker = soup(client.get(f"{base}/West/edit")).find("select", {"name": "countries"})
        assert picker.has_attr("multiple")
        assert picker.find("option", value="DE").get_text() == "Germany"
        assert [o["value"] for o in picker.find_all("option", selected=True)] == ["CA", "US"]

    def test_adds_a_territory(self, client, login, base):
        login("admin")
        response = post(client, f"{base}/new", {"name": "Nordics", "countries": ["SE", "NO", "DK", "FI"]})
        assert response.status_code == 303, response.text
        page = soup(client.get(response.headers["location"]))
        assert "Territory Nordics added." in page.get_text()
        assert ("Nordics", "Denmark, Finland, Norway, Sweden") in _rows(page)

    def test_renames_and_changes_countries(self, client, login, base):
        login("admin")
        response = post(client, f"{base}/West/edit", {"name": "North America", "countries": ["US", "CA", "MX"]})
        assert response.status_code == 303, response.text
        assert ("North America", "Canada, Mexico, United States") in _rows(soup(client.get(base)))

    def test_country_of_another_territory_is_409_in_words(self, client, login, base):
        login("admin")
        response = post(client, f"{base}/new", {"name": "Central Europe", "countries": ["PL", "DE"]})
        assert response.status_code == 409
        page = soup(response)
        assert "Germany is in “DACH”" in field_error(page, "f-countries")
        # What was chosen stays chosen.
        assert [o["value"] for o in page.find("select", {"name": "countries"}).find_all("option", selected=True)] == ["DE", "PL"]

    def test_no_country_is_422(self, client, login, base):
        login("admin")
        response = post(client, f"{base}/new", {"name": "Empty"})
        assert response.status_code == 422
        assert field_error(soup(response), "f-countries")

    def test_unknown_territory_is_404(self, client, login, base):
        login("admin")
        assert client.get(f"{base}/Mars/edit").status_code == 404


class TestDeleteTerritory:
    def test_deletes_an_unused_territory(self, client, login, base):
        login("admin")
        response = post(client, f"{base}/DACH/delete")
        assert response.status_code == 303
        page = soup(client.get(base))
        assert "Territory DACH deleted." in page.get_text() and [n for n, _ in _rows(page)] == ["West"]

    def test_territory_open_plans_measure_is_409_naming_them(self, client, login, world, db, base):
        build_business_plans(db, world)
        login("admin")
        response = post(client, f"{base}/West/delete")
        assert response.status_code == 409
        error = soup(response).select_one("#territory-error").get_text(" ", strip=True)
        assert "Territory “West” cannot be deleted" in error and "Northwind Consulting: A annual plan" in error
        assert [n for n, _ in _rows(soup(client.get(base)))] == ["DACH", "West"]
