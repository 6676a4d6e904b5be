"""The co-sell report page: figures per team, request type and partner that match the JSON API,
the same CSV as the API, filter errors on the page, vendor staff only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup

from alliance.cosell.requests.report_service import CSV_COLUMNS
from alliance.kit import clock
from tests.factories.cosell import build_cosell
from tests.service.cosell.requests_fixtures import WEDNESDAY
from tests.web.client import soup

REPORT = "/console/cosell/report"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def outcomes(client, db, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Three requests submitted on a Wednesday at 10:00 UTC (05:00 in New York, 11:00 in Berlin),
    read on 20 March: A's PoC request answered 2 business hours in, A's architect request answered
    4 hours in and completed with a rating of 4, B's PoC request never answered (breached)."""
    clock.freeze(WEDNESDAY)
    built = build_cosell(db, world)
    needed_by = (clock.today() + timedelta(days=10)).isoformat()
    architect = client.post(
        f"/api/v1/registrations/{built['a']['registration_id']}/resource-requests",
        headers=world.headers("a_user"),
        json={"request_type": "solution_architect", "needed_by": needed_by, "description": "Architecture review"},
    )
    assert architect.status_code == 201, architect.text
    built["a"]["architect_id"] = architect.json()["id"]
    # New York opens at 09:00 EST, 14:00 UTC.
    clock.freeze(datetime(2026, 3, 4, 16, tzinfo=UTC))
    act(client, world, built["a"]["request_id"], "accept")
    clock.freeze(datetime(2026, 3, 4, 18, tzinfo=UTC))
    act(client, world, built["a"]["architect_id"], "start")
    act(client, world, built["a"]["architect_id"], "complete", {"outcome_rating": 4, "notes": "Won the bake-off"})
    clock.freeze(datetime(2026, 3, 20, 12, tzinfo=UTC))
    return built


def act(client, world, request_id: int, action: str, body: dict[str, Any] | None = None) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/resource-requests/{request_id}/actions/{action}", headers=world.headers("admin"), json=body)
    assert response.status_code == 200, response.text


def figures(page: BeautifulSoup) -> dict[str, dict[str, str]]:
    """Each row of the report table (and the totals) by its first cell: column class → text shown."""
    rows = page.select("#cosell-report tbody tr, #cosell-report tfoot tr")
    return {row.find("th").get_text(strip=True): {td["class"][-1]: td.get_text(" ", strip=True) for td in row.find_all("td")} for row in rows}


def shown(stats: dict[str, Any]) -> dict[str, str]:
    """What the page should show for one row of the JSON API: its figures with one or two decimals."""
    hours, rate, rating = stats["median_first_response_hours"], stats["breach_rate"], stats["average_rating"]
    return {
        "volume": str(stats["volume"]),
        "responded": str(stats["responded"]),
        "median": "—" if hours is None else f"{decimals(hours)} business h",
        "breach-rate": "—" if rate is None else f"{decimals(100 * rate)}%",
        "breached": str(stats["breached"]),
        "completed": str(stats["completed"]),
        "declined": str(stats["declined"]),
        "rating": "—" if rating is None else f"{decimals(rating)} / 5",
    }


