"""The registrations API: thin adapters over the service, one error shape."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories.world import deal_input

TOMORROW = (date.today() + timedelta(days=1)).isoformat()
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
PROJECT = {
    "kind": "project",
    "title": "ERP rollout",
    "customer": {"name": "Globex Corporation", "website": "globex.example"},
    "product_lines": ["data-platform"],
    "amount": "2500000",
    "project_name": "Phoenix",
    "scope_description": "Integration",
    "phases": [{"name": "Design", "starts_on": "2030-01-01", "ends_on": "2030-03-31"}, {"name": "Build", "starts_on": "2030-04-01", "ends_on": "2030-12-31"}],
    "delivery_starts_on": "2030-01-01",
    "delivery_ends_on": "2030-12-31",
}
INFLUENCE = {
    "kind": "influence",
    "title": "Lakehouse choice",
    "customer": {"name": "Initech", "country": "UK"},
    "product_lines": ["analytics"],
    "architecture_decision": "Group lakehouse",
    "candidate_platforms": ["Us", "Them"],
    "competitors": ["Them"],
    "registrant_role": "advisor",
    "decision_expected_on": "2030-09-01",
    "evidence": [{"kind": "artefact", "on": "2026-01-10", "description": "Reference architecture"}],
}


@pytest.fixture
def catalog(world):  # type: ignore[no-untyped-def]
    world.registrations()  # the catalog, plus one submitted deal each for A and B
    return world


def post(client, world, who: str, body: dict) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = client.post("/api/v1/registrations", headers=world.headers(who), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def action(client, world, who: str, registration_id: int, name: str, reason: str | None = None):  # type: ignore[no-untyped-def]
    body = {"reason": reason} if reason else None
    return client.post(f"/api/v1/registrations/{registration_id}/actions/{name}", headers=world.headers(who), json=body)


class TestCreate:
    def test_anonymous(self, client, world):
        assert client.post("/api/v1/registrations", json=deal_input("x", "y")).status_code == 401

    @pytest.mark.parametrize("body", [deal_input("Deal", "Acme Analytics"), PROJECT, INFLUENCE], ids=["deal", "project", "influence"])
    def test_each_kind(self, client, catalog, body):
        created = post(client, catalog, "a_user", body)
        assert (created["kind"], created["status"], created["effective_status"], created["partner_id"]) == (body["kind"], "draft", "draft", catalog.a.id)
        assert created["allowed_actions"] == ["submit", "withdraw"] and created["vendor"] is None and created["conflicts"] == []

    def test_create_and_submit(self, client, catalog):
        created = post(client, catalog, "a_admin", deal_input("Deal", "Acme Analytics", submit=True))
        assert created["status"] == "submitted" and created["submitted_at"] and created["customer_id"]
        assert created["allowed_actions"] == ["withdraw"]

    def test_influence_country_is_normalised(self, client, catalog):
        assert post(client, catalog, "a_user", INFLUENCE)["customer_country"] == "GB"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"title": ""}, "title"),
            ({"customer": {}}, "customer"),
            ({"customer": {"name": "Acme", "website": "not a site"}}, "customer.website"),
            ({"customer": {"name": "Acme", "country": "XX"}}, "customer.country"),
            ({"product_lines": []}, "product_lines"),
            ({"product_lines": ["Bad Key!"]}, "product_lines.0"),
            ({"product_lines": ["no-such-line"]}, "product_lines"),
            ({"amount": "0"}, "amount"),
            ({"amount": "-5"}, "amount"),
            ({"amount": "1e30"}, "amount"),
            ({"amount": "1.234"}, "amount"),
            ({"currency": "EURO"}, "currency"),
            ({"currency": "XYZ"}, "currency"),
            ({"currency": "EUR"}, "currency"),  # a real currency, but not the program's (USD)
            ({"expected_close_on": YESTERDAY}, "expected_close_on"),
            ({"expected_close_on": "someday"}, "expected_close_on"),
            ({"stage": "dreaming"}, "stage"),
            ({"transacting_partner_id": 0}, "transacting_partner_id"),
            ({"transacting_partner_id": 999999}, "transacting_partner_id"),
            ({"partner_id": 2}, "partner_id"),
            ({"project_name": "Not a deal field"}, "project_name"),
        ],
    )
    def test_bad_deal_input_names_the_field(self, client, catalog, change, field):
        response = client.post("/api/v1/registrations", headers=catalog.headers("a_user"), json={**deal_input("Deal", "Acme"), **change})
        assert response.status_code == 422, response.text
        fields = {d["field"].removeprefix("deal.") for d in response.json()["error"]["details"]}
        assert field in fields, fields

    @pytest.mark.parametrize("kind", ["lease", None])
    def test_unknown_or_missing_kind(self, client, catalog, kind):
        body = {**deal_input("Deal", "Acme"), "kind": kind} if kind else {k: v for k, v in deal_input("Deal", "Acme").items() if k != "kind"}
        response = client.post("/api/v1/registrations", headers=catalog.headers("a_user"), json=body)
        assert response.status_code == 422 and "'kind'" in response.json()["error"]["details"][0]["message"]

    @pytest.mark.parametrize(
        ("body", "change", "field"),
        [
            (PROJECT, {"phases": []}, "phases"),
            (PROJECT, {"phases": [{"name": "X", "starts_on": "2030-02-01", "ends_on": "2030-01-01"}]}, "phases.0.ends_on"),
            (PROJECT, {"delivery_ends_on": "2029-01-01"}, "delivery_ends_on"),
            (PROJECT, {"amount": None}, "amount"),
            (INFLUENCE, {"evidence": []}, "evidence"),
            (INFLUENCE, {"evidence": [{"kind": "rumour", "on": "2026-01-01", "description": "x"}]}, "evidence.0.kind"),
            (INFLUENCE, {"registrant_role": "bystander"}, "registrant_role"),
        ],
    )
    def test_bad_project_and_influence_input(self, client, catalog, body, change, field):
        response = client.post("/api/v1/registrations", headers=catalog.headers("a_user"), json={**body, **change})
        assert response.status_code == 422, response.text
        fields = {d["field"].split(".", 1)[1] for d in response.json()["error"]["details"]}
        assert field in fields, fields

    def test_other_transacting_partners_get_one_answer_whatever_their_status(self, client, catalog):
        """Issue 16: the error differed by the named partner's status (an oracle of active partner ids)."""
        admin = catalog.headers("admin")
        suspended = client.post(
            "/api/v1/partners", headers=admin, json={"legal_name": "Dormant Ltd", "display_name": "Dormant", "partner_type": "reseller", "hq_country": "GB"}
        ).json()["id"]
        answers = []
        for other in (catalog.b.id, suspended, 999_999):
            response = client.post(
                "/api/v1/registrations", headers=catalog.headers("a_user"), json={**deal_input("Deal", "Acme"), "transacting_partner_id": other}
            )
            assert response.status_code == 422, response.text
            answers.append(response.json())
        assert answers[0] == answers[1] == answers[2]
        assert answers[0]["error"]["details"][0]["field"] == "transacting_partner_id"
        assert post(client, catalog, "a_user", {**deal_input("Deal", "Acme"), "transacting_partner_id": catalog.a.id})["transacting_partner_id"] == catalog.a.id

    def test_vendor_cannot_register(self, client, catalog):
        assert client.post("/api/v1/registrations", headers=catalog.headers("cam"), json=deal_input("D", "Acme")).status_code == 403


