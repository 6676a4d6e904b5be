"""The program YAML format: parsed, validated, and every error pointed at its line and field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from alliance.kit.money import DEFAULT_CURRENCY, Currency
from alliance.kit.schemas import InputSchema, ShortText
from alliance.partners.metrics import metric_error
from alliance.partners.models import DEFAULT_DISPUTE_LADDER, DEFAULT_DOWNGRADE_GRACE_DAYS, DEFAULT_MDF_CLAIM_DEADLINE_DAYS, DEFAULT_MDF_REIMBURSEMENT_PERCENT
from alliance.partners.schemas import ClaimDeadlineDays, CriterionIn, DisputeLadder, DisputeLevel, GraceDays, ReimbursementPercent, TerritoryList, TierBenefits
from alliance.partners.vocabulary import CreditSplit, CriteriaMode, PartnerType, SISubtype

# libyaml's loader when PyYAML was built with it: ten times faster, same safe semantics.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]


class CriteriaFile(InputSchema):
    mode: CriteriaMode = CriteriaMode.ALL
    rules: Annotated[list[CriterionIn], Field(max_length=30)] = []

    @field_validator("rules")
    @classmethod
    def _known_metrics(cls, rules: list[CriterionIn]) -> list[CriterionIn]:
        for rule in rules:
            if (problem := metric_error(rule.metric)) is not None:
                raise ValueError(problem)
        return rules


class TierFile(InputSchema):
    key: Key
    name: ShortText
    benefits: TierBenefits
    criteria: CriteriaFile = CriteriaFile()


class ProgramFile(InputSchema):
    key: Key
    name: ShortText
    description: Annotated[str, Field(max_length=5000)] | None = None
    partner_type: PartnerType
    si_subtype: SISubtype | None = None
    active: bool = True
    currency: Currency = DEFAULT_CURRENCY
    # The attribution model (docs/attribution.md): influence credit per partner of record.
    influence_credit_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal(100)
    influence_credit_split: CreditSplit = CreditSplit.FULL
    downgrade_grace_days: GraceDays = DEFAULT_DOWNGRADE_GRACE_DAYS
    # Market development funds: claim deadline after the activity, and the reimbursed share of costs.
    mdf_claim_deadline_days: ClaimDeadlineDays = DEFAULT_MDF_CLAIM_DEADLINE_DAYS
    mdf_reimbursement_percent: ReimbursementPercent = DEFAULT_MDF_REIMBURSEMENT_PERCENT
    dispute_ladder: DisputeLadder = Field(default_factory=lambda: [DisputeLevel.model_validate(step) for step in DEFAULT_DISPUTE_LADDER])
    territories: TerritoryList = Field(default_factory=list)
    tiers: Annotated[list[TierFile], Field(min_length=1, max_length=12)]

    @model_validator(mode="after")
    def _consistent(self) -> ProgramFile:
        if (self.partner_type == PartnerType.SYSTEMS_INTEGRATOR) != (self.si_subtype is not None):
            raise ValueError("si_subtype is required for systems_integrator programs and not allowed for others")
        keys = [t.key for t in self.tiers]
        if len(set(keys)) != len(keys):
            raise ValueError(f"tier keys must be unique within a program: {keys}")
        return self


class ProgramsFile(InputSchema):
    programs: Annotated[list[ProgramFile], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _unique_keys(self) -> ProgramsFile:
        keys = [p.key for p in self.programs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"program keys must be unique: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
        return self


@dataclass(frozen=True)
class FileProblem:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProgramFileError(ValueError):
    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_programs(text: str) -> ProgramsFile:
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ProgramFileError([FileProblem(mark.line + 1 if mark else None, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, dict):
        raise ProgramFileError([FileProblem(1, "", "the file must be a mapping with a 'programs' list")])
    try:
        return ProgramsFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-")))]
            problems.append(FileProblem(_line_of(node, loc), _dotted(loc), error["msg"].removeprefix("Value error, ")))
        raise ProgramFileError(problems) from None


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """The 1-based line of the deepest YAML node on the error's path."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
            if child is None:
                break
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line
