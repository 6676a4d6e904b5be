"""Enterprise sign-in in Chromium: enrolling an authenticator and logging in with its code, and
signing in through a partner's identity provider (a real oidc-provider, tests/idp/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from alliance.identity import two_factor
from alliance.kit import clock
from tests.factories.world import PASSWORD
from tests.idp.provider import CLIENT_ID, CLIENT_SECRET, Provider, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    yield from start_provider(Path(tmp_path_factory.mktemp("idp")))


def test_enrol_an_authenticator_then_log_in_with_its_code(page, login, world):
    from playwright.sync_api import expect

    login("cam")
    page.locator(".account-menu summary").last.click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().strip()
    page.get_by_label("Code from your app").fill(two_factor.current_code(secret, clock.now()))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    recovery = page.locator("#recovery-codes code")
    expect(recovery).to_have_count(10)

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill(world.emails["cam"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/login/two-factor$"))
    # The code of the step the enrolment used is spent; the phone a little ahead shows the next
    # step's, which is within the drift allowed.
    page.get_by_label("Code").fill(two_factor.current_code(secret, clock.now() + timedelta(seconds=two_factor.STEP_SECONDS)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/console$"))


def test_sign_in_through_the_partners_identity_provider(page, login, world, provider, server):
    from playwright.sync_api import expect

    provider.configure(
        redirect_uri=server + "/sso/oidc/callback",
        accounts={"nina": {"email": "nina@northwind-sso.example", "email_verified": True, "name": "Nina Northwind", "groups": ["alliance-admins"]}},
    )
    login("admin")
    page.goto("/console/sign-in")
    form = page.locator("#connection-form")
    form.get_by_label("Name on the login page").fill("Northwind SSO")
    form.get_by_label("Signs in").select_option(label="Northwind Consulting")
    form.get_by_label("E-mail domains").fill("northwind-sso.example")
    form.get_by_label("Issuer URL (OpenID Connect)").fill(provider.issuer)
    form.get_by_label("Client ID (OpenID Connect)").fill(CLIENT_ID)
    form.get_by_label("Client secret (OpenID Connect)").fill(CLIENT_SECRET)
    form.get_by_label("Claim 1").fill("groups")
    form.get_by_label("Value 1").fill("alliance-admins")
    form.get_by_label("Role 1").select_option(label="Partner admin")
    form.get_by_role("button", name="Add connection").click()
    expect(page.locator("#sso-connections tbody tr")).to_contain_text("Northwind Consulting")
    # The domain counts once proven: here a program admin vouches for it by hand, with a reason.
    page.locator("#sso-connections tbody tr a", has_text="Northwind SSO").click()
    page.get_by_label("Reason for northwind-sso.example").fill("Confirmed with Northwind's IT by phone")
    page.get_by_role("button", name="Mark verified").click()
    expect(page.locator("#domains .domain-state")).to_contain_text("Verified")
    page.get_by_role("button", name="Log out").click()

    page.get_by_label("Email").fill("nina@northwind-sso.example")
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.get_by_role("button", name="Continue with Northwind SSO").click()
    # At the identity provider: its own login form.
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + "/interaction/"))
    page.locator("input[name=login]").fill("nina")
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.locator(".userbox .name")).to_have_text("Nina Northwind")