class TestReadAndIsolation:
    def test_partner_lists_only_their_own(self, client, catalog):
        body = client.get("/api/v1/registrations", headers=catalog.headers("a_user")).json()
        assert body["total"] == 1 and {item["partner_id"] for item in body["items"]} == {catalog.a.id}

    def test_other_partner_gets_404(self, client, catalog):
        b_registration = catalog.registrations()["b"]
        headers = catalog.headers("a_admin")
        assert client.get(f"/api/v1/registrations/{b_registration}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/registrations/{b_registration}/history", headers=headers).status_code == 404
        assert client.patch(f"/api/v1/registrations/{b_registration}", headers=headers, json={"title": "Mine"}).status_code == 404
        assert action(client, catalog, "a_admin", b_registration, "withdraw", "mine").status_code == 404
        assert client.get("/api/v1/registrations/999999", headers=headers).json()["error"]["code"] == "not_found"

    def test_vendor_reads_all_with_partner_names(self, client, catalog):
        body = client.get("/api/v1/registrations?sort=created", headers=catalog.headers("auditor")).json()
        assert [item["vendor"]["partner_name"] for item in body["items"]] == ["Northwind Consulting", "Blue Harbor"]
        assert all(item["allowed_actions"] == [] for item in body["items"])  # auditors read only
        only_b = client.get(f"/api/v1/registrations?partner_id={catalog.b.id}&status=submitted&kind=deal", headers=catalog.headers("cam")).json()
        assert only_b["total"] == 1 and only_b["items"][0]["allowed_actions"] == ["start_review", "request_info", "approve", "reject"]

    def test_filters_and_sort_are_checked(self, client, catalog):
        headers = catalog.headers("cam")
        assert client.get("/api/v1/registrations?status=sleeping", headers=headers).status_code == 422
        response = client.get("/api/v1/registrations?sort=colour", headers=headers)
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "sort"
        assert client.get("/api/v1/registrations?q=beta", headers=headers).json()["total"] == 1


