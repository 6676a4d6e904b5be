"""An invitation end to end: invited through the API, delivered by the worker to an SMTP server,
and the link in the received e-mail sets a password once, and not twice."""

from __future__ import annotations

import re
from datetime import timedelta

from alliance.delivery.mailer import SmtpSettings, SmtpTransport
from alliance.delivery.rendering import Renderer
from alliance.delivery.worker import Worker, WorkerOptions
from alliance.notifications.attempts import RetryPolicy
from alliance.notifications.vocabulary import Channel
from tests.service.notifications.conftest import BASE_URL, SENDER
from tests.web.client import soup

LINK = re.compile(re.escape(BASE_URL) + r"(/password/set\?token=[A-Za-z0-9_-]+)")


def _deliver(db, settings, port: int) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer(public_base_url=BASE_URL, sender=SENDER, link_key=settings.resolved_secret_key())
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout_seconds=5), renderer)
    policy = RetryPolicy(max_attempts=3, first_delay=timedelta(minutes=1), longest_delay=timedelta(hours=1))
    assert Worker(db, {Channel.EMAIL: transport}, WorkerOptions(policy=policy), name="test-worker").drain().outcomes["sent"] == 1


def test_the_emailed_invitation_link_works_once(client, db, world, settings, smtp):
    body = {"email": f"ines@partner{world.a.id}.example", "name": "Ines Invited", "role": "partner_user"}
    invited = client.post("/api/v1/users/invitations", headers=world.headers("a_admin"), json=body)
    assert invited.status_code == 201 and invited.json()["status"] == "invited", invited.text
    _deliver(db, settings, smtp[1])
    [received] = smtp[0].received
    assert received.recipients == [body["email"]] and received.message["X-Alliance-Event"] == "user.invited"
    text = received.part("plain")
    assert "invited you to Alliance for Northwind Consulting as Partner user" in text
    path = LINK.search(text)
    assert path is not None, text
    assert path.group(0) in received.part("html").replace("&amp;", "&")

    page = client.get(path.group(1))
    assert page.status_code == 200 and soup(page).find(id="link-email").get_text() == body["email"]
    assert page.headers["referrer-policy"] == "no-referrer"
    token = soup(page).find("input", {"name": "token"})["value"]
    csrf = soup(page).find("input", {"name": "csrf_token"})["value"]
    form = {"token": token, "password": "ines-long-password", "password_again": "ines-long-password", "csrf_token": csrf}
    done = client.post("/password/set", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"
    login = client.get("/login")
    assert "Your password is set" in login.text
    logged_in = client.post(
        "/login",
        data={"email": body["email"], "password": "ines-long-password", "csrf_token": soup(login).find("input", {"name": "csrf_token"})["value"]},
        follow_redirects=False,
    )
    assert logged_in.status_code == 303
    me = client.get("/api/v1/users", headers=world.headers("a_admin"), params={"status": "active", "q": "ines"}).json()
    assert [u["email"] for u in me["items"]] == [body["email"]]

    again = client.get(path.group(1))
    assert again.status_code == 410 and "already been used" in soup(again).find(id="link-refused").get_text()
    fresh_csrf = soup(client.get("/password/forgot")).find("input", {"name": "csrf_token"})["value"]
    replay_form = {**form, "password": "mole-long-password", "password_again": "mole-long-password", "csrf_token": fresh_csrf}
    replay = client.post("/password/set", data=replay_form, follow_redirects=False)
    assert replay.status_code == 410
