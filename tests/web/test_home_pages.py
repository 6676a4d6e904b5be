"""Home pages lead with work: each role's lists name the things that need the person, say why,
and link to them, and never show another partner's items to a partner."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeCreate
from alliance.cosell.models import ResourceRequest
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.certifications import build_certifications
from tests.factories.cosell import build_cosell
from tests.factories.engagements import build_roe_records
from tests.factories.world import deal_input
from tests.web.client import soup
from tests.web.test_isolation import PARTNER_B_TEXT

B_TEXT = (*PARTNER_B_TEXT, "Tenancy Beta")


def actor_of(world, who: str, role: Role, partner_id: int | None = None) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=world.users[who], role=role, partner_id=partner_id, label=world.emails[who])


@pytest.fixture
def busy(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Both partners with a plan awaiting signatures, an open plan dispute, an expiring certification,
    a protection ending in 10 days and a late co-sell request; partner A also with a registration the
    channel team asked about and a dispute holding up a PS engagement on its account."""
    db = world.db
    cosell = build_cosell(db, world)
    build_roe_records(db, world)
    build_certifications(db, world)
    with db.session_scope(PartnerScope.system(reason="test: a busy program")) as session:
        for key in ("a", "b"):
            registration = session.get(Registration, world.registrations()[key], with_for_update=True)
            assert registration is not None
            registration.protected_until = clock.today() + timedelta(days=10)
            request = session.get(ResourceRequest, cosell[key]["request_id"], with_for_update=True)
            assert request is not None
            request.first_response_due_at = clock.now() - timedelta(hours=5)
    a_user = actor_of(world, "a_user", Role.PARTNER_USER, world.a.id)
    with db.session_scope(scope_for(a_user)) as session:
        asked = registration_service.create_registration(
            session, a_user, data=REGISTRATION_CREATE.validate_python(deal_input("Harbor lights", "Lumen Retail", submit=True))
        ).id
    cam = actor_of(world, "cam", Role.CAM)
    for action, reason in (("start_review", None), ("request_info", "Who is the sponsor?")):
        with db.session_scope(scope_for(cam)) as session:
            registration_service.act(session, cam, registration_id=asked, action=action, reason=reason)
    ps_lead = actor_of(world, "ps_lead", Role.PS_LEAD)
    engagement_id = engagement_of_a(world)
    with db.session_scope(scope_for(ps_lead)) as session:
        dispute_service.open_dispute(session, ps_lead, data=DisputeCreate(engagement_id=engagement_id, subject="Integration staffing"))
    return {"cosell": cosell, "asked": asked, "engagement_id": engagement_id}


def engagement_of_a(world) -> int:  # type: ignore[no-untyped-def]
    from alliance.cosell.engagements import service as engagement_service
    from alliance.cosell.engagements.schemas import EngagementFilters
    from alliance.kit.pagination import PageRequest

    admin = actor_of(world, "admin", Role.PROGRAM_ADMIN)
    with world.db.session_scope(scope_for(admin), write=False) as session:
        found = engagement_service.list_engagements(session, admin, filters=EngagementFilters(partner_id=world.a.id), page=PageRequest())
        return found.items[0].id


