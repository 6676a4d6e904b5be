"""Partner isolation in the web portal: a partner user never reaches the console or another
partner's records, and every page sits behind login."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from alliance.web.routes import PAGE_MODULES
from tests.factories.assets import build_contribution, build_references
from tests.factories.business_plans import build_business_plans
from tests.factories.cosell import build_cosell
from tests.factories.early_access import build_early_access
from tests.factories.engagements import build_roe_records
from tests.factories.qbr import build_shared_qbr
from tests.factories.sso import build_connections
from tests.web.client import csrf_token, post, soup

PARTNER_B_TEXT = ("Blue Harbor", "Sam Seller", "Liz Lead", "B Partner-Exec", "Cora Cam", "cam2@", "B customer")
PORTAL_PAGES = (
    "/portal",
    "/portal/organization",
    "/portal/people",
    "/portal/tier",
    "/portal/organization/edit",
    "/portal/inbox",
    "/portal/users",
    "/portal/users.csv",
    "/portal/sign-in",
    "/portal/business-plans",
    "/portal/business-plans.csv",
    "/portal/library",
    "/portal/library/references",
    "/portal/library/references.csv",
    "/portal/library/references/new",
    "/portal/library/references/ours",
    "/portal/library/references/ours.csv",
    "/portal/briefs",
    "/portal/early-access",
    "/portal/qbrs",
    "/portal/funds",
    "/portal/funds/ledger.csv",
    "/portal/funds/claims.csv",
)


def page_routes() -> list[tuple[str, str]]:
    """(method, path) of every page; a converter ({name:path}) is dropped so that the path formats."""
    return sorted(
        {
            (method, re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path))
            for module in PAGE_MODULES
            for route in module.router.routes
            if isinstance(route, APIRoute)
            for method in route.methods
        }
    )


def cosell_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """B's co-sell records, built once per test (ids_of_b is called for every route)."""
    if not hasattr(world, "cosell_ids"):
        world.cosell_ids = build_cosell(world.db, world)["b"]
    return world.cosell_ids


def business_plans_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not hasattr(world, "business_plan_ids"):
        world.business_plan_ids = build_business_plans(world.db, world)["b"]
    return world.business_plan_ids


def qbr_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not hasattr(world, "qbr_ids"):
        world.qbr_ids = build_shared_qbr(world.db, world, "b")
    return world.qbr_ids


def funds_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """B's allocation, approved request and submitted claim (A has the same of its own)."""
    if not hasattr(world, "fund_ids"):
        from tests.factories.funds import build_funds

        world.fund_ids = build_funds(world.db, world)["b"]
    return world.fund_ids


def roe_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """B's SI-protected account with a consent, a plan dispute and a PS engagement staffed there by
    override (A has the same of its own), built once per test after the co-sell records."""
    if not hasattr(world, "roe_ids"):
        cosell_of_b(world)
        world.roe_ids = build_roe_records(world.db, world)
    return world.roe_ids


