"""Daily digests: what a person chose to hear of once a day goes out as one e-mail at their local
morning (their time zone, else the deployment's), each held message exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus
from tests.service.notifications.conftest import BASE_URL
from tests.service.registrations.conftest import APPROVE

# 10:00 UTC on 4 March 2030 is 19:00 in Tokyo and 05:00 in New York.
T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
TOKYO_MORNING = datetime(2030, 3, 4, 23, 0, tzinfo=UTC)  # 08:00 on the 5th in Tokyo
NEW_YORK_MORNING = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 on the 4th in New York (UTC-5), after T0


def choose(unit, actors, who: str, event: EventType, *, time_zone: str | None = None) -> None:  # type: ignore[no-untyped-def]
    with unit(actors[who]) as session:
        notification_service.set_preferences(session, actors[who], choices={event: Cadence.DAILY_DIGEST}, time_zone=time_zone)


def statuses(outbox) -> list[tuple[EventType, OutboxStatus]]:  # type: ignore[no-untyped-def]
    return [(m.event_type, m.status) for m in outbox()]


class TestTheDigest:
    def test_held_until_the_local_morning_then_one_email_lists_them(self, register, drain, smtp, outbox, unit, actors, world):
        clock.freeze(T0)
        choose(unit, actors, "cam", EventType.REGISTRATION_SUBMITTED, time_zone="Asia/Tokyo")
        first = register(submit=True, body=None)
        second = register(submit=True, title="Second deal")
        assert statuses(outbox) == [(EventType.REGISTRATION_SUBMITTED, OutboxStatus.HELD)] * 2

        # 19:00 in Tokyo: this morning's digest had nothing; tomorrow's is not due.
        assert drain().handled == 0
        clock.freeze(datetime(2030, 3, 4, 22, 59, tzinfo=UTC))
        assert drain().handled == 0 and smtp[0].received == []

        clock.freeze(TOKYO_MORNING)
        tally = drain()
        assert tally.outcomes["sent"] == 1
        [received] = smtp[0].received
        assert received.recipients == [world.emails["cam"]]
        assert received.message["Subject"] == "Your daily digest: 2 updates"
        assert received.message["X-Alliance-Event"] == "notifications.daily_digest"
        text, html = received.part("plain"), received.part("html")
        assert "- To review: Deal (Northwind Consulting)" in text and "- To review: Second deal (Northwind Consulting)" in text
        assert f"{BASE_URL}/console/registrations/{first}" in text and f'href="{BASE_URL}/console/registrations/{second}"' in html
        assert "You got this e-mail because you chose to receive some e-mails in a daily digest." in text
        rows = outbox()
        assert [(m.event_type, m.status) for m in rows] == [
            (EventType.REGISTRATION_SUBMITTED, OutboxStatus.DIGESTED),
            (EventType.REGISTRATION_SUBMITTED, OutboxStatus.DIGESTED),
            (EventType.DAILY_DIGEST, OutboxStatus.SENT),
        ]
        assert rows[0].subject == "To review: Deal (Northwind Consulting)" and rows[0].to_address == world.emails["cam"]
        assert rows[2].recipient_user_id == world.users["cam"] and rows[2].payload["facts"]["day"] == "2030-03-05"

        # Later the same day: nothing more to send, and nothing is digested twice.
        clock.freeze(datetime(2030, 3, 5, 1, 0, tzinfo=UTC))
        assert drain().handled == 0 and len(smtp[0].received) == 1

    def test_a_message_after_the_morning_waits_for_the_next_one(self, register, drain, smtp, outbox, unit, actors):
        clock.freeze(T0)
        choose(unit, actors, "cam", EventType.REGISTRATION_SUBMITTED, time_zone="Asia/Tokyo")
        register(submit=True)
        clock.freeze(TOKYO_MORNING)
        drain()
        clock.freeze(datetime(2030, 3, 5, 0, 30, tzinfo=UTC))  # 09:30 on the 5th in Tokyo
        register(submit=True, title="Late deal")
        assert drain().handled == 0
        clock.freeze(datetime(2030, 3, 5, 23, 0, tzinfo=UTC))  # 08:00 on the 6th
        drain()
        assert [r.message["Subject"] for r in smtp[0].received] == ["Your daily digest: 1 update", "Your daily digest: 1 update"]
        assert "Late deal" in smtp[0].received[1].part("plain")

    def test_without_a_chosen_zone_the_deployments_applies(self, register, act, worker, smtp, outbox, unit, actors, world):
        clock.freeze(T0)
        choose(unit, actors, "a_user", EventType.REGISTRATION_DECIDED)
        act(register(), *APPROVE)
        run = worker(default_time_zone="America/New_York")
        clock.freeze(datetime(2030, 3, 4, 12, 59, tzinfo=UTC))  # 07:59 in New York
        run.drain()
        assert [r.recipients for r in smtp[0].received] == [[world.emails["cam"]]]  # the submission, sent at once
        clock.freeze(NEW_YORK_MORNING)
        run.drain()
        digest = smtp[0].received[-1]
        assert digest.recipients == [world.emails["a_user"]] and digest.message["Subject"] == "Your daily digest: 1 update"
        assert f"{BASE_URL}/portal/notifications" in digest.part("plain")  # a partner user's links go to the portal

    def test_people_get_their_own_digest_at_their_own_morning(self, register, act, drain, smtp, unit, actors, world):
        clock.freeze(T0)
        choose(unit, actors, "cam", EventType.REGISTRATION_SUBMITTED, time_zone="Asia/Tokyo")
        choose(unit, actors, "a_user", EventType.REGISTRATION_DECIDED, time_zone="America/New_York")
        act(register(), *APPROVE)
        clock.freeze(NEW_YORK_MORNING)
        drain()
        assert [r.recipients for r in smtp[0].received] == [[world.emails["a_user"]]]
        clock.freeze(TOKYO_MORNING)
        drain()
        assert [r.recipients for r in smtp[0].received] == [[world.emails["a_user"]], [world.emails["cam"]]]
        assert all(world.emails["cam"] not in r.part("plain") for r in smtp[0].received)  # nobody's digest names another's messages by address


class TestTwoWorkersAtOnce:
    def test_each_held_message_is_digested_once(self, db, register, worker, smtp, outbox, unit, actors):
        clock.freeze(T0)
        choose(unit, actors, "cam", EventType.REGISTRATION_SUBMITTED, time_zone="Asia/Tokyo")
        for n in range(6):
            register(submit=True, title=f"Deal {n}")
        clock.freeze(TOKYO_MORNING)
        workers = [worker(), worker()]
        barrier = threading.Barrier(2)
        built: list[int] = []

        def run(w) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            built.append(w.build_digests())

        threads = [threading.Thread(target=run, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            digests = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.DAILY_DIGEST)).all()
            digested = session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.DIGESTED))
        # One builder took the rows (the other skipped them, locked); the six appear in exactly one digest.
        assert digested == 6 and sum(d.payload["facts"]["count"] for d in digests) == 6
        assert sorted(built) in ([0, 1], [1, 1])
