"""The API's doors to invitations, password resets and password change."""

from __future__ import annotations

from sqlalchemy import select

from alliance.identity.password_links import LinkPurpose, link_token
from alliance.identity.scope import PartnerScope
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from tests.factories.world import PASSWORD


def _token(db, settings, event: EventType, purpose: LinkPurpose) -> str:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event).order_by(OutboxMessage.id.desc())).first()
        return link_token(settings.resolved_secret_key(), purpose, message.payload["facts"]["nonce"])


class TestInvitations:
    def test_invite_resend_and_accept(self, client, db, world, settings):
        admin = world.headers("admin")
        created = client.post("/api/v1/users/invitations", headers=admin, json={"email": "Ivy@Vendor.example", "name": "Ivy", "role": "cam"})
        assert created.status_code == 201 and created.json()["status"] == "invited" and created.json()["email"] == "ivy@vendor.example"
        user_id = created.json()["id"]
        first = _token(db, settings, EventType.USER_INVITED, LinkPurpose.INVITATION)
        assert client.post(f"/api/v1/users/{user_id}/invitation", headers=admin).status_code == 200
        second = _token(db, settings, EventType.USER_INVITED, LinkPurpose.INVITATION)
        stale = client.post("/api/v1/password-links", json={"token": first, "password": "ivy-long-password"})
        assert stale.status_code == 422 and stale.json()["error"]["details"][0]["field"] == "token"
        assert client.post("/api/v1/password-links", json={"token": second, "password": "ivy-long-password"}).status_code == 200
        again = client.post("/api/v1/password-links", json={"token": second, "password": "ivy-long-password"})
        assert again.status_code == 422 and "already been used" in again.json()["error"]["message"]
        assert client.get(f"/api/v1/users/{user_id}", headers=admin).json()["status"] == "active"
        resend = client.post(f"/api/v1/users/{user_id}/invitation", headers=admin)
        assert resend.status_code == 409 and "already chosen a password" in resend.json()["error"]["message"]

    def test_partner_roles_only_and_own_organisation_only(self, client, world):
        headers = world.headers("a_admin")
        vendor = client.post("/api/v1/users/invitations", headers=headers, json={"email": f"x@partner{world.a.id}.example", "name": "X", "role": "cam"})
        assert vendor.status_code == 403
        assert client.post(f"/api/v1/users/{world.users['b_user']}/invitation", headers=headers).status_code == 404
        assert (
            client.post(
                "/api/v1/users/invitations", headers=world.headers("a_user"), json={"email": "y@a.example", "name": "Y", "role": "partner_user"}
            ).status_code
            == 403
        )

    def test_status_filter(self, client, world):
        admin = world.headers("admin")
        client.post("/api/v1/users/invitations", headers=admin, json={"email": "ivy@vendor.example", "name": "Ivy", "role": "cam"})
        client.patch(f"/api/v1/users/{world.users['b_user']}", headers=admin, json={"is_active": False})
        assert [u["email"] for u in client.get("/api/v1/users?status=invited", headers=admin).json()["items"]] == ["ivy@vendor.example"]
        assert [u["email"] for u in client.get("/api/v1/users?status=deactivated", headers=admin).json()["items"]] == [world.emails["b_user"]]


class TestPasswordReset:
    def test_the_same_answer_for_any_address(self, client, world):
        known = client.post("/api/v1/password-resets", json={"email": world.emails["a_user"]})
        unknown = client.post("/api/v1/password-resets", json={"email": "nobody@nowhere.example"})
        deactivated_first = client.patch(f"/api/v1/users/{world.users['b_user']}", headers=world.headers("admin"), json={"is_active": False})
        deactivated = client.post("/api/v1/password-resets", json={"email": world.emails["b_user"]})
        assert deactivated_first.status_code == 200
        assert known.status_code == unknown.status_code == deactivated.status_code == 202
        assert known.json() == unknown.json() == deactivated.json()
        assert set(known.headers) == set(unknown.headers)

    def test_reset_then_log_in_with_the_new_password(self, client, db, world, settings):
        client.post("/api/v1/password-resets", json={"email": world.emails["a_user"]})
        token = _token(db, settings, EventType.PASSWORD_RESET, LinkPurpose.RESET)
        assert client.post("/api/v1/password-links", json={"token": token, "password": "reset-long-password"}).status_code == 200
        login = client.get("/login")
        from tests.web.client import soup

        csrf = soup(login).find("input", {"name": "csrf_token"})["value"]
        ok = client.post("/login", data={"email": world.emails["a_user"], "password": "reset-long-password", "csrf_token": csrf}, follow_redirects=False)
        assert ok.status_code == 303

    def test_throttled_with_a_clear_429(self, client, world):
        for _ in range(3):
            assert client.post("/api/v1/password-resets", json={"email": "ghost@nowhere.example"}).status_code == 202
        refused = client.post("/api/v1/password-resets", json={"email": "ghost@nowhere.example"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "900"
        assert refused.json()["error"]["message"] == "Too many password reset requests for this address; try again in 15 minutes."


class TestPasswordChange:
    def test_current_password_first(self, client, world):
        headers = world.headers("a_user")
        wrong = client.post("/api/v1/me/password", headers=headers, json={"current_password": "nope", "new_password": "changed-long-password"})
        assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "current_password"
        short = client.post("/api/v1/me/password", headers=headers, json={"current_password": PASSWORD, "new_password": "short"})
        assert short.status_code == 422
        assert (
            client.post("/api/v1/me/password", headers=headers, json={"current_password": PASSWORD, "new_password": "changed-long-password"}).status_code == 204
        )


class TestLastPartnerAdmin:
    def test_409_names_the_rule(self, client, world):
        response = client.patch(f"/api/v1/users/{world.users['a_admin']}", headers=world.headers("a_admin"), json={"role": "partner_user"})
        assert response.status_code == 409
        assert "last active partner admin of Northwind Consulting" in response.json()["error"]["message"]
        deactivate = client.patch(f"/api/v1/users/{world.users['a_admin']}", headers=world.headers("admin"), json={"is_active": False})
        assert deactivate.status_code == 409


class TestSessions:
    def test_list_and_sign_out_everywhere_touch_only_ones_own(self, client, db, world):
        from datetime import timedelta

        from alliance.identity import session_service
        from alliance.identity.models import User, UserSession
        from alliance.identity.user_sessions import SessionPolicy

        policy = SessionPolicy(idle=timedelta(hours=8), lifetime=timedelta(days=14))
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            ids = {}
            for who in ("a_user", "a_user", "b_user"):
                record, _ = session_service.start_session(
                    session, user=session.get(User, world.users[who]), user_agent="Firefox/1 Linux", ip="10.0.0.9", policy=policy
                )
                ids.setdefault(who, []).append(record.id)
        listed = client.get("/api/v1/me/sessions", headers=world.headers("a_user"))
        assert listed.status_code == 200 and sorted(s["id"] for s in listed.json()) == sorted(ids["a_user"])
        ended = client.post("/api/v1/me/sessions/sign-out-everywhere", headers=world.headers("a_user"))
        assert ended.status_code == 200 and ended.json() == {"ended": 2}
        assert client.get("/api/v1/me/sessions", headers=world.headers("a_user")).json() == []
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert session.get(UserSession, ids["b_user"][0]).revoked_at is None
        assert client.get("/api/v1/me", headers=world.headers("a_user")).status_code == 200  # the API token stays
