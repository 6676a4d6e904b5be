"""Server-side sessions in Chromium: signing out everywhere from one browser ends the other."""

from __future__ import annotations

import re

import pytest

from tests.factories.world import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_out_everywhere_from_a_second_browser_sends_the_first_to_login(browser, server, page, login, world):
    from playwright.sync_api import expect

    login("a_admin")
    expect(page).to_have_url(re.compile(r"/portal$"))

    second = browser.new_context(base_url=server, viewport={"width": 1360, "height": 900})
    second.set_default_timeout(8000)
    try:
        other = second.new_page()
        other.goto("/login")
        other.get_by_label("Email").fill(world.emails["a_admin"])
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Log in").click()
        other.wait_for_url(re.compile(r"/portal$"))

        other.locator(".account-menu summary.who").click()  # the account menu under the user's name
        other.get_by_role("link", name="Sessions").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Sessions")
        rows = other.locator("#sessions tbody tr")
        expect(rows).to_have_count(2)
        expect(other.locator("#sessions tr.current")).to_contain_text("This session")
        other.get_by_role("button", name="Sign out everywhere else").click()
        expect(other.get_by_role("status").filter(has_text="Signed out of 1 other session.")).to_be_visible()
        expect(rows).to_have_count(1)
    finally:
        second.close()

    # The first browser still holds its cookie; the server no longer accepts it.
    page.get_by_role("link", name="Organization").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/portal/organization$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
