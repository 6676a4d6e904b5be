"""Vendor PS engagement pages: staffing on a customer picked by name (the customer suggestion
widget), the engagement page with its disputes, and opening a dispute on an engagement; in the
portal, the engagements on the partner's protected accounts and disputes opened from there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import PsEngagementCreate
from alliance.cosell.models import PsEngagement, ScopeDispute
from alliance.cosell.vocabulary import Activity
from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.web.cosell_engagements import NONE_PICKED, UNKNOWN_CUSTOMER
from tests.factories.engagements import protected_account
from tests.web.client import post, soup
from tests.web.test_cosell_pages import NUMBERED, main_text
from tests.web.test_registration_pages import errors_of

LIST = "/console/engagements"


def staff_form(world, **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    values = {"activity": "implementation", "staffed_user_id": str(world.users["ps_lead"]), "starts_on": clock.today().isoformat()}
    return {**values, **changes}


def count(db, model: Any) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test count"), write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def suggested(client, name: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What the widget offers for a typed name, and the candidate the user picks."""
    candidates = client.get("/customers/suggest", params={"name": name[:-3]}).json()["candidates"]
    return next(c for c in candidates if c["name"] == name)


def staffed_id(client) -> int:  # type: ignore[no-untyped-def]
    row = soup(client.get(LIST)).select_one("#engagements tbody tr")
    return int(row["id"].split("-")[1])


class TestStaffingForm:
    def test_the_form_has_the_customer_picker_instead_of_an_id_box(self, client, login):
        login("ps_lead")
        form = soup(client.get(LIST)).find(id="staff-form")
        assert form.find("input", {"name": "customer_name", "type": "text"}) is not None
        assert form.find("input", {"name": "customer_id"})["type"] == "hidden"
        widget = form.find(attrs={"data-customer-suggest": True})
        assert widget["data-name-field"] == "customer_name" and widget["data-id-field"] == "customer_id"
        assert form.find("input", {"type": "number"}) is None

    def test_a_customer_picked_by_name_is_staffed_and_listed_by_name(self, client, login, world, db):
        world.registrations()  # submitted deals resolve their customers, Tenancy Alpha Hospital among them
        login("ps_lead")
        picked = suggested(client, "Tenancy Alpha Hospital")
        form = staff_form(world, customer_name=picked["name"], customer_id=str(picked["customer_id"]))
        assert post(client, LIST, form, token_from=LIST).status_code == 303
        page = client.get(LIST)
        row = soup(page).select_one("#engagements tbody tr")
        assert row.find("a", href=f"/console/customers/{picked['customer_id']}").get_text(strip=True) == "Tenancy Alpha Hospital"
        assert not NUMBERED.search(main_text(page))

    def test_no_pick_or_an_unknown_customer_is_the_fields_error_and_nothing_is_written(self, client, login, world, db):
        world.registrations()
        login("ps_lead")
        before = count(db, PsEngagement)
        typed = post(client, LIST, staff_form(world, customer_name="Tenancy Alpha Hospital"), token_from=LIST)
        assert typed.status_code == 422 and errors_of(typed)["customer_name"] == NONE_PICKED
        assert soup(typed).find("input", {"name": "customer_name"})["value"] == "Tenancy Alpha Hospital"
        unknown = post(client, LIST, staff_form(world, customer_name="Tenancy Alpha Hospital", customer_id="987654"))
        assert unknown.status_code == 422 and errors_of(unknown)["customer_name"] == UNKNOWN_CUSTOMER
        assert soup(unknown).find("input", {"name": "customer_id"})["value"] == ""
        assert "987654" not in main_text(unknown)
        junk = post(client, LIST, staff_form(world, customer_name="Tenancy", customer_id="junk"))
        assert junk.status_code == 422 and errors_of(junk)["customer_name"] == UNKNOWN_CUSTOMER
        nothing = post(client, LIST, staff_form(world))
        assert nothing.status_code == 422 and errors_of(nothing)["customer_name"] == NONE_PICKED
        assert count(db, PsEngagement) == before

    def test_other_errors_keep_the_picked_customer(self, client, login, world):
        world.registrations()
        login("ps_lead")
        picked = suggested(client, "Tenancy Beta Logistics")
        response = post(client, LIST, staff_form(world, customer_id=str(picked["customer_id"]), starts_on=""), token_from=LIST)
        assert response.status_code == 422 and set(errors_of(response)) == {"starts_on"}
        page = soup(response)
        assert page.find("input", {"name": "customer_id"})["value"] == str(picked["customer_id"])
        assert page.find("input", {"name": "customer_name"})["value"] == "Tenancy Beta Logistics"


