"""Co-sell pages: partners ask for vendor help on a registration; vendor teams work their queues,
act on and assign requests, and see SLA breaches."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from tests.factories.cosell import build_cosell
from tests.factories.world import password_hash
from tests.web.client import post, soup
from tests.web.test_registration_pages import errors_of


@pytest.fixture
def cosell(db, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A and B's project registrations with a request each, and a co-sell resource who can log in."""
    built: dict[str, Any] = build_cosell(db, world)
    with db.session_scope(PartnerScope.system(reason="test co-sell resource")) as session:
        data = UserCreate(email="sean@vendor.example", name="Sean Specialist", role=Role.COSELL_RESOURCE)
        user = identity_service.create_user(session, Actor.system(label="test-setup"), data=data)
        user.password_hash = password_hash()
        world.emails["resource"], built["resource_id"] = user.email, user.id
    return built


def request_form(**changes: Any) -> dict[str, Any]:
    values = {
        "request_type": "solution_architect",
        "needed_by": (clock.today() + timedelta(days=10)).isoformat(),
        "description": "Architecture review before the steering committee",
        "customer_context": "Hospital group, 40 sites",
    }
    return {**values, **changes}


def detail_url(cosell: dict[str, Any], key: str = "a") -> str:
    return f"/console/cosell/requests/{cosell[key]['request_id']}"


class TestPortal:
    def test_partner_requests_help_from_the_registration_page(self, client, login, cosell):
        login("a_user")
        registration = f"/portal/registrations/{cosell['a']['registration_id']}"
        page = soup(client.get(registration))
        assert page.find(id="cosell-request-form") is not None
        assert len(page.select("#cosell-requests tbody tr")) == 1
        response = post(client, f"{registration}/cosell", request_form(), token_from=registration)
        assert response.status_code == 303
        page = soup(client.get(registration))
        rows = page.select("#cosell-requests tbody tr")
        assert len(rows) == 2 and "Due in" in rows[0].get_text()
        listed = soup(client.get("/portal/cosell")).select("#cosell-requests tbody tr")
        assert len(listed) == 2

    def test_field_errors_keep_values_and_write_nothing(self, client, login, cosell):
        login("a_user")
        registration = f"/portal/registrations/{cosell['a']['registration_id']}"
        response = post(client, f"{registration}/cosell", {"customer_context": "Kept"}, token_from=registration)
        assert response.status_code == 422
        errors = errors_of(response)
        assert {"request_type", "needed_by", "description"} <= set(errors)
        assert soup(response).find("textarea", {"name": "customer_context"}).get_text() == "Kept"
        past = post(client, f"{registration}/cosell", request_form(needed_by=(clock.today() - timedelta(days=1)).isoformat()))
        assert past.status_code == 422 and "needed_by" in errors_of(past)
        assert len(soup(client.get("/portal/cosell")).select("#cosell-requests tbody tr")) == 1

    def test_partner_a_cannot_request_on_or_see_partner_b_records(self, client, login, cosell):
        login("a_admin")
        b_registration = f"/portal/registrations/{cosell['b']['registration_id']}"
        assert post(client, f"{b_registration}/cosell", request_form(), token_from="/portal/cosell").status_code == 404
        assert client.get(b_registration).status_code == 404
        assert client.get(detail_url(cosell, "b")).status_code == 404
        text = client.get("/portal/cosell").text
        assert f"Registration #{cosell['b']['registration_id']}" not in text


