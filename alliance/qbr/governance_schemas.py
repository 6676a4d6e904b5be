"""Sponsor governance input and reads: cadence, meetings, relationship health."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from alliance.kit.schemas import InputSchema, LongText, ReadSchema, ShortText
from alliance.kit.types import Day


class CadenceInput(InputSchema):
    every_days: Annotated[int, Field(ge=7, le=366, description="Days between executive meetings (90: quarterly)")]
    note: LongText | None = None


class CadenceRead(ReadSchema):
    partner_id: int
    every_days: int
    note: str | None


class MeetingInput(InputSchema):
    held_on: Day
    title: ShortText
    attendees: Annotated[list[ShortText], Field(min_length=1, max_length=50)]
    notes: LongText | None = None
    decisions: LongText | None = None
    commitments: LongText | None = None


class MeetingRead(ReadSchema):
    id: int
    partner_id: int
    held_on: date
    title: str
    attendees: list[str]
    notes: str | None
    decisions: str | None
    commitments: str | None


class ConcernRead(ReadSchema):
    rule: str
    points: int
    text: str


class HealthRead(ReadSchema):
    partner_id: int
    score: int
    grade: str
    cadence_days: int
    last_meeting_on: date | None
    next_meeting_due_on: date
    concerns: list[ConcernRead]
