from __future__ import annotations

from fastapi import APIRouter

from alliance.api.deps import CurrentActor, DbSession
from alliance.http.params import IdPath, PageParams
from alliance.kit import clock
from alliance.kit.schemas import PageRead
from alliance.tiers import service as tier_service
from alliance.tiers.schemas import (
    EvaluationSummaryRead,
    RecommendationDecision,
    RecommendationRead,
    TierEvaluationRead,
)

router = APIRouter(tags=["tiers"])


@router.get("/partners/{partner_id}/tier-evaluation", response_model=TierEvaluationRead)
def evaluate_partner(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> TierEvaluationRead:
    """The tier the partner qualifies for, every gap to the next tier in words and numbers, and the
    forecast as certifications end. Partner users see their own organisation's."""
    return TierEvaluationRead.of(tier_service.evaluate_partner(session, actor, partner_id=partner_id))


@router.post("/tier-evaluations", response_model=EvaluationSummaryRead)
def evaluate_all(session: DbSession, actor: CurrentActor) -> EvaluationSummaryRead:
    """Evaluate every partner (program admins) and queue upgrade and downgrade recommendations."""
    return EvaluationSummaryRead.of(tier_service.evaluate_all(session, actor, today=clock.today()))


@router.get("/tier-recommendations", response_model=PageRead[RecommendationRead])
def recommendation_queue(session: DbSession, actor: CurrentActor, page: PageParams) -> dict[str, object]:
    """Pending upgrades and downgrades with their explanations, oldest first (program admins)."""
    found = tier_service.recommendation_queue(session, actor, page=page)
    return {"items": [RecommendationRead.of(v) for v in found.items], "total": found.total, "limit": found.limit, "offset": found.offset}


@router.post("/tier-recommendations/{recommendation_id}/decision", response_model=RecommendationRead)
def decide_recommendation(recommendation_id: IdPath, data: RecommendationDecision, session: DbSession, actor: CurrentActor) -> RecommendationRead:
    """Accept (the partner's tier and benefits change) or reject a recommendation, with a reason."""
    view = tier_service.decide_recommendation(session, actor, recommendation_id=recommendation_id, accept=data.accept, reason=data.reason)
    return RecommendationRead.of(view)
