"""Server-side web sessions: a cookie copied before logout, a password change, deactivation or
"sign out everywhere" is refused afterwards; idle and absolute timeouts; the sessions page."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.identity import service as identity_service
from alliance.identity.models import UserSession
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.identity.user_sessions import SessionEnd
from alliance.kit import clock
from tests.factories.world import PASSWORD
from tests.web.client import csrf_token, post, soup

COOKIE = "alliance_session"
CONSOLE = "/console/account/sessions"
PORTAL = "/portal/account/sessions"


def log_in(client: TestClient, email: str, user_agent: str | None = None) -> TestClient:
    token = csrf_token(client, "/login")
    headers = {"user-agent": user_agent} if user_agent else None
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.csrf_token = None  # type: ignore[attr-defined]
    return client


def copy_of(app, client: TestClient) -> TestClient:  # type: ignore[no-untyped-def]
    """Another browser holding a copy of `client`'s session cookie, as captured at this moment."""
    stolen = TestClient(app)
    stolen.cookies.set(COOKIE, client.cookies[COOKIE])
    return stolen


def is_logged_in(client: TestClient, url: str = "/console") -> bool:
    response = client.get(url, follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login"), response.headers["location"]
        return False
    assert response.status_code == 200, response.status_code
    return True


def sessions_of(db, user_id: int) -> list[UserSession]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return list(session.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def audit_actions(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


class TestTheCookie:
    def test_carries_a_random_token_and_the_database_only_its_digest(self, client, world, db):
        log_in(client, world.emails["admin"])
        payload = client.cookies[COOKIE].split(".")[0]
        data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
        assert set(data) <= {"sid", "csrf"}  # no user id, role or name: the record decides
        [record] = sessions_of(db, world.users["admin"])
        assert record.token_hash == hashlib.sha256(data["sid"].encode()).hexdigest()
        assert data["sid"] not in record.token_hash
        assert record.ip == "testclient" and record.revoked_at is None
        assert record.expires_at == record.created_at + timedelta(days=14)

    def test_a_forged_token_is_sent_to_login(self, client, world):
        log_in(client, world.emails["admin"])
        other = TestClient(client.app)
        other.cookies.set(COOKIE, "garbage")
        assert not is_logged_in(other)


class TestCopiedCookieIsRefused:
    def test_after_logout(self, app, client, world, db):
        log_in(client, world.emails["admin"])
        stolen = copy_of(app, client)
        assert is_logged_in(stolen)
        assert post(client, "/logout", token_from="/console").headers["location"] == "/login"
        assert not is_logged_in(stolen)
        assert not is_logged_in(client)
        [record] = sessions_of(db, world.users["admin"])
        assert record.revoked_reason is SessionEnd.LOGGED_OUT
        assert audit_actions(db)[-2:] == ["user.logged_in", "user.logged_out"]

    def test_after_a_password_change_which_keeps_the_session_it_was_made_from(self, app, client, world, db):
        log_in(client, world.emails["cam"])
        elsewhere = log_in(TestClient(app), world.emails["cam"])
        stolen = copy_of(app, elsewhere)
        current = sessions_of(db, world.users["cam"])[0].id
        cam = Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label=world.emails["cam"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.set_password(session, cam, user_id=world.users["cam"], password="a-new-password-1", keep_session_id=current)
        assert not is_logged_in(stolen) and not is_logged_in(elsewhere)
        assert is_logged_in(client)
        assert [s.revoked_reason for s in sessions_of(db, world.users["cam"])] == [None, SessionEnd.PASSWORD_CHANGED]

    def test_after_an_admin_sets_the_password(self, app, client, world):
        log_in(client, world.emails["a_user"])
        stolen = copy_of(app, client)
        with world.db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.set_password(session, Actor.system(), user_id=world.users["a_user"], password="a-new-password-1")
        assert not is_logged_in(stolen, "/portal") and not is_logged_in(client, "/portal")

    def test_after_deactivation_with_the_api_tokens(self, app, client, world, db):
        log_in(client, world.emails["a_user"])
        stolen = copy_of(app, client)
        user_headers = world.headers("a_user")
        assert client.get("/api/v1/me", headers=user_headers).status_code == 200
        response = client.patch(f"/api/v1/users/{world.users['a_user']}", json={"is_active": False}, headers=world.headers("a_admin"))
        assert response.status_code == 200, response.text
        assert not is_logged_in(stolen, "/portal") and not is_logged_in(client, "/portal")
        assert client.get("/api/v1/me", headers=user_headers).status_code == 401
        # Reactivating does not bring the old session or token back.
        assert client.patch(f"/api/v1/users/{world.users['a_user']}", json={"is_active": True}, headers=world.headers("a_admin")).status_code == 200
        assert not is_logged_in(stolen, "/portal")
        assert client.get("/api/v1/me", headers=user_headers).status_code == 401
        assert audit_actions(db)[-4:-1] == ["user.updated", "sessions.revoked", "tokens.revoked"]

    def test_after_a_role_change(self, app, client, world):
        log_in(client, world.emails["a_user"])
        response = client.patch(f"/api/v1/users/{world.users['a_user']}", json={"role": "partner_admin"}, headers=world.headers("a_admin"))
        assert response.status_code == 200
        assert not is_logged_in(client, "/portal")

    def test_after_sign_out_everywhere_from_another_browser(self, app, client, world, db):
        log_in(client, world.emails["admin"])
        stolen = copy_of(app, client)
        other = log_in(TestClient(app), world.emails["admin"])
        response = post(other, f"{CONSOLE}/sign-out-others", token_from=CONSOLE)
        assert response.status_code == 303 and response.headers["location"] == CONSOLE
        assert "Signed out of 1 other session." in other.get(CONSOLE).text
        assert not is_logged_in(stolen) and not is_logged_in(client)
        assert is_logged_in(other)
        assert audit_actions(db)[-1] == "sessions.revoked"

    def test_logging_in_again_after_logout_works_and_the_old_cookie_stays_dead(self, app, client, world):
        log_in(client, world.emails["admin"])
        stolen = copy_of(app, client)
        post(client, "/logout", token_from="/console")
        log_in(client, world.emails["admin"])
        assert is_logged_in(client) and not is_logged_in(stolen)


class TestTimeouts:
    START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def test_idle_timeout_of_eight_hours(self, client, world):
        clock.freeze(self.START)
        log_in(client, world.emails["admin"])
        clock.freeze(self.START + timedelta(hours=7, minutes=59))
        assert is_logged_in(client)  # and seen again now
        clock.freeze(self.START + timedelta(hours=15, minutes=57))
        assert is_logged_in(client)
        clock.freeze(self.START + timedelta(hours=23, minutes=57))
        assert not is_logged_in(client)

    def test_absolute_timeout_of_fourteen_days_however_active(self, client, world):
        clock.freeze(self.START)
        log_in(client, world.emails["admin"])
        moment = self.START
        while moment + timedelta(hours=6) < self.START + timedelta(days=14):
            moment += timedelta(hours=6)
            clock.freeze(moment)
            assert is_logged_in(client), moment
        clock.freeze(self.START + timedelta(days=14))
        assert not is_logged_in(client)

    def test_last_seen_is_written_at_most_once_a_minute(self, client, world, db):
        clock.freeze(self.START)
        log_in(client, world.emails["admin"])
        clock.freeze(self.START + timedelta(seconds=59))
        assert is_logged_in(client)
        assert sessions_of(db, world.users["admin"])[0].last_seen_at == self.START
        clock.freeze(self.START + timedelta(seconds=61))
        assert is_logged_in(client)
        assert sessions_of(db, world.users["admin"])[0].last_seen_at == self.START + timedelta(seconds=61)


class TestSessionsPage:
    def test_lists_the_users_own_live_sessions_with_client_ip_and_times(self, app, client, world):
        clock.freeze(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
        log_in(client, world.emails["admin"], user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
        clock.freeze(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
        log_in(TestClient(app), world.emails["admin"], user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile Safari/604.1")
        log_in(TestClient(app), world.emails["cam"])  # someone else's
        ended = log_in(TestClient(app), world.emails["admin"])
        post(ended, "/logout", token_from="/console")
        page = soup(client.get(CONSOLE))
        rows = page.select("#sessions tbody tr")
        assert [row.find("td").get_text(strip=True) for row in rows] == ["Safari on iOS", "Firefox on Linux"]
        current = page.select_one("#sessions tr.current")
        assert current is not None and "Firefox on Linux" in current.get_text() and "This session" in current.get_text()
        assert "2026-12-01 09:00 UTC" in current.get_text() and "testclient" in current.get_text()
        assert page.find("button", string="Sign out everywhere else") is not None
        assert "8 hours without use" in page.get_text() and "14 days after you logged in" in page.get_text()
        assert page.select_one(".userbox a[aria-current]").get_text(strip=True) == "Sessions"

    def test_signing_out_one_session(self, app, client, world, db):
        log_in(client, world.emails["admin"])
        phone = log_in(TestClient(app), world.emails["admin"])
        phone_id = sessions_of(db, world.users["admin"])[1].id
        response = post(client, f"{CONSOLE}/{phone_id}/revoke", token_from=CONSOLE)
        assert response.headers["location"] == CONSOLE
        assert "That session was signed out." in client.get(CONSOLE).text
        assert not is_logged_in(phone) and is_logged_in(client)
        assert len(soup(client.get(CONSOLE)).select("#sessions tbody tr")) == 1
        assert sessions_of(db, world.users["admin"])[1].revoked_reason is SessionEnd.SIGNED_OUT

    def test_another_users_session_is_not_found_and_survives(self, app, client, world, db):
        cam = log_in(TestClient(app), world.emails["cam"])
        cam_session = sessions_of(db, world.users["cam"])[0].id
        log_in(client, world.emails["admin"])
        response = post(client, f"{CONSOLE}/{cam_session}/revoke", token_from=CONSOLE)
        assert response.status_code == 404
        assert is_logged_in(cam)

    def test_portal_users_have_the_same_page(self, app, client, world, db):
        log_in(client, world.emails["a_admin"])
        other = log_in(TestClient(app), world.emails["a_admin"])
        page = soup(client.get(PORTAL))
        assert page.find("h1").get_text(strip=True) == "Sessions"
        assert len(page.select("#sessions tbody tr")) == 2
        assert post(client, f"{PORTAL}/sign-out-others", token_from=PORTAL).headers["location"] == PORTAL
        assert not is_logged_in(other, "/portal") and is_logged_in(client, "/portal")
        # The console's page is not the portal's.
        assert client.get(CONSOLE).status_code == 404

    def test_vendor_staff_are_sent_to_the_console_page(self, client, world):
        log_in(client, world.emails["cam"])
        response = client.get(PORTAL, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/console"

    @pytest.mark.parametrize("url", [CONSOLE, PORTAL, f"{CONSOLE}/sign-out-others"])
    def test_anonymous_visitors_are_sent_to_login(self, client, url):
        token = csrf_token(client, "/login")
        response = client.request("POST" if url.endswith("others") else "GET", url, data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")

    def test_sign_out_without_the_csrf_token_is_refused(self, app, client, world):
        log_in(client, world.emails["admin"])
        other = log_in(TestClient(app), world.emails["admin"])
        assert client.post(f"{CONSOLE}/sign-out-others", follow_redirects=False).status_code == 403
        assert is_logged_in(other)
