"""The QBR journey: a program admin generates Northwind's package, records a commitment and changes
it, publishes and shares it; the partner admin opens it in the portal and downloads the PDF;
another partner's admin gets "not found" for the page and the PDF."""

from __future__ import annotations

import pytest

from tests.factories.qbr import AS_OF, QUARTER, build_qbr_history

pytestmark = pytest.mark.browser


def test_admin_generates_edits_publishes_and_the_partner_downloads_the_pdf(page, login, db, world):
    from playwright.sync_api import expect

    build_qbr_history(db, world)
    login("admin")
    page.goto("/console/qbrs")
    page.get_by_label("Partner").select_option(label="Northwind Consulting")
    page.get_by_label("Fiscal quarter").fill(QUARTER)
    page.get_by_label("Figures as of").fill(AS_OF.isoformat())
    page.get_by_role("button", name="Generate").click(no_wait_after=True)  # drawing the charts takes seconds on a busy machine
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Consulting · QBR FY2026 Q2", timeout=60_000)
    expect(page.locator("#qbr-status")).to_have_text("Draft")
    expect(page.locator("#chart-pipeline_funnel svg")).to_be_visible()

    form = page.locator("#add-commitment")
    form.get_by_label("Commitment").fill("Joint healthcare pitch to three hospital groups")
    form.get_by_label("Owner").fill("Ada Admin")
    form.get_by_role("button", name="Add").click()
    edit = page.locator("form.commitment").first
    edit.get_by_label("Status").select_option("late")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#commitments")).to_contain_text("Late")

    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#qbr-status")).to_have_text("Published")
    page.get_by_role("button", name="Share with the partner").click()
    expect(page.locator("#qbr-status")).to_have_text("Shared")
    url = page.url
    qbr_id = url.rsplit("/", 1)[1]

    page.context.clear_cookies()
    login("a_admin")
    page.goto("/portal/qbrs")
    page.locator("#qbrs").get_by_role("link", name="FY2026-Q2").click()
    expect(page.locator("#commitments")).to_contain_text("Joint healthcare pitch")
    with page.expect_download(timeout=90_000) as download:  # WeasyPrint takes seconds on a busy machine
        page.get_by_role("link", name="Download PDF").click(no_wait_after=True)
    assert download.value.suggested_filename == f"qbr_FY2026-Q2_{world.a.id}.pdf"

    page.context.clear_cookies()
    login("b_admin")
    for path in (f"/portal/qbrs/{qbr_id}", f"/portal/qbrs/{qbr_id}.pdf"):
        response = page.request.get(path)
        assert response.status == 404, path