class TestEngagementDisputes:
    def test_vendor_opens_a_dispute_on_an_engagement_and_the_board_describes_it(self, client, login, world, db):
        account = protected_account(db, world, "a")
        login("admin")
        form = staff_form(world, activity="integration", customer_id=str(account.customer_id), override_reason="Customer escalation, SI unavailable")
        assert post(client, LIST, form, token_from=LIST).status_code == 303
        engagement = staffed_id(client)
        url = f"{LIST}/{engagement}"
        page = client.get(url)
        assert soup(page).find("h1").get_text(strip=True) == "Integration for Tenancy Alpha Hospital"
        assert soup(page).find(id="engagement-facts").find("a", href=f"/console/partners/{world.a.id}").get_text(strip=True) == "Northwind Consulting"
        assert not NUMBERED.search(main_text(page))

        login("cam")
        empty = post(client, f"{url}/disputes", {"subject": ""}, token_from=url)
        assert empty.status_code == 422 and "subject" in errors_of(empty) and count(db, ScopeDispute) == 0
        opened = post(client, f"{url}/disputes", {"subject": "The SI should integrate"})
        assert opened.status_code == 303 and opened.headers["location"] == "/console/disputes"

        board = client.get("/console/disputes")
        article = soup(board).select_one("#level-0 article")
        words = article.get_text(" ", strip=True)
        assert "The SI should integrate" in words and "PS engagement: Integration for Tenancy Alpha Hospital" in words
        assert article.find("a", href=url) is not None and article.find("a", href=f"/console/partners/{world.a.id}") is not None
        assert not NUMBERED.search(main_text(board))
        assert "The SI should integrate" in soup(client.get(url)).find(id="engagement-disputes").get_text()

        login("a_admin")
        portal = client.get("/portal/disputes")
        assert "PS engagement: Integration for Tenancy Alpha Hospital" in soup(portal).select_one("#disputes tbody tr").get_text(" ", strip=True)
        assert "/console/" not in soup(portal).find("main").decode() and not NUMBERED.search(main_text(portal))
        login("b_admin")
        other = main_text(client.get("/portal/disputes"))
        assert "Tenancy Alpha" not in other and "The SI should integrate" not in other

    def test_an_engagement_on_an_unprotected_account_has_no_other_side(self, client, login, world, db):
        world.registrations()
        login("ps_lead")
        picked = suggested(client, "Tenancy Beta Logistics")
        assert post(client, LIST, staff_form(world, customer_id=str(picked["customer_id"])), token_from=LIST).status_code == 303
        url = f"{LIST}/{staffed_id(client)}"
        page = soup(client.get(url))
        assert page.find(id="dispute-form") is None and "no other side" in page.find(id="dispute").get_text()
        refused = post(client, f"{url}/disputes", {"subject": "Who does this?"})
        assert refused.status_code == 422 and "no other side" in soup(refused).select_one(".flash-error").get_text()
        assert count(db, ScopeDispute) == 0

    def test_roles_without_the_right_and_missing_engagements(self, client, login, world, db):
        account = protected_account(db, world, "a")
        login("admin")
        form = staff_form(world, activity="integration", customer_id=str(account.customer_id), override_reason="Customer escalation, SI unavailable")
        assert post(client, LIST, form, token_from=LIST).status_code == 303
        url = f"{LIST}/{staffed_id(client)}"
        login("executive")
        assert soup(client.get(url)).find(id="dispute-form") is None
        assert post(client, f"{url}/disputes", {"subject": "Not mine to open"}, token_from=url).status_code == 403
        assert count(db, ScopeDispute) == 0
        assert client.get(f"{LIST}/987654").status_code == 404
        assert post(client, f"{LIST}/987654/disputes", {"subject": "Nothing there"}).status_code == 404
        login("a_admin")
        assert client.get(url).status_code == 404
        assert post(client, f"{url}/disputes", {"subject": "From the portal"}, token_from="/portal").status_code == 404