def decimals(value: float) -> str:
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def api_report(client, world, **params: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/reports/cosell", headers=world.headers("admin"), params=params)
    assert response.status_code == 200, response.text
    return response.json()


ALL = {
    "volume": "3",
    "responded": "2",
    "median": "3.0 business h",
    "breach-rate": "33.33%",
    "breached": "1",
    "completed": "1",
    "declined": "0",
    "rating": "4.0 / 5",
}


class TestReportPage:
    def test_by_team_with_totals_matches_the_api(self, client, login, world, outcomes):
        login("admin")
        response = client.get(REPORT, params={**MARCH, "group_by": "team"})
        assert response.status_code == 200, response.text
        page = soup(response)
        api = api_report(client, world, **MARCH, group_by="team")
        teams = {row["label"]: row for row in api["rows"]}
        assert set(teams) == {"North America solution architects", "EMEA solution architects"}
        table = figures(page)
        assert table["North America solution architects"] == {
            "volume": "2",
            "responded": "2",
            "median": "3.0 business h",
            "breach-rate": "0.0%",
            "breached": "0",
            "completed": "1",
            "declined": "0",
            "rating": "4.0 / 5",
        }
        assert table["EMEA solution architects"] == {
            "volume": "1",
            "responded": "0",
            "median": "—",
            "breach-rate": "100.0%",
            "breached": "1",
            "completed": "0",
            "declined": "0",
            "rating": "—",
        }
        assert table["All requests"] == ALL == shown(api["total"])
        for label, row in teams.items():
            assert table[label] == shown(row)
        assert api["total"]["breach_rate"] == 0.3333 and api["total"]["median_first_response_hours"] == 3.0

    def test_by_request_type_shows_labels(self, client, login, world, outcomes):
        login("cam")
        table = figures(soup(client.get(REPORT, params={**MARCH, "group_by": "request_type"})))
        api = api_report(client, world, **MARCH, group_by="request_type")
        assert {row["key"] for row in api["rows"]} == {"poc_support", "solution_architect"}
        assert set(table) == {"Proof-of-concept support", "Solution architect", "All requests"}
        assert table["Proof-of-concept support"] == {
            "volume": "2",
            "responded": "1",
            "median": "2.0 business h",
            "breach-rate": "50.0%",
            "breached": "1",
            "completed": "0",
            "declined": "0",
            "rating": "—",
        }
        assert table["Solution architect"]["median"] == "4.0 business h" and table["Solution architect"]["rating"] == "4.0 / 5"
        by_key = {row["key"]: row for row in api["rows"]}
        assert table["Proof-of-concept support"] == shown(by_key["poc_support"]) and table["Solution architect"] == shown(by_key["solution_architect"])
        assert table["All requests"] == ALL

    def test_by_partner_links_each_partner(self, client, login, world, outcomes):
        login("admin")
        page = soup(client.get(REPORT, params={**MARCH, "group_by": "partner"}))
        links = {a.get_text(strip=True): a["href"] for a in page.select("#cosell-report tbody th a")}
        assert links == {"Northwind Consulting": f"/console/partners/{world.a.id}", "Blue Harbor": f"/console/partners/{world.b.id}"}
        table = figures(page)
        assert (table["Northwind Consulting"]["volume"], table["Northwind Consulting"]["median"], table["Northwind Consulting"]["breach-rate"]) == (
            "2",
            "3.0 business h",
            "0.0%",
        )
        assert (table["Blue Harbor"]["volume"], table["Blue Harbor"]["breached"], table["Blue Harbor"]["breach-rate"]) == ("1", "1", "100.0%")
        api = api_report(client, world, **MARCH, group_by="partner")
        assert {row["label"]: shown(row) for row in api["rows"]} == {k: v for k, v in table.items() if k != "All requests"}
        assert table["All requests"] == ALL

    def test_defaults_to_the_last_90_days_by_team_with_links(self, client, login, world, outcomes):
        login("admin")
        page = soup(client.get(REPORT))
        assert page.find("input", {"name": "start"})["value"] == "2025-12-21" and page.find("input", {"name": "end"})["value"] == "2026-03-20"
        assert page.find("select", {"name": "group_by"}).find("option", selected=True)["value"] == "team"
        assert figures(page)["All requests"] == ALL
        assert page.find(id="csv-link")["href"] == f"{REPORT}.csv?start=2025-12-21&end=2026-03-20&group_by=team"
        assert page.find(id="breaches-link")["href"] == "/console/cosell/breaches"
        assert page.find(id="queues-link")["href"] == "/console/cosell"
        empty = soup(client.get(REPORT, params={"start": "2026-04-01", "end": "2026-04-30"}))
        assert empty.find(id="cosell-report") is None and "No co-sell requests" in empty.select_one(".empty").get_text()


class TestCsvDownload:
    @pytest.mark.parametrize("group_by", ["team", "request_type", "partner"])
    def test_same_csv_as_the_api(self, client, login, world, outcomes, group_by):
        login("admin")
        href = soup(client.get(REPORT, params={**MARCH, "group_by": group_by})).find(id="csv-link")["href"]
        web = client.get(href)
        api = client.get("/api/v1/reports/cosell.csv", headers=world.headers("admin"), params={**MARCH, "group_by": group_by})
        assert web.status_code == api.status_code == 200
        assert web.headers["content-type"] == api.headers["content-type"] and web.headers["content-type"].startswith("text/csv")
        assert web.headers["content-disposition"] == f'attachment; filename="cosell_{group_by}_2026-03-01_2026-03-31.csv"'
        assert web.text == api.text
        lines = web.text.splitlines()
        assert lines[0] == ",".join(CSV_COLUMNS) and len(lines) == 1 + 2 + 1
        assert lines[-1].startswith(f"{group_by},total,All requests,3,2,3.0,1,0.3333,1,0,4.0,2026-03-01,2026-03-31")


FILTER_IDS = {"start": "flt-start", "end": "flt-end", "group_by": "flt-group"}


class TestBadFilters:
    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"start": "2026-03-31", "end": "2026-03-01"}, "start", "The period starts after it ends."),
            ({"start": "2027-01-01"}, "start", "The period starts after it ends."),
            ({"start": "2026-02-30"}, "start", "Use a date like 2025-01-31 (YYYY-MM-DD)."),
            ({"end": "yesterday"}, "end", "Use a date like 2025-01-31 (YYYY-MM-DD)."),
            ({"end": "9999-12-31"}, "end", "Must be a day from 1900-01-01 to 2999-12-31"),
            ({"group_by": "colour"}, "group_by", "Group by team, request type or partner."),
        ],
    )
    def test_errors_are_shown_on_the_page(self, client, login, world, outcomes, params, field, message):
        login("admin")
        response = client.get(REPORT, params=params)
        assert response.status_code == 422
        page = soup(response)
        assert message in page.get_text(" ", strip=True)
        assert page.find(id=FILTER_IDS[field]).find_parent(class_="field-error") is not None
        assert page.find(id="cosell-report") is None and page.find(id="csv-link") is None
        # What was typed stays in the form.
        for name, value in params.items():
            if name != "group_by":
                assert page.find("input", {"name": name})["value"] == value
        csv = client.get(f"{REPORT}.csv", params=params)
        assert csv.status_code == 422 and csv.headers["content-type"].startswith("text/plain") and message in csv.text

    def test_the_api_refuses_an_end_outside_the_calendar(self, client, world, outcomes):
        response = client.get("/api/v1/reports/cosell", headers=world.headers("admin"), params={"end": "9999-12-31"})
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "query.end"

    def test_overlong_values_are_refused_without_a_server_error(self, client, login, world, outcomes):
        login("admin")
        for url in (f"{REPORT}?start={'9' * 40}", f"{REPORT}.csv?group_by={'x' * 40}", f"{REPORT}?start=0001-01-01&end=0001-01-02"):
            assert client.get(url).status_code in (200, 422), url


class TestAccess:
    @pytest.mark.parametrize("who", ["a_user", "a_admin"])
    def test_partners_get_no_report(self, client, login, world, outcomes, who):
        login(who)
        assert client.get(REPORT, params=MARCH).status_code == 404
        csv = client.get(f"{REPORT}.csv", params=MARCH)
        assert csv.status_code == 404 and "Blue Harbor" not in csv.text

    def test_anonymous_is_sent_to_login(self, client, world):
        response = client.get(f"{REPORT}.csv", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
