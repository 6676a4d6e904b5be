"""Co-delivery journeys in a real browser: a plan is agreed by both sign-offs; a vendor change
needs both again while the agreed version stays in force; a partner disputes an activity, the
dispute climbs the ladder and the program admin's decision becomes a new plan version."""

from __future__ import annotations

import re

import pytest

from tests.factories.cosell import build_cosell

pytestmark = pytest.mark.browser


def sign(page, side: str, number: int) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=f"Sign version {number} for the {side}").click()
    page.wait_for_url(re.compile(r"/cosell/plans/\d+$"))


def test_plan_is_agreed_then_changed_and_signed_again(page, login, world, db):
    plan_id = build_cosell(db, world)["a"]["plan_id"]
    login("a_admin")
    page.goto(f"/portal/cosell/plans/{plan_id}")
    assert "nothing agreed yet" in page.locator(".page-header").inner_text()
    sign(page, "partner", 1)
    assert "Signed" in page.locator("#signed-partner").inner_text() and "Not signed" in page.locator("#signed-vendor").inner_text()

    page.context.clear_cookies()
    login("ps_lead")
    page.goto(f"/console/cosell/plans/{plan_id}")
    sign(page, "vendor", 1)
    assert "agreed version: 1" in page.locator(".page-header").inner_text()
    # The vendor changes who leads training: version 2 needs both sign-offs; version 1 stays agreed.
    page.get_by_label("Activity, row 1").select_option("implementation")
    page.get_by_label("Lead, row 1").select_option("si")
    page.get_by_label("Activity, row 2").select_option("training")
    page.get_by_label("Lead, row 2").select_option("vendor_ps")
    page.get_by_label("Effort, row 2").fill("12")
    page.get_by_label("Why this version").fill("Vendor PS runs the admin training")
    page.get_by_role("button", name="Propose version 2").click()
    page.wait_for_url(re.compile(r"/console/cosell/plans/\d+"))
    header = page.locator(".page-header").inner_text()
    assert "Version 2" in header and "agreed version: 1" in header
    assert "Training" in page.locator("#changes").inner_text()

    page.context.clear_cookies()
    login("a_admin")
    page.goto(f"/portal/cosell/plans/{plan_id}")
    assert "Not signed" in page.locator("#signed-partner").inner_text()
    sign(page, "partner", 2)
    page.context.clear_cookies()
    login("ps_lead")
    page.goto(f"/console/cosell/plans/{plan_id}")
    sign(page, "vendor", 2)
    assert "agreed version: 2" in page.locator(".page-header").inner_text()


def test_partner_disputes_an_activity_and_the_decision_is_a_new_version(page, login, world, db):
    plan_id = build_cosell(db, world)["a"]["plan_id"]
    login("a_admin")
    page.goto(f"/portal/cosell/plans/{plan_id}")
    page.get_by_role("button", name="Open dispute").click()
    assert page.locator("#dispute .field-error").count() >= 1
    page.locator("#dispute").get_by_label("Activity").select_option(index=1)
    page.get_by_label("What is in dispute").fill("We scoped the implementation; vendor PS wants to lead it")
    page.get_by_role("button", name="Open dispute").click()
    page.wait_for_url(re.compile(r"/portal/disputes$"))
    assert "vendor PS wants to lead it" in page.locator("#disputes").inner_text()

    page.context.clear_cookies()
    login("cam")
    page.goto("/console/disputes")
    dispute = page.locator("#level-0 article").first
    assert "decided here by a CAM, PS lead or program admin" in dispute.inner_text()
    dispute.get_by_label("Why escalate").fill("Needs the channel director")
    dispute.get_by_role("button", name="Escalate").click()
    page.wait_for_url(re.compile(r"/console/disputes$"))
    assert page.locator("#level-1 article").count() == 1
    assert page.locator("#level-1 form[action$='/decision']").count() == 0  # a CAM does not decide above the first level

    page.context.clear_cookies()
    login("admin")
    page.goto("/console/disputes")
    dispute = page.locator("#level-1 article").first
    dispute.get_by_label("Lead").select_option("joint")
    dispute.get_by_label("Rationale").fill("The SI builds; vendor PS reviews the design")
    dispute.get_by_role("button", name="Decide").click()
    page.wait_for_url(re.compile(r"/console/disputes$"))
    assert "The SI builds; vendor PS reviews the design" in page.locator("#resolved").inner_text()
    page.goto(f"/console/cosell/plans/{plan_id}")
    assert "Version 2" in page.locator(".page-header").inner_text()
    assert "Joint" in page.locator("#plan-rows").inner_text()