class TestVendorFlow:
    def test_review_approve_extend_and_win(self, client, catalog):
        registration_id = catalog.registrations()["a"]
        assert action(client, catalog, "cam", registration_id, "start_review").json()["status"] == "in_review"
        missing = action(client, catalog, "cam", registration_id, "approve")
        assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "reason"
        approved = action(client, catalog, "cam", registration_id, "approve", "Qualified").json()
        assert approved["status"] == "approved" and approved["days_left"] > 0 and approved["vendor"]["reviewer_user_id"] == catalog.users["cam"]
        partner_view = client.get(f"/api/v1/registrations/{registration_id}", headers=catalog.headers("a_user")).json()
        assert partner_view["allowed_actions"] == ["mark_lost", "withdraw", "request_extension"]

        extension = client.post(f"/api/v1/registrations/{registration_id}/extensions", headers=catalog.headers("a_user"), json={"reason": "Board moved"})
        assert extension.status_code == 201 and extension.json()["status"] == "pending"
        queue = client.get("/api/v1/registrations/review-queue", headers=catalog.headers("cam")).json()
        assert [e["registration_id"] for e in queue["extensions"]] == [registration_id]
        decided = client.post(
            f"/api/v1/extensions/{extension.json()['id']}/decision", headers=catalog.headers("cam"), json={"approve": True, "reason": "Budget confirmed"}
        )
        assert decided.status_code == 200 and decided.json()["new_until"] > approved["protected_until"]

        won = client.post(
            f"/api/v1/registrations/{registration_id}/won",
            headers=catalog.headers("admin"),
            json={"booked_amount": "118000.50", "closed_on": date.today().isoformat()},
        )
        assert won.status_code == 200, won.text
        assert won.json()["status"] == "won" and won.json()["booked_amount"] == "118000.50"
        history = client.get(f"/api/v1/registrations/{registration_id}/history", headers=catalog.headers("a_user")).json()
        assert [e["action"] for e in history] == [
            "created",
            "submit",
            "start_review",
            "approve",
            "extension_requested",
            "extension_approved",
            "mark_won",
        ]

    def test_booked_amount_in_another_currency_is_refused(self, client, catalog):
        registration_id = catalog.registrations()["a"]
        action(client, catalog, "cam", registration_id, "start_review")
        action(client, catalog, "cam", registration_id, "approve", "Qualified")
        url = f"/api/v1/registrations/{registration_id}/won"
        body = {"booked_amount": "1000", "closed_on": date.today().isoformat()}
        for currency, status in (("XYZ", 422), ("EUR", 422), ("usd", 200)):
            response = client.post(url, headers=catalog.headers("admin"), json={**body, "currency": currency})
            assert response.status_code == status, response.text
            if status == 422:
                assert [d["field"] for d in response.json()["error"]["details"]] == ["currency"]
        assert response.json()["currency"] == "USD"

    def test_the_vendor_names_the_partner_that_sold_the_deal(self, client, catalog):
        registration_id = catalog.registrations()["a"]
        action(client, catalog, "cam", registration_id, "start_review")
        action(client, catalog, "cam", registration_id, "approve", "Qualified")
        url = f"/api/v1/registrations/{registration_id}/won"
        body = {"booked_amount": "1000", "closed_on": date.today().isoformat()}
        missing = client.post(url, headers=catalog.headers("cam"), json={**body, "transacting_partner_id": 999_999})
        assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "transacting_partner_id"
        won = client.post(url, headers=catalog.headers("cam"), json={**body, "transacting_partner_id": catalog.b.id})
        assert won.status_code == 200 and won.json()["transacting_partner_id"] == catalog.b.id, won.text
        entries = client.get(f"/api/v1/attribution/entries?registration_id={registration_id}", headers=catalog.headers("admin")).json()["items"]
        assert [(e["credit_type"], e["partner_id"]) for e in entries] == [("direct", catalog.b.id)]

    def test_won_input_and_permissions(self, client, catalog):
        registration_id = catalog.registrations()["a"]
        url = f"/api/v1/registrations/{registration_id}/won"
        assert client.post(url, headers=catalog.headers("a_admin"), json={"booked_amount": "1", "closed_on": YESTERDAY}).status_code == 403
        for body, field in (({"booked_amount": "0", "closed_on": YESTERDAY}, "booked_amount"), ({"booked_amount": "5", "closed_on": TOMORROW}, "closed_on")):
            response = client.post(url, headers=catalog.headers("cam"), json=body)
            assert response.status_code == 422 and field in {d["field"] for d in response.json()["error"]["details"]}
        assert client.post(url, headers=catalog.headers("cam"), json={"booked_amount": "5", "closed_on": YESTERDAY}).status_code == 409

    def test_unknown_action_is_422_and_wrong_state_409(self, client, catalog):
        registration_id = catalog.registrations()["a"]
        assert action(client, catalog, "cam", registration_id, "expire").status_code == 422
        assert action(client, catalog, "cam", registration_id, "mark_won").status_code == 422
        # A decision on a submitted registration starts the review first, as the console's queue does.
        assert action(client, catalog, "cam", registration_id, "reject", "no").json()["status"] == "rejected"
        history = client.get(f"/api/v1/registrations/{registration_id}/history", headers=catalog.headers("cam")).json()
        assert [e["action"] for e in history][-2:] == ["start_review", "reject"]
        response = action(client, catalog, "cam", registration_id, "approve", "after all")
        assert response.status_code == 409 and "rejected" in response.json()["error"]["message"]

    def test_review_queue_is_vendor_only(self, client, catalog):
        assert client.get("/api/v1/registrations/review-queue", headers=catalog.headers("a_admin")).status_code == 403
        queue = client.get("/api/v1/registrations/review-queue?limit=1", headers=catalog.headers("auditor")).json()
        assert queue["total"] == 2 and len(queue["items"]) == 1 and queue["items"][0]["waiting_on"] == "vendor"

    def test_detail_shows_conflicts_to_each_side(self, client, catalog):
        # B registers the customer A registered first: B's registration is flagged.
        later = post(client, catalog, "b_user", deal_input("Same", "Tenancy Alpha Hospital", submit=True))
        partner_view = client.get(f"/api/v1/registrations/{later['id']}", headers=catalog.headers("b_user")).json()
        assert partner_view["conflicts"] and "Northwind" not in str(partner_view["conflicts"])
        vendor_view = client.get(f"/api/v1/registrations/{later['id']}", headers=catalog.headers("cam")).json()
        assert vendor_view["conflicts"][0]["other_registration_id"] == catalog.registrations()["a"]


