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
    # registrations
    REGISTRATION_SUBMITTED = "registration.submitted"
    REGISTRATION_CONFLICT_FLAGGED = "registration.conflict_flagged"
    REGISTRATION_INFO_REQUESTED = "registration.info_requested"
    REGISTRATION_DECIDED = "registration.decided"
    EXTENSION_DECIDED = "registration.extension_decided"
    PROTECTION_EXPIRING = "registration.protection_expiring"
    PROTECTION_EXPIRED = "registration.protection_expired"
    # co-sell requests
    COSELL_REQUEST_ROUTED = "cosell_request.routed"
    COSELL_REQUEST_ASSIGNED = "cosell_request.assigned"
    COSELL_SLA_IMMINENT = "cosell_request.sla_imminent"
    COSELL_SLA_BREACHED = "cosell_request.sla_breached"
    COSELL_REQUEST_COMPLETED = "cosell_request.completed"
    # co-delivery plans and scope disputes
    PLAN_AWAITING_SIGNATURE = "codelivery_plan.awaiting_signature"
    PLAN_AGREED = "codelivery_plan.agreed"
    PLAN_CHANGED = "codelivery_plan.changed"
    DISPUTE_OPENED = "scope_dispute.opened"
    DISPUTE_ESCALATED = "scope_dispute.escalated"
    DISPUTE_DECIDED = "scope_dispute.decided"
    # joint business plans
    BUSINESS_PLAN_AWAITING_SIGNATURE = "business_plan.awaiting_signature"
    BUSINESS_PLAN_AGREED = "business_plan.agreed"
    BUSINESS_PLAN_CHANGED = "business_plan.changed"
    BUSINESS_PLAN_MILESTONE_DUE = "business_plan.milestone_due"
    # quarterly business reviews
    QBR_SHARED = "qbr.shared"
    SPONSOR_MEETING_OVERDUE = "sponsor.meeting_overdue"
    # market development funds
    FUND_REQUEST_SUBMITTED = "fund_request.submitted"
    FUND_CLAIM_SUBMITTED = "fund_claim.submitted"
    FUND_REQUEST_DECIDED = "fund_request.decided"
    FUND_CLAIM_DECIDED = "fund_claim.decided"
    FUND_CLAIM_PAID = "fund_claim.paid"
    FUND_CLAIM_DUE = "fund_request.claim_due"
    # enablement
    CERTIFICATION_EXPIRING = "certification.expiring"
    RECERT_WINDOW_OPENED = "certification.recert_window_opened"
    RECERT_WINDOW_CLOSING = "certification.recert_window_closing"
    CERTIFICATION_LAPSED = "certification.lapsed"
    LAB_GRADED = "lab.graded"
    # asset library
    ASSET_NOT_VALIDATED = "asset.not_validated"
    ASSET_CONTRIBUTION_DECIDED = "asset.contribution_decided"
    EARLY_ACCESS_DECIDED = "early_access.decided"
    # tiers
    TIER_RECOMMENDED = "tier.recommended"
    TIER_DECIDED = "tier.decided"
    # people and access (mandatory: they carry a link to set a password)
    USER_INVITED = "user.invited"
    PASSWORD_RESET = "user.password_reset"
    # operations
    WEBHOOK_ENDPOINT_DISABLED = "webhooks.endpoint_disabled"
    # the daily digest: one e-mail a day gathering what a person chose to receive that way
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
    # registrations
    EventType.REGISTRATION_SUBMITTED: EventInfo("A registration waits for your review", Permission.REGISTRATIONS_REVIEW),
    EventType.REGISTRATION_CONFLICT_FLAGGED: EventInfo("A registration you review conflicts with another partner's", Permission.REGISTRATIONS_REVIEW),
    EventType.REGISTRATION_INFO_REQUESTED: EventInfo("The channel team asks for more information on your registration", Permission.REGISTRATIONS_FILE),
    EventType.REGISTRATION_DECIDED: EventInfo("Your registration was approved or rejected", Permission.REGISTRATIONS_FILE),
    EventType.EXTENSION_DECIDED: EventInfo("Your protection extension request was decided", Permission.REGISTRATIONS_FILE),
    EventType.PROTECTION_EXPIRING: EventInfo("Your registration's protection ends in 30 or 7 days", Permission.REGISTRATIONS_FILE),
    EventType.PROTECTION_EXPIRED: EventInfo("Your registration's protection ended", Permission.REGISTRATIONS_FILE),
    # co-sell requests
    EventType.COSELL_REQUEST_ROUTED: EventInfo("A co-sell request was routed to a team queue", Permission.COSELL_REQUESTS_RESPOND),
    EventType.COSELL_REQUEST_ASSIGNED: EventInfo("A co-sell request was assigned to you", Permission.COSELL_REQUESTS_ASSIGNEE),
    EventType.COSELL_SLA_IMMINENT: EventInfo("A co-sell request's first response is due within hours", Permission.COSELL_REQUESTS_RESPOND),
    EventType.COSELL_SLA_BREACHED: EventInfo("A co-sell request missed its first-response time", Permission.COSELL_REQUESTS_RESPOND),
    EventType.COSELL_REQUEST_COMPLETED: EventInfo("Your co-sell request was completed", Permission.COSELL_REQUESTS_CREATE),
    # co-delivery plans and scope disputes
    EventType.PLAN_AWAITING_SIGNATURE: EventInfo("A co-delivery plan version awaits your signature", Permission.PLANS_SIGN),
    EventType.PLAN_AGREED: EventInfo("A co-delivery plan was agreed by both sides", Permission.PLANS_SIGN),
    EventType.PLAN_CHANGED: EventInfo("An agreed co-delivery plan has a new version to sign", Permission.PLANS_SIGN),
    EventType.DISPUTE_OPENED: EventInfo("A scope dispute was opened", Permission.DISPUTES_OPEN),
    EventType.DISPUTE_ESCALATED: EventInfo("A scope dispute reached a level you decide at", Permission.DISPUTES_DECIDE),
    EventType.DISPUTE_DECIDED: EventInfo("A scope dispute was decided", Permission.DISPUTES_OPEN),
    # joint business plans
    EventType.BUSINESS_PLAN_AWAITING_SIGNATURE: EventInfo("A joint business plan waits for your signature", Permission.BUSINESS_PLANS_SIGN),
    EventType.BUSINESS_PLAN_AGREED: EventInfo("A joint business plan you sign was agreed by both sides", Permission.BUSINESS_PLANS_SIGN),
    EventType.BUSINESS_PLAN_CHANGED: EventInfo("An amendment to an agreed joint business plan was proposed", Permission.BUSINESS_PLANS_SIGN),
    EventType.BUSINESS_PLAN_MILESTONE_DUE: EventInfo(
        "A business-plan milestone you own is due within two weeks, or overdue", Permission.BUSINESS_PLANS_PROGRESS
    ),
    # quarterly business reviews
    EventType.QBR_SHARED: EventInfo("A quarterly business review package was shared with you", Permission.QBRS_READ),
    EventType.SPONSOR_MEETING_OVERDUE: EventInfo("An executive meeting with a partner you sponsor is overdue", Permission.SPONSOR_MEETINGS_RECORD),
    # market development funds
    EventType.FUND_REQUEST_SUBMITTED: EventInfo("A fund request waits for your review", Permission.FUNDS_REVIEW),
    EventType.FUND_CLAIM_SUBMITTED: EventInfo("An MDF claim waits for your review", Permission.FUNDS_REVIEW),
    EventType.FUND_REQUEST_DECIDED: EventInfo("Your fund request was approved (in full or in part) or rejected", Permission.FUNDS_REQUEST),
    EventType.FUND_CLAIM_DECIDED: EventInfo("Your MDF claim was approved (in full or in part) or rejected", Permission.FUNDS_REQUEST),
    EventType.FUND_CLAIM_PAID: EventInfo("Your approved MDF claim was paid", Permission.FUNDS_REQUEST),
    EventType.FUND_CLAIM_DUE: EventInfo("The claim deadline of funds you requested is within a week", Permission.FUNDS_REQUEST),
    # enablement
    EventType.CERTIFICATION_EXPIRING: EventInfo("A certification ends in 60 or 14 days", Permission.LABS_SUBMIT),
    EventType.RECERT_WINDOW_OPENED: EventInfo("A release opened a recertification window", Permission.LABS_SUBMIT),
    EventType.RECERT_WINDOW_CLOSING: EventInfo("A recertification window closes in 14 days", Permission.LABS_SUBMIT),
    EventType.CERTIFICATION_LAPSED: EventInfo("A certification lapsed (not renewed in time)", Permission.LABS_SUBMIT),
    EventType.LAB_GRADED: EventInfo("A lab was graded", Permission.LABS_SUBMIT),
    # asset library
    EventType.ASSET_NOT_VALIDATED: EventInfo("A product release came out that a library asset you own is not yet validated for", Permission.ASSETS_MANAGE),
    EventType.ASSET_CONTRIBUTION_DECIDED: EventInfo(
        "An asset your organisation contributed was approved for the library, or changes were requested", Permission.ASSETS_CONTRIBUTE
    ),
    EventType.EARLY_ACCESS_DECIDED: EventInfo("Your organisation's early-access application was accepted or declined", Permission.EARLY_ACCESS_APPLY),
    # tiers
    EventType.TIER_RECOMMENDED: EventInfo("A partner's tier upgrade or downgrade is recommended", Permission.PARTNERS_MANAGE),
    EventType.TIER_DECIDED: EventInfo("Your organisation's tier upgrade or downgrade was decided", Permission.OWN_PARTNER_WRITE),
    # people and access (mandatory: they carry a link to set a password)
    EventType.USER_INVITED: EventInfo("You are invited to Alliance", Permission.USERS_READ, mandatory=True),
    EventType.PASSWORD_RESET: EventInfo("A link to reset your password", Permission.USERS_READ, mandatory=True),
    # operations
    EventType.WEBHOOK_ENDPOINT_DISABLED: EventInfo("A webhook endpoint was disabled after failing for a day", Permission.WEBHOOKS_MANAGE),
    # the daily digest: one e-mail a day gathering what a person chose to receive that way
    EventType.DAILY_DIGEST: EventInfo("Your daily digest", None, mandatory=True),
}
assert set(EVENTS) == set(EventType), "every event type has a row in EVENTS"


class Channel(StrEnum):
    """How a message to a person leaves: e-mail. Webhooks, the second channel, have their own
    deliveries table (alliance/webhooks/, docs/webhooks.md)."""

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
    # The recipient turned this e-mail off: the row is their in-app inbox item only; no worker claims it.
    SKIPPED = "skipped"

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
    OutboxStatus.SKIPPED: "In-app only (e-mail off)",
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
