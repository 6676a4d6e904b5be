"""QBR input (generation, commitments) and what readers get."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

from alliance.kit.schemas import InputSchema, LongText, ReadSchema, RowId, ShortText
from alliance.kit.types import Day
from alliance.qbr.vocabulary import CommitmentSide, CommitmentStatus, QbrStatus

QuarterText = Annotated[str, Field(min_length=6, max_length=16, description="A fiscal quarter: 2026Q4 or FY2026-Q4")]


class QbrGenerate(InputSchema):
    partner_id: RowId
    quarter: QuarterText
    as_of: Day | None = Field(default=None, description="The data's date (default: the quarter's last day, or today while it runs)")


class QbrRegenerate(InputSchema):
    as_of: Day | None = Field(default=None, description="The data's date (default: the draft's own)")


class CommitmentInput(InputSchema):
    title: ShortText
    side: CommitmentSide
    owner_name: ShortText
    due_on: Day | None = None
    status: CommitmentStatus = CommitmentStatus.OPEN
    note: LongText | None = None


class CommitmentUpdate(InputSchema):
    """Any of the fields; those left out keep their value."""

    title: ShortText | None = None
    side: CommitmentSide | None = None
    owner_name: ShortText | None = None
    due_on: Day | None = None
    status: CommitmentStatus | None = None
    note: LongText | None = None


class CommitmentRead(ReadSchema):
    id: int
    position: int
    title: str
    side: CommitmentSide
    owner_name: str
    due_on: date | None
    status: CommitmentStatus
    note: str | None
    carried_from_id: int | None


class QbrSummaryRead(ReadSchema):
    id: int
    partner_id: int
    period_key: str
    as_of: date
    status: QbrStatus
    generated_at: datetime
    published_at: datetime | None
    shared_at: datetime | None
    content_sha256: str | None


class QbrRead(QbrSummaryRead):
    figures: dict[str, Any]
    commitments: list[CommitmentRead]
