"""Tier journeys in a real browser: a partner admin reads what it takes to reach the next tier;
a program admin evaluates every partner and accepts the resulting upgrade from the queue.

With ALLIANCE_SCREENSHOTS_DIR set, the portal panel and the review queue are saved there."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alliance.kit import clock
from tests.service.tiers.factory import TierData

pytestmark = pytest.mark.browser

FAR = date(2029, 1, 1)


@pytest.fixture
def northwind_qualifies_for_silver(db, world) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    data = TierData(db)
    data.certify(world.a.id, "solution_architect", "professional", 2, expires_on=FAR)
    data.certify(world.a.id, "implementation_engineer", "associate", 1, expires_on=FAR)
    data.certify(world.a.id, "implementation_engineer", "associate", 2, expires_on=FAR, recert_due_on=date(2027, 5, 14), status="recert_required")


def test_partner_reads_the_gaps_and_admin_accepts_the_upgrade(page, login, world, northwind_qualifies_for_silver, tmp_path):
    shots = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    login("a_admin")
    page.get_by_role("link", name="Tier & benefits").click()
    panel = page.locator("#tier-evaluation")
    assert panel.get_by_role("heading", level=2).inner_text() == "What it takes to reach Gold"
    assert "needs 2 more certified solution architects at professional level or above: has 2 of 4" in panel.inner_text()
    assert "Silver until 14 May 2027 unless 2 implementation engineers recertify for v8" in panel.locator("ol.timeline").inner_text()
    panel.screenshot(path=str(shots / "portal-tier-evaluation.png"))

    page.context.clear_cookies()
    login("admin")
    page.get_by_role("link", name="Tiers", exact=True).click()
    page.wait_for_url(re.compile(r"/console/tiers/review$"))
    page.get_by_role("button", name="Evaluate all partners now").click()
    assert "1 upgrade and 0 downgrades recommended" in page.locator(".flash").inner_text()
    row = page.locator("#tier-queue tr", has_text="Northwind Consulting")
    assert "Registered → Silver" in row.inner_text()
    page.screenshot(path=str(shots / "console-tier-review.png"), full_page=True)
    row.get_by_role("button", name="Accept upgrade").click()
    assert "Give a reason" in page.locator("#tier-queue tr", has_text="Northwind Consulting").inner_text()
    row = page.locator("#tier-queue tr", has_text="Northwind Consulting")
    row.get_by_placeholder("Reason (required)").fill("Certified capacity confirmed at the QBR")
    row.get_by_role("button", name="Accept upgrade").click()
    page.wait_for_url(re.compile(r"/console/tiers/review$"))
    assert page.locator(".flash").inner_text() == "Upgrade accepted: Northwind Consulting is now Silver."
    assert page.locator("#tier-queue tr", has_text="Northwind Consulting").count() == 0

    page.goto(f"/console/partners/{world.a.id}")
    assert page.locator("#tier-evaluation dl.tier-compare dd").first.inner_text() == "Silver"
