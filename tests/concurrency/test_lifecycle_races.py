"""Every lifecycle action raced pairwise against a live server (threads, real connections): the
outcome is always one of the two serial orders. On PostgreSQL this fails without the row locks
of db.Aggregate: both requests read the old state, both pass their checks and both write."""

# ruff: noqa: F811

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest

from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.registrations import conflict_service
from tests.concurrency.harness import Act, Ids, Lifecycle, Runner
from tests.factories.cosell import project_input
from tests.factories.world import World, deal_input
from tests.service.cosell.requests_fixtures import routing  # noqa: F401

_names = itertools.count(1)


@pytest.fixture
def runner(live_server: str, db: Database, world: World) -> Runner:
    world.registrations()  # the product-line catalog
    return Runner(live_server, world.headers)


@pytest.fixture
def api(live_server: str, world: World) -> Iterator[Any]:
    """Arranges aggregates through the same live server (one request at a time)."""
    with httpx.Client(base_url=live_server, timeout=30) as client:

        def call(who: str, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
            response = client.request(method, path, headers=world.headers(who), json=body)
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
            return response.json()

        yield call


# --- registrations -----------------------------------------------------------------------------

REASON = {"reason": "{name}"}


def registration_state(api: Any, registration_id: int) -> dict[str, Any]:
    found = api("admin", "GET", f"/api/v1/registrations/{registration_id}")
    history = api("admin", "GET", f"/api/v1/registrations/{registration_id}/history")
    return {
        **{key: found[key] for key in ("status", "decision_reason", "protected_until", "extensions_granted", "booked_amount", "closed_on")},
        "approved": found.get("approved_at") is not None,
        "history": [(event["action"], event["from_status"], event["to_status"], event["reason"]) for event in history],
    }


def submitted_deal(api: Any) -> Ids:
    body = deal_input("Raced deal", f"Race Customer {next(_names)} Holdings", submit=True)
    return {"registration_id": api("a_user", "POST", "/api/v1/registrations", body, expect=201)["id"]}


def decision(action: str, who: str, reason: str) -> Act:
    return Act(f"{action} by {who}", who, "/api/v1/registrations/{registration_id}/actions/" + action, {"reason": reason})


def test_decisions_on_a_submitted_registration(runner: Runner, api: Any) -> None:
    lifecycle = Lifecycle(
        "submitted registration",
        arrange=lambda: submitted_deal(api),
        observe=lambda ids: registration_state(api, ids["registration_id"]),
        acts=[
            decision("approve", "cam", "First on the account"),
            decision("reject", "admin", "Duplicate"),
            decision("request_info", "cam", "Which unit?"),
            decision("withdraw", "a_user", "Registered twice"),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def approved_deal(api: Any) -> Ids:
    ids = submitted_deal(api)
    api("cam", "POST", f"/api/v1/registrations/{ids['registration_id']}/actions/approve", {"reason": "ok"})
    return ids


def test_closing_and_extending_an_approved_registration(runner: Runner, api: Any) -> None:
    won = {"booked_amount": "120000.00", "closed_on": clock.today().isoformat(), "reason": "Booked"}
    lifecycle = Lifecycle(
        "approved registration",
        arrange=lambda: approved_deal(api),
        observe=lambda ids: registration_state(api, ids["registration_id"]),
        acts=[
            Act("mark won", "admin", "/api/v1/registrations/{registration_id}/won", won),
            decision("mark_lost", "a_user", "Customer went elsewhere"),
            Act("request an extension", "a_user", "/api/v1/registrations/{registration_id}/extensions", {"reason": "Board moved"}),
            decision("withdraw", "a_user", "Not pursuing"),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def pending_extension(api: Any) -> Ids:
    ids = approved_deal(api)
    extension = api("a_user", "POST", f"/api/v1/registrations/{ids['registration_id']}/extensions", {"reason": "Board moved"}, expect=201)
    return {**ids, "extension_id": extension["id"]}


def test_deciding_an_extension(runner: Runner, api: Any) -> None:
    lifecycle = Lifecycle(
        "pending extension",
        arrange=lambda: pending_extension(api),
        observe=lambda ids: registration_state(api, ids["registration_id"]),
        acts=[
            Act("approve the extension", "cam", "/api/v1/extensions/{extension_id}/decision", {"approve": True, "reason": "Budget confirmed"}),
            Act("decline the extension", "admin", "/api/v1/extensions/{extension_id}/decision", {"approve": False, "reason": "Long enough"}),
            decision("mark_lost", "a_user", "Customer went elsewhere"),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def test_twenty_simultaneous_decisions_one_wins(runner: Runner, api: Any) -> None:
    """The reported defect: 20 approve/reject calls from two reviewers on one registration in review."""
    ids = submitted_deal(api)
    api("cam", "POST", f"/api/v1/registrations/{ids['registration_id']}/actions/start_review")
    acts = [decision("approve", "cam", "Approve") if i % 2 else decision("reject", "admin", "Reject") for i in range(20)]
    lifecycle = Lifecycle("in review", arrange=lambda: ids, observe=lambda ids: registration_state(api, ids["registration_id"]), acts=acts)
    outcome = runner.race(lifecycle, acts)
    assert sorted(outcome.codes) == [200] + [409] * 19, outcome.codes
    state = outcome.state
    decisions = [event for event in state["history"] if event[0] in ("approve", "reject")]
    assert len(decisions) == 1
    assert (state["status"] == "approved") == state["approved"] == (state["protected_until"] is not None)
    assert state["decision_reason"] == decisions[0][3]


# --- co-sell requests --------------------------------------------------------------------------


@pytest.fixture
def new_request(api: Any, routing: Any) -> Any:
    def arrange() -> Ids:
        ids = submitted_deal(api)
        body = {"request_type": "solution_architect", "needed_by": (clock.today() + timedelta(days=10)).isoformat(), "description": "SA for RFP"}
        created = api("a_user", "POST", f"/api/v1/registrations/{ids['registration_id']}/resource-requests", body, expect=201)
        return {**ids, "request_id": created["id"]}

    return arrange


def request_state(api: Any, request_id: int) -> dict[str, Any]:
    found = api("admin", "GET", f"/api/v1/resource-requests/{request_id}")
    return {key: found.get(key) for key in ("status", "declined_reason", "assignee_user_id", "outcome_rating")}


def test_answering_a_resource_request(runner: Runner, api: Any, new_request: Any, world: World) -> None:
    lifecycle = Lifecycle(
        "resource request",
        arrange=new_request,
        observe=lambda ids: request_state(api, ids["request_id"]),
        acts=[
            Act("accept", "admin", "/api/v1/resource-requests/{request_id}/actions/accept"),
            Act("decline", "admin", "/api/v1/resource-requests/{request_id}/actions/decline", {"reason": "No capacity"}),
            Act("start", "admin", "/api/v1/resource-requests/{request_id}/actions/start"),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


# --- co-delivery plans -------------------------------------------------------------------------

PLAN = {"activities": [{"activity": "data_migration", "lead": "si", "effort_days": "20"}, {"activity": "training", "lead": "joint"}], "note": "First cut"}
REVISED = {"activities": [{"activity": "data_migration", "lead": "vendor_ps", "effort_days": "30"}, {"activity": "training", "lead": "joint"}]}


def proposed_plan(api: Any) -> Ids:
    registration = api("a_user", "POST", "/api/v1/registrations", project_input("Raced project", f"Race Project {next(_names)} Clinics"), expect=201)
    version = api("a_admin", "POST", f"/api/v1/registrations/{registration['id']}/codelivery-plan", PLAN, expect=201)
    return {"registration_id": registration["id"], "plan_id": version["plan_id"], "version_id": version["id"]}


def plan_state(api: Any, plan_id: int) -> dict[str, Any]:
    plan = api("admin", "GET", f"/api/v1/codelivery-plans/{plan_id}")
    versions = [
        (v["number"], v["status"], v.get("partner_signed_by_user_id") is not None, v.get("vendor_signed_by_user_id") is not None) for v in plan["versions"]
    ]
    agreed = next((v["number"] for v in plan["versions"] if v["id"] == plan["agreed_version_id"]), None)
    return {"versions": versions, "agreed": agreed}


def test_signing_and_revising_a_plan(runner: Runner, api: Any) -> None:
    sign_partner = Act("partner admin signs", "a_admin", "/api/v1/plan-versions/{version_id}/sign-off")
    sign_vendor = Act("PS lead signs", "ps_lead", "/api/v1/plan-versions/{version_id}/sign-off")
    revise = Act("partner proposes a revision", "a_admin", "/api/v1/registrations/{registration_id}/codelivery-plan", REVISED)
    lifecycle = Lifecycle(
        "proposed plan", arrange=lambda: proposed_plan(api), observe=lambda ids: plan_state(api, ids["plan_id"]), acts=[sign_partner, sign_vendor, revise]
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def test_both_signatures_at_once_agree_the_plan(runner: Runner, api: Any) -> None:
    """Not a conflict: both succeed, and the version is agreed (neither misses the other's signature)."""
    sign_partner = Act("partner admin signs", "a_admin", "/api/v1/plan-versions/{version_id}/sign-off")
    sign_vendor = Act("PS lead signs", "ps_lead", "/api/v1/plan-versions/{version_id}/sign-off")
    lifecycle = Lifecycle("proposed plan", arrange=lambda: proposed_plan(api), observe=lambda ids: plan_state(api, ids["plan_id"]), acts=[])
    for _ in range(3):
        outcome = runner.race(lifecycle, [sign_partner, sign_vendor])
        assert outcome.codes == (200, 200) and outcome.state["agreed"] == 1, outcome


# --- concurrency of many at once ---------------------------------------------------------------


def test_many_concurrent_submits_of_one_customer_keep_one_first(runner: Runner, live_server: str, world: World, api: Any) -> None:
    """Two partners' users register one new company twenty times at once: one customer record,
    and every registration after the first is flagged against an earlier one."""
    name = f"Simultaneous Works {next(_names)} Ltd"
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def submit(who: str) -> None:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            client.get("/healthz")
            barrier.wait()
            response = client.post("/api/v1/registrations", headers=world.headers(who), json=deal_input("Same company", name, submit=True))
            codes.append(response.status_code)

    threads = [threading.Thread(target=submit, args=("a_user" if i % 2 else "b_user",)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [201] * 20
    found = api("admin", "GET", f"/api/v1/registrations?q={name.split()[1]}&limit=50")
    assert len({item["customer_id"] for item in found["items"]}) == 1


# Every two of these match one after the other, in either order (the fourth spelling,
# "Orbeline Vector", does not match "Orbelie Vectors" even one after the other: two edits apart
# and no word in common, a recall gap of matching, not of locking).
VARIANTS = ("Orbeline Vectors plc", "Orbeline Vectors Intl", "Orbelie Vectors", "Orbeline Vectors")


def test_concurrent_spelling_variants_of_a_new_company_make_one_customer(runner: Runner, live_server: str, world: World, api: Any, db: Database) -> None:
    """The reported defect: 20 submits of one new company under four spellings, from two partners
    at once, created four customers and four conflict-free registrations."""
    barrier = threading.Barrier(20)
    created: list[int] = []

    def submit(index: int) -> None:
        who = "a_user" if index % 2 else "b_user"
        with httpx.Client(base_url=live_server, timeout=60) as client:
            client.get("/healthz")
            barrier.wait()
            body = deal_input("Vectors deal", VARIANTS[index % len(VARIANTS)], submit=True)
            response = client.post("/api/v1/registrations", headers=world.headers(who), json=body)
            assert response.status_code == 201, response.text
            created.append(response.json()["id"])

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(created) == 20
    registrations = [api("admin", "GET", f"/api/v1/registrations/{registration_id}") for registration_id in created]
    assert len({r["customer_id"] for r in registrations}) == 1, sorted({(r["customer_id"], r["customer_name"]) for r in registrations})
    # Exactly one registration is first: every other partner's later one is flagged against an earlier one.
    first = min(registrations, key=lambda r: (r["submitted_at"], r["id"]))
    with db.session_scope(PartnerScope.system(reason="test: conflicts found")) as session:
        flagged = {registration_id for registration_id, count in conflict_service.conflict_counts(session, created).items() if count}
    assert first["id"] not in flagged
    assert {r["id"] for r in registrations if r["partner_id"] != first["partner_id"]} <= flagged


# --- scope disputes ----------------------------------------------------------------------------


def plan_with_open_dispute(api: Any) -> Ids:
    ids = proposed_plan(api)
    plan = api("admin", "GET", f"/api/v1/codelivery-plans/{ids['plan_id']}")
    activity_id = plan["versions"][0]["activities"][0]["id"]
    body = {"plan_id": ids["plan_id"], "activity_id": activity_id, "subject": "Who leads data migration"}
    dispute = api("a_admin", "POST", "/api/v1/disputes", body, expect=201)
    return {**ids, "activity_id": activity_id, "dispute_id": dispute["id"]}


def dispute_state(api: Any, ids: Ids) -> dict[str, Any]:
    dispute = api("admin", "GET", f"/api/v1/disputes/{ids['dispute_id']}")
    return {
        **{key: dispute.get(key) for key in ("status", "level", "decision_lead", "rationale")},
        "escalations": len(dispute.get("escalations") or []),
        "plan": plan_state(api, ids["plan_id"]),
    }


def test_escalating_and_deciding_a_dispute(runner: Runner, api: Any) -> None:
    decide = "/api/v1/disputes/{dispute_id}/decision"
    lifecycle = Lifecycle(
        "open dispute",
        arrange=lambda: plan_with_open_dispute(api),
        observe=lambda ids: dispute_state(api, ids),
        acts=[
            Act("escalate", "cam", "/api/v1/disputes/{dispute_id}/escalation", {"reason": "No agreement"}),
            Act("CAM decides", "cam", decide, {"lead": "si", "rationale": "SI has the migration skills"}),
            Act("PS lead decides", "ps_lead", decide, {"lead": "vendor_ps", "rationale": "Vendor PS owns migrations"}),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def plan_state_with_disputes(api: Any, plan_id: int) -> dict[str, Any]:
    plan = api("admin", "GET", f"/api/v1/codelivery-plans/{plan_id}")
    return {**plan_state(api, plan_id), "open_disputes": len(plan["open_disputes"])}


def test_a_dispute_and_the_signatures_it_blocks(runner: Runner, api: Any) -> None:
    """A version is never agreed over a dispute opened on it: sign-offs and the dispute take turns."""

    def arrange() -> Ids:
        ids = proposed_plan(api)
        api("a_admin", "POST", f"/api/v1/plan-versions/{ids['version_id']}/sign-off")
        plan = api("admin", "GET", f"/api/v1/codelivery-plans/{ids['plan_id']}")
        return {**ids, "activity_id": plan["versions"][0]["activities"][0]["id"]}

    lifecycle = Lifecycle(
        "plan signed by the partner",
        arrange=arrange,
        observe=lambda ids: plan_state_with_disputes(api, ids["plan_id"]),
        acts=[
            Act("PS lead signs", "ps_lead", "/api/v1/plan-versions/{version_id}/sign-off"),
            Act("CAM opens a dispute", "cam", "/api/v1/disputes", {"plan_id": "{plan_id}", "activity_id": "{activity_id}", "subject": "Training lead"}),
        ],
        pairs=[],
    )
    sign, dispute = lifecycle.acts
    runner.check_pair(lifecycle, sign, dispute)


# --- tier recommendations and reported figures -------------------------------------------------


def test_deciding_a_tier_recommendation(runner: Runner, api: Any, db: Database, world: World) -> None:
    from alliance.partners.models import Partner
    from alliance.tiers.models import TierRecommendation
    from alliance.tiers.vocabulary import RecommendationAction

    registered, silver = world.tier_ids["si-regional/registered"], world.tier_ids["si-regional/silver"]

    def arrange() -> Ids:
        with db.session_scope(PartnerScope.system(reason="test: pending upgrade")) as session:
            partner = session.get_one(Partner, world.a.id, with_for_update=True)
            partner.tier_id = registered
            recommendation = TierRecommendation(
                partner_id=world.a.id,
                evaluated_at=clock.now(),
                program_id=world.program_ids["si-regional"],
                current_tier_id=registered,
                qualifying_tier_id=silver,
                recommended_tier_id=silver,
                action=RecommendationAction.UPGRADE,
                explanation={"summary": ["qualifies for Silver"]},
            )
            session.add(recommendation)
            session.flush()
            return {"recommendation_id": recommendation.id}

    def observe(ids: Ids) -> dict[str, Any]:
        partner = api("admin", "GET", f"/api/v1/partners/{world.a.id}")
        queue = api("admin", "GET", "/api/v1/tier-recommendations?limit=100")
        return {"tier": partner["tier"]["key"], "pending": [item["id"] == ids["recommendation_id"] for item in queue["items"]]}

    decide = "/api/v1/tier-recommendations/{recommendation_id}/decision"
    lifecycle = Lifecycle(
        "pending tier upgrade",
        arrange=arrange,
        observe=observe,
        acts=[
            Act("accept", "admin", decide, {"accept": True, "reason": "Capacity verified"}),
            Act("reject", "admin", decide, {"accept": False, "reason": "Wait a quarter"}),
        ],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


def test_deciding_a_reported_figure(runner: Runner, api: Any, db: Database, world: World) -> None:
    from tests.service.tiers.factory import make_msp

    msp = make_msp(db, world)
    months = iter(f"{2026 - n // 12}-{12 - n % 12:02d}" for n in range(2, 40))

    def arrange() -> Ids:
        month = next(months)
        figure = api("b_admin", "POST", f"/api/v1/partners/{msp}/reported-figures", {"metric": "managed_customers", "period": month, "value": 64}, expect=201)
        return {"figure_id": figure["id"], "month": int(month.replace("-", ""))}

    def observe(ids: Ids) -> Any:
        figures = api("b_admin", "GET", f"/api/v1/partners/{msp}/reported-figures")
        return [(f["value"], f["status"]) for f in figures if f["id"] == ids["figure_id"]]

    decide = "/api/v1/reported-figures/{figure_id}/decision"
    lifecycle = Lifecycle(
        "reported figure",
        arrange=arrange,
        observe=observe,
        acts=[Act("confirm", "cam2", decide, {"confirm": True}), Act("reject", "admin", decide, {"confirm": False, "reason": "Does not match the invoice"})],
    )
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)


# --- consents and the engagements staffed under them -------------------------------------------


def test_revoking_a_consent_while_vendor_ps_is_staffed_under_it(runner: Runner, api: Any, db: Database, world: World) -> None:
    """A revocation and a staffing that relies on the consent take turns: the engagement is either
    staffed before the revocation (and keeps its record) or refused after it — never recorded
    under a consent already revoked."""
    from tests.factories.engagements import protected_account

    account = protected_account(db, world, "a")

    def arrange() -> Ids:
        for consent in api("a_admin", "GET", f"/api/v1/consents?customer_id={account.customer_id}&active=true")["items"]:
            api("a_admin", "POST", f"/api/v1/consents/{consent['id']}/revocation", {"reason": "Next round"})
        body = {"activity": "implementation", "expires_on": (clock.today() + timedelta(days=30)).isoformat()}
        return {"consent_id": api("a_admin", "POST", f"/api/v1/customers/{account.customer_id}/consents", body, expect=201)["id"]}

    def observe(ids: Ids) -> Any:
        consent = next(
            c for c in api("admin", "GET", f"/api/v1/consents?customer_id={account.customer_id}&page_size=200")["items"] if c["id"] == ids["consent_id"]
        )
        staffed = [
            e
            for e in api("admin", "GET", f"/api/v1/ps-engagements?customer_id={account.customer_id}&page_size=200")["items"]
            if e["consent_id"] == ids["consent_id"]
        ]
        revoked_at = consent["revoked_at"]
        return {
            "revoked": revoked_at is not None,
            "revoke_reason": consent.get("revoke_reason"),
            "engagements": [(e["outcome"], e["activity"]) for e in staffed],
            # Timestamps compare as ISO strings in UTC: an engagement recorded after the revocation would be a lost race.
            "staffed_after_revocation": any(revoked_at is not None and e["created_at"] > revoked_at for e in staffed),
        }

    staff = Act(
        "PS lead staffs under the consent",
        "ps_lead",
        "/api/v1/ps-engagements",
        {"customer_id": account.customer_id, "activity": "implementation", "staffed_user_id": world.users["ps_lead"], "starts_on": clock.today().isoformat()},
    )
    revoke = Act("SI revokes", "a_admin", "/api/v1/consents/{consent_id}/revocation", {"reason": "Our team is available"})
    lifecycle = Lifecycle("consent given", arrange=arrange, observe=observe, acts=[staff, revoke], pairs=[(revoke, revoke), (staff, revoke)])
    for first, second in lifecycle.all_pairs():
        outcome = runner.check_pair(lifecycle, first, second)
        assert outcome.state["staffed_after_revocation"] is False


# --- grading a lab ----------------------------------------------------------------------------

LAB_RUBRIC = [{"criterion": "Design", "max_points": 50}, {"criterion": "Build", "max_points": 50}]


def test_grading_a_lab(runner: Runner, api: Any, world: World) -> None:
    """Two evaluators grade one submission at once: one grade stands, the other gets 409, and a
    passing grade awards the certification once."""
    person = world.a.person_ids[0]

    def arrange() -> Ids:
        key = f"race-lab-{next(_names)}"
        track = api(
            "admin",
            "POST",
            "/api/v1/certification-tracks",
            {
                "key": key,
                "name": f"Raced Lab Track {key}",
                "delivery_role": "solution_architect",
                "level": "professional",
                "product_line": "data-platform",
                "product_version": "8",
                "modules": [{"key": "m1", "title": "Architecture"}],
                "lab_grading": "evaluator",
                "lab_rubric": LAB_RUBRIC,
                "lab_pass_mark": 70,
            },
            expect=201,
        )
        api("a_admin", "POST", f"/api/v1/people/{person}/module-completions", {"module_id": track["modules"][0]["id"]}, expect=201)
        api("a_admin", "POST", f"/api/v1/people/{person}/exam-attempts", {"track_id": track["id"], "score": 90}, expect=201)
        lab = api("a_user", "POST", f"/api/v1/people/{person}/lab-submissions", {"track_id": track["id"], "evidence": "https://git.example/lab"}, expect=201)
        return {"submission_id": lab["id"], "track_id": track["id"]}

    def observe(ids: Ids) -> Any:
        progress = api("a_admin", "GET", f"/api/v1/people/{person}/progress")
        track = next(t for t in progress["tracks"] if t["track_id"] == ids["track_id"])
        certification = track["certification"]
        return {
            "lab_status": track["lab_status"],
            "earned": track["earned"],
            "certification": None if certification is None else certification["status"],
        }

    grade = "/api/v1/lab-submissions/{submission_id}/grade"
    passing = Act("PS lead passes", "ps_lead", grade, {"scores": [{"criterion": "Design", "points": 45}, {"criterion": "Build", "points": 40}]})
    failing = Act("admin fails", "admin", grade, {"scores": [{"criterion": "Design", "points": 10}, {"criterion": "Build", "points": 20}]})
    lifecycle = Lifecycle("lab submitted", arrange=arrange, observe=observe, acts=[passing, failing])
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)
