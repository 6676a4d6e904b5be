"""The worker delivers the outbox to a real SMTP server: what arrives, retries with backoff,
dead letters, leases and the figures."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from alliance.delivery.rendering import message_id
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserUpdate
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications import delivery_service
from alliance.notifications import service as notification_service
from alliance.notifications.attempts import Failed, RetryPolicy
from alliance.notifications.vocabulary import EventType, OutboxStatus
from tests.service.notifications.conftest import BASE_URL
from tests.service.registrations.conftest import APPROVE
from tests.smtp_receiver import free_port

T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
OPERATOR = Actor.system(label="test worker")


class TestTheEmail:
    def test_what_the_reviewer_receives(self, register, drain, smtp, outbox, world):
        registration_id = register(submit=True)
        tally = drain()
        assert (tally.outcomes["sent"], tally.handled) == (1, 1)
        [received] = smtp[0].received
        mail = received.message
        assert received.recipients == [world.emails["cam"]] and received.sender == "alliance@vendor.example"
        assert mail["To"] == f"Carl Cam <{world.emails['cam']}>"
        assert mail["Subject"] == "To review: Deal (Northwind Consulting)"
        assert mail.get_content_type() == "multipart/alternative"
        [message] = outbox()
        assert mail["Message-ID"] == message_id(message.idempotency_key, "vendor.example")
        assert mail["List-Unsubscribe"] == f"<{BASE_URL}/console/notifications>"
        assert mail["Auto-Submitted"] == "auto-generated" and mail["X-Alliance-Event"] == "registration.submitted"
        link = f"{BASE_URL}/console/registrations/{registration_id}"
        text, html = received.part("plain"), received.part("html")
        assert text.startswith("Hello Carl Cam,\n")
        assert "Northwind Consulting submitted the deal registration “Deal” for Acme Analytics" in text
        assert f"Review the registration: {link}" in text
        assert "You got this e-mail because you are the channel account manager of Northwind Consulting." in text
        assert f"Choose which e-mails you get: {BASE_URL}/console/notifications" in text
        assert f'href="{link}"' in html and f'href="{BASE_URL}/console/notifications"' in html
        assert "<p>It is in your review queue.</p>" in html
        assert (message.status, message.attempts, message.to_address, message.subject) == (
            OutboxStatus.SENT,
            1,
            world.emails["cam"],
            "To review: Deal (Northwind Consulting)",
        )
        assert message.sent_at is not None and message.claimed_by == "test-worker/1"

    def test_a_partner_user_is_sent_to_the_portal(self, register, act, drain, smtp):
        registration_id = register()
        act(registration_id, *APPROVE)
        drain()
        decided = next(r for r in smtp[0].received if r.message["X-Alliance-Event"] == "registration.decided")
        assert decided.message["Subject"] == "Approved: Deal"
        assert f"{BASE_URL}/portal/registrations/{registration_id}" in decided.part("plain")
        assert decided.message["List-Unsubscribe"] == f"<{BASE_URL}/portal/notifications>"
        assert "Reason: Qualified opportunity" in decided.part("plain") and "It is protected until" in decided.part("plain")

    def test_what_people_typed_is_escaped_in_html(self, register, act, drain, smtp):
        registration_id = register(title="<script>alert(1)</script> & Co")
        act(registration_id, ("a_user", "submit"))
        drain()
        [received] = smtp[0].received
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in received.part("html") and "<script>" not in received.part("html")
        assert "<script>alert(1)</script> & Co" in received.part("plain")

    def test_without_an_smtp_server_messages_are_logged(self, register, drain, smtp, outbox):
        register(submit=True)
        tally = drain(log=True)
        assert tally.outcomes["logged"] == 1 and smtp[0].received == []
        [message] = outbox()
        assert (message.status, message.subject) == (OutboxStatus.LOGGED, "To review: Deal (Northwind Consulting)")


class TestFailures:
    def test_a_server_that_says_try_later_is_retried_with_backoff(self, register, drain, smtp, outbox):
        clock.freeze(T0)
        register(submit=True)
        smtp[0].replies = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
        assert drain().outcomes["retrying"] == 1
        [message] = outbox()
        assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.RETRYING, 1, T0 + timedelta(minutes=1))
        assert message.last_error == "SMTP 451 4.3.0 Try again later"
        clock.freeze(T0 + timedelta(seconds=59))
        assert drain().handled == 0  # not due yet
        clock.freeze(T0 + timedelta(minutes=1))
        drain()
        assert (outbox()[0].attempts, outbox()[0].next_attempt_at) == (2, T0 + timedelta(minutes=3))  # then twice as long
        clock.freeze(T0 + timedelta(minutes=3))
        assert drain().outcomes["sent"] == 1
        [message] = outbox()
        assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 3, None)
        assert len(smtp[0].received) == 1

    def test_a_refusal_is_dead_at_once(self, register, drain, smtp, outbox):
        register(submit=True)
        smtp[0].always = "550 5.1.1 No such user"
        assert drain().outcomes["dead"] == 1
        [message] = outbox()
        assert (message.status, message.attempts, message.last_error) == (OutboxStatus.DEAD, 1, "SMTP 550 5.1.1 No such user")

    def test_out_of_attempts_is_dead(self, register, drain, smtp, outbox):
        clock.freeze(T0)
        register(submit=True)
        smtp[0].always = "452 4.3.1 Insufficient storage"
        for minutes in (0, 1, 3):
            clock.freeze(T0 + timedelta(minutes=minutes))
            drain(max_attempts=3)
        [message] = outbox()
        assert (message.status, message.attempts) == (OutboxStatus.DEAD, 3)
        clock.freeze(T0 + timedelta(days=1))
        assert drain(max_attempts=3).handled == 0

    def test_a_server_that_is_down_is_retried(self, register, worker, outbox):
        register(submit=True)
        assert worker(port=free_port()).drain().outcomes["retrying"] == 1
        [message] = outbox()
        assert message.status == OutboxStatus.RETRYING and "SMTP 127.0.0.1" in (message.last_error or "")

    def test_a_deactivated_recipient_is_not_written_to(self, register, drain, smtp, outbox, unit, actors, world):
        register(submit=True)
        with unit(actors["admin"]) as session:
            identity_service.update_user(session, actors["admin"], user_id=world.users["cam"], data=UserUpdate(is_active=False))
        assert drain().outcomes["dead"] == 1 and smtp[0].received == []
        assert outbox()[0].last_error == "Carl Cam is deactivated"


class TestLeases:
    def claim(self, db, **options):  # type: ignore[no-untyped-def]
        options = {"token": "gone/1", "limit": 10, "lease": timedelta(minutes=5), "max_attempts": 3} | options
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            return delivery_service.claim_messages(session, OPERATOR, **options)

    def test_a_dead_workers_messages_are_taken_again_after_its_lease(self, db, register, drain, smtp, outbox):
        clock.freeze(T0)
        register(submit=True)
        assert len(self.claim(db).messages) == 1  # a worker claims it, then is killed
        assert drain().handled == 0 and outbox()[0].status == OutboxStatus.SENDING
        assert self.claim(db, token="other/1").messages == []  # nor can another worker take it
        clock.freeze(T0 + timedelta(minutes=5))
        assert drain().outcomes["sent"] == 1
        assert (outbox()[0].attempts, outbox()[0].claimed_by) == (2, "test-worker/1")

    def test_a_late_worker_does_not_overwrite_the_one_that_took_over(self, db, register, outbox):
        clock.freeze(T0)
        register(submit=True)
        late = self.claim(db)
        clock.freeze(T0 + timedelta(minutes=6))
        self.claim(db, token="new/1")
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            [message] = late.messages
            delivery_service.record_outcomes(session, OPERATOR, claim=late, outcomes=[_failed(message.id)], policy=_policy())
        assert (outbox()[0].status, outbox()[0].claimed_by) == (OutboxStatus.SENDING, "new/1")

    def test_a_message_whose_worker_always_dies_is_buried(self, db, register, outbox):
        clock.freeze(T0)
        register(submit=True)
        for minutes in (0, 5, 10):
            clock.freeze(T0 + timedelta(minutes=minutes))
            assert len(self.claim(db).messages) == 1
        clock.freeze(T0 + timedelta(minutes=15))
        assert self.claim(db).buried == 1
        assert (outbox()[0].status, outbox()[0].attempts) == (OutboxStatus.DEAD, 3)

    def test_a_stopping_worker_gives_the_rest_back(self, register, worker, smtp, outbox):
        for title in ("One", "Two", "Three"):
            register(submit=True, title=title)
        stopping = worker(record_every=1)
        stopping.transports = {channel: _StopAfterOne(transport, stopping) for channel, transport in stopping.transports.items()}
        tally = stopping.run_batch()
        assert (tally.outcomes["sent"], tally.given_back) == (1, 2)
        assert [(m.status, m.attempts) for m in outbox()] == [(OutboxStatus.SENT, 1), (OutboxStatus.QUEUED, 0), (OutboxStatus.QUEUED, 0)]
        assert len(smtp[0].received) == 1


class _StopAfterOne:
    """A transport whose first send also asks the worker to stop (as SIGTERM does)."""

    def __init__(self, transport, worker):  # type: ignore[no-untyped-def]
        self.transport, self.worker = transport, worker

    @contextmanager
    def connection(self):  # type: ignore[no-untyped-def]
        with self.transport.connection() as connection:
            self._connection = connection
            yield self

    def send(self, message):  # type: ignore[no-untyped-def]
        self.worker.stop.set()
        return self._connection.send(message)


def _failed(message_id: int) -> Failed:
    return Failed(message_id, "late")


def _policy() -> RetryPolicy:
    return RetryPolicy(max_attempts=3)


class TestStats:
    def test_counts_and_the_oldest_waiting(self, db, register, act, drain, smtp, unit, actors):
        clock.freeze(T0)
        first = register(submit=True)
        clock.freeze(T0 + timedelta(minutes=10))
        act(first, ("cam", "start_review"), ("cam", "approve", "ok"))
        register(submit=True, title="Later")
        clock.freeze(T0 + timedelta(minutes=30))
        with unit(actors["admin"]) as session:
            stats = notification_service.outbox_stats(session, actors["admin"])
        assert stats.counts == {OutboxStatus.QUEUED: 3}
        assert (stats.oldest_waiting_since, stats.oldest_waiting_seconds) == (T0, 1800.0)
        smtp[0].replies = ["451 4.3.0 busy"]
        drain()
        with unit(actors["admin"]) as session:
            stats = notification_service.outbox_stats(session, actors["admin"])
        assert stats.counts == {OutboxStatus.SENT: 2, OutboxStatus.RETRYING: 1}
        assert stats.count(OutboxStatus.SENT, OutboxStatus.LOGGED) == 2 and stats.oldest_waiting_since == T0

    def test_only_program_admins_read_them(self, unit, actors):
        import pytest

        from alliance.errors import PermissionDenied

        with unit(actors["cam"]) as session, pytest.raises(PermissionDenied):
            notification_service.outbox_stats(session, actors["cam"])


def test_mail_log_lists_names_and_filters(db, register, act, drain, smtp, unit, actors, world):
    from alliance.kit.pagination import PageRequest
    from alliance.notifications.repository import MailLogFilters

    registration_id = register()
    act(registration_id, *APPROVE)
    smtp[0].always = "550 5.1.1 gone"
    drain()
    with unit(actors["admin"]) as session:
        page = notification_service.list_messages(session, actors["admin"], filters=MailLogFilters(), page=PageRequest())
        assert [(row.recipient_name, row.event_type, row.status) for row in page.items] == [
            ("A User", EventType.REGISTRATION_DECIDED, OutboxStatus.DEAD),
            ("Carl Cam", EventType.REGISTRATION_SUBMITTED, OutboxStatus.DEAD),
        ]
        only = notification_service.list_messages(session, actors["admin"], filters=MailLogFilters(recipient="carl"), page=PageRequest())
        assert [row.recipient_email for row in only.items] == [world.emails["cam"]]
        none = notification_service.list_messages(session, actors["admin"], filters=MailLogFilters(status=OutboxStatus.SENT), page=PageRequest())
        assert none.total == 0
