"""Invite → accept → sign in, in Chromium: a partner admin invites a colleague from the portal,
the colleague opens the e-mailed link, chooses a password and logs in; the link then refuses."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from alliance.identity.password_links import LinkPurpose, link_path
from alliance.identity.scope import PartnerScope
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType

pytestmark = pytest.mark.browser


def _emailed_link(db, settings) -> str:  # type: ignore[no-untyped-def]
    """The path the invitation e-mail links to (the renderer signs the nonce the outbox holds)."""
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.USER_INVITED)).one()
        return link_path(settings.resolved_secret_key(), LinkPurpose.INVITATION, message.payload["facts"]["nonce"])


def test_invite_accept_and_sign_in(browser, server, page, login, world, db, settings):
    from playwright.sync_api import expect

    login("a_admin")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a user").click()
    email = f"ines@partner{world.a.id}.example"
    page.get_by_label("Name").fill("Ines Invited")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Role").select_option("partner_user")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status").filter(has_text="Ines Invited was invited")).to_be_visible()
    expect(page.locator("#user-status")).to_have_text("Invited")

    invitee = browser.new_context(base_url=server, viewport={"width": 1360, "height": 900})
    invitee.set_default_timeout(8000)
    try:
        other = invitee.new_page()
        link = _emailed_link(db, settings)
        other.goto(link)
        expect(other.locator("#link-email")).to_have_text(email)
        other.get_by_label("New password").fill("ines-long-password")
        other.get_by_label("The same again").fill("ines-long-password")
        other.get_by_role("button", name="Set the password").click()
        expect(other).to_have_url(re.compile(r"/login$"))
        expect(other.get_by_role("status").filter(has_text="Your password is set")).to_be_visible()
        other.get_by_label("Email").fill(email)
        other.get_by_label("Password").fill("ines-long-password")
        other.get_by_role("button", name="Log in").click()
        expect(other).to_have_url(re.compile(r"/portal$"))
        other.goto(link)
        expect(other.locator("#link-refused")).to_contain_text("already been used")
    finally:
        invitee.close()

    page.reload()
    expect(page.locator("#user-status")).to_have_text("Active")
