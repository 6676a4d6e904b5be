"""Reported figures on the web: a partner admin reports on the portal tier page, a CAM confirms on the console."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alliance.kit import clock
from tests.service.tiers.factory import make_msp
from tests.web.client import post, soup


@pytest.fixture
def msp(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 24, 9, tzinfo=UTC))
    yield make_msp(db, world)
    clock.freeze(None)


class TestReportedFigurePages:
    def test_report_then_confirm(self, client, login, world, msp):
        login("b_admin")
        page = soup(client.get("/portal/tier"))
        section = page.find(id="figures")
        assert section.find("select", attrs={"name": "metric"}).find("option").get_text(strip=True) == "Customers under managed service"
        bad = post(client, "/portal/tier/figures", {"metric": "managed_customers", "period": "2026-12", "value": "5"})
        assert bad.status_code == 422 and "current month or an earlier one" in soup(bad).get_text()
        response = post(client, "/portal/tier/figures", {"metric": "managed_customers", "period": "2026-10", "value": "64"})
        assert response.status_code == 303 and response.headers["location"] == "/portal/tier#figures"
        rows = soup(client.get("/portal/tier")).select("#figure-list tbody tr")
        assert [r.get_text(" ", strip=True) for r in rows] == ["October 2026 Customers under managed service 64 Reported"]

        login("cam")
        queue = soup(client.get("/console/tiers/review/figures"))
        [row] = queue.select("#figure-queue tbody tr")
        assert "Blue Harbor" in row.get_text() and "64" in row.get_text()
        figure_id = int(row["id"].removeprefix("figure-"))
        refused = post(client, f"/console/tiers/figures/{figure_id}/decision", {"decision": "reject"})
        assert refused.status_code == 422 and "needs a reason" in soup(refused).get_text()
        confirmed = post(client, f"/console/tiers/figures/{figure_id}/decision", {"decision": "confirm"})
        assert confirmed.status_code == 303
        assert "No reported figures are waiting" in soup(client.get("/console/tiers/review/figures")).get_text()

    def test_partner_users_see_figures_but_no_form(self, client, login, world, msp):
        login("b_user")
        section = soup(client.get("/portal/tier")).find(id="figures")
        assert section is not None and section.find("form") is None

    def test_other_partner_types_have_no_figures_section(self, client, login, world):
        login("a_admin")
        assert soup(client.get("/portal/tier")).find(id="figures") is None
