"""Contribution pages: the console report with drill-down and CSV, and the partner's own page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from alliance.kit import clock
from tests.service.attribution.builders import build_ledger
from tests.web.client import soup

Q2 = "period_start=2025-04-01&period_end=2025-06-30"


@pytest.fixture
def ledger(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2025, 5, 20, 12, tzinfo=UTC))
    built = build_ledger(db, world)
    clock.freeze(None)
    return built


class TestConsoleReport:
    def test_table_with_totals_drill_down_and_csv_links(self, client, login, world, ledger):
        login("cam")
        page = soup(client.get(f"/console/reports/contribution?{Q2}"))
        rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("#contribution tbody tr")]
        assert rows == [
            ["Blue Harbor", "USD", "$120,000.00", "$0.00", "$0.00", "$120,000.00", "1", "1"],
            ["Northwind Consulting", "USD", "$0.00", "$125,000.00", "$80,000.00", "$205,000.00", "3", "3"],
        ]
        assert "$325,000.00" in page.select_one("#totals").get_text()
        assert "$5,000.00" in page.select_one("#vendor-direct").get_text()
        assert page.select_one(f'a[href^="/console/reports/contribution/{world.a.id}?"]') is not None
        assert page.select_one("#csv-link")["href"] == f"/console/reports/contribution.csv?{Q2}"

    def test_defaults_to_the_current_quarter(self, client, login, world):
        login("admin")
        clock.freeze(datetime(2025, 8, 9, tzinfo=UTC))
        page = soup(client.get("/console/reports/contribution"))
        assert page.select_one("#flt-start")["value"] == "2025-07-01" and page.select_one("#flt-end")["value"] == "2025-09-30"
        assert "No attribution entries" in page.get_text()

    def test_quarters_are_the_vendors_fiscal_quarters(self, client, login, world, monkeypatch):
        from alliance.config import get_settings

        monkeypatch.setenv("ALLIANCE_FISCAL_YEAR_START_MONTH", "7")
        get_settings.cache_clear()
        try:
            login("admin")
            clock.freeze(datetime(2025, 8, 9, tzinfo=UTC))
            page = soup(client.get("/console/reports/contribution"))
            # A July year: August 2025 is in FY2026's first quarter.
            assert page.select_one("#flt-start")["value"] == "2025-07-01" and page.select_one("#flt-end")["value"] == "2025-09-30"
            assert page.select_one("#period strong").get_text() == "FY2026 Q1"
            presets = {a.get_text(): a["href"] for a in page.select("#fiscal-periods a")}
            assert list(presets) == ["FY2026 Q1", "FY2025 Q4", "FY2026", "FY2025"]
            year = soup(client.get(presets["FY2026"]))
            assert (year.select_one("#flt-start")["value"], year.select_one("#flt-end")["value"]) == ("2025-07-01", "2026-06-30")
            assert year.select_one("#period strong").get_text() == "FY2026"
            # Any other span of days is shown as dates only.
            assert soup(client.get("/console/reports/contribution?period_start=2025-07-02&period_end=2025-09-30")).select_one("#period strong") is None
        finally:
            monkeypatch.delenv("ALLIANCE_FISCAL_YEAR_START_MONTH")
            get_settings.cache_clear()

    def test_as_of_before_the_close_shows_nothing(self, client, login, world, ledger):
        login("admin")
        assert soup(client.get(f"/console/reports/contribution?{Q2}&as_of=2025-05-19")).select("#contribution") == []
        assert soup(client.get(f"/console/reports/contribution?{Q2}&as_of=2025-05-20")).select("#contribution") != []

    @pytest.mark.parametrize(
        "query", ["period_start=2025-02-30", "period_end=soon", "as_of=0000-00-00", "period_start=2025-06-01&period_end=2025-05-01", "partner_id=abc"]
    )
    def test_bad_filters_are_reported_inline(self, client, login, world, query):
        login("admin")
        response = client.get(f"/console/reports/contribution?{query}")
        assert response.status_code == 422
        assert soup(response).select(".field-error .error")

    @pytest.mark.parametrize("query", [f"as_of={'9' * 25}", "period_start=9999-12-31&period_end=9999-12-31", f"offset={'9' * 25}", "limit=abc"])
    def test_absurd_values_are_never_a_500(self, client, login, world, query):
        login("admin")
        assert client.get(f"/console/reports/contribution?{query}").status_code in (200, 422)
        assert client.get(f"/console/reports/contribution/{world.a.id}?{query}").status_code in (200, 422)

    def test_drill_down(self, client, login, world, ledger):
        login("admin")
        page = soup(client.get(f"/console/reports/contribution/{world.a.id}?{Q2}"))
        assert page.find("h1").get_text(strip=True) == "Northwind Consulting"
        assert len(page.select("#entries tbody tr")) == 3
        assert page.select_one(f'#entries a[href="/console/registrations/{ledger.influence_id}"]') is not None

    def test_csv(self, client, login, world, ledger):
        login("auditor")
        response = client.get(f"/console/reports/contribution.csv?{Q2}")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert [r["partner_name"] for r in csv.DictReader(io.StringIO(response.text))] == ["Blue Harbor", "Northwind Consulting"]
        assert client.get("/console/reports/contribution.csv?period_start=nope").status_code == 422

    def test_partners_have_no_console_report(self, client, login, world, ledger):
        login("a_admin")
        for url in ("/console/reports/contribution", f"/console/reports/contribution/{world.a.id}", "/console/reports/contribution.csv"):
            assert client.get(url).status_code == 404, url


class TestPortalContribution:
    def test_own_numbers_and_entries(self, client, login, world, ledger):
        login("a_user")
        page = soup(client.get(f"/portal/contribution?{Q2}"))
        (row,) = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("#contribution tbody tr")]
        assert row[1:6] == ["USD", "$0.00", "$125,000.00", "$80,000.00", "$205,000.00"]
        assert page.select_one(f'#entries a[href="/portal/registrations/{ledger.influence_id}"]') is not None
        assert "Blue Harbor" not in page.get_text()

    def test_partner_without_credit(self, client, login, world, ledger):
        login("b_user")
        page = soup(client.get(f"/portal/contribution?{Q2}"))
        assert page.select_one("#contribution") is not None  # B transacted the deal
        text = page.get_text()
        assert "Contoso licences" in text
        assert "Northwind" not in text and "Contoso data platform architecture" not in text

    def test_empty_period(self, client, login, world):
        login("a_admin")
        assert soup(client.get("/portal/contribution")).select_one("#no-credit") is not None

    def test_csv_holds_own_row_only(self, client, login, world, ledger):
        login("b_admin")
        rows = list(csv.DictReader(io.StringIO(client.get(f"/portal/contribution.csv?{Q2}").text)))
        assert [(r["partner_id"], r["total"]) for r in rows] == [(str(world.b.id), "120000.00")]

    def test_vendor_is_sent_to_the_console(self, client, login, world):
        login("admin")
        response = client.get("/portal/contribution", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/console"


def test_program_page_shows_the_attribution_model(client, login, world):
    login("cam")
    text = soup(client.get(f"/console/programs/{world.program_ids['si-regional']}")).select_one("#attribution-model").get_text(" ", strip=True)
    assert "100%" in text and "full" in text
