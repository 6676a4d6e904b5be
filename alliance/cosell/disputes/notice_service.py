"""Who hears of a scope dispute: its opening reaches the deciders of the first level and the
partner's admins; an escalation (by hand or by the sweep) reaches the deciders of the new level;
the decision reaches the partner's admins and whoever opened it. The deciders of a level are the
roles the program's ladder names there: the partner's own CAM for the CAM role (bound to a book of
partners), every active vendor user for the other roles (PS lead, executive, program admin)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from alliance.cosell.disputes import escalation
from alliance.cosell.models import ScopeDispute
from alliance.cosell.signer_service import side_user_ids
from alliance.cosell.vocabulary import Lead, Side
from alliance.identity.permissions import Permission, role_can
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor, Role
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.partners.repository import PartnerRepository

OPENED_BY = {Side.PARTNER: "The partner", Side.VENDOR: "The vendor"}
DECIDED_LEAD = {Lead.SI: "the partner leads", Lead.VENDOR_PS: "the vendor's professional services lead", Lead.JOINT: "both lead jointly"}


def deciders(session: Session, *, partner_id: int, roles: frozenset[str]) -> list[int]:
    """Active vendor users who decide at a level naming `roles`. A role bound to a book of partners
    (the CAM) decides for its own partners only: the partner's CAM, not every CAM."""
    users = UserRepository(session)
    named = [Role(role) for role in sorted(roles)]
    bound = [role for role in named if role_can(role, Permission.PARTNERS_BOOK)]
    unbound = [role for role in named if role not in bound]
    found = users.active_vendor_ids(roles=unbound) if unbound else []
    partner = PartnerRepository(session).get(partner_id)
    if bound and partner is not None and partner.cam_user_id is not None:
        found += users.active_vendor_ids(roles=bound, among=[partner.cam_user_id])
    return found


def _notify(session: Session, actor: Actor, dispute: ScopeDispute, event: EventType, recipients: Iterable[Recipient], **facts: object) -> int:
    partner = PartnerRepository(session).get(dispute.partner_id)
    assert partner is not None  # the dispute was just loaded in this scope
    return notification_service.notify(
        session,
        actor,
        event=event,
        recipients=list(recipients),
        entity_type="scope_dispute",
        entity_id=dispute.id,
        facts={"subject": dispute.subject, "partner": partner.display_name, **facts},
    )


def _partner_side(session: Session, dispute: ScopeDispute) -> list[Recipient]:
    ids = side_user_ids(session, partner_id=dispute.partner_id, side=Side.PARTNER, permission=Permission.DISPUTES_OPEN)
    return [Recipient(user_id, "you handle scope disputes for your organisation") for user_id in ids]


def _level_facts(dispute: ScopeDispute, ladder: tuple[escalation.Level, ...]) -> dict[str, object]:
    deadline = dispute.level_deadline_at.date().isoformat() if dispute.level_deadline_at else None
    return {"level": escalation.level_name(ladder, dispute.level), "deadline": deadline}


def announce_opened(session: Session, actor: Actor, dispute: ScopeDispute, ladder: tuple[escalation.Level, ...]) -> int:
    level = escalation.level_name(ladder, dispute.level)
    ids = deciders(session, partner_id=dispute.partner_id, roles=escalation.deciders_at(ladder, dispute.level))
    recipients = [Recipient(user_id, f"you decide scope disputes at the {level} level") for user_id in ids] + _partner_side(session, dispute)
    return _notify(
        session, actor, dispute, EventType.DISPUTE_OPENED, recipients, opened_by=OPENED_BY[Side(dispute.opened_by_side)], **_level_facts(dispute, ladder)
    )


def announce_escalated(session: Session, actor: Actor, dispute: ScopeDispute, ladder: tuple[escalation.Level, ...], *, reason: str) -> int:
    level = escalation.level_name(ladder, dispute.level)
    ids = deciders(session, partner_id=dispute.partner_id, roles=escalation.deciders_at(ladder, dispute.level))
    recipients = [Recipient(user_id, f"you decide scope disputes at the {level} level") for user_id in ids]
    return _notify(session, actor, dispute, EventType.DISPUTE_ESCALATED, recipients, reason=reason, **_level_facts(dispute, ladder))


def announce_decided(session: Session, actor: Actor, dispute: ScopeDispute) -> int:
    recipients = _partner_side(session, dispute)
    if dispute.opened_by_user_id is not None:
        recipients.append(Recipient(dispute.opened_by_user_id, "you opened this scope dispute"))
    lead = DECIDED_LEAD[Lead(dispute.decision_lead)] if dispute.decision_lead else None
    return _notify(session, actor, dispute, EventType.DISPUTE_DECIDED, recipients, lead=lead, rationale=dispute.rationale)
