"""What the outbox carries: the event types people are told about, how each message stands, and
how often a person wants each kind.

Adding an event: a member of `EventType`, its row in `EVENTS`, a template
(`alliance/delivery/templates/email/<value>.txt`) and one `notification_service.notify(...)` call
where the state changes. docs/notifications.md walks through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.identity.permissions import Permission


class EventType(StrEnum):
    REGISTRATION_SUBMITTED = "registration.submitted"
    REGISTRATION_INFO_REQUESTED = "registration.info_requested"
    REGISTRATION_DECIDED = "registration.decided"
    EXTENSION_DECIDED = "registration.extension_decided"
    # joint business plans
    BUSINESS_PLAN_AWAITING_SIGNATURE = "business_plan.awaiting_signature"
    BUSINESS_PLAN_AGREED = "business_plan.agreed"
    BUSINESS_PLAN_CHANGED = "business_plan.changed"
    # One e-mail a day gathering the messages a person chose to receive in a digest.
    DAILY_DIGEST = "notifications.daily_digest"

    @property
    def label(self) -> str:
        return EVENTS[self].label

    @property
    def mandatory(self) -> bool:
        return EVENTS[self].mandatory

    @property
    def audience(self) -> Permission | None:
        return EVENTS[self].audience


@dataclass(frozen=True)
class EventInfo:
    label: str  # the preference page's line and the mail log's column
    # Whose preference page lists it: the roles holding this permission are the ones it can reach
    # (None: not a choice on anyone's page, e.g. the digest itself).
    audience: Permission | None
    # A mandatory event is always sent at once (password reset, invitations): no preference applies.
    mandatory: bool = False


EVENTS: dict[EventType, EventInfo] = {
    EventType.REGISTRATION_SUBMITTED: EventInfo("A registration waits for your review", Permission.REGISTRATIONS_REVIEW),
    EventType.REGISTRATION_INFO_REQUESTED: EventInfo("The channel team asks for more information on your registration", Permission.REGISTRATIONS_FILE),
    EventType.REGISTRATION_DECIDED: EventInfo("Your registration was approved or rejected", Permission.REGISTRATIONS_FILE),
    EventType.EXTENSION_DECIDED: EventInfo("Your protection extension request was decided", Permission.REGISTRATIONS_FILE),
    # joint business plans
    EventType.BUSINESS_PLAN_AWAITING_SIGNATURE: EventInfo("A joint business plan waits for your signature", Permission.BUSINESS_PLANS_SIGN),
    EventType.BUSINESS_PLAN_AGREED: EventInfo("A joint business plan you sign was agreed by both sides", Permission.BUSINESS_PLANS_SIGN),
    EventType.BUSINESS_PLAN_CHANGED: EventInfo("An amendment to an agreed joint business plan was proposed", Permission.BUSINESS_PLANS_SIGN),
    EventType.DAILY_DIGEST: EventInfo("Your daily digest", None, mandatory=True),
}
assert set(EVENTS) == set(EventType), "every event type has a row in EVENTS"


class Channel(StrEnum):
    """How a message leaves: e-mail today; webhooks join as a second channel."""

    EMAIL = "email"


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first attempt
    SENDING = "sending"  # claimed by a worker until next_attempt_at (its lease)
    SENT = "sent"  # the SMTP server accepted it
    LOGGED = "logged"  # no SMTP server configured: rendered and kept for the mail log
    RETRYING = "retrying"  # an attempt failed; tried again at next_attempt_at
    DEAD = "dead"  # refused for good, or out of attempts: nobody retries it
    HELD = "held"  # the recipient wants a daily digest: waits for their next local morning
    DIGESTED = "digested"  # went out inside a daily digest (the digest is a message of its own)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    OutboxStatus.QUEUED: "Queued",
    OutboxStatus.SENDING: "Sending",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.LOGGED: "Logged (no SMTP server)",
    OutboxStatus.RETRYING: "Failed, will retry",
    OutboxStatus.DEAD: "Dead",
    OutboxStatus.HELD: "Held for the digest",
    OutboxStatus.DIGESTED: "Sent in a digest",
}
# The states a worker may claim from (a SENDING row only once its lease has run out).
CLAIMABLE = (OutboxStatus.QUEUED, OutboxStatus.RETRYING, OutboxStatus.SENDING)
DELIVERED = (OutboxStatus.SENT, OutboxStatus.LOGGED)


class Cadence(StrEnum):
    """How often a person wants one event type."""

    IMMEDIATELY = "immediately"
    DAILY_DIGEST = "daily_digest"
    OFF = "off"

    @property
    def label(self) -> str:
        return CADENCE_LABELS[self]


CADENCE_LABELS = {Cadence.IMMEDIATELY: "Immediately", Cadence.DAILY_DIGEST: "In a daily digest", Cadence.OFF: "Off"}
