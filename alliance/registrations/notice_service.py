"""Who hears of a registration's changes: a submitted registration reaches the channel account
manager of its partner (or, for a partner without one who can review, the reviewers who are not
bound to a book of partners); a decision or a request for information reaches the partner user
who filed it. Called once per history event (service.log_event), in its transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.identity.permissions import Permission, role_can, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.partners.models import Partner
from alliance.partners.repository import PartnerRepository
from alliance.registrations.lifecycle import STATUS_LABELS, Action, Status
from alliance.registrations.models import Registration

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
    partner = PartnerRepository(session).get(registration.partner_id)
    assert partner is not None  # the registration was just loaded in this scope
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


def _reviewers(session: Session, partner: Partner) -> list[Recipient]:
    users = UserRepository(session)
    reviewers = roles_with(Permission.REGISTRATIONS_REVIEW)
    if partner.cam_user_id is not None and users.active_vendor_ids(roles=reviewers, among=[partner.cam_user_id]):
        return [Recipient(partner.cam_user_id, f"you are the channel account manager of {partner.display_name}")]
    unbound = [role for role in reviewers if not role_can(role, Permission.PARTNERS_BOOK)]
    why = f"{partner.display_name} has no channel account manager who reviews registrations, and you review them"
    return [Recipient(user_id, why) for user_id in users.active_vendor_ids(roles=unbound)]
