"""A program admin names the program's sales territories in a real browser: countries picked by
name from the list, a country already in another territory refused in words at the picker, a
territory renamed, and one that an open plan measures kept (the refusal names the plan)."""

from __future__ import annotations

import re

import pytest

from tests.factories.business_plans import build_business_plans

pytestmark = pytest.mark.browser


def test_program_admin_edits_territories(page, login, world, db):
    build_business_plans(db, world)  # partner A's agreed plan targets services revenue in "West"
    login("admin")
    page.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Regional SI Program").click()
    page.get_by_role("link", name="Manage territories").click()
    page.wait_for_url(re.compile(r"/territories$"))
    assert "names no territories yet" in page.locator(".empty").inner_text()

    for name, countries in (("West", ["United States", "Canada"]), ("DACH", ["Germany", "Austria", "Switzerland"])):
        page.get_by_role("link", name="Add territory").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Countries").select_option(label=countries)
        page.get_by_role("button", name="Add territory").click()
        page.wait_for_url(re.compile(r"/territories$"))
        assert page.locator(".flash").inner_text() == f"Territory {name} added."
    rows = page.locator("#territories tr.territory")
    assert rows.nth(0).locator("td.countries").inner_text() == "Austria, Germany, Switzerland"
    assert rows.nth(1).locator("td.plans").inner_text() == "Northwind Consulting: A annual plan"

    page.get_by_role("link", name="Add territory").click()
    page.get_by_label("Name").fill("Central Europe")
    page.get_by_label("Countries").select_option(label=["Poland", "Germany"])
    page.get_by_role("button", name="Add territory").click()
    assert "Germany is in “DACH”" in page.locator(".field-error .error").inner_text()
    assert page.locator("#chosen-countries").inner_text() == "Chosen: Germany, Poland"

    page.goto(page.url.rsplit("/territories", 1)[0] + "/territories")
    page.get_by_role("link", name="Edit DACH").click()
    page.get_by_label("Name").fill("Central Europe")
    page.get_by_label("Countries").select_option(label=["Germany", "Austria", "Switzerland", "Poland"])
    page.get_by_role("button", name="Save territory").click()
    page.wait_for_url(re.compile(r"/territories$"))
    assert "Austria, Germany, Poland, Switzerland" in page.locator("#territories").inner_text()

    page.get_by_role("button", name="Delete West").click()
    assert "Northwind Consulting: A annual plan" in page.locator("#territory-error").inner_text()
    assert page.locator("#territories tr.territory").count() == 2
