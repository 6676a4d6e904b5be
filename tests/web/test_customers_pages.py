from __future__ import annotations

from datetime import timedelta

import pytest

from alliance.audit.models import AuditEvent
from alliance.customers import service as customer_service
from alliance.customers.repository import CustomerRepository
from alliance.customers.schemas import CustomerCreate, OwnershipChange
from alliance.customers.vocabulary import Ownership
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from tests.web.client import field_error, post, soup

HUGE = "9" * 25
LONG = "x" * 5000
LATER = (clock.today() + timedelta(days=200)).isoformat()


@pytest.fixture
def customers(db, world):  # type: ignore[no-untyped-def]
    """Four customers; Globex is SI-protected by Northwind (partner A) until LATER."""
    operator = Actor.system(label="test-setup")
    ids: dict[str, int] = {}
    with db.session_scope(PartnerScope.system(reason="customer pages test data")) as session:
        for key, data in {
            "acme": CustomerCreate(
                name="Acme Analytics GmbH", website="https://www.acme-analytics.de", country="DE", industry="Software", external_id="CRM-001"
            ),
            "globex": CustomerCreate(name="Globex Corporation", website="globex.com", country="US", employee_band="5001-10000", external_id="CRM-002"),
            "initech": CustomerCreate(name="Initech Ltd", website="initech.co.uk", country="GB", external_id="CRM-003"),
            "umbrella": CustomerCreate(name="Umbrella Pharma AG", country="CH"),
        }.items():
            ids[key] = customer_service.create_customer(session, operator, data=data).id
        customer_service.change_customer_ownership(
            session,
            operator,
            customer_id=ids["globex"],
            change=OwnershipChange(status=Ownership.SI_PROTECTED, owning_partner_id=world.a.id, protected_until=LATER, reason="Northwind sourced the deal"),
        )
    return ids


def names_in_table(response) -> list[str]:  # type: ignore[no-untyped-def]
    table = soup(response).find("table", id="customers")
    return [] if table is None else [row.find("td").find("a").get_text(strip=True) for row in table.find("tbody").find_all("tr")]


def stored(db, customer_id):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test check"), write=False) as session:
        customer = CustomerRepository(session).get(customer_id)
        if customer is not None:
            session.expunge(customer)
        return customer


def customer_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test check"), write=False) as session:
        return CustomerRepository(session).count()


def audit_actions(db) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    with db.session_scope(PartnerScope.system(reason="test check"), write=False) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


