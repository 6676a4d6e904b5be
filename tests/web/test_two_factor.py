"""TOTP two-factor through the web pages: enrolment (secret shown once, confirmed with a code,
recovery codes), the login's second step (codes never replayed, recovery codes once), turning it
off, and the program's rule that vendor roles must have it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from alliance.identity import two_factor
from alliance.kit import clock
from tests.factories.world import PASSWORD
from tests.service.test_sessions import events
from tests.web.client import csrf_token, post, soup


def password_step(client: TestClient, email: str) -> str:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/console/programs"}, follow_redirects=False)
    assert response.status_code == 303
    client.csrf_token = None  # type: ignore[attr-defined]
    return str(response.headers["location"])


def second_step(client: TestClient, code: str) -> TestClient:
    return client.post("/login/two-factor", data={"code": code, "csrf_token": csrf_token(client, "/login/two-factor")}, follow_redirects=False)


def enrol(client: TestClient, base: str = "/console/account/two-factor") -> tuple[str, list[str]]:
    page = soup(post(client, base + "/setup"))
    secret = page.find(id="two-factor-secret").get_text(strip=True)
    assert page.find("svg") is not None and secret in page.find(id="two-factor-uri")["href"]
    wrong = post(client, base + "/confirm", {"code": "000000" if two_factor.current_code(secret, clock.now()) != "000000" else "111111"})
    assert wrong.status_code == 422 and soup(wrong).find(id="two-factor-secret").get_text(strip=True) == secret
    done = post(client, base + "/confirm", {"code": two_factor.current_code(secret, clock.now())})
    assert done.status_code == 200, done.text
    codes = [item.get_text(strip=True) for item in soup(done).select("#recovery-codes code")]
    assert len(codes) == 10
    return secret, codes


def test_enrol_then_log_in_with_a_code_never_the_same_twice_or_a_recovery_code_once(client, login, world):
    login("cam")
    secret, codes = enrol(client)
    page = soup(client.get("/console/account/two-factor"))
    assert "10 unused recovery codes" in page.find(id="two-factor-state").get_text(" ", strip=True)
    assert secret not in client.get("/console/account/two-factor").text  # the secret is never shown again
    [enabled] = events(world.db, "user.two_factor_enabled")
    assert enabled.entity_id == str(world.users["cam"])

    client.cookies.clear()
    assert password_step(client, world.emails["cam"]) == "/login/two-factor"
    assert client.get("/console", follow_redirects=False).headers["location"].startswith("/login")  # no session yet
    assert second_step(client, "12345").status_code == 401
    # The code the enrolment used is spent; so is any code of that step.
    assert second_step(client, two_factor.current_code(secret, clock.now())).status_code == 401
    failures = events(world.db, "user.login_failed")
    assert [event.reason for event in failures] == ["wrong two-factor code", "wrong two-factor code"]

    assert second_step(client, codes[0]).headers["location"] == "/console/programs"
    [used] = events(world.db, "user.recovery_code_used")
    assert used.after == {"recovery_codes_left": 9}
    assert events(world.db, "user.logged_in")[-1].after["method"] == "two_factor"

    client.cookies.clear()
    password_step(client, world.emails["cam"])
    assert second_step(client, codes[0].upper()).status_code == 401  # a recovery code works once
    assert second_step(client, codes[1]).status_code == 303


def test_vendor_roles_must_enrol_when_the_program_requires_it(client, login, world):
    login("admin")
    assert "Sign-in" in soup(client.get("/console/sign-in")).find("h1").get_text()
    assert post(client, "/console/sign-in/two-factor-policy", {"required": "on"}).status_code == 303
    [changed] = events(world.db, "sign_in.policy_changed")
    assert changed.after == {"require_vendor_two_factor": True}

    client.cookies.clear()
    login("cam")
    sent = client.get("/console/partners", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/console/account/two-factor"
    assert "requires two-factor" in client.get(sent.headers["location"]).text
    enrol(client)
    assert client.get("/console/partners").status_code == 200  # this session did the second factor
    # It cannot be turned off while it is required.
    refused = post(client, "/console/account/two-factor/off", {"password": PASSWORD})
    assert refused.status_code == 422 and "cannot be turned off" in refused.text

    # Partner roles are not bound by it.
    client.cookies.clear()
    login("a_user")
    assert client.get("/portal").status_code == 200


def test_turning_it_off_takes_the_password_and_an_admin_can_reset_a_lost_one(client, login, world):
    login("a_user")
    enrol(client, "/portal/account/two-factor")
    assert post(client, "/portal/account/two-factor/off", {"password": "wrong"}).status_code == 422
    assert post(client, "/portal/account/two-factor/off", {"password": PASSWORD}).status_code == 303
    assert len(events(world.db, "user.two_factor_disabled")) == 1
    enrol(client, "/portal/account/two-factor")

    # Phone and recovery codes lost: the partner admin removes the authenticator.
    client.cookies.clear()
    login("a_admin")
    user_page = f"/portal/users/{world.users['a_user']}"
    assert "Reset two-factor" in client.get(user_page).text
    assert post(client, user_page + "/two-factor-reset").status_code == 303
    assert [e.entity_id for e in events(world.db, "user.two_factor_reset")] == [str(world.users["a_user"])]
    client.cookies.clear()
    assert re.match(r"^/console/programs$", password_step(client, world.emails["a_user"]))
