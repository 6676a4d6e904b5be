from __future__ import annotations

from pydantic import Field

from alliance.kit.schemas import ReadSchema


class WorkItemRead(ReadSchema):
    kind: str = Field(description="registration, plan, dispute, engagement, certification, tier, request, recommendation, figure or lab")
    entity_id: int | None
    title: str
    why: str = Field(description="Why it needs the caller now, in words and numbers")
    urgent: bool = Field(description="Past a deadline (an SLA, a decision due)")
    partner_id: int | None


class WorkListRead(ReadSchema):
    key: str
    heading: str
    total: int = Field(description="How many there are in all; `items` holds the most pressing few")
    items: list[WorkItemRead]
