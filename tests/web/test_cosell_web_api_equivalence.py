"""Each co-sell lifecycle action driven through the web route (on partner A's records) and through
the API route (on partner B's identical records): the same resulting state and the same audit
events, because both are one call of the same service.

Partner A's records are acted on through the pages, partner B's through the API, by the same roles,
with the clock frozen; states are compared without ids (and routing results, which follow each
partner's region and tier)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from tests.factories.cosell import build_cosell
from tests.factories.engagements import protected_account
from tests.factories.world import World, password_hash
from tests.web.client import post

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # a Wednesday
# Differ between A and B by construction, not by channel: ids, and routing (team, rule, priority, SLA due time).
VOLATILE = {"priority", "first_response_due_at"}


@dataclass
class Step:
    """One user decision: who takes it, the form post (web), the call (API), and what to read after."""

    who: str  # "{side}" is replaced by a_/b_ for partner users
    web: Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]  # ids → (url, form)
    api: Callable[[dict[str, Any]], tuple[str, dict[str, Any] | None]]  # ids → (url, json)
    read: Callable[[dict[str, Any]], str]  # ids → API url of the resulting record


def strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if not (k == "id" or k.endswith(("_id", "_ids")) or k in VOLATILE)}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def last_seq(db: Any) -> int:
    with db.session_scope(PartnerScope.system(reason="test: audit")) as session:
        return session.scalar(select(func.max(AuditEvent.seq))) or 0


def events_since(db: Any, seq: int) -> list[tuple[str, str]]:
    with db.session_scope(PartnerScope.system(reason="test: audit")) as session:
        return [(e.action, e.entity_type) for e in session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))]


@pytest.fixture
def cosell(db, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    clock.freeze(NOW)
    built: dict[str, Any] = build_cosell(db, world)
    with db.session_scope(PartnerScope.system(reason="test co-sell resource")) as session:
        data = UserCreate(email="sean@vendor.example", name="Sean Specialist", role=Role.COSELL_RESOURCE)
        user = identity_service.create_user(session, Actor.system(label="test-setup"), data=data)
        user.password_hash = password_hash()
        built["resource_id"] = user.id
    return built


def drive(client: TestClient, login: Callable[[str], TestClient], world: World, db: Any, ids: dict[str, dict[str, Any]], steps: list[Step]) -> None:
    """Each step through the web on A's records, then through the API on B's; after each, the
    same state and the same audit events."""
    for number, step in enumerate(steps, start=1):
        login(step.who.format(side="a_"))
        seq = last_seq(db)
        url, form = step.web(ids["a"])
        response = post(client, url, form, token_from=_page_of(url))
        assert response.status_code == 303, (number, url, response.status_code, response.text[:2000])
        web_events = events_since(db, seq)
        seq = last_seq(db)
        url, body = step.api(ids["b"])
        response = client.post(url, headers=world.headers(step.who.format(side="b_")), json=body)
        assert response.status_code in (200, 201), (number, url, response.text)
        api_events = events_since(db, seq)
        assert web_events and web_events == api_events, number
        reader = world.headers("admin")
        web_state = client.get(step.read(ids["a"]), headers=reader).json()
        api_state = client.get(step.read(ids["b"]), headers=reader).json()
        assert strip(web_state) == strip(api_state), number


def _page_of(url: str) -> str:
    return "/portal" if url.startswith("/portal") else "/console"


def _request(ids: dict[str, Any]) -> str:
    return f"/api/v1/resource-requests/{ids['request_id']}"


class TestResourceRequests:
    def test_assign_accept_complete(self, client, login, world, db, cosell):  # type: ignore[no-untyped-def]
        for key in ("a", "b"):
            cosell[key]["resource_id"] = cosell["resource_id"]
        steps = [
            Step(
                "ps_lead",
                lambda i: (f"/console/cosell/requests/{i['request_id']}/assign", {"assignee_user_id": str(i["resource_id"])}),
                lambda i: (f"/api/v1/resource-requests/{i['request_id']}/assignment", {"assignee_user_id": i["resource_id"]}),
                _request,
            ),
            Step(
                "ps_lead",
                lambda i: (f"/console/cosell/requests/{i['request_id']}/actions", {"action": "accept"}),
                lambda i: (f"/api/v1/resource-requests/{i['request_id']}/actions/accept", None),
                _request,
            ),
            Step(
                "admin",
                lambda i: (f"/console/cosell/requests/{i['request_id']}/actions", {"action": "complete", "outcome_rating": "4", "notes": "Won the RFP"}),
                lambda i: (f"/api/v1/resource-requests/{i['request_id']}/actions/complete", {"outcome_rating": 4, "notes": "Won the RFP"}),
                _request,
            ),
        ]
        drive(client, login, world, db, cosell, steps)
        state = client.get(_request(cosell["a"]), headers=world.headers("ps_lead")).json()
        assert (state["status"], state["outcome_rating"], state["actions"]) == ("completed", 4, [])

    def test_start_then_decline(self, client, login, world, db, cosell):  # type: ignore[no-untyped-def]
        steps = [
            Step(
                "ps_lead",
                lambda i: (f"/console/cosell/requests/{i['request_id']}/actions", {"action": "start"}),
                lambda i: (f"/api/v1/resource-requests/{i['request_id']}/actions/start", None),
                _request,
            ),
            Step(
                "ps_lead",
                lambda i: (f"/console/cosell/requests/{i['request_id']}/actions", {"action": "decline", "reason": "No capacity this quarter"}),
                lambda i: (f"/api/v1/resource-requests/{i['request_id']}/actions/decline", {"reason": "No capacity this quarter"}),
                _request,
            ),
        ]
        drive(client, login, world, db, cosell, steps)
        assert client.get(_request(cosell["b"]), headers=world.headers("admin")).json()["status"] == "declined"


def _plan(ids: dict[str, Any]) -> str:
    return f"/api/v1/codelivery-plans/{ids['plan_id']}"


def _latest_version(client: TestClient, world: World, ids: dict[str, Any]) -> None:
    """The plan's latest version and its first activity, after a step added one."""
    plan = client.get(_plan(ids), headers=world.headers("admin")).json()
    ids["version_id"] = plan["versions"][-1]["id"]
    ids["activity_id"] = plan["versions"][-1]["activities"][0]["id"]


