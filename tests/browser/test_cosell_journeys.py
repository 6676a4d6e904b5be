"""Co-sell journey in a real browser: a partner asks for vendor help from its registration page;
a PS lead finds it in the team queue with its SLA timer, accepts and completes it with a rating;
the partner sees it completed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from alliance.kit import clock
from tests.factories.cosell import build_cosell

pytestmark = pytest.mark.browser


def test_partner_requests_help_and_ps_lead_completes_it(page, login, world, db):
    built = build_cosell(db, world)["a"]
    login("a_user")
    page.get_by_role("link", name="Co-sell").click()
    page.wait_for_url(re.compile(r"/portal/cosell$"))
    page.goto(f"/portal/registrations/{built['registration_id']}")
    page.get_by_role("button", name="Send request").click()
    assert page.locator("#cosell-request-form .field-error").count() >= 3
    page.get_by_label("Type of help").select_option("architecture_validation")
    page.get_by_label("Needed by").fill((clock.today() + timedelta(days=7)).isoformat())
    page.get_by_label("What is needed").fill("Validate the target architecture with the customer's CTO")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/portal/registrations/\d+"))
    assert page.locator("#cosell-requests tbody tr").count() == 2

    page.context.clear_cookies()
    login("ps_lead")
    page.goto("/console/cosell?status=new")
    assert "Due in" in page.locator("#cosell-queue").inner_text()
    row = page.locator("#cosell-queue tbody tr", has_text="Architecture validation")
    row.get_by_role("link", name="Open").click()
    page.wait_for_url(re.compile(r"/console/cosell/requests/\d+"))
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/console/cosell/requests/\d+$"))
    page.get_by_label("Effect on the deal").select_option("5")
    page.get_by_label("Notes").fill("The CTO signed off the design")
    page.get_by_role("button", name="Complete").click()
    page.wait_for_url(re.compile(r"/console/cosell/requests/\d+$"))
    assert "5 / 5" in page.locator(".facts").inner_text()

    page.context.clear_cookies()
    login("a_user")
    page.goto("/portal/cosell?status=completed")
    assert page.locator("#cosell-requests tbody tr").count() == 1


def test_ps_lead_staffs_an_engagement_on_a_customer_picked_by_name(page, login, world):
    from playwright.sync_api import expect

    world.registrations()  # submitted deals: Tenancy Alpha Hospital and Tenancy Beta Logistics are known customers
    login("ps_lead")
    page.goto("/console/engagements")
    form = page.locator("#staff-form")
    customer = form.get_by_label(re.compile(r"^Customer"))
    # Nothing picked: the error sits next to the customer field and nothing is staffed.
    form.get_by_role("button", name="Staff", exact=True).click()
    expect(page.locator("#staff-form .field-error").filter(has=page.get_by_label(re.compile(r"^Customer")))).to_contain_text("pick the customer")
    expect(page.locator("#engagements")).to_have_count(0)

    customer.press_sequentially("Tenancy Alpha Hosp", delay=30)
    suggestions = page.locator("#customer-suggest-list")
    expect(suggestions).to_contain_text("Tenancy Alpha Hospital")
    page.get_by_role("button", name="Staff on this customer: Tenancy Alpha Hospital").click()
    expect(page.locator("#customer-suggest-id")).to_have_value(re.compile(r"^\d+$"))
    expect(customer).to_have_value("Tenancy Alpha Hospital")
    expect(page.locator("[data-suggest-chosen]")).to_contain_text("Staffing on this customer")
    form.get_by_label("Activity").select_option("implementation")
    form.get_by_label("Vendor PS person").select_option(label="Paula PS")
    # Another field's error keeps the pick.
    form.get_by_role("button", name="Staff", exact=True).click()
    expect(page.locator("#staff-form .field-error")).to_contain_text("Field required")
    expect(page.locator("[data-suggest-chosen]")).to_contain_text("Tenancy Alpha Hospital")
    page.locator("#staff-form").get_by_label("Starts on").fill(clock.today().isoformat())
    page.locator("#staff-form").get_by_role("button", name="Staff", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Engagement staffed.")).to_be_visible()
    row = page.locator("#engagements tbody tr").first
    expect(row).to_contain_text("Tenancy Alpha Hospital")
    expect(row.get_by_role("link", name="Tenancy Alpha Hospital")).to_have_attribute("href", re.compile(r"^/console/customers/\d+$"))
