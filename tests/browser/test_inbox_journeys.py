"""The inbox in Chromium: the bell shows the unread count, the inbox lists the item, opening it
marks it read and leads to the registration."""

from __future__ import annotations

import re

import pytest

from tests.service.notifications.test_inbox import tell

pytestmark = pytest.mark.browser


def test_bell_inbox_open_marks_read(page, login, world):
    from playwright.sync_api import expect

    registration_id = world.registrations()["a"]
    tell(world, "a_user", title="A deal", entity_id=registration_id)
    login("a_user")
    expect(page).to_have_url(re.compile(r"/portal$"))
    bell = page.locator("#inbox-bell")
    expect(bell.locator(".bell-count")).to_have_text("1")

    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    item = page.locator("#inbox-items li").first
    expect(item).to_have_class(re.compile(r"\bunread\b"))
    item.get_by_role("button", name="Approved: A deal").click()

    page.wait_for_url(re.compile(rf"/portal/registrations/{registration_id}$"))
    expect(page.locator("#inbox-bell .bell-count")).to_have_count(0)
    page.locator("#inbox-bell").click()
    expect(page.locator("#inbox-items li").first).to_have_class(re.compile(r"\bread\b"))
