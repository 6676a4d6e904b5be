"""Registration journeys in a real browser: a partner registers influence, picking the customer
from the suggestions; the CAM approves it from the review queue; the partner sees the protection.

With ALLIANCE_SCREENSHOTS_DIR set, the partner's form and the review queue refresh the docs:

    ALLIANCE_SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest -q --browser tests/browser/test_registration_journeys.py
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import product_line_service

pytestmark = pytest.mark.browser


@pytest.fixture
def known_customer(db, world):  # type: ignore[no-untyped-def]
    operator = Actor.system(label="journey setup")
    with db.session_scope(PartnerScope.system(reason="journey data")) as session:
        product_line_service.ensure_default_catalog(session, operator)
        customer = customer_service.create_customer(
            session, operator, data=CustomerCreate(name="Contoso Health Systems", website="https://contoso-health.example", country="US")
        )
        return customer.id


def test_partner_registers_influence_and_cam_approves(page, login, world, known_customer, tmp_path):
    shots = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    login("a_user")
    page.get_by_role("link", name="Registrations").click()
    page.get_by_label("Kind of registration").select_option("influence")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/portal/registrations/new\?kind=influence"))

    page.get_by_label("Customer name").fill("Contoso Health")
    suggestion = page.locator("#customer-suggest-list li").first
    suggestion.wait_for()
    assert "Contoso Health Systems" in suggestion.inner_text()
    suggestion.get_by_role("button").click()
    assert page.locator("#customer-suggest-id").input_value() == str(known_customer)
    assert page.get_by_label("Customer name").input_value() == "Contoso Health Systems"

    page.get_by_label("Title").fill("Clinical data platform decision")
    page.get_by_label("Architecture decision").fill("Which data platform the hospital group standardises on.")
    page.get_by_label("Candidate platforms").fill("Ours, Other Cloud")
    page.get_by_label("Your role").select_option("lead_architect")
    page.get_by_label("Decision expected").fill((clock.today() + timedelta(days=120)).isoformat())
    page.get_by_label("Evidence 1 kind").select_option("meeting")
    page.get_by_label("Evidence 1 date").fill((clock.today() - timedelta(days=3)).isoformat())
    page.get_by_label("Evidence 1 description").fill("Architecture workshop with the CIO")
    page.get_by_label("Data Platform").check()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar would otherwise land mid-shot
    page.screenshot(path=str(shots / "portal-registration-form.png"), full_page=True)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/portal/registrations/\d+$"))
    assert "submitted for review" in page.locator(".flash").inner_text()
    registration_url = page.url

    page.context.clear_cookies()
    login("cam")
    page.get_by_role("link", name=re.compile("Review queue")).first.click()
    row = page.locator("#review-queue tr", has_text="Clinical data platform decision")
    assert "Northwind Consulting" in row.inner_text()
    page.screenshot(path=str(shots / "console-review-queue.png"), full_page=True)
    row.get_by_role("button", name="Approve").click()
    assert "reason is required" in page.locator("#review-queue tr", has_text="Clinical data platform decision").inner_text()
    row = page.locator("#review-queue tr", has_text="Clinical data platform decision")
    row.get_by_placeholder("Reason (required)").fill("Workshop evidence confirmed with the customer")
    row.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/console/registrations/review$"))
    assert "Approved" in page.locator(".flash").inner_text()
    assert page.locator("#review-queue tr", has_text="Clinical data platform decision").count() == 0

    page.context.clear_cookies()
    login("a_user")
    page.goto(registration_url)
    assert re.search(r"protected for \d+ more days", page.locator(".page-header").inner_text())
    assert "Workshop evidence confirmed" in page.locator("#registration-history").inner_text()