def work_lists(client, url: str) -> dict[str, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    """Each work list by its key: (title, why, link) per item; the page itself must be 200."""
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    found = {}
    for section in page.find(id="work").find_all("section", class_="work-list"):
        items = []
        for li in section.find_all("li", class_="work-item"):
            link = li.find("a")
            items.append((link.get_text(strip=True), li.find(class_="why").get_text(strip=True), link["href"]))
        found[section["id"].removeprefix("work-")] = items
    return found


def see_all(client, url: str, key: str) -> str:  # type: ignore[no-untyped-def]
    return str(soup(client.get(url)).find(id=f"work-{key}").find(class_="see-all")["href"])


class TestPartnerAdmin:
    def test_leads_with_her_signature_disputes_expiring_protections_tier_gaps_and_certifications(self, client, login, world, busy):
        login("a_admin")
        work = work_lists(client, "/portal")
        assert list(work) == ["plans", "disputes", "info", "protections", "tier", "certifications"]
        [(plan, why, link)] = work["plans"]
        assert "Tenancy Alpha Clinics" in plan and why == "awaiting your signature since today"
        assert link == f"/portal/cosell/plans/{busy['cosell']['a']['plan_id']}"
        # the plan dispute she opened and the one holding up a PS engagement on her account
        assert sorted(title.partition(" · ")[0] for title, _, _ in work["disputes"]) == ["Integration staffing", "Who leads"]
        assert all(why.startswith("open at") and "decided by" in why and link.startswith("/portal/disputes#dispute-") for _, why, link in work["disputes"])
        [(protection, why, link)] = work["protections"]
        assert protection == "A deal (Tenancy Alpha Hospital)" and why.endswith("in 10 days")
        assert link == f"/portal/registrations/{world.registrations()['a']}"
        assert work["tier"] and all(link == "/portal/tier" for *_, link in work["tier"])
        [(person, why, _)] = work["certifications"]
        assert person.startswith("Ann Architect") and "in " in why
        assert see_all(client, "/portal", "protections") == "/portal/registrations?status=approved"

    def test_nothing_of_partner_b(self, client, login, world, busy):
        login("a_admin")
        text = soup(client.get("/portal")).find(id="work").get_text()
        assert not [leak for leak in B_TEXT if leak in text]


class TestPartnerUser:
    def test_sees_what_the_channel_team_asked_and_expiring_protections_not_signatures(self, client, login, world, busy):
        login("a_user")
        work = work_lists(client, "/portal")
        assert "plans" not in work and "certifications" not in work
        [(title, why, link)] = work["info"]
        assert (title, why, link) == ("Harbor lights (Lumen Retail)", "the channel team asks for more information", f"/portal/registrations/{busy['asked']}")
        assert [link for *_, link in work["protections"]] == [f"/portal/registrations/{world.registrations()['a']}"]
        text = soup(client.get("/portal")).find(id="work").get_text()
        assert not [leak for leak in B_TEXT if leak in text]

    def test_partner_b_sees_its_own(self, client, login, world, busy):
        login("b_user")
        work = work_lists(client, "/portal")
        assert [link for *_, link in work["protections"]] == [f"/portal/registrations/{world.registrations()['b']}"]
        assert "Northwind" not in soup(client.get("/portal")).find(id="work").get_text()


class TestCam:
    def test_review_queue_with_sla_and_their_partners_at_risk_items_and_breaches(self, client, login, world, busy):
        login("cam")
        work = work_lists(client, "/console")
        assert list(work) == ["review", "disputes", "protections", "certifications", "breaches"]
        review = {title: why for title, why, _ in work["review"]}
        assert "SLA 0 of 2 business days, due" in review["A project (Northwind Consulting)"]
        assert review["Harbor lights (Northwind Consulting)"].startswith("waiting on the partner")
        assert [link for *_, link in work["protections"]] == [f"/console/registrations/{world.registrations()['a']}"]
        [(request, why, link)] = work["breaches"]
        assert "Northwind Consulting" in request and why.endswith("5 h late") and link == f"/console/cosell/requests/{busy['cosell']['a']['request_id']}"
        # the CAM's own book only: partner B belongs to another CAM
        assert all("Northwind Consulting" in title for items in work.values() for title, _, _ in items if "(" in title)
        assert "Blue Harbor" not in soup(client.get("/console")).find(id="work").get_text()
        assert see_all(client, "/console", "review") == "/console/registrations/review"


class TestPsLead:
    def test_plans_to_sign_and_blocked_engagements(self, client, login, world, busy):
        login("ps_lead")
        work = work_lists(client, "/console")
        assert list(work)[:2] == ["plans", "engagements"]
        plan_links = {busy["cosell"][k]["plan_id"] for k in ("a", "b")}
        assert {link for *_, link in work["plans"]} == {f"/console/cosell/plans/{i}" for i in plan_links}
        assert all(why == "awaiting your signature since today" for _, why, _ in work["plans"])
        [(engagement, why, link)] = work["engagements"]
        assert engagement.startswith("Integration staffing") and link == f"/console/engagements/{busy['engagement_id']}"
        assert why.startswith("open at") and "review" not in work


class TestProgramAdmin:
    def test_queues_across_the_program(self, client, login, world, busy):
        login("admin")
        work = work_lists(client, "/console")
        assert {"review", "plans", "engagements", "disputes", "breaches", "recommendations", "figures", "labs"} <= set(work)
        assert {title.rpartition("(")[2] for title, _, _ in work["review"]} == {"Northwind Consulting)", "Blue Harbor)"}
        assert len(work["breaches"]) == 2 and len(work["disputes"]) == 2
        assert work["figures"] == [] and see_all(client, "/console", "figures") == "/console/tiers/review/figures"
        assert soup(client.get("/console")).find(id="work-recommendations").find(class_="empty-work").get_text() == "No tier change waits for a decision."


class TestTheApiGivesTheSameWork:
    @pytest.mark.parametrize(
        ("who", "home"), [("a_admin", "/portal"), ("a_user", "/portal"), ("cam", "/console"), ("ps_lead", "/console"), ("admin", "/console")]
    )
    def test_get_me_work_lists_what_the_home_page_shows(self, client, login, world, busy, who, home):
        api = client.get("/api/v1/me/work", headers=world.headers(who))
        assert api.status_code == 200, api.text
        from_api = {work["key"]: [(item["title"], item["why"]) for item in work["items"]] for work in api.json()}
        login(who)
        from_page = {key: [(title, why) for title, why, _ in items] for key, items in work_lists(client, home).items()}
        assert from_api == from_page
        if who.startswith("a_"):
            assert not any(text in api.text for text in B_TEXT)
