"""Customer references in the portal's library: only references the vendor approved with the
customer's approval for external use reach partners — every partner's, by vertical and product
line, searched by customer or partner name, sortable and exportable; the page names the approvers."""

from __future__ import annotations

import csv
import io
from typing import Any

from alliance.kit import clock
from tests.web.client import soup

APPROVAL = {"customer_approved_on": "2026-03-02", "customer_approver": "Dr. Jane Holt, CIO"}


def _reference(client, world, who: str, *, approve: bool | None, **extra: Any) -> int:  # type: ignore[no-untyped-def]
    body = {"customer_name": "Northwind Regional Health", "title": "Claims in hours, not days", "vertical": "Healthcare", "product_lines": ["analytics"]}
    body |= {"problem": "Claims took days", "outcome": "Claims processed 6× faster, 2.1 M USD saved a year", "quote": "It changed our quarter."}
    submitted = client.post("/api/v1/customer-references", headers=world.headers(who), json=body | extra)
    assert submitted.status_code == 201, submitted.text
    if approve is not None:
        decided = client.post(
            f"/api/v1/customer-references/{submitted.json()['id']}/decision",
            headers=world.headers("admin"),
            json={"approve": approve} | ({} if approve else {"note": "Not for us"}),
        )
        assert decided.status_code == 200, decided.text
    return int(submitted.json()["id"])


def _library(client, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    clock.freeze(clock.now())
    return {
        "a": _reference(client, world, "a_admin", approve=True, **APPROVAL),
        "b": _reference(
            client, world, "b_admin", approve=True, customer_name="Harbor Freight Lines", vertical="Logistics", product_lines=["integration-hub"], **APPROVAL
        ),
        "b_submitted": _reference(client, world, "b_admin", approve=None, customer_name="Secret Pending Co", **APPROVAL),
        "b_rejected": _reference(client, world, "b_admin", approve=False, customer_name="Rejected Story Inc", **APPROVAL),
    }


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.find("a").get_text(strip=True) for row in page.select("#references tbody tr")]


def test_partners_see_only_approved_references_of_every_partner(client, login, world):
    ids = _library(client, world)
    login("a_user")
    page = soup(client.get("/portal/library/references"))
    assert sorted(_rows(page)) == ["Harbor Freight Lines", "Northwind Regional Health"]
    assert "Secret Pending Co" not in page.text and "Rejected Story Inc" not in page.text
    assert client.get(f"/portal/library/references/{ids['b_submitted']}").status_code == 404
    assert client.get(f"/portal/library/references/{ids['b_rejected']}").status_code == 404
    assert client.get("/portal/library/references/987654").status_code == 404
    assert soup(client.get("/portal/library")).find("a", string="Customer references")["href"] == "/portal/library/references"


def test_filters_search_and_sort(client, login, world):
    _library(client, world)
    login("a_user")
    get = lambda **params: _rows(soup(client.get("/portal/library/references", params=params)))  # noqa: E731
    assert get(vertical="logistics") == ["Harbor Freight Lines"]
    assert get(product_line="analytics") == ["Northwind Regional Health"]
    assert get(q="harbor") == ["Harbor Freight Lines"]  # the customer's name
    assert get(q="blue harbor") == ["Harbor Freight Lines"]  # the partner's name
    assert get(q="100%_") == []
    assert get(sort="customer") == ["Harbor Freight Lines", "Northwind Regional Health"]
    assert get(sort="-customer") == ["Northwind Regional Health", "Harbor Freight Lines"]
    page = soup(client.get("/portal/library/references", params={"sort": "customer"}))
    assert page.find("th", attrs={"aria-sort": "ascending"}).get_text(strip=True).startswith("Customer")


def test_the_detail_page_names_both_approvals_and_shows_the_story(client, login, world):
    ids = _library(client, world)
    login("a_user")
    page = soup(client.get(f"/portal/library/references/{ids['b']}"))
    approval = page.find(id="approval").get_text(" ", strip=True)
    assert "Customer approved for external use on 2026-03-02 by Dr. Jane Holt, CIO" in approval
    assert "approved by the vendor (Ada Admin)" in approval
    assert "2.1 M USD saved a year" in page.find(id="outcome").get_text()
    assert page.find(id="quote").get_text(strip=True) == "It changed our quarter."
    assert "Blue Harbor" in page.find("h1").find_next("p").get_text()


def test_the_list_exports_as_csv_with_its_filters(client, login, world):
    _library(client, world)
    login("a_user")
    response = client.get("/portal/library/references.csv", params={"vertical": "healthcare"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["customer"] for r in rows] == ["Northwind Regional Health"]
    assert rows[0]["customer_approver"] == "Dr. Jane Holt, CIO" and rows[0]["customer_approved_on"] == "2026-03-02"
