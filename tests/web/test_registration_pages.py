"""Registration pages: partners register and follow their registrations in the portal; CAMs review
them in the console. The pages call the same services as the API, which the checks read back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import product_line_service
from tests.web.client import post, soup


def days(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


@pytest.fixture
def catalog(db, world):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
    return world


def deal_form(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "deal",
        "title": "Imaging platform",
        "customer.name": "Riverside Clinic",
        "customer.country": "US",
        "product_lines": ["analytics", "data-platform"],
        "amount": "250000",
        "currency": "USD",
        "expected_close_on": days(60),
        "stage": "proposal",
        "intent": "submit",
        **changes,
    }


def project_form(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "project",
        "title": "Claims modernisation",
        "customer.name": "Harbor Mutual",
        "customer.country": "GB",
        "product_lines": ["integration-hub"],
        "project_name": "Claims 2.0",
        "scope_description": "Replace the claims core.",
        "phases.0.name": "Discovery",
        "phases.0.starts_on": days(10),
        "phases.0.ends_on": days(40),
        "phases.1.name": "",
        "phases.1.starts_on": "",
        "phases.1.ends_on": "",
        "phases.2.name": "Build",
        "phases.2.starts_on": days(41),
        "phases.2.ends_on": days(200),
        "amount": "900000",
        "currency": "usd",
        "delivery_starts_on": days(10),
        "delivery_ends_on": days(200),
        "intent": "submit",
        **changes,
    }


def influence_form(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "influence",
        "title": "Data platform choice",
        "customer.name": "Globex Retail",
        "customer.country": "DE",
        "product_lines": ["data-platform"],
        "architecture_decision": "Lakehouse vs warehouse for the group.",
        "candidate_platforms": "Ours, Other Cloud",
        "competitors": "Contoso, Initech",
        "registrant_role": "lead_architect",
        "decision_expected_on": days(90),
        "evidence.0.kind": "meeting",
        "evidence.0.on": days(-5),
        "evidence.0.description": "Architecture workshop",
        "amount": "",
        "intent": "submit",
        **changes,
    }


def api(client, world, path: str, who: str = "admin") -> Any:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1{path}", headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def register(client, form: dict[str, Any]) -> int:  # type: ignore[no-untyped-def]
    response = post(client, "/portal/registrations/new", form, token_from="/portal/registrations")
    assert response.status_code == 303, soup(response).select(".error, .flash-error")
    return int(response.headers["location"].rsplit("/", 1)[1])


def errors_of(response: Any) -> dict[str, str]:
    """Inline errors by the name of the control next to them."""
    found = {}
    for container in soup(response).select(".field-error"):
        if container.name == "fieldset" and container.get("id"):
            # a list of rows (phases, evidence): its own error is under the table
            error = container.find(class_="error", recursive=False)
            if error is not None:
                found[str(container["id"])] = error.get_text(" ", strip=True)
            continue
        control = container.find(["input", "select", "textarea"], attrs={"name": True})
        error = container.find(class_="error")
        if control is not None and error is not None:
            found[str(control["name"])] = error.get_text(" ", strip=True)
    return found


class TestRegister:
    def test_currency_is_the_programs(self, client, login, catalog):
        login("a_user")
        page = soup(client.get("/portal/registrations/new?kind=deal"))
        assert page.find("input", attrs={"name": "currency"})["value"] == "USD"
        response = post(client, "/portal/registrations/new", deal_form(currency="EUR"), token_from="/portal/registrations")
        assert response.status_code == 422
        assert errors_of(response)["currency"] == "must be USD, the program currency"
        registration_id = register(client, deal_form())
        detail = soup(client.get(f"/portal/registrations/{registration_id}")).get_text(" ", strip=True)
        assert "$250,000.00" in detail

    @pytest.mark.parametrize("form", [deal_form(), project_form(), influence_form()], ids=["deal", "project", "influence"])
    def test_partner_registers_each_kind_and_submits(self, client, login, catalog, form):
        login("a_user")
        page = soup(client.get(f"/portal/registrations/new?kind={form['kind']}"))
        assert page.find(id="customer-suggest") is not None
        registration_id = register(client, form)
        detail = client.get(f"/portal/registrations/{registration_id}")
        assert detail.status_code == 200
        assert "Submitted" in soup(detail).find(class_="page-header").get_text()
        read = api(client, catalog, f"/registrations/{registration_id}")
        assert read["status"] == "submitted" and read["partner_id"] == catalog.a.id and read["kind"] == form["kind"]
        if form["kind"] == "project":
            # the blank middle row is ignored
            assert [p["name"] for p in read["details"]["phases"]] == ["Discovery", "Build"]
        if form["kind"] == "influence":
            assert read["details"]["competitors"] == ["Contoso", "Initech"]
        listing = soup(client.get("/portal/registrations")).find(id="registrations")
        assert form["title"] in listing.get_text()

    def test_kind_choice_and_unknown_kind(self, client, login, catalog):
        login("a_user")
        page = soup(client.get("/portal/registrations/new"))
        assert page.find("a", href="/portal/registrations/new?kind=influence") is not None
        assert soup(client.get("/portal/registrations/new?kind=bogus")).find("a", href="/portal/registrations/new?kind=deal") is not None
        assert post(client, "/portal/registrations/new", {**deal_form(), "kind": "bogus"}, token_from="/portal/registrations").status_code == 404

    def test_save_draft_then_edit_and_submit(self, client, login, catalog):
        login("a_user")
        registration_id = register(client, deal_form(intent="draft"))
        assert api(client, catalog, f"/registrations/{registration_id}")["status"] == "draft"
        edit = soup(client.get(f"/portal/registrations/{registration_id}/edit"))
        assert edit.find("input", {"name": "title"})["value"] == "Imaging platform"
        assert edit.find("input", {"name": "product_lines", "value": "analytics"}).has_attr("checked")
        response = post(client, f"/portal/registrations/{registration_id}/edit", deal_form(title="Imaging platform v2", intent="submit"))
        assert response.status_code == 303
        read = api(client, catalog, f"/registrations/{registration_id}")
        assert read["title"] == "Imaging platform v2" and read["status"] == "submitted"
        # submitted: no longer editable
        assert client.get(f"/portal/registrations/{registration_id}/edit").status_code == 409


class TestBadInput:
    @pytest.mark.parametrize(
        ("form", "expected"),
        [
            (deal_form(amount="", expected_close_on=days(-3), product_lines=[]), {"amount", "expected_close_on", "product_lines"}),
            (deal_form(**{"customer.name": "", "customer.country": "Narnia", "amount": "abc"}), {"customer.name", "customer.country", "amount"}),
            (project_form(**{"phases.2.ends_on": days(5), "scope_description": ""}), {"phases.2.ends_on", "scope_description"}),
            (
                influence_form(**{"evidence.0.kind": "", "evidence.0.on": "", "evidence.0.description": "", "registrant_role": "boss"}),
                {"evidence", "registrant_role"},
            ),
        ],
        ids=["deal", "deal-customer", "project-row", "influence"],
    )
    def test_field_errors_keep_values_and_write_nothing(self, client, login, catalog, form, expected):
        login("a_user")
        response = post(client, "/portal/registrations/new", form, token_from="/portal/registrations")
        assert response.status_code == 422
        errors = errors_of(response)
        assert expected <= set(errors), errors
        page = soup(response)
        assert page.find("input", {"name": "title"})["value"] == form["title"]
        assert api(client, catalog, "/registrations")["total"] == 0

    def test_empty_lists_say_what_to_add(self, client, login, catalog):
        login("a_user")
        response = post(client, "/portal/registrations/new", deal_form(product_lines=[]), token_from="/portal/registrations")
        assert errors_of(response)["product_lines"] == "Choose at least one product line."

    def test_a_picked_customer_that_does_not_exist_falls_back_to_the_typed_name(self, client, login, catalog):
        login("a_user")
        registration_id = register(client, deal_form(**{"customer.customer_id": "987654"}))
        assert api(client, catalog, f"/registrations/{registration_id}")["customer_name"] == "Riverside Clinic"


class TestIsolation:
    def test_partner_a_cannot_open_or_act_on_partner_b_registration(self, client, login, catalog):
        b = catalog.registrations()["b"]
        before = api(client, catalog, f"/registrations/{b}")
        login("a_admin")
        for url in (f"/portal/registrations/{b}", f"/portal/registrations/{b}/edit", "/portal/registrations/987654"):
            assert client.get(url).status_code == 404, url
        for url, data in (
            (f"/portal/registrations/{b}/actions", {"action": "withdraw", "reason": "mole"}),
            (f"/portal/registrations/{b}/actions", {"action": "submit"}),
            (f"/portal/registrations/{b}/extension", {"reason": "mole"}),
            (f"/portal/registrations/{b}/edit", deal_form(title="Hijacked")),
        ):
            assert post(client, url, data, token_from="/portal/registrations").status_code == 404, url
        assert "B deal" not in client.get("/portal/registrations").text
        assert client.get(f"/console/registrations/{b}").status_code == 404
        assert client.get("/console/registrations/review").status_code == 404
        assert api(client, catalog, f"/registrations/{b}") == before

    def test_partner_sees_the_privacy_safe_conflict_message_only(self, client, login, catalog):
        catalog.registrations()  # A's submitted deal on Tenancy Alpha Hospital (analytics)
        login("b_user")
        registration_id = register(client, deal_form(title="Hospital analytics", **{"customer.name": "Tenancy Alpha Hospital"}, product_lines=["analytics"]))
        vendor_view = api(client, catalog, f"/registrations/{registration_id}")
        assert vendor_view["conflicts"], "the overlap with partner A was not flagged"
        page = client.get(f"/portal/registrations/{registration_id}")
        section = soup(page).find(id="conflicts")
        assert section is not None and "Overlaps an earlier registration" in section.get_text()
        assert "Northwind" not in page.text and "A deal" not in page.text
        listing = soup(client.get("/portal/registrations")).find(id="registrations")
        assert "⚠" in listing.get_text()


class TestReview:
    def test_cam_approves_from_the_queue_with_a_reason(self, client, login, catalog):
        a = catalog.registrations()["a"]
        login("cam")
        queue = soup(client.get("/console/registrations/review"))
        row = queue.find(id=f"queue-{a}")
        assert row is not None and "Northwind Consulting" in row.get_text() and "business days" in row.get_text()
        missing = post(
            client, f"/console/registrations/{a}/actions", {"action": "approve", "back": "queue", "reason": ""}, token_from="/console/registrations/review"
        )
        assert missing.status_code == 422
        row = soup(missing).find(id=f"queue-{a}")
        assert "reason is required" in row.get_text() and row.find(class_="field-error") is not None
        assert api(client, catalog, f"/registrations/{a}")["status"] == "submitted"
        approved = post(client, f"/console/registrations/{a}/actions", {"action": "approve", "back": "queue", "reason": "First on the account"})
        assert approved.status_code == 303 and approved.headers["location"] == "/console/registrations/review"
        read = api(client, catalog, f"/registrations/{a}")
        assert read["status"] == "approved" and read["decision_reason"] == "First on the account"
        assert soup(client.get("/console/registrations/review")).find(id=f"queue-{a}") is None

        login("a_user")
        page = client.get(f"/portal/registrations/{a}")
        assert f"protected for {read['days_left']} more days" in page.text
        assert "First on the account" in soup(page).find(id="registration-history").get_text()

    def test_extension_request_and_approval(self, client, login, catalog):
        a = catalog.registrations()["a"]
        login("cam")
        post(client, f"/console/registrations/{a}/actions", {"action": "approve", "reason": "ok"}, token_from="/console/registrations/review")
        until = api(client, catalog, f"/registrations/{a}")["protected_until"]
        login("a_user")
        assert post(client, f"/portal/registrations/{a}/extension", {"reason": ""}, token_from="/portal/registrations").status_code == 422
        assert post(client, f"/portal/registrations/{a}/extension", {"reason": "Budget moved to Q3"}).status_code == 303
        extension = soup(client.get(f"/portal/registrations/{a}")).find(id="extension")
        assert "Pending" in extension.get_text() and "0 of 2" in extension.get_text()

        login("cam")
        queue = soup(client.get("/console/registrations/review")).find(id="extension-requests")
        form = queue.find("form")
        action = form["action"]
        # The registration's own page offers the same decision.
        assert soup(client.get(f"/console/registrations/{a}")).find(id="pending-extension").find("form")["action"] == action
        assert post(client, action, {"decision": "approve", "reason": ""}, token_from="/console/registrations/review").status_code == 422
        assert post(client, action, {"decision": "approve", "reason": "Customer confirmed the delay"}).status_code == 303
        read = api(client, catalog, f"/registrations/{a}")
        assert read["extensions_granted"] == 1 and read["protected_until"] > until
        login("a_user")
        assert "1 of 2" in soup(client.get(f"/portal/registrations/{a}")).find(id="extension").get_text()

    def test_mark_won_and_the_customer_page_lists_it(self, client, login, catalog):
        a = catalog.registrations()["a"]
        login("admin")
        post(client, f"/console/registrations/{a}/actions", {"action": "start_review"}, token_from="/console/registrations/review")
        assert post(client, f"/console/registrations/{a}/actions", {"action": "approve", "reason": ""}).status_code == 422
        assert post(client, f"/console/registrations/{a}/actions", {"action": "approve", "reason": "Clean"}).status_code == 303
        bad = post(client, f"/console/registrations/{a}/won", {"booked_amount": "-5", "closed_on": days(3)})
        assert bad.status_code == 422 and {"booked_amount"} <= set(errors_of(bad))
        assert post(client, f"/console/registrations/{a}/won", {"booked_amount": "118000", "closed_on": days(0)}).status_code == 303
        read = api(client, catalog, f"/registrations/{a}")
        assert read["status"] == "won" and read["booked_amount"] == "118000.00"
        customer = soup(client.get(f"/console/customers/{read['customer_id']}")).find(id="customer-registrations")
        assert customer is not None and "A deal" in customer.get_text()

    def test_console_lists_and_filters(self, client, login, catalog):
        ids = catalog.registrations()
        login("auditor")
        listing = client.get(f"/console/registrations?partner={catalog.b.id}&sort=-title")
        assert listing.status_code == 200
        text = soup(listing).find(id="registrations").get_text()
        assert "B deal" in text and "A deal" not in text
        assert "Cannot sort" in client.get("/console/registrations?sort=bogus").text
        detail = client.get(f"/console/registrations/{ids['a']}")
        assert detail.status_code == 200 and soup(detail).find(id="review-actions") is None
        assert (
            post(client, f"/console/registrations/{ids['a']}/actions", {"action": "approve", "reason": "x"}, token_from="/console/registrations").status_code
            == 403
        )
        assert api(client, catalog, f"/registrations/{ids['a']}")["status"] == "submitted"

    def test_cam_sees_both_sides_of_a_conflict(self, client, login, catalog):
        catalog.registrations()
        login("b_user")
        registration_id = register(client, deal_form(title="Hospital analytics", **{"customer.name": "Tenancy Alpha Hospital"}, product_lines=["analytics"]))
        login("cam2")
        conflicts = soup(client.get(f"/console/registrations/{registration_id}")).find(id="conflicts")
        text = conflicts.get_text(" ", strip=True)
        assert "Northwind Consulting" in text and "Blue Harbor" in text and "A deal" in text and "Analytics" in text
