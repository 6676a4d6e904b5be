"""Registration events beyond the review: conflicts flagged to the reviewer, and the sweep's
protection reminders, set-based, once per registration and threshold, as each person chose."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus
from alliance.registrations import notice_service
from alliance.registrations import sweep as registration_sweep
from tests.factories.world import deal_input
from tests.service.registrations.conftest import APPROVE

SWEEPER = Actor.system(label="sweep")


def sweep(db, day) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime.combine(day, time(6), tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        registration_sweep.sweep_registrations(session, SWEEPER, today=day)


def reminders(outbox, event: EventType) -> list[tuple[int | None, int, str]]:  # type: ignore[no-untyped-def]
    return sorted((m.entity_id, m.recipient_user_id, m.idempotency_key.split("/")[3]) for m in outbox() if m.event_type == event)


class TestConflictFlagged:
    def test_a_conflicting_submission_reaches_the_reviewer_not_the_partners(self, register, act, outbox, world):
        first = register(body=deal_input("Lakehouse", "Acme Analytics"))
        act(first, ("a_user", "submit"))
        second = register("b_user", body=deal_input("Lakehouse too", "Acme Analytics"))
        act(second, ("b_user", "submit"))
        flagged = [m for m in outbox() if m.event_type == EventType.REGISTRATION_CONFLICT_FLAGGED]
        assert [(m.entity_id, m.recipient_user_id) for m in flagged] == [(second, world.users["cam2"])]
        facts = flagged[0].payload["facts"]
        assert facts["partner"] == "Blue Harbor" and facts["count"] >= 1
        assert "Northwind" not in str(flagged[0].payload)  # the other side is on the review page only


class TestProtectionReminders:
    def test_thirty_and_seven_days_ahead_then_expired_each_once(self, register, act, outbox, db, world):
        registration_id = register()
        registration = act(registration_id, *APPROVE)
        ends = registration.protected_until
        assert ends is not None
        a_user = world.users["a_user"]
        sweep(db, ends - timedelta(days=40))
        assert reminders(outbox, EventType.PROTECTION_EXPIRING) == []
        sweep(db, ends - timedelta(days=30))
        sweep(db, ends - timedelta(days=29))  # a second run, a day later: nothing twice
        assert reminders(outbox, EventType.PROTECTION_EXPIRING) == [(registration_id, a_user, f"30d@{ends.isoformat()}")]
        sweep(db, ends - timedelta(days=7))
        sweep(db, ends - timedelta(days=7))
        assert [r[2] for r in reminders(outbox, EventType.PROTECTION_EXPIRING)] == [f"30d@{ends.isoformat()}", f"7d@{ends.isoformat()}"]
        sweep(db, ends + timedelta(days=1))
        sweep(db, ends + timedelta(days=2))
        assert reminders(outbox, EventType.PROTECTION_EXPIRED) == [(registration_id, a_user, f"expired@{ends.isoformat()}")]
        [expired] = [m for m in outbox() if m.event_type == EventType.PROTECTION_EXPIRED]
        assert expired.status == OutboxStatus.QUEUED and expired.payload["why"] == "you filed this registration"
        assert expired.payload["facts"] == {
            "title": "Deal",
            "customer": "Acme Analytics",
            "partner": "Northwind Consulting",
            "protected_until": ends.isoformat(),
        }
        # Nobody else heard of it: not partner B, not A's admin, not the CAM.
        assert {m.recipient_user_id for m in outbox() if m.event_type in (EventType.PROTECTION_EXPIRING, EventType.PROTECTION_EXPIRED)} == {a_user}

    def test_the_count_queued_is_returned_and_a_rerun_queues_none(self, register, act, db, world):
        ends = act(register(), *APPROVE).protected_until
        assert ends is not None
        day = ends - timedelta(days=3)
        for expected in (1, 0):
            with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
                assert notice_service.remind_protection(session, SWEEPER, today=day) == expected

    def test_preferences_apply_in_the_statement(self, register, act, unit, actors, outbox, db, world):
        registration_id = register()
        ends = act(registration_id, *APPROVE).protected_until
        assert ends is not None
        with unit(actors["a_user"]) as session:
            notification_service.set_preferences(
                session, actors["a_user"], choices={EventType.PROTECTION_EXPIRING: Cadence.OFF, EventType.PROTECTION_EXPIRED: Cadence.DAILY_DIGEST}
            )
        sweep(db, ends - timedelta(days=5))
        # E-mail off: an inbox item only, which no worker sends.
        assert [m.status for m in outbox() if m.event_type == EventType.PROTECTION_EXPIRING] == [OutboxStatus.SKIPPED]
        sweep(db, ends + timedelta(days=1))
        [expired] = [m for m in outbox() if m.event_type == EventType.PROTECTION_EXPIRED]
        assert expired.status == OutboxStatus.HELD

    def test_an_extended_protection_is_reminded_again(self, register, act, outbox, db, world):
        registration_id = register()
        ends = act(registration_id, *APPROVE).protected_until
        assert ends is not None
        sweep(db, ends - timedelta(days=6))
        with db.session_scope(PartnerScope.system(reason="test extension")) as session:
            from alliance.registrations.models import Registration

            session.get(Registration, registration_id, with_for_update=True).protected_until = ends + timedelta(days=60)  # type: ignore[union-attr]
        sweep(db, ends + timedelta(days=54))
        assert [r[2] for r in reminders(outbox, EventType.PROTECTION_EXPIRING)] == [f"7d@{ends.isoformat()}", f"7d@{(ends + timedelta(days=60)).isoformat()}"]
