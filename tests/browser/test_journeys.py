"""End-to-end journeys through the console and the partner portal in Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_vendor_admin_filters_opens_edits_and_audits_a_partner(page, login, world):
    from playwright.sync_api import expect

    login("admin")
    expect(page.get_by_role("heading", name="Channel dashboard")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    page.get_by_label("Type", exact=True).select_option("systems_integrator")
    page.get_by_role("button", name="Apply").click()
    table = page.locator("#partners")
    expect(table).to_contain_text("Northwind Consulting")
    expect(table).not_to_contain_text("Blue Harbor")

    table.get_by_role("link", name="Northwind Consulting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Consulting")
    page.get_by_role("link", name="Edit partner").click()
    page.get_by_label("Consultant headcount").fill("240")
    page.get_by_label("Reason for the change").fill("Q3 hiring")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status").filter(has_text="Partner profile saved.")).to_be_visible()
    expect(page.locator(".kpi").filter(has_text="Consultants")).to_contain_text("240")

    page.get_by_role("link", name="Audit history").click()
    event = page.locator("li.event").filter(has_text="partner.updated").first
    expect(event).to_contain_text("Consultant headcount")
    expect(event.locator("td.before")).to_contain_text("180")
    expect(event.locator("td.after")).to_contain_text("240")
    expect(event).to_contain_text("Q3 hiring")


def test_partner_user_sees_only_their_own_organisation(page, login, world):
    from playwright.sync_api import expect

    login("a_user")
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Consulting")
    expect(page.get_by_text("Carl Cam")).to_be_visible()

    page.get_by_role("link", name="Organization").click()
    expect(page.get_by_text("Northwind Consulting LLC")).to_be_visible()
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)

    page.get_by_role("link", name="Tier & benefits").click()
    expect(page.locator(".current-tier")).to_contain_text("Registered")
    expect(page.locator("ol.ladder")).to_contain_text("Certified solution architects")
    expect(page.locator("ol.ladder")).to_contain_text("≥")

    for url in ("/console", "/console/partners", f"/console/partners/{world.b.id}", f"/portal/people/{world.b.person_ids[0]}/edit"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Blue Harbor")


def test_partner_admin_fixes_an_invalid_email_when_adding_a_person(page, login, world):
    from playwright.sync_api import expect

    login("a_admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    form = page.locator("#add-person")
    form.get_by_label("Name").fill("Nia Newhire")
    form.get_by_label("Email").fill("nia-at-northwind")
    form.get_by_label("Delivery role").select_option("integration_specialist")
    form.get_by_role("button", name="Add person").click()

    form = page.locator("#add-person")
    expect(form.locator(".field-error")).to_contain_text("Enter a valid email address")
    expect(form.get_by_label("Name")).to_have_value("Nia Newhire")
    expect(page.locator("#people-table")).not_to_contain_text("Nia Newhire")

    form.get_by_label("Email").fill("nia@northwind.example")
    form.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("status").filter(has_text="Nia Newhire was added")).to_be_visible()
    expect(page.locator("#people-table")).to_contain_text("nia@northwind.example")