class TestCustomerList:
    def test_lists_customers_with_ownership_badges(self, client, login, customers):
        login("executive")
        response = client.get("/console/customers")
        assert response.status_code == 200
        assert names_in_table(response) == ["Acme Analytics GmbH", "Globex Corporation", "Initech Ltd", "Umbrella Pharma AG"]
        rows = {row.find("td").get_text(strip=True): row for row in soup(response).find("table", id="customers").find("tbody").find_all("tr")}
        badge = rows["Globex Corporation"].find(class_="ownership").get_text(" ", strip=True)
        assert "SI-protected" in badge and "Northwind Consulting" in badge and f"until {LATER}" in badge
        assert rows["Acme Analytics GmbH"].find(class_="ownership").get_text(strip=True) == "Open"
        assert "Showing 1–4 of 4 customers" in soup(response).find(class_="pager").get_text()

    def test_filters(self, client, login, world, customers):
        login("admin")
        assert names_in_table(client.get("/console/customers?q=CRM-003")) == ["Initech Ltd"]
        assert names_in_table(client.get("/console/customers?q=https://acme-analytics.de/about")) == ["Acme Analytics GmbH"]
        assert names_in_table(client.get("/console/customers?q=umbrel")) == ["Umbrella Pharma AG"]
        assert names_in_table(client.get("/console/customers?country=uk")) == ["Initech Ltd"]
        assert names_in_table(client.get("/console/customers?ownership=si_protected")) == ["Globex Corporation"]
        assert names_in_table(client.get(f"/console/customers?owner={world.a.id}")) == ["Globex Corporation"]
        assert names_in_table(client.get("/console/customers?ownership=vendor_direct")) == []
        page = soup(client.get("/console/customers?ownership=open&country=DE&q=acme"))
        assert page.find("select", {"name": "ownership"}).find("option", selected=True)["value"] == "open"
        assert page.find("input", {"name": "country"})["value"] == "DE"
        assert page.find("input", {"name": "q"})["value"] == "acme"

    def test_bad_filter_values_filter_nothing_and_say_so(self, client, login, customers):
        login("admin")
        response = client.get("/console/customers?country=Germany&ownership=stolen&owner=abc&sort=password")
        assert response.status_code == 200
        assert len(names_in_table(response)) == 4
        text = soup(response).get_text()
        assert "'Germany' is not a two-letter country code" in text and "Cannot sort by 'password'" in text

    def test_sorting_and_paging(self, client, login, customers):
        login("admin")
        # Where a customer without an external id goes differs between databases; the rest do not.
        by_external_id = [n for n in names_in_table(client.get("/console/customers?sort=-external_id")) if n != "Umbrella Pharma AG"]
        assert by_external_id == ["Initech Ltd", "Globex Corporation", "Acme Analytics GmbH"]
        assert names_in_table(client.get("/console/customers?sort=country")) == [
            "Umbrella Pharma AG",
            "Acme Analytics GmbH",
            "Initech Ltd",
            "Globex Corporation",
        ]
        first = client.get("/console/customers?limit=3")
        assert len(names_in_table(first)) == 3
        second = client.get("/console/customers" + soup(first).find("a", rel="next")["href"])
        assert names_in_table(second) == ["Umbrella Pharma AG"]

    def test_read_only_roles_get_no_buttons_and_no_forms(self, client, login, db, customers):
        login("executive")
        assert soup(client.get("/console/customers")).find("a", string="New customer") is None
        detail = soup(client.get(f"/console/customers/{customers['acme']}"))
        assert detail.find("a", string="Edit customer") is None and detail.find(id="change-ownership") is None
        assert client.get("/console/customers/new").status_code == 403
        assert client.get(f"/console/customers/{customers['acme']}/edit").status_code == 403
        assert post(client, "/console/customers/new", {"name": "Sneaky Co"}).status_code == 403
        assert post(client, f"/console/customers/{customers['acme']}/edit", {"name": "Renamed"}).status_code == 403
        assert post(client, f"/console/customers/{customers['acme']}/ownership", {"status": "vendor_direct", "reason": "mine now"}).status_code == 403
        assert stored(db, customers["acme"]).name == "Acme Analytics GmbH"
        assert stored(db, customers["acme"]).ownership == Ownership.OPEN


NEW_CUSTOMER = {"name": "Hooli Inc", "website": "hooli.xyz", "country": "us", "industry": "Internet", "employee_band": "1001-5000", "external_id": "CRM-100"}


