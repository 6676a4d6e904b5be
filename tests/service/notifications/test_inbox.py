"""Each person's inbox is the outbox's messages addressed to them: their own only, read or unread,
including those whose e-mail they turned off (which no worker ever sends)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alliance.delivery.inbox import inbox_items
from alliance.errors import NotFound, PermissionDenied
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.notifications import inbox_service
from alliance.notifications import service as notification_service
from alliance.notifications.inbox_repository import InboxFilters
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def tell(world, who: str, *, event: EventType = EventType.REGISTRATION_DECIDED, title: str = "Harbor expansion", entity_id: int = 7) -> None:  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        notification_service.notify(
            session,
            Actor.system(label="test"),
            event=event,
            recipients=[Recipient(world.users[who], "you filed it")],
            entity_type="registration",
            entity_id=entity_id,
            facts={"title": title, "approved": True, "by": "Channel account manager", "customer": "Acme", "protected_until": None, "reason": None},
        )


def listing(unit, actor, **filters):  # type: ignore[no-untyped-def]
    with unit(actor) as session:
        found = inbox_service.list_inbox(session, actor, filters=InboxFilters(**filters), page=PageRequest(limit=10))
        return found.total, inbox_items(found.items)


class TestInbox:
    def test_a_person_sees_their_own_messages_newest_first_with_the_emails_subject_and_link(self, unit, actors, world):
        tell(world, "a_user", title="First")
        tell(world, "a_user", title="Second", entity_id=8)
        tell(world, "b_user", title="Blue Harbor secret")
        total, items = listing(unit, actors["a_user"])
        assert total == 2
        assert [(i.subject, i.link, i.unread) for i in items] == [
            ("Approved: Second", "/portal/registrations/8", True),
            ("Approved: First", "/portal/registrations/7", True),
        ]
        assert items[0].event_label == EventType.REGISTRATION_DECIDED.label
        # partner B's user sees B's message only, and the other partner's admin sees nothing
        assert [i.subject for i in listing(unit, actors["b_user"])[1]] == ["Approved: Blue Harbor secret"]
        assert listing(unit, actors["a_admin"])[0] == 0

    def test_opening_marks_one_read_and_the_count_follows(self, unit, actors, world):
        clock.freeze(T0)
        tell(world, "a_user", title="First")
        tell(world, "a_user", title="Second", entity_id=8)
        _, items = listing(unit, actors["a_user"])
        with unit(actors["a_user"]) as session:
            assert inbox_service.unread_count(session, actors["a_user"]) == 2
            opened = inbox_service.mark_read(session, actors["a_user"], message_id=items[1].id)
        assert opened.read_at == T0
        with unit(actors["a_user"]) as session:
            assert inbox_service.unread_count(session, actors["a_user"]) == 1
            # opening it again changes nothing
            clock.freeze(datetime(2026, 3, 3, tzinfo=UTC))
            assert inbox_service.mark_read(session, actors["a_user"], message_id=items[1].id).read_at == T0
        assert [i.subject for i in listing(unit, actors["a_user"], unread_only=True)[1]] == ["Approved: Second"]

    def test_mark_all_read_touches_only_the_actors_messages(self, unit, actors, world):
        tell(world, "a_user")
        tell(world, "a_user", entity_id=8)
        tell(world, "b_user")
        with unit(actors["a_user"]) as session:
            assert inbox_service.mark_all_read(session, actors["a_user"]) == 2
        with unit(actors["a_user"]) as session:
            assert inbox_service.unread_count(session, actors["a_user"]) == 0
            assert inbox_service.mark_all_read(session, actors["a_user"]) == 0
        with unit(actors["b_user"]) as session:
            assert inbox_service.unread_count(session, actors["b_user"]) == 1

    def test_another_persons_message_is_not_found(self, unit, actors, world):
        tell(world, "b_user")
        [item] = listing(unit, actors["b_user"])[1]
        for who in ("a_user", "a_admin", "b_admin", "admin"):
            with unit(actors[who]) as session, pytest.raises(NotFound):
                inbox_service.mark_read(session, actors[who], message_id=item.id)
        with unit(actors["b_user"]) as session:
            assert inbox_service.unread_count(session, actors["b_user"]) == 1

    def test_filter_by_event_type(self, unit, actors, world):
        tell(world, "cam", event=EventType.REGISTRATION_SUBMITTED)
        with world.db.session_scope(PartnerScope.system(reason="test")) as session:
            notification_service.notify(
                session,
                Actor.system(label="test"),
                event=EventType.REGISTRATION_INFO_REQUESTED,
                recipients=[Recipient(world.users["cam"], "probe")],
                entity_type="registration",
                entity_id=9,
                facts={"title": "Asked", "by": "x", "customer": "Acme", "reason": "why"},
            )
        total, items = listing(unit, actors["cam"], event_type=EventType.REGISTRATION_INFO_REQUESTED)
        assert (total, [i.subject for i in items]) == (1, ["More information needed: Asked"])

    def test_an_inbox_belongs_to_a_person(self, unit):
        system = Actor.system(label="cli")
        with unit(system) as session, pytest.raises(PermissionDenied):
            inbox_service.list_inbox(session, system, filters=InboxFilters(), page=PageRequest())


class TestEmailTurnedOff:
    def test_the_message_is_in_the_inbox_but_no_worker_sends_it(self, unit, actors, world, drain, smtp, outbox):
        with unit(actors["a_user"]) as session:
            notification_service.set_preferences(session, actors["a_user"], choices={EventType.REGISTRATION_DECIDED: Cadence.OFF})
        tell(world, "a_user", title="Quiet")
        tell(world, "b_user", title="Loud")
        assert [i.subject for i in listing(unit, actors["a_user"])[1]] == ["Approved: Quiet"]
        tally = drain()
        assert tally.handled == 1 and len(smtp[0].received) == 1
        assert {m.payload["facts"]["title"]: m.status for m in outbox()} == {"Quiet": OutboxStatus.SKIPPED, "Loud": OutboxStatus.SENT}
        assert drain().handled == 0
        assert [i.unread for i in listing(unit, actors["a_user"])[1]] == [True]
