"""The console, the portal and the API take each registration decision through the same service
call: two identical registrations, one driven through the web and one through the API, end in the
same state with the same audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import product_line_service
from alliance.registrations.lifecycle import Action
from tests.factories.world import deal_input
from tests.web.client import post

# A step: (who, what, reason). `what` is a lifecycle action, or one of the two extension acts.
Step = tuple[str, str, str | None]
EXTEND, APPROVE_EXTENSION, DECLINE_EXTENSION = "extend", "approve_extension", "decline_extension"
SCENARIOS: dict[str, list[Step]] = {
    "start review, request info, resubmit, approve, win": [
        ("cam", Action.START_REVIEW, None),
        ("cam", Action.REQUEST_INFO, "Which business unit?"),
        ("a_user", Action.SUBMIT, None),
        ("cam", Action.APPROVE, "Qualified"),
        ("admin", Action.MARK_WON, None),
    ],
    "approve straight from submitted": [("cam", Action.APPROVE, "First on the account")],
    "reject straight from submitted": [("cam", Action.REJECT, "Duplicate of an open deal")],
    "request info straight from submitted": [("cam", Action.REQUEST_INFO, "Amount?")],
    "partner reports it lost": [("cam", Action.APPROVE, "ok"), ("a_user", Action.MARK_LOST, "Customer chose another vendor")],
    "vendor marks it lost": [("cam", Action.APPROVE, "ok"), ("cam", Action.MARK_LOST, "Budget cut")],
    "partner withdraws": [("a_user", Action.WITHDRAW, "Registered twice")],
    "extension approved": [("cam", Action.APPROVE, "ok"), ("a_user", EXTEND, "Board moved"), ("cam", APPROVE_EXTENSION, "Budget confirmed")],
    "extension declined": [("cam", Action.APPROVE, "ok"), ("a_user", EXTEND, "Board moved"), ("cam", DECLINE_EXTENSION, "Long enough")],
    "refused: approve twice": [("cam", Action.APPROVE, "ok"), ("cam", Action.APPROVE, "again")],
    "refused: partner approves": [("a_user", Action.APPROVE, "mine")],
    "refused: decision without a reason": [("cam", Action.REJECT, None)],
}
STATE = ("status", "decision_reason", "protected_until", "extensions_granted", "booked_amount", "closed_on", "allowed_actions")


@pytest.fixture
def twins(client, db, world):  # type: ignore[no-untyped-def]
    """Two identical submitted deals of partner A, on customers of their own (no conflicts)."""
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
    ids = []
    for customer in ("Twin Web Holdings", "Twin Api Holdings"):
        response = client.post("/api/v1/registrations", headers=world.headers("a_user"), json=deal_input("Twin deal", customer, submit=True))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def _pending_extension(client, world, registration_id: int) -> int:  # type: ignore[no-untyped-def]
    queue = client.get("/api/v1/registrations/review-queue", headers=world.headers("cam")).json()
    return next(e["id"] for e in queue["extensions"] if e["registration_id"] == registration_id)


def through_web(client, login, world, registration_id: int, step: Step) -> int:  # type: ignore[no-untyped-def]
    who, what, reason = step
    login(who)
    side = "portal" if who.startswith(("a_", "b_")) else "console"
    base = f"/{side}/registrations/{registration_id}"
    if what == Action.MARK_WON:
        return post(client, f"{base}/won", {"booked_amount": "118000", "closed_on": clock.today().isoformat()}, token_from=base).status_code
    if what == EXTEND:
        return post(client, f"{base}/extension", {"reason": reason}, token_from=base).status_code
    if what in (APPROVE_EXTENSION, DECLINE_EXTENSION):
        extension_id = _pending_extension(client, world, registration_id)
        decision = "approve" if what == APPROVE_EXTENSION else "reject"
        return post(client, f"/console/registrations/extensions/{extension_id}/decision", {"decision": decision, "reason": reason}, token_from=base).status_code
    return post(client, f"{base}/actions", {"action": str(what), "reason": reason or ""}, token_from=base).status_code


def through_api(client, world, registration_id: int, step: Step) -> int:  # type: ignore[no-untyped-def]
    who, what, reason = step
    headers, base = world.headers(who), f"/api/v1/registrations/{registration_id}"
    if what == Action.MARK_WON:
        return client.post(f"{base}/won", headers=headers, json={"booked_amount": "118000", "closed_on": clock.today().isoformat()}).status_code
    if what == EXTEND:
        return client.post(f"{base}/extensions", headers=headers, json={"reason": reason}).status_code
    if what in (APPROVE_EXTENSION, DECLINE_EXTENSION):
        extension_id = _pending_extension(client, world, registration_id)
        body = {"approve": what == APPROVE_EXTENSION, "reason": reason}
        return client.post(f"/api/v1/extensions/{extension_id}/decision", headers=headers, json=body).status_code
    return client.post(f"{base}/actions/{what}", headers=headers, json={"reason": reason} if reason else None).status_code


def outcome(client, world, registration_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    read = client.get(f"/api/v1/registrations/{registration_id}", headers=world.headers("a_user")).json()
    history = client.get(f"/api/v1/registrations/{registration_id}/history", headers=world.headers("a_user")).json()
    audit = client.get(f"/api/v1/audit/events?entity_type=registration&entity_id={registration_id}&limit=100", headers=world.headers("admin")).json()
    return {
        "state": {name: read.get(name) for name in STATE},
        "history": [(e["action"], e["from_status"], e["to_status"], e["reason"]) for e in history],
        "audit": [(e["action"], e["actor_user_id"], e["reason"]) for e in reversed(audit["items"])],
    }


@pytest.mark.parametrize("steps", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_web_and_api_reach_the_same_state_and_audit_trail(client, login, world, twins, steps):  # type: ignore[no-untyped-def]
    by_web, by_api = twins
    for step in steps:
        web_status, api_status = through_web(client, login, world, by_web, step), through_api(client, world, by_api, step)
        # The web redirects on success (303) and re-renders the form with the API's status otherwise.
        assert (web_status == 303) == (api_status in (200, 201)), (step, web_status, api_status)
        if web_status != 303:
            assert web_status == api_status, (step, web_status, api_status)
    web, api = outcome(client, world, by_web), outcome(client, world, by_api)
    assert web == api
    # Every history row has its audit event (conflict checks are audited without a history row).
    assert len([a for a, _, _ in web["audit"] if a != "registration.conflicts_checked"]) == len(web["history"])


def test_a_decision_from_submitted_starts_the_review_in_the_same_call(client, world, twins):  # type: ignore[no-untyped-def]
    _, registration_id = twins
    through_api(client, world, registration_id, ("cam", Action.APPROVE, "Qualified"))
    trail = outcome(client, world, registration_id)
    # One conflict check for the submit and one for the decision, not one per step.
    assert [a for a, _, _ in trail["audit"]] == [
        "registration.created",
        "registration.submitted",
        "registration.conflicts_checked",
        "registration.review_started",
        "registration.approved",
        "registration.conflicts_checked",
    ]
    assert trail["state"]["status"] == "approved"