class TestCreateCustomer:
    def test_valid_form_creates_and_redirects_with_a_flash(self, client, login, db, customers):
        login("cam")
        response = post(client, "/console/customers/new", NEW_CUSTOMER)
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        assert page.find("h1").get_text(strip=True) == "Hooli Inc"
        assert "Hooli Inc was added to the customers." in page.find(class_="flash-success").get_text()
        created = stored(db, int(response.headers["location"].rsplit("/", 1)[1]))
        assert created.country == "US" and created.employee_band == "1001-5000" and created.ownership == Ownership.OPEN
        assert audit_actions(db)[-1] == "customer.created"

    def test_a_near_duplicate_is_shown_first_and_nothing_is_written(self, client, login, db, customers):
        login("cam")
        before = customer_count(db)
        response = post(client, "/console/customers/new", {"name": "ACME Analytics", "website": "acme-analytics.de", "country": "DE"})
        assert response.status_code == 409
        page = soup(response)
        warning = page.find(id="duplicates")
        assert "Possible duplicates" in warning.get_text()
        assert warning.find("a", href=f"/console/customers/{customers['acme']}").get_text(strip=True) == "Acme Analytics GmbH"
        assert "Same name" in warning.get_text() and "%" in warning.find(class_="score").get_text()
        assert page.find("input", {"name": "name"})["value"] == "ACME Analytics"
        assert page.find("button", {"name": "create_anyway"}) is not None
        assert customer_count(db) == before
        # The plain button again: still only the warning.
        assert post(client, "/console/customers/new", {"name": "ACME Analytics", "country": "DE"}).status_code == 409
        assert customer_count(db) == before

    def test_create_anyway_confirms_the_candidates_that_were_shown(self, client, login, db, customers):
        login("cam")
        acknowledged = str(customers["acme"])
        # Renamed to look like another customer after the warning: warn again about that one.
        response = post(client, "/console/customers/new", {"name": "Initech", "country": "GB", "acknowledged": acknowledged, "create_anyway": "1"})
        assert response.status_code == 409
        assert "Initech Ltd" in soup(response).find(id="duplicates").get_text()
        response = post(client, "/console/customers/new", {"name": "ACME Analytics", "country": "DE", "acknowledged": acknowledged, "create_anyway": "1"})
        assert response.status_code == 303
        assert stored(db, int(response.headers["location"].rsplit("/", 1)[1])).name == "ACME Analytics"

    def test_a_picked_suggestion_opens_the_known_customer(self, client, login, db, customers):
        login("cam")
        before = customer_count(db)
        response = post(client, "/console/customers/new", {"name": "Globex Corporation", "customer_id": str(customers["globex"])})
        assert response.status_code == 303 and response.headers["location"] == f"/console/customers/{customers['globex']}"
        assert "already a customer; nothing was created" in soup(client.get(response.headers["location"])).find(class_="flash-info").get_text()
        assert customer_count(db) == before

    def test_the_form_includes_the_suggestion_widget(self, client, login):
        login("admin")
        page = soup(client.get("/console/customers/new"))
        widget = page.find(id="customer-suggest")
        assert widget["data-url"] == "/customers/suggest" and widget["data-name-field"] == "name"
        assert page.find("input", {"type": "hidden", "name": "customer_id", "id": "customer-suggest-id"}) is not None
        assert page.find("script", src="/static/customer-suggest.js") is not None
        assert client.get("/static/customer-suggest.js").status_code == 200

    def test_bad_input_is_shown_next_to_the_fields_and_nothing_is_written(self, client, login, db, customers):
        login("admin")
        before = (customer_count(db), len(audit_actions(db)))
        response = post(client, "/console/customers/new", {"name": "  ", "website": "not a website", "country": "Germany", "employee_band": "lots"})
        assert response.status_code == 422
        page = soup(response)
        assert field_error(page, "f-name")
        assert "web address" in field_error(page, "f-website")
        assert "two-letter country code" in field_error(page, "f-country")
        assert field_error(page, "f-employee_band")
        assert page.find("input", {"name": "website"})["value"] == "not a website"
        assert (customer_count(db), len(audit_actions(db))) == before

    def test_a_taken_external_id_is_shown_at_the_field(self, client, login, db, customers):
        login("admin")
        response = post(client, "/console/customers/new", {"name": "Brand New Company", "external_id": "CRM-001"})
        assert response.status_code == 409
        assert "already in use" in field_error(soup(response), "f-external_id")


