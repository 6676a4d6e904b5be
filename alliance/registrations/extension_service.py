"""Extending an approved registration's protection: the partner asks, with a reason, and the
channel team decides; both steps land in the registration's history and the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.registrations import protection
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import ProtectionExtension
from alliance.registrations.repository import RegistrationRepository
from alliance.registrations.vocabulary import ExtensionStatus


def request_extension(session: Session, actor: Actor, *, registration_id: int, reason: str) -> ProtectionExtension:
    registration_service.require_registrant(actor)
    registration = registration_service.get_registration(session, actor, registration_id=registration_id, for_change=True)
    today = clock.today()
    status = registration_service.effective_status(registration, today)
    if status != Status.APPROVED:
        raise Conflict(f"Only an approved registration's protection can be extended; this one is {status}.", details=[{"field": "status", "message": status}])
    if not reason or not reason.strip():
        raise RuleViolation("A reason is required to request an extension.", details=[{"field": "reason", "message": "required"}])
    repository = RegistrationRepository(session)
    if repository.pending_extension(registration.id) is not None:
        raise Conflict("An extension request is already waiting for a decision.", details=[{"field": "extension", "message": "one pending at a time"}])
    assert registration.protected_until is not None
    protection.check_extension(
        registration_service.protection_policy(session, registration), registration.extensions_granted, registration.protected_until, today
    )
    extension = ProtectionExtension(
        partner_id=registration.partner_id,
        registration_id=registration.id,
        status=ExtensionStatus.PENDING,
        requested_by_user_id=actor.user_id,
        requested_at=clock.now(),
        reason=reason,
        previous_until=registration.protected_until,
    )
    session.add(extension)
    session.flush()
    registration_service.log_event(session, actor, registration, "extension_requested", from_status=status, before=None, reason=reason)
    return extension


def decide_extension(session: Session, actor: Actor, *, extension_id: int, approve: bool, reason: str | None) -> ProtectionExtension:
    require(actor, Permission.REGISTRATIONS_REVIEW)
    repository = RegistrationRepository(session)
    extension = repository.get_extension(extension_id)
    if extension is None:
        raise NotFound(f"Extension request {extension_id} not found.")
    # The registration's lock covers its extensions: read the request again under it.
    registration = registration_service.get_registration(session, actor, registration_id=extension.registration_id, for_change=True)
    session.refresh(extension)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(f"This extension request was already {extension.status}.", details=[{"field": "status", "message": extension.status}])
    if not (reason and reason.strip()):
        # Either way the partner reads why in the registration's history.
        raise RuleViolation("A reason is required to decide an extension request.", details=[{"field": "reason", "message": "required"}])
    before = registration_service.state_of(registration)
    if approve:
        if registration_service.effective_status(registration, clock.today()) != Status.APPROVED or registration.protected_until is None:
            raise Conflict("The registration is no longer approved.", details=[{"field": "status", "message": registration.status}])
        new_until = protection.check_extension(
            registration_service.protection_policy(session, registration), registration.extensions_granted, registration.protected_until, clock.today()
        )
        registration.protected_until, extension.new_until = new_until, new_until
        registration.extensions_granted += 1
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by_user_id, extension.decided_at, extension.decision_reason = actor.user_id, clock.now(), reason
    session.flush()
    action = "extension_approved" if approve else "extension_rejected"
    registration_service.log_event(session, actor, registration, action, from_status=Status(registration.status), before=before, reason=reason)
    return extension
