"""Scope disputes: opening, escalating, deciding, reading, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from alliance.cosell.models import ScopeDispute
from alliance.cosell.vocabulary import DisputeAction, DisputeStatus, Lead, Side
from alliance.kit.schemas import InputSchema, ReadSchema, RowId

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=5000)]
SplitNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class DisputeCreate(InputSchema):
    """On a plan activity (plan_id and activity_id) or on a vendor PS engagement (engagement_id)."""

    plan_id: RowId | None = None
    activity_id: RowId | None = None
    engagement_id: RowId | None = None
    subject: Text

    @model_validator(mode="after")
    def _one_target(self) -> DisputeCreate:
        on_plan = self.plan_id is not None or self.activity_id is not None
        if on_plan == (self.engagement_id is not None):
            raise ValueError("name either plan_id and activity_id, or engagement_id")
        if on_plan and (self.plan_id is None or self.activity_id is None):
            raise ValueError("a plan dispute needs both plan_id and activity_id")
        return self


class DisputeEscalation(InputSchema):
    reason: Text


class DisputeDecision(InputSchema):
    lead: Lead
    split_note: SplitNote | None = Field(default=None, description="How the work is split, when it is")
    rationale: Text


class DisputeRead(ReadSchema):
    id: int
    partner_id: int
    plan_id: int | None
    activity_id: int | None
    engagement_id: int | None
    subject: str
    opened_by_side: Side
    opened_by_user_id: int | None
    opened_at: datetime
    status: DisputeStatus
    level: int
    level_name: str = ""
    level_deadline_at: datetime | None
    overdue: bool = False
    deciders: list[str] = Field(default_factory=list, description="Vendor roles that decide at the current level (the program's ladder)")
    escalations: list[dict[str, Any]]
    resolved_at: datetime | None
    decided_by_user_id: int | None
    decision_lead: Lead | None
    decision_split: str | None
    rationale: str | None
    resulting_version_id: int | None
    actions: list[DisputeAction] = Field(default_factory=list, description="What the caller may do to the dispute now")

    @classmethod
    def of(cls, view: DisputeView) -> DisputeRead:
        read = cls.model_validate(view.dispute)
        read.level_name = view.level_name
        read.overdue = view.overdue
        read.deciders = sorted(view.deciders)
        read.actions = view.actions
        return read


@dataclass(frozen=True)
class DisputeView:
    """A dispute with what is computed on read: its level's name (from the program's ladder) and
    whether it is past the level's deadline."""

    dispute: ScopeDispute
    level_name: str
    overdue: bool
    deciders: frozenset[str]  # role values that decide at the dispute's level (program data)
    deciders_text: str  # the same in words: "a CAM, PS lead or program admin"
    actions: list[DisputeAction] = field(default_factory=list)  # what the reading actor may do to it now


@dataclass(frozen=True)
class DisputeFilters:
    status: DisputeStatus | None = None
    level: int | None = None
    overdue: bool | None = None  # open and past the current level's deadline
    partner_id: int | None = None
    partner_ids: tuple[int, ...] | None = None  # a CAM's or sponsor's partners (the executive dashboard's views)
    engagement_id: int | None = None
    engagement_ids: tuple[int, ...] | None = None  # the disputes on a page of engagements, in one query
    on_engagement: bool | None = None  # True: disputes on a PS engagement; False: on a plan activity
    cam_user_id: int | None = None  # the partners this CAM manages


@dataclass(frozen=True)
class LevelCount:
    level: int
    open: int


@dataclass(frozen=True)
class DisputeReport:
    total: int
    open: int
    resolved: int
    overdue: int
    open_by_level: list[LevelCount] = field(default_factory=list)
    median_resolution_business_days: float | None = None  # opened → decided, weekends excluded


class LevelCountRead(ReadSchema):
    level: int
    open: int


class DisputeReportRead(ReadSchema):
    total: int
    open: int
    resolved: int
    overdue: int
    open_by_level: list[LevelCountRead]
    median_resolution_business_days: float | None