def ids_of_b(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    # Routing B's co-sell request created the default calendars, teams and rules (vendor data).
    cosell_of_b(world)
    if not hasattr(world, "routing_ids"):
        from alliance.cosell.routing import service as routing_service
        from alliance.identity.scope import Actor, PartnerScope

        operator = Actor.system(label="test")
        with world.db.session_scope(PartnerScope.system(reason="test routing ids"), write=False) as session:
            world.routing_ids = {
                "rule_id": routing_service.list_rules(session, operator)[0].id,
                "team_id": routing_service.list_teams(session, operator)[0].id,
                "calendar_id": routing_service.list_calendars(session, operator)[0].id,
            }
    if not hasattr(world, "b_session_id"):
        world.b_session_id = web_session_of(world, "b_user")
    return {
        **world.routing_ids,
        # A web session of partner B's user: signing it out from A's portal must be "not found".
        "session_id": world.b_session_id,
        # B's partner admin: partner A's admin can neither see nor change B's users.
        "user_id": world.users["b_admin"],
        "partner_id": world.b.id,
        "person_id": world.b.person_ids[0],
        "sponsor_id": world.b.sponsor_ids[1],
        "program_id": world.program_ids["reseller"],
        "tier_id": world.tier_ids["reseller/silver"],
        "customer_id": 1,
        "registration_id": world.registrations()["b"],
        # Extension requests and ledger entries of B are not built here; any id is B's or missing.
        "extension_id": 1,
        "entry_id": 1,
        # Tier recommendations are console-only (program admins); any id answers 404 to partners.
        "recommendation_id": 1,
        # Reported figures are confirmed in the console only (program admins and CAMs).
        "figure_id": 1,
        # B's single sign-on connection and its domain (partner A has one of its own): the console
        # is 404 to partners, and A's portal reaches A's connection only.
        **build_connections(world.db, world)["b"],
        # Webhook endpoints and deliveries are console-only (program admins): 404 to partners.
        "endpoint_id": 1,
        "delivery_id": 1,
        # An inbox item of B's user (the mail log is console-only; the inbox is its recipient's only).
        "message_id": inbox_item_of_b(world),
        # Catalog tracks are vendor data; lab submissions are only graded in the console.
        "track_id": 1,
        "submission_id": 1,
        "request_id": cosell_of_b(world)["request_id"],
        "plan_id": cosell_of_b(world)["plan_id"],
        # B's own: partner A must get the same 404 as for a missing id.
        "dispute_id": roe_of_b(world)["dispute_id"],
        "consent_id": roe_of_b(world)["consent_id"],
        # B's agreed joint business plan (A has one of its own, for the lists).
        "business_plan_id": business_plans_of_b(world)["business_plan_id"],
        "ref": 3,  # the plan's solution milestone
        # B's shared QBR package, its commitment and a chart of it (page, PDF, SVG and CSV).
        "qbr_id": qbr_of_b(world)["qbr_id"],
        "commitment_id": qbr_of_b(world)["commitment_id"],
        "name": "pipeline_funnel",
        # B's MDF: partner A gets the same 404 as for a missing request or claim.
        "fund_request_id": funds_of_b(world)["fund_request_id"],
        "claim_id": funds_of_b(world)["claim_id"],
        "budget_id": funds_of_b(world)["budget_id"],
        # A PS engagement on the account B protects: the portal shows it to B only.
        "engagement_id": roe_of_b(world)["engagement_id"],
        # B's draft contribution to the library and its version; any file id is then missing to A.
        **contribution_of_b(world),
        "file_id": 1,
        # A closed early-access program only B applied to (hidden from A), B's application, and a
        # retired brief template (partners get the 404 of a missing one).
        **early_access_of_b(world),
        # B's submitted (not yet approved) customer reference: not in the library, to anyone.
        "reference_id": references_of_b(world),
    }


def references_of_b(world) -> int:  # type: ignore[no-untyped-def]
    if not hasattr(world, "reference_ids"):
        world.reference_ids = build_references(world.db, world)
    return int(world.reference_ids["b"])


def early_access_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not hasattr(world, "early_access_ids"):
        built = build_early_access(world.db, world)
        world.early_access_ids = {k: built[k] for k in ("early_access_program_id", "early_access_application_id", "brief_template_id")}
    return world.early_access_ids


def contribution_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not hasattr(world, "contribution_ids"):
        world.contribution_ids = build_contribution(world.db, world)
    return world.contribution_ids


def inbox_item_of_b(world) -> int:  # type: ignore[no-untyped-def]
    """An unread inbox item of partner B's user about B's registration, built once per test."""
    if not hasattr(world, "b_message_id"):
        from sqlalchemy import func, select

        from alliance.identity.scope import Actor, PartnerScope
        from alliance.notifications import service as notification_service
        from alliance.notifications.models import OutboxMessage
        from alliance.notifications.service import Recipient
        from alliance.notifications.vocabulary import EventType

        facts = {"title": "B deal", "approved": True, "by": "Cora Cam", "customer": "Tenancy Beta Logistics", "protected_until": None, "reason": None}
        with world.db.session_scope(PartnerScope.system(reason="test inbox item")) as session:
            notification_service.notify(
                session,
                Actor.system(label="test"),
                event=EventType.REGISTRATION_DECIDED,
                recipients=[Recipient(world.b.user_id, "you filed it")],
                entity_type="registration",
                entity_id=world.registrations()["b"],
                facts=facts,
            )
            world.b_message_id = session.scalar(select(func.max(OutboxMessage.id)).where(OutboxMessage.recipient_user_id == world.b.user_id))
    return int(world.b_message_id)


def inbox_item_is_unread(world, message_id: int) -> bool:  # type: ignore[no-untyped-def]
    from alliance.identity.scope import PartnerScope
    from alliance.notifications.models import OutboxMessage

    with world.db.session_scope(PartnerScope.system(reason="test inbox item"), write=False) as session:
        record = session.get(OutboxMessage, message_id)
        return record is not None and record.read_at is None


def web_session_of(world, who: str) -> int:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from alliance.identity import session_service
    from alliance.identity.repository import UserRepository
    from alliance.identity.scope import PartnerScope
    from alliance.identity.user_sessions import SessionPolicy

    policy = SessionPolicy(idle=timedelta(hours=8), lifetime=timedelta(days=14))
    with world.db.session_scope(PartnerScope.system(reason="test web session")) as session:
        user = UserRepository(session).get(world.users[who])
        record, _ = session_service.start_session(session, user=user, user_agent="probe", ip=None, policy=policy)
        return record.id


def web_session_is_live(world, session_id: int) -> bool:  # type: ignore[no-untyped-def]
    from alliance.identity.models import UserSession
    from alliance.identity.scope import PartnerScope

    with world.db.session_scope(PartnerScope.system(reason="test web session"), write=False) as session:
        record = session.get(UserSession, session_id)
        return record is not None and record.revoked_at is None


def snapshot_of_b(client, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    admin = world.headers("admin")
    return {
        name: client.get(url, headers=admin).json()
        for name, url in (
            ("partner", f"/api/v1/partners/{world.b.id}"),
            ("people", f"/api/v1/partners/{world.b.id}/people"),
            ("sponsors", f"/api/v1/partners/{world.b.id}/sponsors"),
        )
    }


def test_the_inventory_covers_console_and_portal():
    routes = page_routes()
    assert ("GET", "/console/partners/{partner_id}") in routes
    assert ("POST", "/portal/people/{person_id}/remove") in routes
    # The customer suggestion widget's lookup serves both sides (identities only).
    assert all(path.startswith(("/console", "/portal")) for _, path in routes if path != "/customers/suggest")


def test_anonymous_visitors_are_sent_to_login_everywhere(client, world):
    token = csrf_token(client, "/login")
    for method, path in page_routes():
        url = path.format(**ids_of_b(world))
        response = client.request(method, url, data={"csrf_token": token} if method == "POST" else None, follow_redirects=False)
        assert response.status_code == 303, (method, url, response.status_code)
        assert response.headers["location"].startswith("/login?next="), (method, url)


@pytest.mark.parametrize("who", ["a_user", "a_admin"])
def test_partner_a_gets_404_for_every_console_page(client, login, world, who):
    login(who)
    for method, path in page_routes():
        if not path.startswith("/console"):
            continue
        url = path.format(**ids_of_b(world))
        response = post(client, url, {"name": "Mole"}) if method == "POST" else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert soup(response).find("h1").get_text(strip=True) == "Not found"
    assert client.get("/console").status_code == 404


@pytest.mark.parametrize("who", ["a_user", "a_admin"])
def test_partner_a_cannot_reach_partner_b_through_the_portal(client, login, world, who):
    b = ids_of_b(world)  # building B's records makes B an SI: before the snapshot
    before = snapshot_of_b(client, world)
    login(who)
    own_person = world.a.person_ids[0]
    for method, path in page_routes():
        if not path.startswith("/portal") or "{" not in path:
            continue
        url = path.format(**b)
        response = post(client, url, {"name": "Mole", "email": "mole@b.example", "delivery_role": "sales"}) if method == "POST" else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
        # the same answer as for an id that does not exist at all
        missing = path.format(**dict.fromkeys(b, 987654))
        assert (post(client, missing) if method == "POST" else client.get(missing)).status_code == 404
    for url in PORTAL_PAGES:
        text = client.get(url).text
        assert not [leak for leak in PARTNER_B_TEXT if leak in text], url
    assert client.get(f"/portal/people/{own_person}/edit").status_code == (200 if who == "a_admin" else 403)
    assert snapshot_of_b(client, world) == before
    assert web_session_is_live(world, b["session_id"])
    # Marking all read in A's inbox leaves B's item unread; A's inbox never lists it.
    post(client, "/portal/inbox/read-all")
    assert inbox_item_is_unread(world, b["message_id"])
    assert "B deal" not in client.get("/portal/inbox").text


def test_partner_b_users_see_their_own_organisation_only(client, login, world):
    login("b_user")
    text = soup(client.get("/portal")).get_text()
    assert "Blue Harbor" in text and "Northwind" not in text and "Cora Cam" in text