class TestConsole:
    def test_queue_filters_by_team_and_status(self, client, login, cosell):
        login("admin")
        page = soup(client.get("/console/cosell"))
        assert len(page.select("#cosell-queue tbody tr")) == 2
        assert "Due in" in page.select("#cosell-queue tbody tr")[0].get_text()
        team = page.find("select", {"name": "team"}).find_all("option")[1]["value"]
        filtered = soup(client.get(f"/console/cosell?team={team}&status=new")).select("#cosell-queue tbody tr")
        everything = soup(client.get("/console/cosell?team=junk&status=nonsense")).select("#cosell-queue tbody tr")
        assert len(filtered) <= 2 and len(everything) == 2
        assert soup(client.get("/console/cosell?status=completed")).select("#cosell-queue tbody tr") == []

    def test_registration_detail_links_its_requests_and_plan(self, client, login, cosell):
        login("cam")
        page = soup(client.get(f"/console/registrations/{cosell['a']['registration_id']}"))
        assert page.find(id="plan-link")["href"] == f"/console/cosell/plans/{cosell['a']['plan_id']}"
        assert page.select_one(f"#cosell-requests a[href='{detail_url(cosell, 'a')}']") is not None
        assert page.find(id="cosell-request-form") is None

    def test_breached_requests_are_flagged_and_listed(self, client, login, cosell):
        login("admin")
        assert soup(client.get("/console/cosell/breaches")).select("#cosell-breaches tbody tr") == []
        clock.freeze(clock.now() + timedelta(days=10))
        login("admin")  # ten days on, the session has long been idle
        assert len(soup(client.get("/console/cosell/breaches")).select("#cosell-breaches tbody tr")) == 2
        assert "Breached" in soup(client.get("/console/cosell")).select("#cosell-queue tbody tr")[0].get_text()

    def test_cam_reads_but_cannot_act(self, client, login, cosell):
        login("cam")
        page = soup(client.get(detail_url(cosell, "a")))
        assert page.find(id="actions") is None
        response = post(client, f"{detail_url(cosell, 'a')}/actions", {"action": "accept"}, token_from="/console/cosell")
        assert response.status_code == 403
        assert "cannot accept, start, decline, complete and assign co-sell requests" in soup(response).select_one(".flash-error").get_text()

    def test_ps_lead_accepts_assigns_and_completes(self, client, login, cosell):
        login("ps_lead")
        url = detail_url(cosell, "a")
        declined = post(client, f"{url}/actions", {"action": "decline", "reason": ""}, token_from=url)
        assert declined.status_code == 422 and "reason" in errors_of(declined)
        assert post(client, f"{url}/actions", {"action": "accept"}).status_code == 303
        wrong = post(client, f"{url}/assign", {"assignee_user_id": str(cosell["resource_id"] + 1000)})
        assert wrong.status_code == 422 and "assignee_user_id" in errors_of(wrong)
        assert post(client, f"{url}/assign", {"assignee_user_id": str(cosell["resource_id"])}).status_code == 303
        assert soup(client.get(url)).find(id="assignee").get_text(strip=True) == "Sean Specialist"
        unrated = post(client, f"{url}/actions", {"action": "complete", "notes": "Won the bake-off"})
        assert unrated.status_code == 422 and "outcome_rating" in errors_of(unrated)
        assert post(client, f"{url}/actions", {"action": "complete", "outcome_rating": "4", "notes": "Won the bake-off"}).status_code == 303
        page = soup(client.get(url))
        assert "4 / 5" in page.get_text() and "Completed" in page.select_one(".page-header").get_text()
        assert post(client, f"{url}/actions", {"action": "bogus"}).status_code == 404

    def test_cosell_resource_sees_my_requests(self, client, login, cosell):
        login("ps_lead")
        url = detail_url(cosell, "b")
        assert post(client, f"{url}/assign", {"assignee_user_id": str(cosell["resource_id"])}, token_from=url).status_code == 303
        login("resource")
        mine = soup(client.get("/console/cosell?mine=1")).select("#cosell-queue tbody tr")
        assert [row["id"] for row in mine] == [f"cosell-request-{cosell['b']['request_id']}"]
        assert len(soup(client.get("/console/cosell")).select("#cosell-queue tbody tr")) == 2


