"""Tier recommendations: the pending ones per partner, the review queue, and set-based writes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, and_, func, insert, literal, select, union_all, update
from sqlalchemy.orm import aliased

from alliance.identity.models import User
from alliance.identity.scope import Role
from alliance.kit.repository import Repository
from alliance.kit.statements import AnyRows, AnySelect, rowcount
from alliance.partners.models import Partner, Program, Tier
from alliance.partners.repository import PROGRAM_LOAD
from alliance.tiers.models import TierRecommendation
from alliance.tiers.vocabulary import RecommendationAction, RecommendationStatus

WRITE_BATCH = 2_000
STREAM_ROWS = 5_000
QUEUED = (RecommendationAction.UPGRADE.value, RecommendationAction.DOWNGRADE.value)


def _with_notice_facts(statement: AnySelect) -> AnySelect:
    """`statement` over recommendations, with what a message about one shows (names, never ids)."""
    current, recommended = aliased(Tier, name="current_tier"), aliased(Tier, name="recommended_tier")
    return (
        statement.add_columns(
            Partner.display_name.label("partner"),
            TierRecommendation.action.label("action"),
            func.coalesce(current.name, "no tier").label("current"),
            func.coalesce(recommended.name, "no tier").label("recommended"),
        )
        .join(Partner, Partner.id == TierRecommendation.partner_id)
        .outerjoin(current, current.id == TierRecommendation.current_tier_id)
        .outerjoin(recommended, recommended.id == TierRecommendation.recommended_tier_id)
    )


@dataclass(frozen=True)
class PendingRow:
    id: int
    partner_id: int
    action: str
    current_tier_id: int | None
    recommended_tier_id: int | None
    grace_until: date | None


class TierRecommendationRepository(Repository[TierRecommendation]):
    model = TierRecommendation

    def programs_with_tiers(self) -> Sequence[Program]:
        return self.session.scalars(select(Program).options(*PROGRAM_LOAD).order_by(Program.id)).all()

    def pending_by_partner(self) -> dict[int, list[PendingRow]]:
        """Every pending recommendation (upgrade, downgrade, or a hold counting down its grace period)."""
        statement = (
            select(
                TierRecommendation.id,
                TierRecommendation.partner_id,
                TierRecommendation.action,
                TierRecommendation.current_tier_id,
                TierRecommendation.recommended_tier_id,
                TierRecommendation.grace_until,
            )
            .where(TierRecommendation.status == RecommendationStatus.PENDING)
            .order_by(TierRecommendation.id)
            .execution_options(yield_per=STREAM_ROWS)
        )
        found: dict[int, list[PendingRow]] = {}
        for row in self.session.execute(statement):
            found.setdefault(row.partner_id, []).append(PendingRow(*row))
        return found

    def supersede(self, ids: Sequence[int]) -> int:
        done = 0
        for start in range(0, len(ids), WRITE_BATCH):
            chunk = list(ids[start : start + WRITE_BATCH])
            statement = (
                update(TierRecommendation)
                .where(TierRecommendation.id.in_(chunk), TierRecommendation.status == RecommendationStatus.PENDING)
                .values(status=RecommendationStatus.SUPERSEDED)
                .execution_options(synchronize_session=False)
            )
            done += rowcount(self.session.execute(statement))
        return done

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(rows), WRITE_BATCH):
            self.session.execute(insert(TierRecommendation), list(rows[start : start + WRITE_BATCH]))

    def queue(self) -> Select[TierRecommendation]:
        return (
            self.readable()
            .where(TierRecommendation.status == RecommendationStatus.PENDING, TierRecommendation.action.in_(QUEUED))
            .order_by(TierRecommendation.evaluated_at, TierRecommendation.id)
        )

    def notice_facts(self, recommendation_id: int) -> dict[str, Any]:
        statement = _with_notice_facts(select().select_from(TierRecommendation)).where(TierRecommendation.id == recommendation_id)
        return dict(self.session.execute(statement).one()._mapping)

    def new_recommendation_notices(self, *, evaluated_at: datetime, decider_roles: Collection[Role]) -> AnyRows:
        """The upgrades and downgrades an evaluation at `evaluated_at` recommended, one row per
        person to tell: the partner's active CAM, and every active vendor user in
        `decider_roles`. Rows for notification_service.notify_each."""
        new = and_(TierRecommendation.evaluated_at == evaluated_at, TierRecommendation.action.in_(QUEUED))
        cam_why = literal("you are the channel account manager of ", String) + Partner.display_name
        cam = _with_notice_facts(
            select(User.id.label("recipient_user_id"), TierRecommendation.id.label("entity_id"), cam_why.label("why")).select_from(TierRecommendation)
        ).join(User, and_(User.id == Partner.cam_user_id, User.partner_id.is_(None), User.is_active.is_(True), User.role == Role.CAM.value))
        deciders = _with_notice_facts(
            select(User.id, TierRecommendation.id, literal("you decide tier recommendations").label("why")).select_from(TierRecommendation)
        ).join(User, and_(User.partner_id.is_(None), User.is_active.is_(True), User.role.in_([role.value for role in decider_roles])))
        return union_all(cam.where(new), deciders.where(new))

    def partner_names(self, partner_ids: set[int]) -> dict[int, str]:
        if not partner_ids:
            return {}
        rows = self.session.execute(select(Partner.id, Partner.display_name).where(Partner.id.in_(partner_ids)))
        return dict(rows.all())