PROPOSAL = [("implementation", "joint", "30"), ("training", "si", "")]


def _proposal_form() -> dict[str, str]:
    form = {"note": "Joint build"}
    for index, (activity, lead, effort) in enumerate(PROPOSAL):
        form |= {f"activities.{index}.activity": activity, f"activities.{index}.lead": lead, f"activities.{index}.effort_days": effort}
    return form


def _proposal_body() -> dict[str, Any]:
    rows = [{"activity": a, "lead": lead, **({"effort_days": effort} if effort else {})} for a, lead, effort in PROPOSAL]
    return {"activities": rows, "note": "Joint build"}


class TestPlansAndDisputes:
    def test_sign_propose_dispute_escalate_decide(self, client, login, world, db, cosell):  # type: ignore[no-untyped-def]
        def sign(side: str) -> Step:
            base = "/portal/cosell/plans" if side == "partner" else "/console/cosell/plans"
            return Step(
                "{side}admin" if side == "partner" else "ps_lead",
                lambda i: (f"{base}/{i['plan_id']}/sign", {"version_id": str(i["version_id"])}),
                lambda i: (f"/api/v1/plan-versions/{i['version_id']}/sign-off", None),
                _plan,
            )

        def disputes(ids: dict[str, Any]) -> str:
            return f"/api/v1/disputes/{ids['dispute_id']}"

        steps = [
            sign("partner"),
            sign("vendor"),
            Step(
                "ps_lead",
                lambda i: (f"/console/cosell/plans/{i['plan_id']}/versions", _proposal_form()),
                lambda i: (f"/api/v1/registrations/{i['registration_id']}/codelivery-plan", _proposal_body()),
                _plan,
            ),
        ]
        drive(client, login, world, db, cosell, steps)
        for key in ("a", "b"):
            _latest_version(client, world, cosell[key])
        opening = Step(
            "{side}admin",
            lambda i: (f"/portal/cosell/plans/{i['plan_id']}/disputes", {"activity_id": str(i["activity_id"]), "subject": "SI should lead the build"}),
            lambda i: ("/api/v1/disputes", {"plan_id": i["plan_id"], "activity_id": i["activity_id"], "subject": "SI should lead the build"}),
            _plan,
        )
        drive(client, login, world, db, cosell, [opening])
        for key in ("a", "b"):
            found = client.get(f"/api/v1/disputes?partner_id={world.a.id if key == 'a' else world.b.id}", headers=world.headers("admin")).json()
            cosell[key]["dispute_id"] = found["items"][0]["id"]
        steps = [
            Step(
                "cam",
                lambda i: (f"/console/disputes/{i['dispute_id']}/escalate", {"reason": "No agreement at the first level"}),
                lambda i: (f"/api/v1/disputes/{i['dispute_id']}/escalation", {"reason": "No agreement at the first level"}),
                disputes,
            ),
            Step(
                "admin",
                lambda i: (f"/console/disputes/{i['dispute_id']}/decision", {"lead": "si", "rationale": "The SI holds the account"}),
                lambda i: (f"/api/v1/disputes/{i['dispute_id']}/decision", {"lead": "si", "rationale": "The SI holds the account"}),
                disputes,
            ),
        ]
        drive(client, login, world, db, cosell, steps)
        plan = client.get(_plan(cosell["a"]), headers=world.headers("admin")).json()
        assert [v["status"] for v in plan["versions"]] == ["agreed", "superseded", "proposed"] and plan["open_disputes"] == []


