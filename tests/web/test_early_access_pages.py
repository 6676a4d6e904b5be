"""Early access in the console and the portal: the vendor opens a program, a partner admin applies
(the terms must be accepted), the channel team declines with a reason; the applications list
filters, sorts and exports; an enrolled partner leaves feedback and sees its own only."""

from __future__ import annotations

from tests.factories.early_access import build_early_access
from tests.web.client import post, soup


def test_open_apply_decide_list_and_feedback(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_early_access(db, world)
    login("admin")
    opened = post(
        client,
        "/console/early-access",
        {"product_line": "security-suite", "version": "5", "terms": "Beta terms", "minimum_tier_rank": ""},
        token_from="/console/early-access",
    )
    assert opened.status_code == 303, opened.text
    program_url = opened.headers["location"]
    program_id = int(program_url.rsplit("/", 1)[1])

    login("a_admin")
    listing = soup(client.get("/portal/early-access")).find(id="programs").get_text(" ", strip=True)
    assert "Security Suite 5" in listing and "Data Platform 10" in listing and "Analytics 13" not in listing
    apply_url = f"/portal/early-access/{program_id}/apply"
    assert post(client, apply_url, {"note": "Pilot"}, token_from=f"/portal/early-access/{program_id}").status_code == 422
    assert post(client, apply_url, {"note": "Pilot", "accept_terms": "on"}).status_code == 303
    assert soup(client.get(f"/portal/early-access/{program_id}")).find(id="application-status").get_text(" ", strip=True).startswith("Pending")

    login("cam")
    page = soup(client.get(f"/console/early-access/{program_id}"))
    row = page.select("#applications tbody tr")[0]
    assert "Northwind Consulting" in row.get_text() and row.select_one(".eligibility").get_text(strip=True) == "Eligible"
    decision_url = row.find("form")["action"]
    assert post(client, decision_url, {"decision": "decline", "reason": ""}, token_from=f"/console/early-access/{program_id}").status_code == 422
    assert post(client, decision_url, {"decision": "decline", "reason": "Security Suite 5 beta is full"}).status_code == 303
    declined = soup(client.get("/console/early-access/applications", params={"status": "declined", "sort": "partner"}))
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in declined.select("#applications tbody tr")]
    assert len(rows) == 1 and rows[0][:3] == ["Northwind Consulting", "Security Suite 5", "Declined"] and rows[0][-1] == "Security Suite 5 beta is full"
    csv = client.get("/console/early-access/applications.csv", params={"program_id": built["open_program_id"]}).text.splitlines()
    assert csv[0].startswith("id,program,partner,status") and len(csv) == 3

    login("a_user")
    enrolled = f"/portal/early-access/{built['open_program_id']}"
    assert "Blue Harbor" not in client.get(enrolled).text
    sent = post(client, enrolled + "/feedback", {"asset_id": built["asset_id"], "body": "The sample data set is missing."}, token_from=enrolled)
    assert sent.status_code == 303
    feedback = soup(client.get(enrolled)).find(id="feedback").get_text(" ", strip=True)
    assert "The sample data set is missing." in feedback and "Northwind: step 3 is unclear" in feedback and "Blue Harbor" not in feedback
