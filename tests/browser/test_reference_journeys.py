"""Customer references in a real browser: a partner submits a reference in the portal, the
channel team approves it in the console's review queue, and the partner then finds it in the
references library filtered by its vertical."""

from __future__ import annotations

import re

import pytest

from tests.factories.assets import library_catalog

pytestmark = pytest.mark.browser


def test_partner_submits_vendor_approves_partner_finds_it_by_vertical(page, login, world):  # type: ignore[no-untyped-def]
    library_catalog(world.db)
    login("a_user")
    page.goto("/portal/library/references")
    page.get_by_role("link", name="Submit a customer reference").click()
    page.locator("#f-customer_name").fill("Northwind Regional Health")
    page.get_by_label("Title of the story").fill("Claims in hours, not days")
    page.get_by_label("Vertical").fill("Healthcare")
    page.get_by_label("Data Platform").check()
    page.get_by_label("The problem").fill("Claims took days to process.")
    # The outcome is left out: the form comes back with the field named.
    page.get_by_label("The outcome").evaluate("el => el.removeAttribute('required')")
    page.get_by_role("button", name="Submit for review").click()
    assert "Field required" in page.locator(".field-error", has=page.locator("#f-outcome")).inner_text()
    assert page.locator("#f-customer_name").input_value() == "Northwind Regional Health"
    page.get_by_label("The outcome").fill("Claims processed 6x faster, 2.1 M USD saved a year.")
    page.get_by_label("Approved on").fill("2026-03-02")
    page.get_by_label("Approved by (name and role at the customer)").fill("Dr. Jane Holt, CIO")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/portal/library/references/ours/\d+$"))
    assert "waiting for the vendor's review" in page.locator("#decision-state").inner_text()

    page.context.clear_cookies()
    login("cam")
    page.locator("#practice-menu summary").click()
    page.locator("#practice-menu").get_by_role("link", name="Customer references").click()
    row = page.locator("#reference-list tbody tr").first
    assert "Northwind Consulting" in row.inner_text() and "Submitted" in row.inner_text()
    row.get_by_role("link", name="Northwind Regional Health").click()
    assert page.get_by_label("Customer approved for external use on").input_value() == "2026-03-02"
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(re.compile(r"/console/references/\d+$"))
    assert "Approved" in page.locator("#decision-state").inner_text()

    page.context.clear_cookies()
    login("a_user")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Customer references").click()
    page.get_by_label("Vertical").select_option("healthcare")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#references tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link", name="Northwind Regional Health").click()
    assert "Customer approved for external use on 2026-03-02 by Dr. Jane Holt, CIO" in page.locator("#approval").inner_text()
    assert "approved by the vendor (Carl Cam)" in page.locator("#approval").inner_text()
