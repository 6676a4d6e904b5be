"""MDF from allocation to payment: the budget, allocation and request are set up through the
services (their API is tested in tests/api/funds); the partner approves nothing, so the browser
does the rest: the CAM approves the request, the partner uploads an invoice and claims, the CAM
approves the claim, the program admin records the payment and the partner sees it paid."""

from __future__ import annotations

from pathlib import Path

from alliance.funds import service as fund_service
from alliance.funds.schemas import FundRequestCreate
from alliance.identity.scope import scope_for
from tests.factories.funds import allocate, partner_actor, request_input


def test_request_approved_claimed_with_a_file_approved_and_paid(page, login, world, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    allocate(db, world, "a")
    partner = partner_actor(world, "a")
    with db.session_scope(scope_for(partner)) as session:
        request_id = fund_service.submit_request(session, partner, data=FundRequestCreate(**request_input(title="Hospital IT summit"))).id

    login("cam")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Practice").click()
    nav.get_by_role("link", name="Market development funds").click()
    page.get_by_role("link", name="Request queue").click()
    page.locator("#fund-requests").get_by_role("link", name="Hospital IT summit").click()
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#approved-amount")).to_contain_text("$20,000.00")

    page.context.clear_cookies()
    login("a_user")
    page.goto(f"/portal/funds/requests/{request_id}")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.7\n" + b"venue invoice " * 30)
    page.get_by_label("Proof file").set_input_files(str(invoice))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#claim-form")).to_contain_text("invoice.pdf")
    page.get_by_label("Description of line 1").fill("Venue and catering")
    page.get_by_label("Amount of line 1").fill("18000")
    page.get_by_role("button", name="Submit claim").click()
    expect(page.locator("#claim-status")).to_have_text("Submitted")
    claim_url = page.url.replace("/portal/", "/console/")

    page.context.clear_cookies()
    login("cam")
    page.goto(claim_url)
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#claim-status")).to_have_text("Approved")

    page.context.clear_cookies()
    login("admin")
    page.goto(claim_url)
    page.get_by_label("Payment reference").fill("AP-7781")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator("#claim-status")).to_have_text("Paid")

    page.context.clear_cookies()
    login("a_user")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="MDF").click()
    expect(page.locator("#fund-claims")).to_contain_text("AP-7781")
    expect(page.locator("#fund-ledger")).to_contain_text("$18,000.00")
