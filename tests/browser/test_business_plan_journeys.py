"""A joint business plan from template to amendment: the partner admin starts a draft from its
program's template and proposes it, both sides sign it, the CAM proposes an amendment in the plan
editor and both sides sign that again; the agreed version stays in force meanwhile."""

from __future__ import annotations

from alliance.kit import clock, fiscal
from tests.factories.business_plans import build_template


def test_plan_from_template_proposed_signed_amended_and_signed_again(page, login, world, db) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    build_template(db, world)
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())

    login("a_admin")
    page.goto("/portal/business-plans")
    page.get_by_text("Start a plan").click()
    page.get_by_label("Fiscal period").fill(year.key)
    page.get_by_label("Title").fill("Northwind annual plan")
    page.get_by_label("Start from template").select_option(label="Regional SI annual plan")
    page.get_by_role("button", name="Start draft").click()
    expect(page.locator("#plan-status")).to_have_text("Draft")
    expect(page.locator("#progress")).to_contain_text("Packaged healthcare offering")
    plan_url = page.url
    page.get_by_role("button", name="Propose for signature").click()
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.locator("#version-1")).to_contain_text("Signed")

    page.context.clear_cookies()
    login("cam")
    console_url = plan_url.replace("/portal/", "/console/")
    page.goto(console_url)
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.locator("#version-1")).to_contain_text("Agreed")
    page.get_by_role("link", name="Propose an amendment").click()
    page.get_by_label("Amount, row 1").fill("450000")
    page.get_by_label("Why the agreed plan changes").fill("Second hospital group signed")
    page.get_by_role("button", name="Propose amendment").click()
    expect(page.locator("#version-2")).to_contain_text("Proposed")
    expect(page.locator("#version-1")).to_contain_text("Agreed")  # still in force
    page.get_by_role("button", name="Sign version 2").click()

    page.context.clear_cookies()
    login("a_admin")
    page.goto(plan_url)
    page.get_by_role("button", name="Sign version 2").click()
    expect(page.locator("#version-2")).to_contain_text("Agreed")
    expect(page.locator("#version-1")).to_contain_text("Superseded")
    expect(page.locator("#progress")).to_contain_text("450,000")