class TestPlans:
    def test_both_sides_sign_then_a_new_version_shows_its_changes(self, client, login, cosell):
        plan = cosell["a"]["plan_id"]
        login("a_admin")
        registration = soup(client.get(f"/portal/registrations/{cosell['a']['registration_id']}"))
        assert registration.find(id="plan-link")["href"] == f"/portal/cosell/plans/{plan}"
        page = soup(client.get(f"/portal/cosell/plans/{plan}"))
        assert len(page.select("#plan-rows tbody tr")) == 2
        assert post(client, f"/portal/cosell/plans/{plan}/sign", {"version_id": cosell["a"]["version_id"]}, token_from="/portal/cosell").status_code == 303
        login("ps_lead")
        url = f"/console/cosell/plans/{plan}"
        assert post(client, f"{url}/sign", {"version_id": cosell["a"]["version_id"]}, token_from=url).status_code == 303
        assert "Agreed" in soup(client.get(url)).select_one(".page-header").get_text()
        rows = {
            "activities.0.activity": "implementation",
            "activities.0.lead": "vendor_ps",
            "activities.0.effort_days": "40",
            "activities.1.activity": "",
            "activities.1.lead": "",  # blank: ignored
            "activities.2.activity": "training",
            "activities.2.lead": "joint",
            "note": "Vendor PS leads the build",
        }
        assert post(client, f"{url}/versions", rows).status_code == 303
        page = soup(client.get(url))
        assert len(page.select("#plan-rows tbody tr")) == 2
        assert page.select("#changes li") and "Implementation" in page.find(id="changes").get_text()

    def test_row_errors_name_the_form_row_and_readers_cannot_sign(self, client, login, cosell):
        plan = cosell["a"]["plan_id"]
        login("ps_lead")
        url = f"/console/cosell/plans/{plan}"
        bad = {"activities.0.activity": "", "activities.3.activity": "custom", "activities.3.lead": "si"}
        response = post(client, f"{url}/versions", bad, token_from=url)
        assert response.status_code == 422 and "activities.3.label" in errors_of(response)
        assert post(client, f"{url}/versions", {"activities.0.activity": ""}).status_code == 422
        login("cam")
        assert soup(client.get(url)).find(id="propose") is None
        assert post(client, f"{url}/sign", {"version_id": cosell["a"]["version_id"]}, token_from=url).status_code == 403
        login("a_user")
        assert (
            post(client, f"/portal/cosell/plans/{cosell['b']['plan_id']}/sign", {"version_id": cosell["b"]["version_id"]}, token_from="/portal").status_code
            == 404
        )

    def test_an_open_dispute_is_listed_and_holds_signing_back(self, client, login, cosell):
        """Defect 5: the plan page names the open dispute on its activity, offers no signing, and a
        forged sign post is refused with the dispute named."""
        plan, url = cosell["a"]["plan_id"], f"/portal/cosell/plans/{cosell['a']['plan_id']}"
        login("a_admin")
        assert soup(client.get(url)).select_one("#signoff form") is not None
        opened = post(client, f"{url}/disputes", {"activity_id": str(cosell["a"]["activity_id"]), "subject": "Who leads implementation"}, token_from=url)
        assert opened.status_code == 303
        for who, page_url in (("a_admin", url), ("ps_lead", f"/console/cosell/plans/{plan}")):
            login(who)
            page = soup(client.get(page_url))
            listed = page.select("#open-disputes li")
            assert len(listed) == 1 and "Implementation" in listed[0].get_text() and "Who leads implementation" in listed[0].get_text()
            assert "In dispute" in page.select("#plan-rows tbody tr")[0].get_text()
            assert page.select_one("#signoff form") is None and page.find(id="sign-held") is not None
            refused = post(client, f"{page_url}/sign", {"version_id": cosell["a"]["version_id"]}, token_from=page_url)
            assert refused.status_code == 409 and "on Implementation is open" in soup(refused).select_one(".flash-error").get_text()


