"""Early-access decisions: when the vendor accepts or declines a partner's application, the person
who applied (accepting the terms) and the partner's admins hear of it, in the decision's
transaction (the outbox delivers by e-mail after commit)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.assets.early_access.models import EarlyAccessApplication, EarlyAccessProgram
from alliance.assets.early_access.rules import ApplicationStatus
from alliance.assets.repository import AssetRepository
from alliance.identity.permissions import Permission, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import PARTNER_ROLES, Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType


def application_decided(session: Session, actor: Actor, *, application: EarlyAccessApplication, program: EarlyAccessProgram) -> int:
    """Queue the decision to the applicant and the partner's admins; returns how many messages."""
    appliers = [role for role in roles_with(Permission.EARLY_ACCESS_APPLY) if role in PARTNER_ROLES]
    recipients = []
    if application.terms_accepted_by_user_id is not None:
        recipients.append(Recipient(application.terms_accepted_by_user_id, "you applied for your organisation"))
    for user_id in UserRepository(session).active_partner_user_ids(partner_id=application.partner_id, roles=appliers):
        recipients.append(Recipient(user_id, "you administer your organisation on Alliance"))
    facts = {
        "program": program.name,
        "partner": AssetRepository(session).partner_names([application.partner_id]).get(application.partner_id, ""),
        "accepted": application.status == ApplicationStatus.ACCEPTED,
        "reason": application.decision_reason,
        # An operator's decision (the CLI acts as the system) is the channel team's, not "cli".
        "by": actor.label if actor.user_id is not None else "The channel team",
    }
    return notification_service.notify(
        session,
        actor,
        event=EventType.EARLY_ACCESS_DECIDED,
        recipients=recipients,
        entity_type="early_access_application",
        entity_id=application.id,
        facts=facts,
    )
