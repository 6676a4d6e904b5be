"""Joint business plan sign-off raced against a live server: both signatures at once agree the
plan; a signature racing an amendment ends as one of the two serial orders."""

# ruff: noqa: F811

from __future__ import annotations

import itertools
from typing import Any

from alliance.kit import fiscal
from tests.concurrency.harness import Act, Ids, Lifecycle, Runner
from tests.concurrency.test_lifecycle_races import api, runner  # noqa: F401
from tests.factories.business_plans import items

_years = itertools.count(2040)


def _body(key: str) -> dict[str, Any]:
    period = fiscal.current().parse(key)
    return {"period": key, "title": f"Raced plan {key}", "items": items(period.end)}


def proposed_plan(api: Any) -> Ids:
    """A fresh plan of partner A (each in a fiscal year of its own), proposed."""
    plan = api("a_admin", "POST", "/api/v1/business-plans", _body(f"FY{next(_years)}"), expect=201)
    version = api("a_admin", "POST", f"/api/v1/business-plans/{plan['id']}/propose", {})
    return {"plan_id": plan["id"], "version_id": version["id"]}


def amended_plan(api: Any) -> Ids:
    """Agreed version 1, and an amendment (version 2) the partner already signed."""
    ids = proposed_plan(api)
    for who in ("a_admin", "cam"):
        api(who, "POST", f"/api/v1/business-plan-versions/{ids['version_id']}/sign-off")
    body = {"items": _body("FY2040")["items"][:1], "note": "Amend"}
    plan = api("a_admin", "GET", f"/api/v1/business-plans/{ids['plan_id']}")
    body["items"][0]["due_on"] = plan["ends_on"]
    amendment = api("a_admin", "POST", f"/api/v1/business-plans/{ids['plan_id']}/amendments", body, expect=201)
    api("a_admin", "POST", f"/api/v1/business-plan-versions/{amendment['id']}/sign-off")
    end = fiscal.current().parse(plan["period_key"]).end
    return {**ids, "amendment_id": amendment["id"], "y": end.year, "m": end.month, "d": end.day}


def plan_state(api: Any, plan_id: int) -> dict[str, Any]:
    plan = api("admin", "GET", f"/api/v1/business-plans/{plan_id}")
    versions = [(v["number"], v["status"], v["partner_signed_by_user_id"] is not None, v["vendor_signed_by_user_id"] is not None) for v in plan["versions"]]
    agreed = next((v["number"] for v in plan["versions"] if v["id"] == plan["agreed_version_id"]), None)
    return {"status": plan["status"], "versions": versions, "agreed": agreed}


def test_both_signatures_at_once_agree_the_plan(runner: Runner, api: Any) -> None:
    sign_partner = Act("partner admin signs", "a_admin", "/api/v1/business-plan-versions/{version_id}/sign-off")
    sign_vendor = Act("CAM signs", "cam", "/api/v1/business-plan-versions/{version_id}/sign-off")
    lifecycle = Lifecycle("proposed plan", arrange=lambda: proposed_plan(api), observe=lambda ids: plan_state(api, ids["plan_id"]), acts=[])
    for _ in range(3):
        outcome = runner.race(lifecycle, [sign_partner, sign_vendor])
        assert outcome.codes == (200, 200) and outcome.state["agreed"] == 1, outcome


def test_signing_an_amendment_while_another_is_proposed(runner: Runner, api: Any) -> None:
    """The CAM's signature on version 2 and the partner's new amendment (version 3): either version
    2 is agreed and version 3 awaits signatures, or version 2 is superseded and the signature refused."""
    sign = Act("CAM signs the amendment", "cam", "/api/v1/business-plan-versions/{amendment_id}/sign-off")
    amend = Act(
        "partner proposes another amendment",
        "a_admin",
        "/api/v1/business-plans/{plan_id}/amendments",
        {"items": [{"kind": "solution_milestone", "title": "Only this", "due_on": "{y:04d}-{m:02d}-{d:02d}"}], "note": "Again"},
    )
    lifecycle = Lifecycle("amended plan", arrange=lambda: amended_plan(api), observe=lambda ids: plan_state(api, ids["plan_id"]), acts=[sign, amend])
    for first, second in lifecycle.all_pairs():
        runner.check_pair(lifecycle, first, second)
