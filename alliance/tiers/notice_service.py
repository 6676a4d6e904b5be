"""Who hears of tier recommendations: an upgrade or downgrade the evaluation recommends reaches
the partner's CAM and the people who decide them (program admins), set-based after the
evaluation's bulk write; the decision reaches the partner's admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from alliance.identity.permissions import Permission, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import PARTNER_ROLES, VENDOR_ROLES, Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.tiers.models import TierRecommendation
from alliance.tiers.repository import TierRecommendationRepository
from alliance.tiers.vocabulary import RecommendationStatus


def announce_recommended(session: Session, actor: Actor, *, evaluated_at: datetime) -> int:
    """The recommendations of one evaluation run, one INSERT … SELECT; returns how many messages."""
    deciders = [role for role in roles_with(Permission.TIER_RECOMMENDATIONS_DECIDE) if role in VENDOR_ROLES]
    rows = TierRecommendationRepository(session).new_recommendation_notices(evaluated_at=evaluated_at, decider_roles=deciders)
    return notification_service.notify_each(session, actor, event=EventType.TIER_RECOMMENDED, rows=rows, entity_type="tier_recommendation", occurrence="new")


def announce_decided(session: Session, actor: Actor, recommendation: TierRecommendation) -> int:
    admins = [role for role in roles_with(Permission.OWN_PARTNER_WRITE) if role in PARTNER_ROLES]
    ids = UserRepository(session).active_partner_user_ids(partner_id=recommendation.partner_id, roles=admins)
    facts = TierRecommendationRepository(session).notice_facts(recommendation.id) | {
        "accepted": recommendation.status == RecommendationStatus.ACCEPTED,
        "reason": recommendation.decision_reason,
    }
    return notification_service.notify(
        session,
        actor,
        event=EventType.TIER_DECIDED,
        recipients=[Recipient(user_id, "you administer your organisation on Alliance") for user_id in ids],
        entity_type="tier_recommendation",
        entity_id=recommendation.id,
        facts=facts,
    )
