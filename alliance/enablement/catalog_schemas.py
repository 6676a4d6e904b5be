"""Certification tracks, their learning paths and product releases: input and reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from alliance.enablement.vocabulary import LabGrading, Level
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.kit.types import Day
from alliance.partners.schemas import ProductLineKey
from alliance.partners.vocabulary import DeliveryRole

Key = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
MajorVersion = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,6}$"), Field(description="The major version certified, e.g. 8")]
Version = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^\d{1,6}(\.\d{1,6}){0,2}$")]
Percent = Annotated[int, Field(ge=0, le=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Vertical = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9_ -]*$")]


class ModuleInput(InputSchema):
    key: Key = Field(description="Stable id (the learning system's); a module keeps its completions while its key stays")
    title: ShortText
    required: bool = True


class RubricCriterion(InputSchema):
    criterion: ShortText
    max_points: int = Field(ge=1, le=1000)


class TrackCreate(InputSchema):
    key: Key
    name: ShortText
    description: Description | None = None
    delivery_role: DeliveryRole
    level: Level
    product_line: ProductLineKey
    product_version: MajorVersion
    vertical: Vertical | None = Field(default=None, description="A vertical or compliance methodology, e.g. healthcare")
    prerequisite_track_id: RowId | None = Field(default=None, description="A track of a lower level the person must hold first")
    validity_days: int = Field(default=730, ge=1, le=3650)
    exam_pass_mark: Percent = 70
    exam_max_attempts: int = Field(default=3, ge=1, le=20)
    exam_cooldown_days: int = Field(default=14, ge=0, le=365)
    lab_grading: LabGrading | None = Field(default=None, description="evaluator (rubric) or environment (signed post); none without a lab")
    lab_rubric: list[RubricCriterion] = Field(default_factory=list, max_length=30)
    lab_pass_mark: Percent | None = None
    recert_versions_behind: int | None = Field(default=None, ge=0, le=20)
    recert_within_days: int | None = Field(default=None, ge=1, le=3650)
    is_active: bool = True
    modules: list[ModuleInput] = Field(min_length=1, max_length=50, description="The learning path in order")

    @model_validator(mode="after")
    def _consistent(self) -> TrackCreate:
        keys = [m.key for m in self.modules]
        if len(set(keys)) != len(keys):
            raise ValueError("modules: module keys must be unique within a track")
        if self.lab_grading is None:
            if self.lab_rubric or self.lab_pass_mark is not None:
                raise ValueError("lab_rubric and lab_pass_mark need lab_grading")
        else:
            if not self.lab_rubric:
                raise ValueError("lab_rubric: a lab needs at least one rubric criterion")
            if self.lab_pass_mark is None:
                self.lab_pass_mark = 70
        if (self.recert_versions_behind is None) != (self.recert_within_days is None):
            raise ValueError("recert_versions_behind and recert_within_days go together")
        return self


class TrackUpdate(InputSchema):
    """Every field optional; `modules` replaces the learning path (modules matched by key keep
    their completions)."""

    name: ShortText | None = None
    description: Description | None = None
    delivery_role: DeliveryRole | None = None
    level: Level | None = None
    product_line: ProductLineKey | None = None
    product_version: MajorVersion | None = None
    vertical: Vertical | None = None
    prerequisite_track_id: RowId | None = None
    validity_days: int | None = Field(default=None, ge=1, le=3650)
    exam_pass_mark: Percent | None = None
    exam_max_attempts: int | None = Field(default=None, ge=1, le=20)
    exam_cooldown_days: int | None = Field(default=None, ge=0, le=365)
    lab_grading: LabGrading | None = None
    lab_rubric: list[RubricCriterion] | None = Field(default=None, max_length=30)
    lab_pass_mark: Percent | None = None
    recert_versions_behind: int | None = Field(default=None, ge=0, le=20)
    recert_within_days: int | None = Field(default=None, ge=1, le=3650)
    is_active: bool | None = None
    modules: list[ModuleInput] | None = Field(default=None, min_length=1, max_length=50)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class ModuleRead(ReadSchema):
    id: int
    key: str
    position: int
    title: str
    required: bool


class TrackRead(ReadSchema):
    id: int
    key: str
    name: str
    description: str | None
    delivery_role: DeliveryRole
    level: Level
    product_line: str
    product_version: str
    vertical: str | None
    prerequisite_track_id: int | None
    validity_days: int
    exam_pass_mark: int
    exam_max_attempts: int
    exam_cooldown_days: int
    lab_grading: LabGrading | None
    lab_rubric: list[dict[str, object]]
    lab_pass_mark: int | None
    recert_versions_behind: int | None
    recert_within_days: int | None
    is_active: bool
    modules: list[ModuleRead]


class TrackWithSecretRead(TrackRead):
    """On creation and rotation only: the key the lab environment signs results with."""

    lab_secret: str | None


class ReleaseCreate(InputSchema):
    product_line: ProductLineKey
    version: Version = Field(description='e.g. "8.2"; the major version is its first number')
    released_on: Day


class ReleaseRead(ReadSchema):
    id: int
    product_line: str
    version: str
    major: int
    released_on: date
    created_at: datetime