class TestUpdate:
    def test_patch_a_draft(self, client, catalog):
        created = post(client, catalog, "a_user", PROJECT)
        response = client.patch(
            f"/api/v1/registrations/{created['id']}", headers=catalog.headers("a_user"), json={"project_name": "Phoenix II", "amount": "10"}
        )
        assert response.status_code == 200 and response.json()["details"]["project_name"] == "Phoenix II" and response.json()["amount"] == "10.00"

    def test_patch_rules(self, client, catalog):
        created = post(client, catalog, "a_user", PROJECT)
        url = f"/api/v1/registrations/{created['id']}"
        headers = catalog.headers("a_user")
        assert client.patch(url, headers=headers, json={"stage": "commit"}).json()["error"]["details"][0]["field"] == "stage"
        bad = client.patch(url, headers=headers, json={"delivery_starts_on": "2031-06-01"})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "delivery_ends_on"
        assert client.patch(url, headers=headers, json={"colour": "red"}).status_code == 422
        submitted = catalog.registrations()["a"]
        assert client.patch(f"/api/v1/registrations/{submitted}", headers=headers, json={"title": "x"}).status_code == 409


class TestProductLines:
    def test_everyone_lists_admin_changes(self, client, catalog):
        listed = client.get("/api/v1/product-lines?limit=3", headers=catalog.headers("b_user")).json()
        assert listed["total"] == 8 and [p["key"] for p in listed["items"]] == ["analytics", "api-management", "data-platform"]
        assert client.post("/api/v1/product-lines", headers=catalog.headers("cam"), json={"key": "x-ray", "name": "X"}).status_code == 403
        created = client.post("/api/v1/product-lines", headers=catalog.headers("admin"), json={"key": "x-ray", "name": "X-Ray"})
        assert created.status_code == 201
        assert client.post("/api/v1/product-lines", headers=catalog.headers("admin"), json={"key": "x-ray", "name": "Again"}).status_code == 409
        bad = client.post("/api/v1/product-lines", headers=catalog.headers("admin"), json={"key": "X Ray", "name": "X"})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "key"
        retired = client.patch(f"/api/v1/product-lines/{created.json()['id']}", headers=catalog.headers("admin"), json={"is_active": False})
        assert retired.json()["is_active"] is False
        assert client.get("/api/v1/product-lines?active=true", headers=catalog.headers("a_user")).json()["total"] == 8
        refused = client.post("/api/v1/registrations", headers=catalog.headers("a_user"), json={**deal_input("D", "Acme"), "product_lines": ["x-ray"]})
        assert refused.status_code == 422 and "x-ray" in refused.json()["error"]["message"]
        assert client.patch("/api/v1/product-lines/999999", headers=catalog.headers("admin"), json={"name": "Y"}).status_code == 404
