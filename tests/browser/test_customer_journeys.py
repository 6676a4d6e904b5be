"""Customer master data in Chromium: a CAM creates and protects an account, and the live
suggestions keep the next person from creating it twice."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from alliance.kit import clock

pytestmark = pytest.mark.browser

OWNERSHIP_WORDS = ("si_protected", "si-protected", "vendor_direct", "ownership", "owning", "protect", "northwind")


def test_cam_creates_and_protects_a_customer_then_the_form_suggests_it(page, login, world, tmp_path):
    from playwright.sync_api import expect

    login("cam")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name").fill("Contoso Pharma AG")
    page.get_by_label("Website").fill("https://www.contoso-pharma.ch")
    page.get_by_label("Country").fill("ch")
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contoso Pharma AG")
    expect(page.get_by_role("status").filter(has_text="Contoso Pharma AG was added to the customers.")).to_be_visible()
    customer_url = page.url

    # Protect the account for Northwind, a systems integrator; the reason is mandatory.
    page.locator("#change-ownership summary").click()
    form = page.locator("#change-ownership form")
    form.get_by_label("Status").select_option("si_protected")
    form.get_by_label("Owning partner").select_option(label="Northwind Consulting")
    until = (clock.today() + timedelta(days=180)).isoformat()
    form.get_by_label("Protected until").fill(until)
    form.get_by_role("button", name="Change ownership").click()
    expect(page.locator("#change-ownership .field-error")).to_contain_text("Field required")
    page.locator("#change-ownership form").get_by_label("Reason").fill("Northwind brought the opportunity")
    # The re-rendered form kept what was chosen.
    expect(page.locator("#change-ownership form").get_by_label("Owning partner")).to_have_value(str(world.a.id))
    page.locator("#change-ownership form").get_by_role("button", name="Change ownership").click()
    expect(page.get_by_role("status").filter(has_text="is now si-protected")).to_be_visible()
    ownership = page.locator("#ownership")
    expect(ownership).to_contain_text("Northwind Consulting")
    expect(ownership).to_contain_text(until)
    expect(ownership).to_contain_text("Northwind brought the opportunity")

    page.goto("/console/customers?ownership=si_protected")
    row = page.locator("#customers tbody tr").filter(has_text="Contoso Pharma AG")
    expect(row.locator(".ownership")).to_contain_text("SI-protected")
    expect(row.locator(".ownership")).to_contain_text("Northwind Consulting")

    # Someone types a near-duplicate: the known customer is suggested as they type.
    page.goto("/console/customers/new")
    page.get_by_label("Name").press_sequentially("Contosso Pharma", delay=40)
    suggestions = page.locator("#customer-suggest-list")
    expect(page.get_by_text("Already known customers — is it one of these?")).to_be_visible()
    expect(suggestions).to_contain_text("Contoso Pharma AG")
    expect(suggestions).to_contain_text("% match")
    expect(suggestions).to_contain_text("contoso-pharma.ch")
    expect(suggestions).not_to_contain_text("Northwind")
    expect(suggestions).not_to_contain_text("protected")
    page.screenshot(path=str(tmp_path / "suggest.png"), full_page=True)
    page.get_by_role("button", name="Open this customer: Contoso Pharma AG").click()
    expect(page.locator("#customer-suggest-id")).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_label("Name")).to_have_value("Contoso Pharma AG")
    expect(page.get_by_label("Country")).to_have_value("CH")
    expect(page.locator("[data-suggest-chosen]")).to_contain_text("already a customer")
    expect(suggestions).to_be_hidden()
    page.get_by_role("button", name="Create customer").click()
    expect(page).to_have_url(customer_url)
    expect(page.get_by_role("status").filter(has_text="already a customer; nothing was created")).to_be_visible()

    # Typing again after a pick unlinks it; submitting without a pick gets the server-side warning.
    page.goto("/console/customers/new")
    page.get_by_label("Name").press_sequentially("Contoso Pharma", delay=30)
    page.get_by_role("button", name="Open this customer: Contoso Pharma AG").click()
    page.get_by_label("Name").press("End")
    page.get_by_label("Name").press_sequentially(" Holding")
    expect(page.locator("#customer-suggest-id")).to_have_value("")
    page.get_by_role("button", name="Create customer").click()
    expect(page.locator("#duplicates")).to_contain_text("Contoso Pharma AG")
    page.get_by_role("button", name="Create anyway: it is a different company").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contoso Pharma AG Holding")


def test_partner_user_gets_identities_only_and_no_console(page, login, world):
    from playwright.sync_api import expect

    login("cam")
    page.goto("/console/customers/new")
    page.get_by_label("Name").fill("Fabrikam Logistics GmbH")
    page.get_by_label("Country").fill("DE")
    page.get_by_role("button", name="Create customer").click()
    page.locator("#change-ownership summary").click()
    form = page.locator("#change-ownership form")
    form.get_by_label("Status").select_option("si_protected")
    form.get_by_label("Owning partner").select_option(label="Northwind Consulting")
    form.get_by_label("Protected until").fill((clock.today() + timedelta(days=90)).isoformat())
    form.get_by_label("Reason").fill("Joint pursuit")
    form.get_by_role("button", name="Change ownership").click()
    expect(page.get_by_role("status").filter(has_text="is now si-protected")).to_be_visible()
    page.context.clear_cookies()

    login("b_user")
    response = page.request.get("/customers/suggest?name=Fabrikam%20Logistic&country=DE")
    assert response.status == 200
    candidates = response.json()["candidates"]
    assert [c["name"] for c in candidates] == ["Fabrikam Logistics GmbH"]
    assert set(candidates[0]) == {"customer_id", "name", "website", "country", "score", "reason"}
    assert not [word for word in OWNERSHIP_WORDS if word in response.text().lower()]
    for url in ("/console/customers", f"/console/customers/{candidates[0]['customer_id']}", "/console/customers/new"):
        visit = page.goto(url)
        assert visit is not None and visit.status == 404, url
        expect(page.locator("main")).not_to_contain_text("Fabrikam")


def test_capture_customer_pages(page, login, world, db, tmp_path):
    """The customer pages render with data; with ALLIANCE_SCREENSHOTS_DIR set they refresh the docs:
    ALLIANCE_SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest -q --browser tests/browser/test_customer_journeys.py"""
    from alliance.customers import service as customer_service
    from alliance.customers.schemas import CustomerCreate, OwnershipChange
    from alliance.customers.vocabulary import Ownership
    from alliance.identity.scope import Actor, PartnerScope

    out = Path(os.environ.get("ALLIANCE_SCREENSHOTS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    operator = Actor.system(label="showcase")
    with db.session_scope(PartnerScope.system(reason="screenshot data")) as session:
        rows = [
            ("Acme Analytics GmbH", "acme-analytics.de", "DE", "Software", "501-1000", "CRM-1001"),
            ("Contoso Pharma AG", "contoso-pharma.ch", "CH", "Life sciences", "5001-10000", "CRM-1002"),
            ("Fabrikam Logistics", "fabrikam.com", "US", "Logistics", "1001-5000", "CRM-1003"),
            ("Initech Ltd", "initech.co.uk", "GB", "Financial services", "201-500", "CRM-1004"),
            ("Globex Corporation", "globex.com", "US", "Manufacturing", "10001+", "CRM-1005"),
            ("Umbrella Health", None, "FR", "Healthcare", "51-200", None),
        ]
        ids = [
            customer_service.create_customer(
                session, operator, data=CustomerCreate(name=n, website=w, country=c, industry=i, employee_band=b, external_id=x)
            ).id
            for n, w, c, i, b, x in rows
        ]
        customer_service.change_customer_ownership(
            session,
            operator,
            customer_id=ids[1],
            change=OwnershipChange(
                status=Ownership.SI_PROTECTED,
                owning_partner_id=world.a.id,
                protected_until=clock.today() + timedelta(days=120),
                reason="Northwind sourced the pursuit",
            ),
        )
        customer_service.change_customer_ownership(
            session, operator, customer_id=ids[4], change=OwnershipChange(status=Ownership.VENDOR_DIRECT, reason="Strategic account")
        )
    login("admin")
    page.goto("/console/customers")
    page.screenshot(path=str(out / "console-customers.png"), full_page=True)
    page.goto(f"/console/customers/{ids[1]}")
    page.screenshot(path=str(out / "console-customer.png"), full_page=True)
    page.goto("/console/customers/new")
    page.get_by_label("Name").press_sequentially("Contosso Pharma", delay=30)
    page.locator("#customer-suggest-list li").first.wait_for()
    page.screenshot(path=str(out / "console-customer-suggest.png"), full_page=True)
    shots = ("console-customers.png", "console-customer.png", "console-customer-suggest.png")
    assert all((out / name).stat().st_size > 20_000 for name in shots), "a screenshot is suspiciously small (blank page?)"
