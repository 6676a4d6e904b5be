"""The mail log (program admins) and each person's e-mail settings, in the console and the portal."""

from __future__ import annotations

from alliance.identity.scope import Actor, PartnerScope
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import Cadence, EventType
from tests.web.client import post, soup


def queue_for(world, who: str, *, title: str = "Harbor expansion") -> None:  # type: ignore[no-untyped-def]
    system = Actor.system(label="test")
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        notification_service.notify(
            session,
            system,
            event=EventType.REGISTRATION_SUBMITTED,
            recipients=[Recipient(world.users[who], "you review registrations")],
            entity_type="registration",
            entity_id=41,
            facts={"title": title, "kind": "deal", "customer": "Acme", "partner": "Northwind Consulting", "by": "a_user@example.com"},
        )


class TestMailLog:
    def test_program_admins_see_every_message_with_names(self, client, login, world):
        queue_for(world, "cam")
        queue_for(world, "cam2", title="Other")
        login("admin")
        page = soup(client.get("/console/mail"))
        rows = page.find(id="messages").find("tbody").find_all("tr")
        assert [r.find_all("td")[1].find("strong").get_text() for r in rows] == ["Cora Cam", "Carl Cam"]
        assert all("A registration waits for your review" in r.get_text() for r in rows)
        assert "No SMTP server is configured" in page.get_text()
        assert page.find(id="outbox-stats").find("span", class_="value").get_text(strip=True) == "2"
        assert page.find("a", href="/console/mail", attrs={"aria-current": "page"}) is not None

    def test_filters_by_recipient_status_and_email(self, client, login, world):
        queue_for(world, "cam")
        queue_for(world, "cam2")
        login("admin")
        assert len(soup(client.get("/console/mail?recipient=cora")).find(id="messages").find("tbody").find_all("tr")) == 1
        assert soup(client.get("/console/mail?status=sent")).find(id="messages") is None
        assert len(soup(client.get("/console/mail?status=queued&event=registration.submitted")).find(id="messages").find("tbody").find_all("tr")) == 2
        # a filter value that is not a status filters nothing instead of failing
        assert client.get("/console/mail?status=bogus").status_code == 200

    def test_a_message_reads_as_it_will_be_sent(self, client, login, world):
        queue_for(world, "cam", title="<b>Bold</b> move")
        login("admin")
        link = soup(client.get("/console/mail")).find(id="messages").find("tbody").find("a")
        page = soup(client.get(link["href"]))
        assert page.find("h1").get_text() == "To review: <b>Bold</b> move (Northwind Consulting)"
        text = page.find(id="text-part").get_text()
        assert text.startswith("Hello Carl Cam,") and "/console/registrations/41" in text
        assert "List-Unsubscribe" in page.find(id="headers").get_text()
        frame = page.find(id="html-part")
        assert frame.has_attr("sandbox") and "&lt;b&gt;Bold&lt;/b&gt; move" in frame["srcdoc"]

    def test_other_vendor_roles_are_refused_and_see_no_link(self, client, login, world):
        login("cam")
        assert client.get("/console/mail").status_code == 403
        assert soup(client.get("/console")).find("a", href="/console/mail") is None


# Invitations and password resets are listed for everyone, always sent (their other choices disabled).
MANDATORY = {event.value for event in EventType if event.mandatory}


