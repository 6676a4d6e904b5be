"""The customer reference workflow on the web: a partner submits a reference in the portal and
follows it in "Our references"; the channel team reviews it in the console's queue (pending
first) and approves it (recording the customer's approval for external use) or rejects it with a
reason; the web answers as the API does."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.web.client import field_error, post, soup

STORY = {
    "customer_name": "Northwind Regional Health",
    "title": "Claims in hours, not days",
    "vertical": "Healthcare",
    "product_lines": ["analytics"],
    "product_versions": "Analytics 12",
    "problem": "Claims took days",
    "outcome": "Claims processed 6x faster, 2.1 M USD saved a year",
    "quote": "It changed our quarter.",
}
APPROVAL = {"customer_approved_on": "2026-03-02", "customer_approver": "Dr. Jane Holt, CIO"}


def _submit_by_api(client, world, who: str, **extra: Any) -> int:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/customer-references", headers=world.headers(who), json=STORY | extra)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _ids(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(row["id"].removeprefix("reference-")) for row in page.select("#reference-list tbody tr")]


class TestSubmit:
    def test_a_missing_field_is_named_next_to_it_and_the_input_is_kept(self, client, login, world):
        login("a_user")
        form = soup(client.get("/portal/library/references/new"))
        assert form.find("form", id="reference-form") is not None
        response = post(client, "/portal/library/references", STORY | {"outcome": ""})
        assert response.status_code == 422
        page = soup(response)
        assert field_error(page, "f-outcome") == "Field required"
        assert page.find(id="f-customer_name")["value"] == "Northwind Regional Health"
        assert page.find(id="f-problem").get_text() == "Claims took days"
        # The API refuses the same body with the same field named.
        api = client.post("/api/v1/customer-references", headers=world.headers("a_user"), json=STORY | {"outcome": ""})
        assert api.status_code == 422
        assert [d["field"] for d in api.json()["error"]["details"]] == ["outcome"]
        assert client.get("/api/v1/customer-references", headers=world.headers("a_admin")).json()["total"] == 0

    def test_a_bad_date_is_refused_like_the_api_refuses_it(self, client, login, world):
        login("a_user")
        response = post(client, "/portal/library/references", STORY | {"customer_approved_on": "yesterday"})
        assert response.status_code == 422
        assert field_error(soup(response), "f-customer_approved_on")

    def test_a_submitted_reference_is_listed_as_ours_with_its_status(self, client, login, world):
        login("a_user")
        response = post(client, "/portal/library/references", STORY | APPROVAL)
        assert response.status_code == 303
        location = response.headers["location"]
        assert location.startswith("/portal/library/references/ours/")
        page = soup(client.get(location))
        assert "Northwind Regional Health" in page.find("h1").get_text()
        assert "waiting for the vendor's review" in page.find(id="decision-state").get_text()
        assert "Dr. Jane Holt, CIO" in page.find(id="customer-approval").get_text()
        listed = soup(client.get("/portal/library/references/ours"))
        row = listed.find(id=f"reference-{location.rsplit('/', 1)[1]}")
        assert row is not None and "Submitted" in row.get_text()
        # Not in the library until the vendor approves it.
        assert "Northwind Regional Health" not in client.get("/portal/library/references").text
        api = client.get("/api/v1/customer-references", headers=world.headers("a_user")).json()
        assert [i["partner_name"] for i in api["items"]] == ["Northwind Consulting"]
        # A form naming another partner is answered as the API answers it: that partner is not found.
        assert post(client, "/portal/library/references", STORY | APPROVAL | {"partner_id": str(world.b.id)}).status_code == 404
        assert client.get("/api/v1/customer-references", headers=world.headers("admin")).json()["total"] == 1

    def test_an_approved_registration_links_to_the_form_with_its_customer(self, client, login, world):
        registration_id = world.registrations()["a"]
        login("a_user")
        assert soup(client.get(f"/portal/registrations/{registration_id}")).find(id="submit-reference") is None  # submitted, not yet approved
        for name, reason in (("start_review", None), ("approve", "Qualified")):
            response = client.post(
                f"/api/v1/registrations/{registration_id}/actions/{name}", headers=world.headers("cam"), json={"reason": reason} if reason else None
            )
            assert response.status_code == 200, response.text
        registration = client.get(f"/api/v1/registrations/{registration_id}", headers=world.headers("a_user")).json()
        link = soup(client.get(f"/portal/registrations/{registration_id}")).find(id="submit-reference")
        form = soup(client.get(link["href"]))
        assert form.find(id="f-customer_name")["value"] == registration["customer_name"]
        checked = sorted(box["value"] for box in form.select("input[name=product_lines][checked]"))
        assert checked == sorted(registration["product_lines"]) and checked


class TestDecide:
    def test_approving_records_the_customers_approval_and_the_reference_joins_the_library(self, client, login, world):
        reference_id = _submit_by_api(client, world, "a_user")  # submitted without the customer's approval
        login("cam")
        page = soup(client.get(f"/console/references/{reference_id}"))
        assert "Customer approval not recorded" in page.find(id="customer-approval").get_text()
        refused = post(client, f"/console/references/{reference_id}/decision", {"approve": "approve"})
        assert refused.status_code == 422
        assert field_error(soup(refused), "d-customer_approved_on") == "the customer's approval is missing"
        done = post(client, f"/console/references/{reference_id}/decision", {"approve": "approve"} | APPROVAL)
        assert done.status_code == 303
        page = soup(client.get(f"/console/references/{reference_id}"))
        state = page.find(id="decision-state").get_text(" ", strip=True)
        assert "Approved" in state and "Carl Cam" in state
        assert "on 2026-03-02 by Dr. Jane Holt, CIO" in page.find(id="customer-approval").get_text(" ", strip=True)
        assert page.find("form", id="reference-decision") is None
        again = post(client, f"/console/references/{reference_id}/decision", {"approve": "reject", "note": "late"})
        assert again.status_code == 409
        login("b_user")
        story = soup(client.get(f"/portal/library/references/{reference_id}"))
        assert "approved by the vendor (Carl Cam)" in story.find(id="approval").get_text(" ", strip=True)

    def test_a_rejection_needs_a_reason_which_the_partner_reads(self, client, login, world):
        reference_id = _submit_by_api(client, world, "a_user", **APPROVAL)
        login("cam")
        refused = post(client, f"/console/references/{reference_id}/decision", {"approve": "reject", "note": ""})
        assert refused.status_code == 422
        assert field_error(soup(refused), "d-note") == "required to reject"
        api = client.post(f"/api/v1/customer-references/{reference_id}/decision", headers=world.headers("cam"), json={"approve": False})
        assert api.status_code == 422 and api.json()["error"]["message"] == "A rejection says why."
        assert api.json()["error"]["details"] == [{"field": "note", "message": "required to reject"}]
        done = post(client, f"/console/references/{reference_id}/decision", {"approve": "reject", "note": "The outcome needs figures the customer signed off."})
        assert done.status_code == 303
        login("a_user")
        row = soup(client.get("/portal/library/references/ours")).find(id=f"reference-{reference_id}")
        assert "Rejected" in row.get_text() and "Reason: The outcome needs figures the customer signed off." in row.get_text(" ", strip=True)
        page = soup(client.get(f"/portal/library/references/ours/{reference_id}"))
        assert page.find(id="decision-note").get_text(strip=True) == "Reason: The outcome needs figures the customer signed off."
        assert client.get(f"/portal/library/references/{reference_id}").status_code == 404


class TestLists:
    def _three(self, client, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
        ids = {
            "approved": _submit_by_api(client, world, "a_user", **APPROVAL),
            "pending": _submit_by_api(client, world, "b_admin", customer_name="Harbor Freight Lines", vertical="Logistics", product_lines=["integration-hub"]),
            "rejected": _submit_by_api(client, world, "b_admin", customer_name="Rejected Story Inc", **APPROVAL),
        }
        admin = world.headers("admin")
        assert client.post(f"/api/v1/customer-references/{ids['approved']}/decision", headers=admin, json={"approve": True}).status_code == 200
        assert client.post(f"/api/v1/customer-references/{ids['rejected']}/decision", headers=admin, json={"approve": False, "note": "No"}).status_code == 200
        return ids

    def test_the_queue_puts_pending_first_filters_sorts_and_exports(self, client, login, world):
        ids = self._three(client, world)
        login("cam")
        get = lambda **params: _ids(soup(client.get("/console/references", params=params)))  # noqa: E731
        assert get() == [ids["pending"], ids["approved"], ids["rejected"]]
        assert get(status="rejected") == [ids["rejected"]]
        assert get(vertical="logistics") == [ids["pending"]]
        assert get(product_line="analytics") == [ids["approved"], ids["rejected"]]
        assert get(q="blue harbor") == [ids["pending"], ids["rejected"]]  # the partner's name
        assert get(sort="customer") == [ids["pending"], ids["approved"], ids["rejected"]]
        assert get(sort="-customer") == [ids["rejected"], ids["approved"], ids["pending"]]
        page = soup(client.get("/console/references"))
        assert page.find(id=f"reference-{ids['pending']}").find_all("td")[2].get_text(strip=True) == "Blue Harbor"
        api = client.get("/api/v1/customer-references", headers=world.headers("cam"), params={"sort": "status", "q": "blue harbor"}).json()
        assert [i["id"] for i in api["items"]] == [ids["pending"], ids["rejected"]]
        response = client.get("/console/references.csv", params={"status": "rejected"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["customer"], r["partner"], r["status"], r["decision_note"], r["decided_by"]) for r in rows] == [
            ("Rejected Story Inc", "Blue Harbor", "rejected", "No", "Ada Admin")
        ]

    def test_a_partner_lists_and_exports_only_its_own(self, client, login, world):
        ids = self._three(client, world)
        login("b_user")
        assert _ids(soup(client.get("/portal/library/references/ours"))) == [ids["rejected"], ids["pending"]]
        assert _ids(soup(client.get("/portal/library/references/ours", params={"status": "submitted"}))) == [ids["pending"]]
        rows = list(csv.DictReader(io.StringIO(client.get("/portal/library/references/ours.csv").text)))
        assert sorted(r["customer"] for r in rows) == ["Harbor Freight Lines", "Rejected Story Inc"]
        assert client.get(f"/portal/library/references/ours/{ids['approved']}").status_code == 404
        login("a_user")
        text = client.get("/portal/library/references/ours").text + client.get("/portal/library/references/ours.csv").text
        assert "Harbor Freight Lines" not in text and "Rejected Story Inc" not in text

    def test_the_console_library_shows_approved_references_only(self, client, login, world):
        ids = self._three(client, world)
        login("admin")
        page = soup(client.get("/console/references/library"))
        assert [a.get_text(strip=True) for a in page.select("#references tbody tr td:first-child a")] == ["Northwind Regional Health"]
        assert page.select_one("#references tbody a")["href"] == f"/console/references/{ids['approved']}"
        rows = list(csv.DictReader(io.StringIO(client.get("/console/references/library.csv").text)))
        assert [r["customer"] for r in rows] == ["Northwind Regional Health"]
        menu = soup(client.get("/console/references")).find(id="practice-menu")
        assert menu.find("a", string="Customer references")["href"] == "/console/references"
        assert menu.find("summary").get("aria-current") == "page"
