"""User management pages (console and portal), the forgot-password and set-password pages, and
the password change page."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.factories.world import PASSWORD
from tests.web.client import csrf_token, post, soup


def _table_emails(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.find_all("td")[1].get_text(strip=True) for row in soup(response).select("#users tbody tr")]


class TestConsoleUsers:
    def test_list_filters_and_exports(self, client, login, world):
        login("admin")
        page = client.get("/console/users")
        assert page.status_code == 200 and world.emails["b_user"] in _table_emails(page) and world.emails["cam"] in _table_emails(page)
        only_a = client.get(f"/console/users?partner={world.a.id}&role=partner_admin")
        assert _table_emails(only_a) == [world.emails["a_admin"]]
        assert _table_emails(client.get("/console/users?q=nobody-at-all")) == []
        exported = client.get(f"/console/users.csv?partner={world.a.id}")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert exported.headers["content-type"].startswith("text/csv") and {r["email"] for r in rows} == {world.emails["a_admin"], world.emails["a_user"]}
        assert {r["partner"] for r in rows} == {"Northwind Consulting"} and {r["status"] for r in rows} == {"active"}
        descending = _table_emails(client.get("/console/users?sort=-email"))
        assert descending == sorted(descending, reverse=True)

    def test_invite_then_resend_from_the_detail_page(self, client, login, world):
        login("admin")
        response = post(
            client, "/console/users/invite", {"name": "Ivy Invited", "email": "ivy@vendor.example", "role": "cam"}, token_from="/console/users/invite"
        )
        assert response.status_code == 303
        detail = client.get(response.headers["location"])
        assert "Ivy Invited was invited" in detail.text and soup(detail).find(id="user-status").get_text() == "Invited"
        resent = post(client, response.headers["location"] + "/invitation")
        assert resent.status_code == 303 and "the previous link no longer works" in client.get(resent.headers["location"]).text
        invited = client.get("/console/users?status=invited")
        assert _table_emails(invited) == ["ivy@vendor.example"]

    def test_invite_form_errors(self, client, login, world):
        login("admin")
        response = post(client, "/console/users/invite", {"name": "X", "email": "x@vendor.example", "role": "partner_user"}, token_from="/console/users/invite")
        assert response.status_code == 422 and "partner" in soup(response).find(class_="flash-error").get_text().lower()

    def test_the_last_partner_admin_cannot_be_deactivated(self, client, login, world):
        login("admin")
        refused = post(client, f"/console/users/{world.users['a_admin']}/deactivate", token_from=f"/console/users/{world.users['a_admin']}")
        assert refused.status_code == 409
        assert "last active partner admin of Northwind Consulting" in soup(refused).find(id="action-error").get_text()
        promoted = post(client, f"/console/users/{world.users['a_user']}/role", {"role": "partner_admin"})
        assert promoted.status_code == 303
        assert post(client, f"/console/users/{world.users['a_admin']}/deactivate").status_code == 303
        assert soup(client.get(f"/console/users/{world.users['a_admin']}")).find(id="user-status").get_text() == "Deactivated"

    def test_read_only_for_other_vendor_roles(self, client, login, world):
        login("cam")
        page = client.get(f"/console/users/{world.users['a_user']}")
        assert page.status_code == 200 and soup(page).find(id="user-actions") is None
        assert post(client, f"/console/users/{world.users['a_user']}/deactivate").status_code == 403


class TestPortalUsers:
    def test_partner_admin_sees_and_manages_their_own_only(self, client, login, world):
        login("a_admin")
        page = client.get("/portal/users")
        assert sorted(_table_emails(page)) == sorted([world.emails["a_admin"], world.emails["a_user"]])
        assert "Blue Harbor" not in page.text and world.emails["b_user"] not in client.get("/portal/users.csv").text
        assert client.get(f"/portal/users/{world.users['b_user']}").status_code == 404
        assert post(client, f"/portal/users/{world.users['b_user']}/deactivate", token_from="/portal/users").status_code == 404
        invite = client.get("/portal/users/invite")
        assert [o["value"] for o in soup(invite).select("#f-role option") if o["value"]] == ["partner_admin", "partner_user"]
        vendor_role = post(client, f"/portal/users/{world.users['a_user']}/role", {"role": "program_admin"})
        assert vendor_role.status_code == 422
        done = post(client, f"/portal/users/{world.users['a_user']}/deactivate")
        assert done.status_code == 303 and "signed out everywhere" in client.get(done.headers["location"]).text


class TestForgotAndSetPassword:
    def test_the_same_page_for_any_address_then_429(self, client: TestClient, world):
        answers = []
        for email in (world.emails["a_user"], "nobody@nowhere.example"):
            token = csrf_token(client, "/password/forgot")
            response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
            answers.append((response.status_code, soup(response).find(id="reset-answer").get_text()))
        assert answers[0] == answers[1] and answers[0][0] == 200
        for _ in range(2):
            client.post("/password/forgot", data={"email": "nobody@nowhere.example", "csrf_token": token})
        throttled = client.post("/password/forgot", data={"email": "nobody@nowhere.example", "csrf_token": token})
        assert throttled.status_code == 429 and "Too many password reset requests" in throttled.text and throttled.headers["retry-after"]

    def test_a_junk_link_says_so(self, client):
        page = client.get("/password/set?token=junk")
        assert page.status_code == 410 and "not valid" in soup(page).find(id="link-refused").get_text()
        assert "Forgot your password?" in client.get("/login").text


class TestPasswordChangePage:
    def test_change_from_the_account_menu(self, client, login, world):
        login("a_user")
        assert "/portal/account/password" in client.get("/portal").text
        wrong = post(
            client,
            "/portal/account/password",
            {"current_password": "nope", "new_password": "x-long-password", "new_password_again": "x-long-password"},
            token_from="/portal/account/password",
        )
        assert wrong.status_code == 422 and "not right" in soup(wrong).find(id="password-error").get_text()
        mismatch = post(
            client, "/portal/account/password", {"current_password": PASSWORD, "new_password": "x-long-password", "new_password_again": "y-long-password"}
        )
        assert mismatch.status_code == 422
        done = post(
            client, "/portal/account/password", {"current_password": PASSWORD, "new_password": "x-long-password", "new_password_again": "x-long-password"}
        )
        assert done.status_code == 303 and "Your password was changed" in client.get(done.headers["location"]).text
        assert client.get("/portal").status_code == 200  # this session stays


class TestMailLogWithholdsLinks:
    def test_the_preview_of_an_invitation_has_no_working_link(self, client, login, world, db, settings):
        from sqlalchemy import select

        from alliance.identity.password_links import LinkPurpose, link_token
        from alliance.identity.scope import PartnerScope
        from alliance.notifications.models import OutboxMessage

        login("admin")
        post(client, "/console/users/invite", {"name": "Ivy Invited", "email": "ivy@vendor.example", "role": "cam"}, token_from="/console/users/invite")
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            message = session.scalars(select(OutboxMessage)).one()
            token = link_token(settings.resolved_secret_key(), LinkPurpose.INVITATION, message.payload["facts"]["nonce"])
        preview = client.get(f"/console/mail/{message.id}")
        assert preview.status_code == 200 and "Choose your password" in preview.text
        assert "withheld-outside-the-e-mail" in preview.text and token not in preview.text
