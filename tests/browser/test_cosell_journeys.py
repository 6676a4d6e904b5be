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
