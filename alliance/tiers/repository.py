"""Tier recommendations: the pending ones per partner, the review queue, and set-based writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, insert, select, update

from alliance.kit.repository import Repository
from alliance.kit.statements import rowcount
from alliance.partners.models import Partner, Program
from alliance.partners.repository import PROGRAM_LOAD
from alliance.tiers.models import TierRecommendation
from alliance.tiers.vocabulary import RecommendationAction, RecommendationStatus

WRITE_BATCH = 2_000
STREAM_ROWS = 5_000
QUEUED = (RecommendationAction.UPGRADE.value, RecommendationAction.DOWNGRADE.value)


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

    def partner_names(self, partner_ids: set[int]) -> dict[int, str]:
        if not partner_ids:
            return {}
        rows = self.session.execute(select(Partner.id, Partner.display_name).where(Partner.id.in_(partner_ids)))
        return dict(rows.all())