class TestConsentsAndEngagements:
    def test_give_staff_dispute_revoke(self, client, login, world, db, cosell):  # type: ignore[no-untyped-def]
        for key in ("a", "b"):
            account = protected_account(db, world, key)
            cosell[key] |= {"customer_id": account.customer_id, "ps_lead_id": world.users["ps_lead"]}
        until = (clock.today() + timedelta(days=60)).isoformat()

        def consent(ids: dict[str, Any]) -> str:
            return f"/api/v1/consents?customer_id={ids['customer_id']}"

        def engagement(ids: dict[str, Any]) -> str:
            return f"/api/v1/ps-engagements?customer_id={ids['customer_id']}"

        give = Step(
            "{side}admin",
            lambda i: ("/portal/consents", {"customer_id": str(i["customer_id"]), "activity": "implementation", "expires_on": until, "note": "Go ahead"}),
            lambda i: (f"/api/v1/customers/{i['customer_id']}/consents", {"activity": "implementation", "expires_on": until, "note": "Go ahead"}),
            consent,
        )
        staff = Step(
            "ps_lead",
            lambda i: (
                "/console/engagements",
                {"customer_id": str(i["customer_id"]), "activity": "implementation", "staffed_user_id": str(i["ps_lead_id"]), "starts_on": until},
            ),
            lambda i: (
                "/api/v1/ps-engagements",
                {"customer_id": i["customer_id"], "activity": "implementation", "staffed_user_id": i["ps_lead_id"], "starts_on": until},
            ),
            engagement,
        )
        drive(client, login, world, db, cosell, [give, staff])
        for key in ("a", "b"):
            ids = cosell[key]
            ids["engagement_id"] = client.get(engagement(ids), headers=world.headers("admin")).json()["items"][0]["id"]
            ids["consent_id"] = client.get(consent(ids), headers=world.headers("admin")).json()["items"][0]["id"]
        steps = [
            Step(
                "{side}admin",
                lambda i: (f"/portal/engagements/{i['engagement_id']}/disputes", {"subject": "We staff implementation ourselves"}),
                lambda i: ("/api/v1/disputes", {"engagement_id": i["engagement_id"], "subject": "We staff implementation ourselves"}),
                lambda i: f"/api/v1/disputes?partner_id={i['partner_id']}",
            ),
            Step(
                "{side}admin",
                lambda i: (f"/portal/consents/{i['consent_id']}/revoke", {"reason": "The project was re-scoped"}),
                lambda i: (f"/api/v1/consents/{i['consent_id']}/revocation", {"reason": "The project was re-scoped"}),
                consent,
            ),
        ]
        cosell["a"]["partner_id"], cosell["b"]["partner_id"] = world.a.id, world.b.id
        drive(client, login, world, db, cosell, steps)
        revoked = client.get(consent(cosell["b"]), headers=world.headers("b_admin")).json()["items"][0]
        assert revoked["revoke_reason"] == "The project was re-scoped" and revoked["actions"] == []
