"""A person's learning steps, exam attempts, lab submissions and certifications: input and reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from alliance.enablement.catalog_schemas import Key
from alliance.enablement.vocabulary import CertificationStatus, LabStatus, LearningAction, Level, Source
from alliance.kit import clock
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.kit.types import Day, Email, Moment

Percent = Annotated[int, Field(ge=0, le=100)]
MAX_EXTERNAL_REF = 100
ExternalRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_EXTERNAL_REF)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class ModuleCompletionCreate(InputSchema):
    module_id: RowId
    completed_on: Day | None = Field(default=None, description="Defaults to today; never in the future")

    @field_validator("completed_on")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > clock.today():
            raise ValueError("cannot be in the future")
        return value


class ExamAttemptCreate(InputSchema):
    track_id: RowId
    score: Percent
    attempted_at: Moment | None = Field(default=None, description="Defaults to now; never in the future")
    external_ref: ExternalRef | None = Field(default=None, description="The learning system's id of the attempt")

    @field_validator("attempted_at")
    @classmethod
    def _not_future(cls, value: datetime | None) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=clock.UTC)
            if value > clock.now():
                raise ValueError("cannot be in the future")
        return value


class LabSubmissionCreate(InputSchema):
    track_id: RowId
    evidence: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] = Field(
        description="What the candidate hands in: a link to the work, notes"
    )


class CriterionScore(InputSchema):
    criterion: ShortText
    points: int = Field(ge=0, le=1000)


class LabGrade(InputSchema):
    scores: list[CriterionScore] = Field(min_length=1, max_length=30, description="Points for every rubric criterion")
    notes: Notes | None = None


class LabResultPost(InputSchema):
    """What a lab environment posts (signed)."""

    person_id: RowId | None = None
    person_email: Email | None = None
    partner_id: RowId | None = None
    score: Percent
    passed: bool | None = Field(default=None, description="Defaults to score >= the track's lab pass mark")
    external_ref: ExternalRef | None = None

    @model_validator(mode="after")
    def _someone(self) -> LabResultPost:
        if self.person_id is None and self.person_email is None:
            raise ValueError("give person_id or person_email")
        return self


def _outcome_words(value: object) -> object:
    # Learning systems export the outcome as pass/fail as often as true/false.
    if isinstance(value, str):
        return {"pass": True, "passed": True, "fail": False, "failed": False}.get(value.strip().lower(), value)
    return value


Outcome = Annotated[bool, BeforeValidator(_outcome_words)]
RecordType = Literal["module", "exam", "lab", "certification"]


class LearningRecordRow(InputSchema):
    """One row of a learning system's export (the CSV import): the API's field types, with people
    by email and tracks and modules by key. Which fields each record type needs is the importer's."""

    record_type: Annotated[RecordType, BeforeValidator(lambda value: value.lower() if isinstance(value, str) else value)]
    person_email: Email
    track_key: Key
    partner_id: RowId | None = None
    external_ref: ExternalRef | None = None
    module_key: Key | None = None
    completed_on: Day | None = None
    attempted_at: Moment | None = None
    submitted_at: Moment | None = None
    score: Percent | None = None
    passed: Outcome | None = None
    issued_on: Day | None = None
    expires_on: Day | None = None


class ModuleCompletionRead(ReadSchema):
    person_id: int
    partner_id: int
    module_id: int
    completed_on: date
    source: Source


class ExamAttemptRead(ReadSchema):
    id: int
    person_id: int
    partner_id: int
    track_id: int
    attempted_at: datetime
    score: int
    passed: bool
    source: Source
    external_ref: str | None


class LabSubmissionRead(ReadSchema):
    id: int
    person_id: int
    partner_id: int
    track_id: int
    submitted_at: datetime
    status: LabStatus
    evidence: str | None
    graded_at: datetime | None
    grader_user_id: int | None
    source: Source
    score: int | None
    rubric_scores: list[dict[str, object]] | None
    notes: str | None
    external_ref: str | None
    certification_missing: list[str] = Field(
        default=[], description="On a graded lab: what the person still needs for the certification, in words (empty once certified)"
    )


class LabQueueItemRead(ReadSchema):
    id: int
    person_id: int
    person_name: str
    partner_id: int
    partner_name: str
    track_id: int
    track_name: str
    submitted_at: datetime
    status: LabStatus
    evidence: str | None
    score: int | None


class CertificationRead(ReadSchema):
    id: int
    person_id: int
    partner_id: int
    track_id: int
    status: CertificationStatus
    issued_on: date
    expires_on: date
    recert_due_on: date | None
    ended_on: date | None
    source: Source


# Where one person stands on one track (progress_service.person_progress builds it).
class TrackProgressRead(ReadSchema):
    track_id: int
    track_key: str
    track_name: str
    level: Level
    modules_done: int
    modules_required: int
    completed_module_ids: list[int]
    exam_attempts: int
    exam_attempts_left: int
    exam_best_score: int | None
    exam_passed: bool
    next_attempt_at: datetime | None
    lab_required: bool
    lab_status: LabStatus | None
    earned: bool
    missing: list[str]
    certification: CertificationRead | None
    actions: list[LearningAction] = Field(default_factory=list, description="What the caller may do next on this track")


class PersonProgressRead(ReadSchema):
    person_id: int
    partner_id: int
    tracks: list[TrackProgressRead]