class TestEditCustomer:
    def test_prefilled_form(self, client, login, customers):
        login("cam")
        page = soup(client.get(f"/console/customers/{customers['acme']}/edit"))
        assert page.find("input", {"name": "name"})["value"] == "Acme Analytics GmbH"
        assert page.find("input", {"name": "external_id"})["value"] == "CRM-001"
        assert page.find(id="customer-suggest") is None

    def test_save_redirects_and_audits_with_the_reason(self, client, login, db, customers):
        login("cam")
        values = {
            "name": "Acme Analytics SE",
            "website": "https://www.acme-analytics.de",
            "country": "DE",
            "industry": "Software",
            "external_id": "CRM-001",
            "reason": "Legal form changed",
        }
        response = post(client, f"/console/customers/{customers['acme']}/edit", values)
        assert response.status_code == 303
        assert "Customer saved." in soup(client.get(response.headers["location"])).find(class_="flash-success").get_text()
        assert stored(db, customers["acme"]).name == "Acme Analytics SE"
        assert audit_actions(db)[-1] == "customer.updated"

    def test_unchanged_form_changes_nothing(self, client, login, db, customers):
        login("cam")
        before = audit_actions(db)
        values = {"name": "Umbrella Pharma AG", "country": "CH", "website": "", "industry": "", "external_id": "", "employee_band": ""}
        response = post(client, f"/console/customers/{customers['umbrella']}/edit", values)
        assert response.status_code == 303
        assert "Nothing changed." in soup(client.get(response.headers["location"])).find(class_="flash-info").get_text()
        assert audit_actions(db) == before

    def test_bad_input_writes_nothing(self, client, login, db, customers):
        login("cam")
        for values, field in (
            ({"name": "", "country": "DE"}, "f-name"),
            ({"name": "Acme", "country": "DEU"}, "f-country"),
            ({"name": "Acme", "external_id": "CRM-002"}, "f-external_id"),
        ):
            response = post(client, f"/console/customers/{customers['acme']}/edit", values)
            assert response.status_code in (409, 422), values
            assert field_error(soup(response), field), values
        assert stored(db, customers["acme"]).name == "Acme Analytics GmbH"


class TestOwnership:
    def test_cam_protects_an_account_for_an_integrator(self, client, login, db, world, customers):
        login("cam")
        form = soup(client.get(f"/console/customers/{customers['acme']}")).find(id="change-ownership")
        options = [o.get_text(strip=True) for o in form.find("select", {"name": "owning_partner_id"}).find_all("option")]
        assert "Northwind Consulting" in options and "Blue Harbor" not in options  # integrators only
        response = post(
            client,
            f"/console/customers/{customers['acme']}/ownership",
            {"status": "si_protected", "owning_partner_id": str(world.a.id), "protected_until": LATER, "reason": "Joint pursuit since Q1"},
        )
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        ownership = page.find(id="ownership").get_text(" ", strip=True)
        assert "SI-protected" in ownership and "Northwind Consulting" in ownership and LATER in ownership and "Joint pursuit since Q1" in ownership
        # A CAM reads the account's ownership history (though not the rest of the audit trail).
        [event] = page.find(id="ownership-events").find_all("li")
        assert "Joint pursuit since Q1" in event.get_text(" ", strip=True)
        customer = stored(db, customers["acme"])
        assert customer.ownership == Ownership.SI_PROTECTED and customer.protection_reason == "Joint pursuit since Q1"

    def test_history_from_the_audit_trail(self, client, login, customers):
        login("admin")
        response = post(
            client,
            f"/console/customers/{customers['globex']}/ownership",
            {"status": "vendor_direct", "reason": "Strategic account", "owning_partner_id": "", "protected_until": ""},
        )
        assert response.status_code == 303
        events = soup(client.get(f"/console/customers/{customers['globex']}")).find(id="ownership-events").find_all("li")
        assert len(events) == 2
        newest, oldest = (e.get_text(" ", strip=True) for e in events)
        assert "Strategic account" in newest and "SI-protected" in newest and "Vendor direct" in newest and "Northwind Consulting" in newest
        assert "Northwind sourced the deal" in oldest and "Open" in oldest

    def test_reason_is_required(self, client, login, db, world, customers):
        login("cam")
        before = audit_actions(db)
        response = post(client, f"/console/customers/{customers['acme']}/ownership", {"status": "vendor_direct", "reason": ""})
        assert response.status_code == 422
        page = soup(response)
        assert field_error(page, "own-reason")
        assert page.find(id="change-ownership").has_attr("open")
        assert stored(db, customers["acme"]).ownership == Ownership.OPEN and audit_actions(db) == before

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"status": "si_protected"}, "own-owning_partner_id"),
            ({"status": "si_protected", "owning_partner_id": "B", "protected_until": LATER}, "own-owning_partner_id"),
            ({"status": "si_protected", "owning_partner_id": "A", "protected_until": "2001-01-01"}, "own-protected_until"),
            ({"status": "si_protected", "owning_partner_id": "A", "protected_until": "2024-13-45"}, "own-protected_until"),
            ({"status": "stolen"}, "own-status"),
        ],
    )
    def test_rule_violations_are_shown_at_the_field(self, client, login, db, world, customers, fields, field):
        login("admin")
        ids = {"A": str(world.a.id), "B": str(world.b.id)}  # B, Blue Harbor, is a reseller
        values = {**fields, "reason": "Testing the rules"}
        if "owning_partner_id" in values:
            values["owning_partner_id"] = ids[values["owning_partner_id"]]
        response = post(client, f"/console/customers/{customers['acme']}/ownership", values)
        assert response.status_code == 422
        assert field_error(soup(response), field)
        assert stored(db, customers["acme"]).ownership == Ownership.OPEN

    def test_opening_an_account_ignores_the_prefilled_owner(self, client, login, db, world, customers):
        login("admin")
        response = post(
            client,
            f"/console/customers/{customers['globex']}/ownership",
            {"status": "open", "owning_partner_id": str(world.a.id), "protected_until": LATER, "reason": "Protection lapsed"},
        )
        assert response.status_code == 303
        customer = stored(db, customers["globex"])
        assert customer.ownership == Ownership.OPEN and customer.owning_partner_id is None and customer.protected_until is None

    def test_unknown_customer_is_404(self, client, login):
        login("admin")
        assert client.get("/console/customers/987654").status_code == 404
        assert post(client, "/console/customers/987654/ownership", {"status": "open", "reason": "nobody"}).status_code == 404
        assert post(client, "/console/customers/987654/edit", {"name": "Nobody"}).status_code == 404


