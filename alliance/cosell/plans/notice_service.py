"""Who hears of a co-delivery plan: a new version reaches the signers of both sides (partner
admins; PS leads and program admins) — "awaiting your signature", or "changed" when it would
replace an agreed version — and the agreement reaches them too. Nobody hears of their own act."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.cosell.models import CodeliveryPlan, PlanVersion
from alliance.cosell.plans.repository import PlanRepository
from alliance.cosell.signer_service import side_user_ids
from alliance.cosell.vocabulary import Side
from alliance.identity.permissions import Permission
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType

PROPOSED_BY = {Side.PARTNER: "the partner", Side.VENDOR: "the vendor"}


def _signers(session: Session, plan: CodeliveryPlan) -> list[Recipient]:
    found = []
    for side, why in ((Side.PARTNER, "you sign co-delivery plans for your organisation"), (Side.VENDOR, "you sign co-delivery plans for the vendor")):
        found += [Recipient(user_id, why) for user_id in side_user_ids(session, partner_id=plan.partner_id, side=side, permission=Permission.PLANS_SIGN)]
    return found


def announce(session: Session, actor: Actor, plan: CodeliveryPlan, version: PlanVersion, event: EventType) -> int:
    """`event` (awaiting signature, changed or agreed) about `version` to both sides' signers."""
    facts = PlanRepository(session).notice_facts(plan.id) | {
        "version": version.number,
        "proposed_by": PROPOSED_BY[Side(version.proposed_by_side)],
        "note": version.note,
    }
    return notification_service.notify(
        session, actor, event=event, recipients=_signers(session, plan), entity_type="codelivery_plan", entity_id=plan.id, facts=facts
    )