class TestPreferences:
    def test_a_cam_turns_an_email_off(self, client, login, world):
        login("cam")
        page = soup(client.get("/console/notifications"))
        radios = page.find(id="preferences").find_all("input", attrs={"type": "radio"})
        # A CAM reviews registrations, decides disputes and hears of tier recommendations.
        assert {r["name"] for r in radios} - MANDATORY == {
            "registration.submitted",
            "registration.conflict_flagged",
            "scope_dispute.opened",
            "scope_dispute.escalated",
            "scope_dispute.decided",
            "business_plan.awaiting_signature",
            "business_plan.agreed",
            "business_plan.changed",
            "business_plan.milestone_due",
            "qbr.shared",
            "sponsor.meeting_overdue",
            "fund_request.submitted",
            "fund_claim.submitted",
            "tier.recommended",
        }
        assert all(r.has_attr("disabled") == (r["value"] != "immediately") for r in radios if r["name"] in MANDATORY)
        assert [r["value"] for r in radios if r.has_attr("checked") and r["name"] == "registration.submitted"] == ["immediately"]
        response = post(client, "/console/notifications", {"registration.submitted": "off"}, token_from="/console/notifications")
        assert response.status_code == 303 and response.headers["location"] == "/console/notifications"
        page = soup(client.get("/console/notifications"))
        checked = {r["name"]: r["value"] for r in page.find_all("input", attrs={"type": "radio"}) if r.has_attr("checked")}
        assert checked["registration.submitted"] == "off" and checked["tier.recommended"] == "immediately"
        assert "Your e-mail choices were saved." in page.get_text()

    def test_a_partner_user_chooses_in_the_portal(self, client, login, world):
        login("a_user")
        page = soup(client.get("/portal/notifications"))
        assert {r["name"] for r in page.find_all("input", attrs={"type": "radio"})} - MANDATORY == {
            "registration.info_requested",
            "registration.decided",
            "registration.extension_decided",
            "registration.protection_expiring",
            "registration.protection_expired",
            "cosell_request.completed",
            "certification.expiring",
            "certification.recert_window_opened",
            "certification.recert_window_closing",
            "certification.lapsed",
            "lab.graded",
            "asset.contribution_decided",
            "business_plan.milestone_due",
            "fund_request.decided",
            "fund_claim.decided",
            "fund_claim.paid",
            "fund_request.claim_due",
        }
        post(client, "/portal/notifications", {"registration.decided": "daily_digest"}, token_from="/portal/notifications")
        with world.db.session_scope(PartnerScope.system(reason="test")) as session:
            actor = Actor(user_id=world.users["a_user"], role=world_role(world, "a_user"), partner_id=world.a.id, label="a")
            chosen = {p.event_type: p.cadence for p in notification_service.list_preferences(session, actor)}
        assert chosen[EventType.REGISTRATION_DECIDED] == Cadence.DAILY_DIGEST

    def test_a_choice_that_is_not_offered_is_refused_on_the_page(self, client, login, world):
        login("cam")
        response = post(client, "/console/notifications", {"registration.submitted": "weekly"}, token_from="/console/notifications")
        assert response.status_code == 422
        assert soup(response).find(class_="error") is not None
        response = post(client, "/portal/notifications", {"registration.decided": "off"}, token_from="/console/notifications")
        assert response.status_code == 404  # the portal is for partners

    def test_each_side_reaches_its_own_page(self, client, login, world):
        login("a_user")
        assert client.get("/console/notifications").status_code == 404
        assert soup(client.get("/portal")).find("a", href="/portal/notifications") is not None

    def test_the_digest_follows_the_time_zone_chosen_on_the_page(self, client, login, world):
        login("cam")
        page = soup(client.get("/console/notifications"))
        assert page.find(id="time_zone").find("option", selected=True)["value"] == "UTC"  # the deployment's, until chosen
        assert "the organisation's default until you choose one" in page.get_text()
        response = post(
            client, "/console/notifications", {"registration.submitted": "daily_digest", "time_zone": "Asia/Tokyo"}, token_from="/console/notifications"
        )
        assert response.status_code == 303
        page = soup(client.get("/console/notifications"))
        assert page.find(id="time_zone").find("option", selected=True)["value"] == "Asia/Tokyo"
        assert "arrives at 08:00 in this time zone" in page.get_text()
        refused = post(client, "/console/notifications", {"time_zone": "Mars/Olympus"}, token_from="/console/notifications")
        assert refused.status_code == 422 and "not a known IANA time zone" in soup(refused).get_text()


def world_role(world, who: str):  # type: ignore[no-untyped-def]
    from tests.service.conftest import PARTNER_USERS

    return PARTNER_USERS[who][0]