class TestConsentNames:
    def test_a_consent_names_its_account_after_the_registration_stops_protecting_it(self, client, login, world, db):
        from datetime import timedelta

        from alliance.registrations.lifecycle import Status
        from alliance.registrations.models import Registration

        account = protected_account(db, world, "a")
        login("a_admin")
        until = (clock.today() + timedelta(days=30)).isoformat()
        assert (
            post(client, "/portal/consents", {"customer_id": str(account.customer_id), "expires_on": until}, token_from="/portal/consents").status_code == 303
        )
        with db.session_scope(PartnerScope.system(reason="test: the registration closes")) as session:
            registration = session.get(Registration, account.registration_id, with_for_update=True)
            registration.status = Status.WITHDRAWN
        page = client.get("/portal/consents")
        assert soup(page).find("select", {"name": "customer_id"}) is None  # no longer an account it protects
        assert soup(page).select_one("#consents tbody tr td").get_text(strip=True) == "Tenancy Alpha Hospital"
        assert not NUMBERED.search(main_text(page))
        login("b_admin")
        assert "Tenancy Alpha" not in main_text(client.get("/portal/consents"))


PORTAL = "/portal/engagements"


def staff_as_admin(db, world, customer_id: int, activity: Activity, **extra: Any) -> int:  # type: ignore[no-untyped-def]
    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])
    data = PsEngagementCreate(customer_id=customer_id, activity=activity, staffed_user_id=world.users["ps_lead"], starts_on=clock.today(), **extra)
    with db.session_scope(scope_for(admin)) as session:
        return engagement_service.create_engagement(session, admin, data=data).id


