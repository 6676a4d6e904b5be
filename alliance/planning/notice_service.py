"""Who hears of a joint business plan's sign-off: the partner's admins for the partner side, its
CAM (else the program admins) for the vendor side. Messages are queued in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from alliance.agreements.signoff import Side
from alliance.identity.permissions import Permission, role_can, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.planning.models import BusinessPlan, BusinessPlanVersion
from alliance.planning.repository import BusinessPlanRepository, PartnerFacts


def awaiting_signature(
    session: Session, actor: Actor, plan: BusinessPlan, version: BusinessPlanVersion, *, facts: PartnerFacts, waiting_for: Sequence[Side]
) -> int:
    recipients = [r for side in waiting_for for r in signers(session, facts, side)]
    return _notify(session, actor, EventType.BUSINESS_PLAN_AWAITING_SIGNATURE, recipients, plan, version, facts)


def agreed(session: Session, actor: Actor, plan: BusinessPlan, version: BusinessPlanVersion, *, facts: PartnerFacts) -> int:
    recipients = signers(session, facts, Side.PARTNER) + signers(session, facts, Side.VENDOR)
    return _notify(session, actor, EventType.BUSINESS_PLAN_AGREED, recipients, plan, version, facts)


def changed(session: Session, actor: Actor, plan: BusinessPlan, version: BusinessPlanVersion, *, facts: PartnerFacts) -> int:
    recipients = signers(session, facts, Side.PARTNER) + signers(session, facts, Side.VENDOR)
    return _notify(session, actor, EventType.BUSINESS_PLAN_CHANGED, recipients, plan, version, facts)


def signers(session: Session, facts: PartnerFacts, side: Side) -> list[Recipient]:
    """The people who sign the partner's plans for `side`."""
    users = UserRepository(session)
    roles = roles_with(Permission.BUSINESS_PLANS_SIGN)
    if side == Side.PARTNER:
        why = f"you sign {facts.name}'s business plans"
        return [Recipient(user_id, why) for user_id in users.active_partner_user_ids(partner_id=facts.id, roles=roles)]
    if facts.cam_user_id is not None and users.active_vendor_ids(roles=roles, among=[facts.cam_user_id]):
        return [Recipient(facts.cam_user_id, f"you are the channel account manager of {facts.name}")]
    anyone = [role for role in roles if role_can(role, Permission.BUSINESS_PLANS_ANY_PARTNER)]
    why = f"{facts.name} has no channel account manager, and you sign any partner's business plans"
    return [Recipient(user_id, why) for user_id in users.active_vendor_ids(roles=anyone)]


def _notify(
    session: Session, actor: Actor, event: EventType, recipients: list[Recipient], plan: BusinessPlan, version: BusinessPlanVersion, facts: PartnerFacts
) -> int:
    unique = list({r.user_id: r for r in recipients}.values())
    details = {"partner": facts.name, "title": plan.title, "period": plan.period_key, "version": version.number, "note": version.note, "by": actor.label}
    return notification_service.notify(session, actor, event=event, recipients=unique, entity_type="business_plan", entity_id=plan.id, facts=details)


# Milestones due within this many days are reminded ("14d"), then once more when overdue (looking
# back a week, so the first sweep after deployment does not mail the whole history).
DUE_SOON_DAYS = 14
OVERDUE_LOOKBACK_DAYS = 7


def remind_milestones(session: Session, actor: Actor, *, today: date) -> int:
    """The sweep: each open milestone (and vendor co-investment) of a plan in force, due within two
    weeks and again once overdue, to its owner; once per item, due date and threshold."""
    repository = BusinessPlanRepository(session)
    queued = 0
    for occurrence, due_from, due_to in (
        ("14d", today, today + timedelta(days=DUE_SOON_DAYS)),
        ("overdue", today - timedelta(days=OVERDUE_LOOKBACK_DAYS), today - timedelta(days=1)),
    ):
        rows = repository.milestone_reminders(due_from=due_from, due_to=due_to)
        queued += notification_service.notify_each(
            session, actor, event=EventType.BUSINESS_PLAN_MILESTONE_DUE, rows=rows, entity_type="business_plan", occurrence=occurrence
        )
    return queued