class TestEngagements:
    def staff_form(self, world, customer_id: int, **changes: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        values = {
            "customer_id": str(customer_id),
            "activity": "implementation",
            "staffed_user_id": str(world.users["ps_lead"]),
            "starts_on": clock.today().isoformat(),
        }
        return {**values, **changes}

    def test_blocked_engagement_shows_the_rule_and_way_forward_and_admin_overrides(self, client, login, world, db):
        from tests.factories.engagements import protected_account

        account = protected_account(db, world, "a")
        login("ps_lead")
        response = post(client, "/console/engagements", self.staff_form(world, account.customer_id), token_from="/console/engagements")
        assert response.status_code == 409
        callout = soup(response).find(id="blocked")
        assert "SI-protected" in callout.select_one(".rule").get_text() and "consent" in callout.select_one(".way-forward").get_text()
        assert soup(response).find("textarea", {"name": "override_reason"}) is None
        login("admin")
        blocked = post(client, "/console/engagements", self.staff_form(world, account.customer_id), token_from="/console/engagements")
        assert blocked.status_code == 409 and soup(blocked).find("textarea", {"name": "override_reason"}) is not None
        done = post(client, "/console/engagements", self.staff_form(world, account.customer_id, override_reason="Customer escalation, SI unavailable"))
        assert done.status_code == 303
        page = soup(client.get("/console/engagements"))
        assert len(page.select("#engagements tbody tr")) == 1 and "Customer escalation" in page.find(id="violations").get_text()

    def test_field_errors_and_roles_without_rights(self, client, login, world, db):
        login("ps_lead")
        response = post(client, "/console/engagements", {"activity": "implementation"}, token_from="/console/engagements")
        assert response.status_code == 422 and {"customer_name", "staffed_user_id", "starts_on"} <= set(errors_of(response))
        login("cam")
        assert soup(client.get("/console/engagements")).find(id="staff-form") is None
        refused = post(client, "/console/engagements", self.staff_form(world, 1), token_from="/console/engagements")
        assert refused.status_code == 403


class TestDisputes:
    def test_partner_opens_a_dispute_and_the_ladder_decides_it(self, client, login, cosell):
        plan, activity = cosell["a"]["plan_id"], cosell["a"]["activity_id"]
        login("a_user")
        url = f"/portal/cosell/plans/{plan}"
        assert soup(client.get(url)).find(id="dispute") is None
        assert post(client, f"{url}/disputes", {"activity_id": activity, "subject": "We lead the build"}, token_from=url).status_code == 403
        login("a_admin")
        missing = post(client, f"{url}/disputes", {"activity_id": str(activity), "subject": ""}, token_from=url)
        assert missing.status_code == 422 and "subject" in errors_of(missing)
        no_activity = post(client, f"{url}/disputes", {"subject": "We lead the build"})
        assert no_activity.status_code == 422 and errors_of(no_activity)["activity_id"] == "Choose the activity in dispute."
        opened = post(client, f"{url}/disputes", {"activity_id": str(activity), "subject": "We lead the build"})
        assert opened.status_code == 303 and opened.headers["location"] == "/portal/disputes"
        assert "We lead the build" in soup(client.get("/portal/disputes")).find(id="disputes").get_text()

        login("cam")
        board = soup(client.get("/console/disputes"))
        dispute = board.select_one("#level-0 article")
        dispute_id = int(dispute["id"].split("-")[1])
        unreasoned = post(client, f"/console/disputes/{dispute_id}/decision", {"lead": "si", "rationale": ""}, token_from="/console/disputes")
        assert unreasoned.status_code == 422 and "rationale" in errors_of(unreasoned)
        assert post(client, f"/console/disputes/{dispute_id}/escalate", {"reason": "Needs the channel director"}).status_code == 303
        board = soup(client.get("/console/disputes"))
        assert board.select_one("#level-1 article") is not None and board.select_one("#level-1 form[action$='/decision']") is None
        assert "decided here by a program admin" in board.select_one("#level-1 article").get_text(" ", strip=True)
        assert post(client, f"/console/disputes/{dispute_id}/decision", {"lead": "si", "rationale": "The SI scoped it"}).status_code == 403
        login("admin")
        decided = post(
            client, f"/console/disputes/{dispute_id}/decision", {"lead": "joint", "rationale": "Both sides staff it"}, token_from="/console/disputes"
        )
        assert decided.status_code == 303
        assert "Both sides staff it" in soup(client.get("/console/disputes")).find(id="resolved").get_text()
        assert post(client, "/console/disputes/987654/decision", {"lead": "si", "rationale": "Nothing"}).status_code == 404


class TestConsents:
    def test_partner_admin_gives_and_revokes_consent_which_unblocks_staffing(self, client, login, world, db):
        from tests.factories.engagements import protected_account

        account = protected_account(db, world, "a")
        login("a_user")
        assert soup(client.get("/portal/consents")).find(id="consent-form") is None
        login("a_admin")
        page = soup(client.get("/portal/consents"))
        assert page.find("select", {"name": "customer_id"}).find("option", {"value": str(account.customer_id)}) is not None
        past = post(
            client, "/portal/consents", {"customer_id": str(account.customer_id), "expires_on": clock.today().isoformat()}, token_from="/portal/consents"
        )
        assert past.status_code == 422 and "expires_on" in errors_of(past)
        assert post(client, "/portal/consents", {"expires_on": (clock.today() + timedelta(days=30)).isoformat()}).status_code == 422
        until = (clock.today() + timedelta(days=30)).isoformat()
        assert post(client, "/portal/consents", {"customer_id": str(account.customer_id), "activity": "implementation", "expires_on": until}).status_code == 303
        row = soup(client.get("/portal/consents")).select_one("#consents tbody tr")
        assert "Active" in row.get_text()
        login("ps_lead")
        staffed = post(client, "/console/engagements", TestEngagements().staff_form(world, account.customer_id), token_from="/console/engagements")
        assert staffed.status_code == 303
        login("a_admin")
        consent_id = int(row["id"].split("-")[1])
        unreasoned = post(client, f"/portal/consents/{consent_id}/revoke", {"reason": ""}, token_from="/portal/consents")
        assert unreasoned.status_code == 422
        assert post(client, f"/portal/consents/{consent_id}/revoke", {"reason": "Our team is back on it"}).status_code == 303
        assert "Revoked" in soup(client.get("/portal/consents")).select_one("#consents tbody tr").get_text()
        login("b_admin")
        assert post(client, f"/portal/consents/{consent_id}/revoke", {"reason": "Mole at work"}, token_from="/portal/consents").status_code == 404
        assert post(client, "/portal/consents", {"customer_id": str(account.customer_id), "expires_on": until}).status_code == 404


class TestStartPlan:
    def test_partner_admin_starts_a_plan_from_the_project_registration(self, client, login, db, world):
        from alliance.cosell.models import CodeliveryPlan
        from alliance.identity.scope import scope_for
        from alliance.registrations import service as registration_service
        from alliance.registrations.schemas import REGISTRATION_CREATE
        from tests.factories.cosell import project_input

        world.registrations()  # the product-line catalog
        user = Actor(user_id=world.a.user_id, role=Role.PARTNER_USER, partner_id=world.a.id, label=world.emails["a_user"])
        with db.session_scope(scope_for(user)) as session:
            data = REGISTRATION_CREATE.validate_python(project_input("A rollout", "Plan Start Hospital"))
            registration_id = registration_service.create_registration(session, user, data=data).id

        def plans() -> int:
            with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
                return len(session.query(CodeliveryPlan).all())

        login("a_admin")
        link = soup(client.get(f"/portal/registrations/{registration_id}")).find(id="plan-start")["href"]
        form = soup(client.get(link)).find(id="plan-form-rows")
        assert form.find("select", attrs={"name": "activities.0.activity"}).find("option", selected=True)["value"] == "architecture_design"
        before = plans()
        bad = post(client, link, {"activities.0.activity": "custom", "activities.0.lead": "si"}, token_from=link)
        assert bad.status_code == 422 and plans() == before
        good = post(
            client,
            link,
            {
                "activities.0.activity": "implementation",
                "activities.0.lead": "si",
                "activities.1.activity": "training",
                "activities.1.lead": "joint",
                "note": "From the SOW",
            },
            token_from=link,
        )
        assert good.status_code == 303 and good.headers["location"].startswith("/portal/cosell/plans/") and plans() == before + 1
        # Once a plan exists, the start page opens it; partner B never reaches A's registration.
        assert client.get(link, follow_redirects=False).headers["location"] == good.headers["location"]
        login("b_admin")
        assert client.get(link).status_code == 404


NUMBERED = re.compile(r"#\d+")


def main_text(response: Any) -> str:
    """What the page shows (navigation and scripts aside)."""
    return soup(response).find("main").get_text(" ", strip=True)


def statements_during(db, fetch: Any) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    statements: list[str] = []

    def remember(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert fetch().status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return len(statements)


def more_requests(db, world, count: int) -> None:  # type: ignore[no-untyped-def]
    """More co-sell requests on partner A's world deal registration."""
    from alliance.cosell.requests import service as request_service
    from alliance.cosell.requests.schemas import ResourceRequestCreate
    from alliance.identity.scope import scope_for

    user = Actor(user_id=world.a.user_id, role=Role.PARTNER_USER, partner_id=world.a.id, label=world.emails["a_user"])
    registration_id = world.registrations()["a"]
    with db.session_scope(scope_for(user)) as session:
        for index in range(count):
            data = ResourceRequestCreate(request_type="solution_architect", needed_by=clock.today() + timedelta(days=5), description=f"Help {index}")
            request_service.create_request(session, user, registration_id=registration_id, data=data)


class TestNames:
    """Pages name registrations, partners and customers as people know them, never "#12"."""

    def test_console_queue_breaches_and_request_name_the_registration_and_partner(self, client, login, world, cosell):
        a = cosell["a"]
        login("admin")
        queue = client.get("/console/cosell")
        row = soup(queue).find(id=f"cosell-request-{a['request_id']}")
        assert row.find("a", href=f"/console/registrations/{a['registration_id']}").get_text(strip=True) == "Tenancy Alpha Clinics — A project"
        assert row.find("a", href=f"/console/partners/{world.a.id}").get_text(strip=True) == "Northwind Consulting"
        assert "Blue Harbor" in main_text(queue) and not NUMBERED.search(main_text(queue))

        detail = client.get(detail_url(cosell))
        header = soup(detail).select_one(".page-header")
        assert "Tenancy Alpha Clinics — A project" in header.get_text() and header.find("a", href=f"/console/partners/{world.a.id}") is not None
        assert header.find("a", href=f"/console/registrations/{a['registration_id']}") is not None
        assert not NUMBERED.search(main_text(detail))

        clock.freeze(clock.now() + timedelta(days=10))
        login("admin")  # ten days on, the session has long been idle
        breaches = client.get("/console/cosell/breaches")
        assert "Tenancy Beta Freight — B project" in main_text(breaches) and not NUMBERED.search(main_text(breaches))

        panel = soup(client.get(f"/console/registrations/{a['registration_id']}")).find(id="cosell")
        assert panel.find("a", href=detail_url(cosell)).get_text(strip=True) == "Open" and not NUMBERED.search(panel.get_text())

    def test_plan_pages_name_the_registration(self, client, login, world, cosell):
        a = cosell["a"]
        login("cam")
        console = soup(client.get(f"/console/cosell/plans/{a['plan_id']}"))
        crumb = console.select_one(".breadcrumbs a")
        assert crumb["href"] == f"/console/registrations/{a['registration_id']}" and crumb.get_text(strip=True) == "Tenancy Alpha Clinics — A project"
        assert console.select_one(".plan-of").find("a", href=f"/console/partners/{world.a.id}").get_text(strip=True) == "Northwind Consulting"
        assert not NUMBERED.search(console.find("main").get_text())
        login("a_admin")
        portal = client.get(f"/portal/cosell/plans/{a['plan_id']}")
        assert soup(portal).select_one(".breadcrumbs a").get_text(strip=True) == "Tenancy Alpha Clinics — A project"
        assert "/console/partners" not in portal.text and not NUMBERED.search(main_text(portal))

    def test_portal_lists_name_only_the_partners_own_registrations(self, client, login, cosell):
        login("a_user")
        page = client.get("/portal/cosell")
        link = soup(page).find("a", href=f"/portal/registrations/{cosell['a']['registration_id']}#cosell")
        assert link.get_text(strip=True) == "Tenancy Alpha Clinics — A project"
        text = main_text(page)
        assert not NUMBERED.search(text) and "Tenancy Beta" not in text and "Blue Harbor" not in text

    def test_disputes_say_what_they_are_about(self, client, login, world, cosell):
        a = cosell["a"]
        login("a_admin")
        url = f"/portal/cosell/plans/{a['plan_id']}"
        assert post(client, f"{url}/disputes", {"activity_id": str(a["activity_id"]), "subject": "We lead the build"}, token_from=url).status_code == 303
        portal = client.get("/portal/disputes")
        row = soup(portal).select_one("#disputes tbody tr")
        assert "Implementation in the co-delivery plan for Tenancy Alpha Clinics — A project" in row.get_text(" ", strip=True)
        assert row.find("a", href=url) is not None and not NUMBERED.search(main_text(portal))

        login("cam")
        board = client.get("/console/disputes")
        article = soup(board).select_one("#level-0 article")
        assert "Implementation in the co-delivery plan for Tenancy Alpha Clinics — A project" in article.get_text(" ", strip=True)
        assert article.find("a", href=f"/console/partners/{world.a.id}").get_text(strip=True) == "Northwind Consulting"
        assert article.find("a", href=f"/console/cosell/plans/{a['plan_id']}") is not None and not NUMBERED.search(main_text(board))

        login("b_admin")
        other = main_text(client.get("/portal/disputes"))
        assert "Tenancy Alpha" not in other and "Northwind" not in other and "We lead the build" not in other

    def test_the_queue_names_a_page_in_a_fixed_number_of_queries(self, client, login, db, world, cosell):
        login("cam")
        few = statements_during(db, lambda: client.get("/console/cosell"))
        more_requests(db, world, 6)
        page = client.get("/console/cosell")
        assert len(soup(page).select("#cosell-queue tbody tr")) == 8 and "Tenancy Alpha Hospital — A deal" in main_text(page)
        assert statements_during(db, lambda: client.get("/console/cosell")) == few