class TestPortalEngagements:
    @pytest.fixture
    def staffed(self, db, world):  # type: ignore[no-untyped-def]
        """On A's protected account: an override and a consented engagement; one on B's account;
        one on an account nobody protects."""
        a, b = protected_account(db, world, "a"), protected_account(db, world, "b")
        found = {
            "override": staff_as_admin(db, world, a.customer_id, Activity.INTEGRATION, override_reason="Customer escalation, SI unavailable"),
            "b": staff_as_admin(db, world, b.customer_id, Activity.INTEGRATION, override_reason="Customer escalation at Beta"),
        }
        with db.session_scope(PartnerScope.system(reason="test: an open account")) as session:
            open_id = customer_service.create_customer(session, Actor.system(label="test"), data=CustomerCreate(name="Open Account Co")).id
        found["open"] = staff_as_admin(db, world, open_id, Activity.TRAINING)
        return found

    def consented(self, client, login, db, world) -> int:  # type: ignore[no-untyped-def]
        login("a_admin")
        until = (clock.today() + timedelta(days=30)).isoformat()
        account = protected_account(db, world, "a")
        assert (
            post(
                client,
                "/portal/consents",
                {"customer_id": str(account.customer_id), "activity": "training", "expires_on": until},
                token_from="/portal/consents",
            ).status_code
            == 303
        )
        return staff_as_admin(db, world, account.customer_id, Activity.TRAINING)

    def test_the_partner_sees_vendor_ps_on_its_accounts_in_words(self, client, login, world, db, staffed):
        consented = self.consented(client, login, db, world)
        login("a_user")
        assert soup(client.get("/portal/cosell")).find("a", href=PORTAL) is not None
        assert soup(client.get("/portal/consents")).find("a", href=PORTAL) is not None
        page = client.get(PORTAL)
        assert page.status_code == 200 and soup(page).find("h1").get_text(strip=True) == "Vendor PS on your accounts"
        articles = {a["id"]: a.get_text(" ", strip=True) for a in soup(page).select("#engagements article")}
        assert set(articles) == {f"engagement-{staffed['override']}", f"engagement-{consented}"}
        override = articles[f"engagement-{staffed['override']}"]
        assert "Integration for Tenancy Alpha Hospital" in override and "Paula PS" in override
        assert "By a program-admin override" in override and "Reason: Customer escalation, SI unavailable" in override
        assert "No disputes on this engagement." in override
        assert "With your consent" in articles[f"engagement-{consented}"] and "Training for Tenancy Alpha Hospital" in articles[f"engagement-{consented}"]
        text = main_text(page)
        assert "Tenancy Beta" not in text and "Open Account Co" not in text and "Customer escalation at Beta" not in text
        assert not NUMBERED.search(text) and "/console/" not in soup(page).find("main").decode()
        # Partner users read; the partner admin opens disputes.
        assert soup(page).select(".dispute-form") == []

    def test_the_partner_admin_opens_a_dispute_and_the_disputes_page_describes_it(self, client, login, world, db, staffed):
        login("a_admin")
        form = soup(client.get(PORTAL)).find(id=f"dispute-form-{staffed['override']}")
        assert form["action"] == f"{PORTAL}/{staffed['override']}/disputes"
        opened = post(client, form["action"], {"subject": "We have the integration team on site"}, token_from=PORTAL)
        assert opened.status_code == 303 and opened.headers["location"] == "/portal/disputes"
        disputes = client.get("/portal/disputes")
        assert "Dispute opened" in soup(disputes).select_one(".flash-success").get_text()
        row = soup(disputes).select_one("#disputes tbody tr").get_text(" ", strip=True)
        assert "We have the integration team on site" in row and "PS engagement: Integration for Tenancy Alpha Hospital" in row
        assert not NUMBERED.search(main_text(disputes))
        listed = soup(client.get(PORTAL)).find(id=f"engagement-{staffed['override']}").select_one(".engagement-disputes").get_text(" ", strip=True)
        assert "We have the integration team on site" in listed and "CAM and PS lead" in listed
        with db.session_scope(PartnerScope.system(reason="test: the dispute"), write=False) as session:
            dispute = session.scalars(select(ScopeDispute)).one()
            assert (dispute.engagement_id, dispute.partner_id, dispute.opened_by_side) == (staffed["override"], world.a.id, "partner")

    def test_a_partner_user_gets_no_form_and_403(self, client, login, world, db, staffed):
        login("a_user")
        assert soup(client.get(PORTAL)).find(id=f"dispute-form-{staffed['override']}") is None
        refused = post(client, f"{PORTAL}/{staffed['override']}/disputes", {"subject": "We should integrate"}, token_from=PORTAL)
        assert refused.status_code == 403 and "cannot open scope disputes" in soup(refused).select_one(".flash-error").get_text()
        assert count(db, ScopeDispute) == 0

    def test_bad_input_is_the_fields_error_and_nothing_is_written(self, client, login, world, db, staffed):
        login("a_admin")
        url = f"{PORTAL}/{staffed['override']}/disputes"
        for subject in ("", "ab"):
            response = post(client, url, {"subject": subject}, token_from=PORTAL)
            assert response.status_code == 422 and "subject" in errors_of(response)
            assert soup(response).find(id=f"dispute-form-{staffed['override']}").find(class_="field-error") is not None
        assert count(db, ScopeDispute) == 0

    def test_partner_a_cannot_reach_partner_bs_engagement(self, client, login, world, db, staffed):
        login("a_admin")
        assert f"engagement-{staffed['b']}" not in client.get(PORTAL).text
        for key in ("b", "open"):
            response = post(client, f"{PORTAL}/{staffed[key]}/disputes", {"subject": "Not our account"}, token_from=PORTAL)
            assert response.status_code == 404 and soup(response).find("h1").get_text(strip=True) == "Not found"
        assert count(db, ScopeDispute) == 0
        login("b_admin")
        text = main_text(client.get(PORTAL))
        assert "Tenancy Beta Logistics" in text and "Tenancy Alpha" not in text
