"""The console's ramp dashboard: cohort curves drawn as a chart with its numbers, cohort and
investment tables, a CAM starting from their own partners, the CSV (partners get 404 for every
console page: tests/web/test_isolation.py)."""

from __future__ import annotations

from datetime import timedelta

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.partners.models import Partner
from tests.web.client import soup


def test_dashboard_draws_cohort_curves_and_starts_a_cam_from_their_partners(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test: enrolment dates")) as session:
        for partner_id, days in ((world.a.id, 400), (world.b.id, 800)):
            partner = session.get(Partner, partner_id, with_for_update=True)
            partner.enrolled_on = clock.today() - timedelta(days=days)
    login("cam")
    page = soup(client.get("/console/ramp?by=type&milestone=first_certified_architect"))
    chart = page.select_one("figure.chart svg")
    assert chart is not None and "share reached by months since enrolment" in page.select_one("figure.chart").get_text()
    assert len(page.select("#ramp-cohorts tbody tr")) == 2  # reseller, regional SI: every partner's cohorts
    assert [a.get_text(strip=True) for a in page.select("#ramp-partners tbody a")] == ["Northwind Consulting"]  # the CAM's own
    assert page.select_one("#ramp-investment") is not None
    assert len(client.get("/console/ramp.csv").text.splitlines()) == 2
    lines = client.get("/console/ramp.csv?mine=0").text.splitlines()
    assert lines[0].startswith("partner_id,partner_name") and len(lines) == 3
