from __future__ import annotations

from tests.factories.world import PASSWORD
from tests.web.client import csrf_token, soup


class TestLoginPage:
    def test_renders_a_form_with_a_csrf_token(self, client):
        response = client.get("/login")
        assert response.status_code == 200
        page = soup(response)
        form = page.find("form", action="/login")
        assert form is not None
        assert form.find("input", {"name": "csrf_token"})["value"]
        assert form.find("input", {"name": "email"}) is not None
        assert form.find("input", {"name": "password", "type": "password"}) is not None

    def test_anonymous_pages_redirect_to_login_with_next(self, client):
        response = client.get("/console/partners?status=active", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/console/partners%3Fstatus%3Dactive"


class TestLogin:
    def _login(self, client, email, password, next_url="/"):
        token = csrf_token(client)
        return client.post("/login", data={"email": email, "password": password, "csrf_token": token, "next": next_url}, follow_redirects=False)

    def test_vendor_lands_in_the_console(self, client, world):
        response = self._login(client, world.emails["admin"], PASSWORD)
        assert response.status_code == 303
        home = client.get(response.headers["location"])
        assert home.url.path == "/console"
        assert soup(home).find("h1").get_text(strip=True) == "Channel dashboard"

    def test_partner_user_lands_in_the_portal(self, client, world):
        self._login(client, world.emails["a_user"], PASSWORD)
        home = client.get("/")
        assert home.url.path == "/portal"
        assert "Northwind Consulting" in soup(home).find("h1").get_text()

    def test_next_is_followed_for_same_site_paths_only(self, client, world):
        response = self._login(client, world.emails["admin"], PASSWORD, next_url="/console/programs")
        assert response.headers["location"] == "/console/programs"
        client.cookies.clear()
        response = self._login(client, world.emails["admin"], PASSWORD, next_url="//evil.example/")
        assert response.headers["location"] == "/"

    def test_wrong_password_is_401_and_keeps_the_email(self, client, world):
        response = self._login(client, world.emails["admin"], "not-the-password")
        assert response.status_code == 401
        page = soup(response)
        assert "Email or password is not right." in page.find(role="alert").get_text()
        assert page.find("input", {"name": "email"})["value"] == world.emails["admin"]

    def test_logout_ends_the_session(self, client, world):
        self._login(client, world.emails["admin"], PASSWORD)
        token = csrf_token(client, "/console")
        response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert client.get("/console", follow_redirects=False).status_code == 303


class TestLoginThrottling:
    def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(self, client, world):
        email = world.emails["cam"]
        for _ in range(5):
            token = csrf_token(client)
            assert client.post("/login", data={"email": email, "password": "wrong-guess-123", "csrf_token": token}).status_code == 401
        token = csrf_token(client)
        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert "Too many failed logins" in soup(response).find(role="alert").get_text()
        assert client.get("/console", follow_redirects=False).status_code == 303

    def test_other_accounts_are_not_locked(self, client, world):
        for _ in range(5):
            token = csrf_token(client)
            client.post("/login", data={"email": world.emails["cam"], "password": "wrong-guess-123", "csrf_token": token})
        token = csrf_token(client)
        response = client.post("/login", data={"email": world.emails["admin"], "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303


class TestCsrf:
    def test_login_without_token_is_a_403_page(self, client, world):
        client.get("/login")
        response = client.post("/login", data={"email": world.emails["admin"], "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 403
        page = soup(response)
        assert page.find("h1").get_text(strip=True) == "Not allowed"
        assert "did not come from this site" in page.get_text()

    def test_form_post_without_token_changes_nothing(self, client, login, world):
        login("admin")
        response = client.post(f"/console/partners/{world.a.id}/edit", data={"display_name": "Forged"}, follow_redirects=False)
        assert response.status_code == 403
        assert "Forged" not in client.get(f"/console/partners/{world.a.id}").text

    def test_wrong_token_is_refused(self, client, login, world):
        login("admin")
        response = client.post(
            f"/console/partners/{world.a.id}/people", data={"name": "X", "email": "x@x.example", "delivery_role": "sales", "csrf_token": "guess"}
        )
        assert response.status_code == 403

    def test_logout_without_token_is_refused(self, client, login):
        login("admin")
        assert client.post("/logout", follow_redirects=False).status_code == 403
        assert client.get("/console", follow_redirects=False).status_code == 200
