"""Co-sell resource requests: what a partner sends, what the vendor sends to act, what both read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from alliance.cosell.models import ResourceRequest
from alliance.cosell.vocabulary import RequestAction, RequestStatus, RequestType
from alliance.kit.schemas import InputSchema, LongText, ReadSchema, RowId
from alliance.kit.types import Day

Rating = Annotated[int, Field(ge=1, le=5, description="Effect on the deal: 1 (none) to 5 (decisive)")]
RequiredText = Annotated[LongText, Field(min_length=1)]


class ResourceRequestCreate(InputSchema):
    request_type: RequestType
    needed_by: Day
    description: RequiredText = Field(description="What is needed")
    customer_context: LongText | None = None


class RequestActionBody(InputSchema):
    """The body of an action: decline needs a reason; complete needs the outcome rating."""

    reason: LongText | None = None
    outcome_rating: Rating | None = None
    notes: LongText | None = None


class AssignmentRequest(InputSchema):
    assignee_user_id: RowId


@dataclass
class RequestView:
    """A request with its SLA state computed as of now (stored `breached` may lag the sweep)."""

    request: ResourceRequest
    breached: bool
    actions: list[RequestAction]  # what the reading actor may do to it now


class ResourceRequestRead(ReadSchema):
    id: int
    partner_id: int
    registration_id: int
    request_type: RequestType
    status: RequestStatus
    needed_by: date
    description: str
    customer_context: str | None
    requested_by_user_id: int | None
    team_id: int
    rule_id: int | None
    priority: int
    submitted_at: datetime
    first_response_due_at: datetime
    first_responded_at: datetime | None
    breached: bool
    assignee_user_id: int | None
    declined_reason: str | None
    completed_at: datetime | None
    outcome_rating: int | None
    outcome_notes: str | None
    actions: list[RequestAction] = Field(default_factory=list, description="What the caller may do to the request now")

    @classmethod
    def of(cls, view: RequestView) -> ResourceRequestRead:
        read = cls.model_validate(view.request)
        read.breached = view.breached
        read.actions = view.actions
        return read


class CosellReportRow(ReadSchema):
    key: str
    label: str
    volume: int
    responded: int
    median_first_response_hours: float | None
    breached: int
    breach_rate: float | None  # breached / volume
    completed: int
    declined: int
    average_rating: float | None


class CosellReportRead(ReadSchema):
    start: date
    end: date
    group_by: str
    rows: list[CosellReportRow]
    total: CosellReportRow