OWNERSHIP_WORDS = ("si_protected", "SI-protected", "vendor_direct", "ownership", "owning", "protected", "protection", "Northwind", "Northwind sourced", LATER)


class TestPartnerUsers:
    @pytest.mark.parametrize("who", ["a_user", "b_admin"])
    def test_every_console_customer_page_is_404(self, client, login, db, customers, who):
        login(who)
        acme = customers["acme"]
        for method, url in (
            ("GET", "/console/customers"),
            ("GET", "/console/customers?q=acme"),
            ("GET", "/console/customers/new"),
            ("GET", f"/console/customers/{acme}"),
            ("GET", f"/console/customers/{acme}/edit"),
            ("POST", "/console/customers/new"),
            ("POST", f"/console/customers/{acme}/edit"),
            ("POST", f"/console/customers/{acme}/ownership"),
        ):
            response = post(client, url, {"name": "Mole", "status": "vendor_direct", "reason": "take it"}) if method == "POST" else client.get(url)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Acme" not in response.text
        assert stored(db, acme).name == "Acme Analytics GmbH" and stored(db, acme).ownership == Ownership.OPEN

    def test_suggestions_give_a_partner_identities_only(self, client, login, customers):
        login("b_user")  # Blue Harbor: Globex is protected by another partner, Northwind
        response = client.get("/customers/suggest", params={"name": "Globex Corp", "website": "www.globex.com"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"
        candidates = response.json()["candidates"]
        assert [c["name"] for c in candidates] == ["Globex Corporation"]
        assert set(candidates[0]) == {"customer_id", "name", "website", "country", "score", "reason"}
        assert candidates[0]["score"] >= 90 and "website" in candidates[0]["reason"]
        assert not [word for word in OWNERSHIP_WORDS if word.lower() in response.text.lower()]

    def test_suggestions_for_near_names_typos_and_half_typed_fields(self, client, login, customers):
        login("a_user")
        assert [c["name"] for c in client.get("/customers/suggest?name=Acme%20Analytcs").json()["candidates"]] == ["Acme Analytics GmbH"]
        # A country or website still being typed does not stop the name from suggesting.
        assert client.get("/customers/suggest?name=Initech&country=G&website=http://").json()["candidates"][0]["name"] == "Initech Ltd"
        for url in ("/customers/suggest?name=ac", "/customers/suggest?name=%21%21%21%21", "/customers/suggest", "/customers/suggest?name=Zyxwvut%20Quorp"):
            response = client.get(url)
            assert response.status_code == 200 and response.json() == {"candidates": []}, url
        assert client.get(f"/customers/suggest?name={LONG}").status_code == 422

    def test_anonymous_visitors_are_sent_to_login(self, client, customers):
        response = client.get("/customers/suggest?name=Globex", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_bad_urls_and_forms_never_fail(client, login, db, world, customers):
    login("admin")
    for url in (
        "/console/customers/0",
        "/console/customers/-3",
        "/console/customers/abc",
        f"/console/customers/{HUGE}",
        f"/console/customers/{HUGE}/edit",
        f"/console/customers?limit={HUGE}",
        "/console/customers?offset=x",
        f"/console/customers?q={LONG}",
        f"/console/customers?owner={HUGE}",
        f"/console/customers?country={LONG[:50]}",
        "/console/customers?sort=-",
        "/console/customers?q=%25_%5C",
        f"/console/customers?sort={LONG[:40]}",
        f"/customers/suggest?name=abc&website={LONG[:200]}&country=ZZ",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (url, response.status_code)
    acme = customers["acme"]
    for url, fields in (
        ("/console/customers/new", {"name": LONG, "website": "javascript:alert(1)"}),
        ("/console/customers/new", {"name": "Valid Co", "unexpected": "x", "ownership": "si_protected"}),
        ("/console/customers/new", {"name": "Valid Co", "customer_id": "987654"}),
        (f"/console/customers/{acme}/edit", {"name": "Valid Co", "ownership": "vendor_direct"}),
        (f"/console/customers/{acme}/edit", {"external_id": LONG, "industry": LONG}),
        (f"/console/customers/{acme}/ownership", {"status": "si_protected", "owning_partner_id": HUGE, "protected_until": "9999-12-31", "reason": "x" * 2000}),
        (f"/console/customers/{acme}/ownership", {"status": "si_protected", "owning_partner_id": "-1", "protected_until": "0000-00-00", "reason": "ok reason"}),
    ):
        response = post(client, url, fields)
        assert response.status_code in (404, 409, 422), (url, fields, response.status_code)
    assert stored(db, acme).name == "Acme Analytics GmbH"


def test_every_console_customer_route_is_vendor_only_and_suggest_needs_login():
    from fastapi.routing import APIRoute

    from alliance.web import customers as pages
    from alliance.web.deps import vendor_actor, web_actor

    def depends_on(route: APIRoute, target: object) -> bool:
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            if dependant.call is target:
                return True
            stack.extend(dependant.dependencies)
        return False

    routes = [route for route in pages.router.routes if isinstance(route, APIRoute)]
    console = [route for route in routes if route.path.startswith("/console/")]
    assert len(console) == 8 and all(depends_on(route, vendor_actor) for route in console)
    assert {route.path for route in routes} - {route.path for route in console} == {"/customers/suggest"}
    assert all(depends_on(route, web_actor) for route in routes)


class TestLikelyDuplicates:
    def test_the_console_lists_imported_likely_duplicates(self, client, login, db, world):
        import io

        from alliance.customers import importer

        csv_text = "external_id,name,website,country\nC-1,Acme Analytics Inc,acme-analytics.com,US\nC-9,ACME Analytics,www.acme-analytics.com,US\n"
        with db.session_scope(PartnerScope.system(reason="test import")) as session:
            summary = importer.import_customers(session, Actor.system(label="test"), source=io.BytesIO(csv_text.encode()), source_name="crm.csv")
        assert (summary.inserted, summary.duplicates) == (2, 1)
        login("cam")
        page = soup(client.get("/console/customers/duplicates"))
        [row] = page.select("#duplicates tbody tr")
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert cells[:3] == ["ACME Analytics C-9", "Acme Analytics Inc C-1", "same website domain (acme-analytics.com)"]
        login("a_admin")
        assert client.get("/console/customers/duplicates").status_code in (403, 404)
