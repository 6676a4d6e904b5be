from __future__ import annotations

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission
from alliance.kit import clock
from alliance.kit.schemas import PageRead
from alliance.tiers import figure_service
from alliance.tiers import service as tier_service
from alliance.tiers.figure_schemas import FigureDecision, FigureRead, FigureReport
from alliance.tiers.schemas import (
    EvaluationSummaryRead,
    RecommendationDecision,
    RecommendationRead,
    TierEvaluationRead,
)

router = api_router(tags=["tiers"])


@router.get("/partners/{partner_id}/tier-evaluation", response_model=TierEvaluationRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def evaluate_partner(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> TierEvaluationRead:
    """The tier the partner qualifies for, every gap to the next tier in words and numbers, and the
    forecast as certifications end. Partner users see their own organisation's."""
    return TierEvaluationRead.of(tier_service.evaluate_partner(session, actor, partner_id=partner_id))


@router.post("/tier-evaluations", response_model=EvaluationSummaryRead, openapi_extra=allowed(Permission.TIER_RECOMMENDATIONS_DECIDE))
def evaluate_all(session: DbSession, actor: CurrentActor) -> EvaluationSummaryRead:
    """Evaluate every partner (program admins) and queue upgrade and downgrade recommendations."""
    return EvaluationSummaryRead.of(tier_service.evaluate_all(session, actor, today=clock.today()))


@router.get("/tier-recommendations", response_model=PageRead[RecommendationRead], openapi_extra=allowed(Permission.TIER_RECOMMENDATIONS_READ))
def recommendation_queue(session: DbSession, actor: CurrentActor, page: PageParams) -> dict[str, object]:
    """Pending upgrades and downgrades with their explanations, oldest first (program admins)."""
    found = tier_service.recommendation_queue(session, actor, page=page)
    return {"items": [RecommendationRead.of(v) for v in found.items], "total": found.total, "limit": found.limit, "offset": found.offset}


@router.post(
    "/tier-recommendations/{recommendation_id}/decision", response_model=RecommendationRead, openapi_extra=allowed(Permission.TIER_RECOMMENDATIONS_DECIDE)
)
def decide_recommendation(recommendation_id: IdPath, data: RecommendationDecision, session: DbSession, actor: CurrentActor) -> RecommendationRead:
    """Accept (the partner's tier and benefits change) or reject a recommendation, with a reason."""
    view = tier_service.decide_recommendation(session, actor, recommendation_id=recommendation_id, accept=data.accept, reason=data.reason)
    return RecommendationRead.of(view)


def _read(view: figure_service.FigureView) -> FigureRead:
    return FigureRead.of(view.figure, partner_name=view.partner_name, metric_label=view.metric_label)


@router.get("/partners/{partner_id}/reported-figures", response_model=list[FigureRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_reported_figures(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> list[FigureRead]:
    """The partner's reported figures (managed customers, sub-resellers), latest month first."""
    figures = figure_service.list_figures(session, actor, partner_id=partner_id)
    return [_read(figure_service.FigureView(f, None)) for f in figures]


@router.post(
    "/partners/{partner_id}/reported-figures",
    response_model=FigureRead,
    status_code=201,
    openapi_extra=allowed(Permission.PARTNERS_WRITE, Permission.OWN_PARTNER_WRITE),
)
def report_figure(partner_id: IdPath, data: FigureReport, session: DbSession, actor: CurrentActor) -> FigureRead:
    """Report (or correct, until confirmed) a month's figure (partner admins for their organisation,
    program admins and CAMs); the tier engine counts it once the vendor confirms it."""
    figure = figure_service.report_figure(session, actor, partner_id=partner_id, data=data)
    return _read(figure_service.FigureView(figure, None))


@router.get("/reported-figures", response_model=PageRead[FigureRead], openapi_extra=allowed(Permission.PARTNERS_WRITE))
def reported_figure_queue(session: DbSession, actor: CurrentActor, page: PageParams) -> dict[str, object]:
    """Figures awaiting confirmation, oldest first (program admins and CAMs)."""
    found = figure_service.figure_queue(session, actor, page=page)
    return {"items": [_read(v) for v in found.items], "total": found.total, "limit": found.limit, "offset": found.offset}


@router.post("/reported-figures/{figure_id}/decision", response_model=FigureRead, openapi_extra=allowed(Permission.PARTNERS_WRITE))
def decide_reported_figure(figure_id: IdPath, data: FigureDecision, session: DbSession, actor: CurrentActor) -> FigureRead:
    """Confirm or reject (with a reason) a reported figure; audited."""
    return _read(figure_service.decide_figure(session, actor, figure_id=figure_id, confirm=data.confirm, reason=data.reason))
