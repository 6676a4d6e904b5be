"""Messages are written in the transaction of the change that owes them, to the right people,
as each person chose."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.errors import PermissionDenied, RuleViolation
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserUpdate
from alliance.identity.scope import Actor, PartnerScope, scope_for
from alliance.notifications import service as notification_service
from alliance.notifications import vocabulary
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import Cadence, EventInfo, EventType, OutboxStatus
from alliance.registrations import extension_service
from alliance.registrations import service as registration_service
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.world import deal_input
from tests.service.registrations.conftest import APPROVE


def by_event(rows) -> dict[EventType, list[int]]:  # type: ignore[no-untyped-def]
    found: dict[EventType, list[int]] = {}
    for row in rows:
        found.setdefault(row.event_type, []).append(row.recipient_user_id)
    return found


class TestRegistrationEvents:
    def test_a_submitted_registration_reaches_the_partners_cam(self, register, outbox, world):
        registration_id = register(submit=True)
        [message] = outbox()
        assert (message.event_type, message.recipient_user_id, message.status) == (EventType.REGISTRATION_SUBMITTED, world.users["cam"], OutboxStatus.QUEUED)
        assert (message.entity_type, message.entity_id, message.attempts) == ("registration", registration_id, 0)
        assert message.payload["why"] == "you are the channel account manager of Northwind Consulting"
        facts = message.payload["facts"]
        assert (facts["title"], facts["customer"], facts["partner"], facts["kind"]) == ("Deal", "Acme Analytics", "Northwind Consulting", "deal")
        assert message.idempotency_key.startswith(f"registration.submitted/registration/{registration_id}/")
        assert message.idempotency_key.endswith(f"/{world.users['cam']}")

    def test_without_a_cam_who_reviews_the_unbound_reviewers_hear_of_it(self, register, outbox, unit, actors, world):
        with unit(actors["admin"]) as session:
            identity_service.update_user(session, actors["admin"], user_id=world.users["cam"], data=UserUpdate(is_active=False))
        register(submit=True)
        # Program admins review every partner's registrations; the other CAM only their own book.
        assert by_event(outbox()) == {EventType.REGISTRATION_SUBMITTED: [world.users["admin"]]}
        assert "has no channel account manager" in outbox()[0].payload["why"]

    def test_a_decision_reaches_the_partner_user_who_filed_it(self, register, act, outbox, world):
        registration_id = register()
        act(registration_id, *APPROVE)
        assert by_event(outbox()) == {EventType.REGISTRATION_SUBMITTED: [world.users["cam"]], EventType.REGISTRATION_DECIDED: [world.users["a_user"]]}
        decided = outbox()[-1]
        assert decided.payload["facts"]["approved"] is True and decided.payload["facts"]["reason"] == "Qualified opportunity"
        assert decided.payload["facts"]["by"] == "Channel account manager"  # vendor staff appear to partners by role
        assert decided.payload["facts"]["protected_until"]

    def test_a_request_for_information_reaches_the_registrant(self, register, act, outbox, world):
        registration_id = register()
        act(registration_id, ("a_user", "submit"), ("cam", "request_info", "Who is the sponsor?"))
        [_, asked] = outbox()
        assert (asked.event_type, asked.recipient_user_id, asked.payload["facts"]["reason"]) == (
            EventType.REGISTRATION_INFO_REQUESTED,
            world.users["a_user"],
            "Who is the sponsor?",
        )

    def test_an_extension_decision_reaches_the_registrant(self, register, act, outbox, unit, actors, world):
        registration_id = register()
        act(registration_id, *APPROVE)
        with unit(actors["a_user"]) as session:
            extension = extension_service.request_extension(session, actors["a_user"], registration_id=registration_id, reason="Procurement is slow")
        with unit(actors["cam"]) as session:
            extension_service.decide_extension(session, actors["cam"], extension_id=extension.id, approve=True, reason="Fine")
        last = outbox()[-1]
        assert (last.event_type, last.recipient_user_id, last.payload["facts"]["extension_approved"]) == (
            EventType.EXTENSION_DECIDED,
            world.users["a_user"],
            True,
        )

    def test_drafts_and_reviews_started_owe_nothing(self, register, act, outbox):
        registration_id = register()
        assert outbox() == []
        act(registration_id, ("a_user", "submit"), ("cam", "start_review"))
        assert [m.event_type for m in outbox()] == [EventType.REGISTRATION_SUBMITTED]

    def test_a_rolled_back_change_queues_nothing(self, db, catalog, actors, outbox, drain, smtp):
        actor = actors["a_user"]
        data = REGISTRATION_CREATE.validate_python(deal_input("Doomed", "Rollback Corp", submit=True))

        def submit_then_fail() -> None:
            with db.session_scope(scope_for(actor)) as session:
                registration_service.create_registration(session, actor, data=data)
                session.flush()
                raise RuntimeError("the request failed after the submit")

        with pytest.raises(RuntimeError):
            submit_then_fail()
        assert outbox() == []
        assert drain().handled == 0 and smtp[0].received == []


class TestNotify:
    def test_the_actor_is_not_told_of_their_own_act(self, unit, actors, outbox, world):
        with unit(actors["cam"]) as session:
            queued = notification_service.notify(
                session,
                actors["cam"],
                event=EventType.REGISTRATION_SUBMITTED,
                recipients=[Recipient(world.users["cam"], "x"), Recipient(world.users["admin"], "y"), Recipient(world.users["admin"], "twice")],
                entity_type="registration",
                entity_id=1,
                facts={},
            )
        assert queued == 1 and [(m.recipient_user_id, m.payload["why"]) for m in outbox()] == [(world.users["admin"], "y")]

    def test_a_named_occurrence_is_queued_once(self, unit, actors, outbox, world):
        system = Actor.system(label="sweep")
        for _ in range(2):
            with unit(system) as session:
                notification_service.notify(
                    session,
                    system,
                    event=EventType.REGISTRATION_DECIDED,
                    recipients=[Recipient(world.users["a_user"], "you filed it")],
                    entity_type="registration",
                    entity_id=7,
                    facts={},
                    occurrence="30d",
                )
        assert [m.idempotency_key for m in outbox()] == [f"registration.decided/registration/7/30d/{world.users['a_user']}"]


class TestPreferences:
    def test_each_role_is_offered_the_emails_it_can_receive(self, unit, actors):
        # Everyone is offered the mandatory e-mails (invitations, password resets), always at once.
        mandatory = {event for event in EventType if event.mandatory and event.audience is not None}  # the digest is no choice
        with unit(actors["cam"]) as session:
            assert [p.event_type for p in notification_service.list_preferences(session, actors["cam"]) if not p.mandatory] == [
                EventType.REGISTRATION_SUBMITTED,
                EventType.REGISTRATION_CONFLICT_FLAGGED,
                EventType.DISPUTE_OPENED,
                EventType.DISPUTE_ESCALATED,
                EventType.DISPUTE_DECIDED,
                EventType.BUSINESS_PLAN_AWAITING_SIGNATURE,
                EventType.BUSINESS_PLAN_AGREED,
                EventType.BUSINESS_PLAN_CHANGED,
                EventType.BUSINESS_PLAN_MILESTONE_DUE,
                EventType.QBR_SHARED,
                EventType.SPONSOR_MEETING_OVERDUE,
                EventType.FUND_REQUEST_SUBMITTED,
                EventType.FUND_CLAIM_SUBMITTED,
                EventType.TIER_RECOMMENDED,
            ]
        with unit(actors["a_user"]) as session:
            offered = notification_service.list_preferences(session, actors["a_user"])
        assert {p.event_type for p in offered} - mandatory == {
            EventType.REGISTRATION_INFO_REQUESTED,
            EventType.REGISTRATION_DECIDED,
            EventType.EXTENSION_DECIDED,
            EventType.PROTECTION_EXPIRING,
            EventType.PROTECTION_EXPIRED,
            EventType.COSELL_REQUEST_COMPLETED,
            EventType.CERTIFICATION_EXPIRING,
            EventType.RECERT_WINDOW_OPENED,
            EventType.RECERT_WINDOW_CLOSING,
            EventType.CERTIFICATION_LAPSED,
            EventType.LAB_GRADED,
            EventType.ASSET_CONTRIBUTION_DECIDED,
            EventType.BUSINESS_PLAN_MILESTONE_DUE,
            EventType.FUND_REQUEST_DECIDED,
            EventType.FUND_CLAIM_DECIDED,
            EventType.FUND_CLAIM_PAID,
            EventType.FUND_CLAIM_DUE,
        }
        assert {p.cadence for p in offered} == {Cadence.IMMEDIATELY}
        with unit(actors["auditor"]) as session:
            # Beyond the mandatory ones: a QBR shared with them as a partner's executive sponsor.
            assert {p.event_type for p in notification_service.list_preferences(session, actors["auditor"])} == mandatory | {EventType.QBR_SHARED}

    def test_off_writes_an_inbox_item_only_and_a_digest_holds_the_message(self, register, unit, actors, outbox, world):
        with unit(actors["cam"]) as session:
            notification_service.set_preferences(session, actors["cam"], choices={EventType.REGISTRATION_SUBMITTED: Cadence.OFF})
        register(submit=True)
        assert [(m.status, m.recipient_user_id) for m in outbox()] == [(OutboxStatus.SKIPPED, world.users["cam"])]
        with unit(actors["cam"]) as session:
            chosen = notification_service.set_preferences(session, actors["cam"], choices={EventType.REGISTRATION_SUBMITTED: Cadence.DAILY_DIGEST})
        assert [p.cadence for p in chosen if p.event_type == EventType.REGISTRATION_SUBMITTED] == [Cadence.DAILY_DIGEST]
        register(submit=True, title="Second")
        assert [(m.status, m.recipient_user_id) for m in outbox()] == [(OutboxStatus.SKIPPED, world.users["cam"]), (OutboxStatus.HELD, world.users["cam"])]

    def test_a_change_is_audited(self, unit, actors, db, world):
        with unit(actors["a_user"]) as session:
            notification_service.set_preferences(session, actors["a_user"], choices={EventType.REGISTRATION_DECIDED: Cadence.OFF})
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "notification_preferences.changed")).one()
        assert (event.entity_id, event.before, event.after) == (
            str(world.users["a_user"]),
            {"registration.decided": "immediately"},
            {"registration.decided": "off"},
        )

    def test_an_email_the_role_does_not_get_cannot_be_chosen(self, unit, actors):
        with unit(actors["cam"]) as session, pytest.raises(RuleViolation) as refused:
            notification_service.set_preferences(session, actors["cam"], choices={EventType.REGISTRATION_DECIDED: Cadence.OFF})
        assert refused.value.details == [{"field": "registration.decided", "message": "your role does not receive this e-mail"}]

    def test_a_mandatory_email_is_always_sent_at_once(self, unit, actors, outbox, monkeypatch, world):
        info = vocabulary.EVENTS[EventType.REGISTRATION_DECIDED]
        monkeypatch.setitem(vocabulary.EVENTS, EventType.REGISTRATION_DECIDED, EventInfo(info.label, info.audience, mandatory=True))
        with unit(actors["a_user"]) as session, pytest.raises(RuleViolation, match="always sent at once"):
            notification_service.set_preferences(session, actors["a_user"], choices={EventType.REGISTRATION_DECIDED: Cadence.OFF})
        with unit(actors["a_user"]) as session:
            [decided] = [p for p in notification_service.list_preferences(session, actors["a_user"]) if p.event_type == EventType.REGISTRATION_DECIDED]
        assert decided.mandatory and decided.cadence == Cadence.IMMEDIATELY

    def test_preferences_belong_to_a_person(self, unit):
        system = Actor.system(label="cli")
        with unit(system) as session, pytest.raises(PermissionDenied):
            notification_service.list_preferences(session, system)
