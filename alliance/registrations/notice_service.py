"""Who hears of a registration's changes: a submitted registration reaches the channel account
manager of its partner (or, for a partner without one who can review, the reviewers who are not
bound to a book of partners); a decision or a request for information reaches the partner user
who filed it. Called once per history event (service.log_event), in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from alliance.db import once_per_transaction
from alliance.identity.permissions import Permission, role_can, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.partners.models import Partner
from alliance.partners.repository import PartnerRepository
from alliance.registrations.lifecycle import STATUS_LABELS, Action, Status
from alliance.registrations.models import Registration, RegistrationConflict
from alliance.registrations.repository import RegistrationRepository

# History event (a lifecycle action or an extension decision) → what people are told.
EVENTS = {
    Action.SUBMIT: EventType.REGISTRATION_SUBMITTED,
    Action.REQUEST_INFO: EventType.REGISTRATION_INFO_REQUESTED,
    Action.APPROVE: EventType.REGISTRATION_DECIDED,
    Action.REJECT: EventType.REGISTRATION_DECIDED,
    "extension_approved": EventType.EXTENSION_DECIDED,
    "extension_rejected": EventType.EXTENSION_DECIDED,
}


def announce(session: Session, actor: Actor, registration: Registration, action: str, *, reason: str | None) -> int:
    """Queue the messages `action` owes (none for most actions); returns how many."""
    event = EVENTS.get(action)
    if event is None:
        return 0
    partner = _partner(session, registration.partner_id)
    if event == EventType.REGISTRATION_SUBMITTED:
        recipients = _reviewers(session, partner)
        by = actor.label
    else:
        recipients = [Recipient(registration.registrant_user_id, "you filed this registration")] if registration.registrant_user_id else []
        # Vendor staff appear to partners by role, as in the registration's history.
        by = actor.role.label
    facts = {
        "title": registration.title,
        "kind": str(registration.kind),
        "customer": registration.customer_name,
        "partner": partner.display_name,
        "status": STATUS_LABELS[Status(registration.status)],
        "approved": registration.status == Status.APPROVED if event == EventType.REGISTRATION_DECIDED else None,
        "extension_approved": action == "extension_approved" if event == EventType.EXTENSION_DECIDED else None,
        "protected_until": registration.protected_until.isoformat() if registration.protected_until else None,
        "reason": reason,
        "by": by,
    }
    return notification_service.notify(session, actor, event=event, recipients=recipients, entity_type="registration", entity_id=registration.id, facts=facts)


def announce_conflicts(session: Session, actor: Actor, registration: Registration, found: Sequence[RegistrationConflict]) -> int:
    """A conflict check that flagged something tells the registration's reviewers (what kinds,
    how many: the other side is on the review page, never in the e-mail)."""
    if not found:
        return 0
    partner = _partner(session, registration.partner_id)
    facts = {
        "title": registration.title,
        "customer": registration.customer_name,
        "partner": partner.display_name,
        "count": len(found),
        "kinds": ", ".join(sorted({str(f.kind).replace("_", " ") for f in found})),
    }
    return notification_service.notify(
        session,
        actor,
        event=EventType.REGISTRATION_CONFLICT_FLAGGED,
        recipients=_reviewers(session, partner),
        entity_type="registration",
        entity_id=registration.id,
        facts=facts,
    )


# Reminders before a protection ends: (threshold, days ahead it covers); each once per protection end.
PROTECTION_REMINDERS = (("30d", 8, 30), ("7d", 0, 7))
# A protection that ended is told once, if it ended this recently (not the whole history on first run).
EXPIRED_LOOKBACK_DAYS = 7


def remind_protection(session: Session, actor: Actor, *, today: date) -> int:
    """The sweep's set-based reminders to the people who filed approved registrations: protection
    ending in 30 and in 7 days, and protection ended. One INSERT … SELECT each; returns how many."""
    repository = RegistrationRepository(session)
    queued = 0
    for occurrence, nearest, farthest in PROTECTION_REMINDERS:
        rows = repository.protection_reminders(ends_from=today + timedelta(days=nearest), ends_to=today + timedelta(days=farthest), expired=False)
        queued += notification_service.notify_each(
            session, actor, event=EventType.PROTECTION_EXPIRING, rows=rows, entity_type="registration", occurrence=occurrence
        )
    rows = repository.protection_reminders(ends_from=today - timedelta(days=EXPIRED_LOOKBACK_DAYS), ends_to=today - timedelta(days=1), expired=True)
    queued += notification_service.notify_each(session, actor, event=EventType.PROTECTION_EXPIRED, rows=rows, entity_type="registration", occurrence="expired")
    return queued


def _partner(session: Session, partner_id: int) -> Partner:
    """The registration's partner, read once per transaction (a submit announces twice)."""
    partner = once_per_transaction(session, ("partner", partner_id), lambda: PartnerRepository(session).get(partner_id), tables=frozenset({"partners"}))
    assert partner is not None  # the registration was just loaded in this scope
    return partner


def _reviewers(session: Session, partner: Partner) -> list[Recipient]:
    """Who reviews the partner's registrations, resolved once per transaction."""
    return once_per_transaction(
        session, ("registration reviewers", partner.id), lambda: _find_reviewers(session, partner), tables=frozenset({"users", "partners"})
    )


def _find_reviewers(session: Session, partner: Partner) -> list[Recipient]:
    users = UserRepository(session)
    reviewers = roles_with(Permission.REGISTRATIONS_REVIEW)
    if partner.cam_user_id is not None and users.active_vendor_ids(roles=reviewers, among=[partner.cam_user_id]):
        return [Recipient(partner.cam_user_id, f"you are the channel account manager of {partner.display_name}")]
    unbound = [role for role in reviewers if not role_can(role, Permission.PARTNERS_BOOK)]
    why = f"{partner.display_name} has no channel account manager who reviews registrations, and you review them"
    return [Recipient(user_id, why) for user_id in users.active_vendor_ids(roles=unbound)]
