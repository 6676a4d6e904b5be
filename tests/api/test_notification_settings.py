"""GET/PUT /api/v1/me/notification-settings: the same choices as the E-mail settings page."""

from __future__ import annotations

from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.identity.scope import PartnerScope

PATH = "/api/v1/me/notification-settings"


def test_read_choose_and_the_time_zone(client, world):  # type: ignore[no-untyped-def]
    headers = world.headers("a_user")
    found = client.get(PATH, headers=headers).json()
    assert (found["time_zone"], found["time_zone_chosen"], found["digest_hour"]) == ("UTC", False, 8)
    assert {p["event_type"]: p["cadence"] for p in found["preferences"]}["registration.decided"] == "immediately"
    changed = client.put(PATH, headers=headers, json={"choices": {"registration.decided": "daily_digest"}, "time_zone": "America/New_York"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["time_zone"], body["time_zone_chosen"]) == ("America/New_York", True)
    assert {p["event_type"]: p["cadence"] for p in body["preferences"]}["registration.decided"] == "daily_digest"
    # Leaving the zone out keeps it.
    assert client.put(PATH, headers=headers, json={"choices": {"registration.decided": "off"}}).json()["time_zone"] == "America/New_York"
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "notification_preferences.changed").order_by(AuditEvent.seq)).all()
    assert events[0].after == {"registration.decided": "daily_digest", "time_zone": "America/New_York"}
    assert events[0].before == {"registration.decided": "immediately", "time_zone": None}


def test_bad_values_name_their_field(client, world):  # type: ignore[no-untyped-def]
    headers = world.headers("cam")
    response = client.put(PATH, headers=headers, json={"time_zone": "Mars/Olympus"})
    assert response.status_code == 422 and "time_zone" in response.text and "not a known IANA time zone" in response.text
    response = client.put(PATH, headers=headers, json={"choices": {"registration.decided": "off"}})
    assert response.status_code == 422 and "registration.decided" in response.text  # a CAM does not receive it
    response = client.put(PATH, headers=headers, json={"choices": {"notifications.daily_digest": "off"}})
    assert response.status_code == 422  # the digest itself is not a choice


def test_every_role_has_settings_but_anonymous_callers_do_not(client, world):  # type: ignore[no-untyped-def]
    assert client.get(PATH).status_code == 401
    # Auditors receive no event's e-mail but the ones everybody gets (invitations, password resets)
    # and, as anyone who reads QBRs, a QBR shared with them as a partner's executive sponsor.
    offered = client.get(PATH, headers=world.headers("auditor")).json()["preferences"]
    assert {p["event_type"] for p in offered if not p["mandatory"]} == {"qbr.shared"}
