"""ACE opportunities in Alliance terms and back: the payload as a deal registration's input, the
registration's lifecycle as ACE's ReviewStatus and Stage, and the answers built from the payload
the partner sent (kept verbatim) with what Alliance decided laid over it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from alliance.ace import errors, model
from alliance.ace.errors import BUSINESS_VALIDATION_FAILED, FieldError
from alliance.ace.model import service_model
from alliance.cosell.vocabulary import RequestType
from alliance.opportunities import sandbox
from alliance.opportunities.models import Opportunity
from alliance.partners.models import ProductLine
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration
from alliance.registrations.schemas import DealCreate, InfluenceCreate, ProjectCreate, RegistrationUpdate
from alliance.registrations.service import RegistrationCreateData
from alliance.registrations.vocabulary import DealStage

S = TypeVar("S", bound=BaseModel)

KIND_TAG = "alliance:kind"
PRODUCT_LINES_TAG = "alliance:product-lines"
# Project registrations: the delivery window and its phases (`alliance:phase:<name>`), each
# `YYYY-MM-DD/YYYY-MM-DD`; without phase tags the delivery is one phase.
DELIVERY_TAG = "alliance:delivery"
PHASE_TAG_PREFIX = "alliance:phase:"
DEFAULT_PHASE = "Delivery"
# Influence registrations (architecture engagements): the registrant's part in the engagement.
REGISTRANT_ROLE_TAG = "alliance:registrant-role"
CREATE_SCHEMAS: dict[RegistrationKind, type[DealCreate | ProjectCreate | InfluenceCreate]] = {
    RegistrationKind.DEAL: DealCreate,
    RegistrationKind.PROJECT: ProjectCreate,
    RegistrationKind.INFLUENCE: InfluenceCreate,
}
# CompetitorName values that name no competitor.
NOT_COMPETITORS = ("No Competition", "*Other")
ID_PREFIX = "O"
TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
SOLUTION_CATEGORY = "Product line"
SOLUTION_PREFIX = "S-"
# Members Alliance decides; whatever a partner sends for them is not kept.
DERIVED_LIFECYCLE = ("ReviewStatus", "ReviewComments", "ReviewStatusReason")

REVIEW_STATUS = {
    Status.DRAFT: "Pending Submission",
    Status.SUBMITTED: "Submitted",
    Status.IN_REVIEW: "In review",
    Status.INFO_REQUESTED: "Action Required",
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
    # Won and lost are outcomes of an approved opportunity (LifeCycle.Stage says which); protection
    # that ended leaves it approved; a withdrawn registration is no longer under review.
    Status.WON: "Approved",
    Status.LOST: "Approved",
    Status.EXPIRED: "Approved",
    Status.WITHDRAWN: "Rejected",
}
STATUSES_OF_REVIEW = {review: frozenset(s for s, r in REVIEW_STATUS.items() if r == review) for review in set(REVIEW_STATUS.values())}
DEAL_STAGES = {
    "Prospect": DealStage.QUALIFYING,
    "Qualified": DealStage.DISCOVERY,
    "Technical Validation": DealStage.PROPOSAL,
    "Business Validation": DealStage.NEGOTIATION,
    "Committed": DealStage.COMMIT,
}
# Stages only the vendor's confirmation sets: a won (booked) or lost registration.
OUTCOME_STAGES = {"Launched": Status.WON, "Closed Lost": Status.LOST}
# Alliance's field names in domain errors, as the ACE member they come from.
FIELD_NAMES = {
    "title": "Project.Title",
    "customer": "Customer.Account",
    "customer.name": "Customer.Account.CompanyName",
    "customer.website": "Customer.Account.WebsiteUrl",
    "customer.country": "Customer.Account.Address.CountryCode",
    "product_lines": f"Tags[{PRODUCT_LINES_TAG}]",
    "amount": "Project.ExpectedCustomerSpend",
    "currency": "Project.ExpectedCustomerSpend.CurrencyCode",
    "expected_close_on": "LifeCycle.TargetCloseDate",
    "stage": "LifeCycle.Stage",
    "kind": f"Tags[{KIND_TAG}]",
    "review_status": "LifeCycle.ReviewStatus",
    "solution": "RelatedEntityIdentifier",
    "assignee": "Assignee.Email",
    "project_name": "Project.Title",
    "scope_description": "Project.CustomerBusinessProblem",
    "delivery_starts_on": f"Tags[{DELIVERY_TAG}]",
    "delivery_ends_on": f"Tags[{DELIVERY_TAG}]",
    "phases": f"Tags[{PHASE_TAG_PREFIX}*]",
    "architecture_decision": "Project.CustomerBusinessProblem",
    "competitors": "Project.OtherCompetitorNames",
    "registrant_role": f"Tags[{REGISTRANT_ROLE_TAG}]",
    "decision_expected_on": "LifeCycle.TargetCloseDate",
    "evidence": "LifeCycle.NextStepsHistory",
}
# Each co-sell need of a Co-Sell submission as the co-sell request it files.
COSELL_REQUESTS = {
    "Co-Sell - Architectural Validation": RequestType.ARCHITECTURE_VALIDATION,
    "Co-Sell - Business Presentation": RequestType.EXECUTIVE_SPONSOR,
    "Co-Sell - Competitive Information": RequestType.SOLUTION_ARCHITECT,
    "Co-Sell - Pricing Assistance": RequestType.SOLUTION_ARCHITECT,
    "Co-Sell - Technical Consultation": RequestType.TECHNICAL_SPECIALIST,
    "Co-Sell - Total Cost of Ownership Evaluation": RequestType.SOLUTION_ARCHITECT,
    "Co-Sell - Deal Support": RequestType.EXECUTIVE_SPONSOR,
    "Co-Sell - Support for Public Tender / RFx": RequestType.PROFESSIONAL_SERVICES,
}


def opportunity_id(registration_id: int) -> str:
    return f"{ID_PREFIX}{registration_id}"


def registration_id_of(identifier: str) -> int:
    """The registration behind `O<digits>` (the validator has checked the pattern)."""
    return int(identifier[len(ID_PREFIX) :])


def _dig(payload: dict[str, Any], *path: str) -> Any:
    value: Any = payload
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def tag(payload: dict[str, Any], key: str) -> str | None:
    return next((t["Value"] for t in payload.get("Tags") or [] if t.get("Key") == key), None)


def _business(message: str, field_name: str, code: str = "INVALID_VALUE") -> errors.AceError:
    return errors.validation(message, [FieldError(field_name, message, code)], reason=BUSINESS_VALIDATION_FAILED)


def kind_of(payload: dict[str, Any]) -> RegistrationKind:
    """The kind of registration an opportunity files: the tag `alliance:kind`, deal by default."""
    value = tag(payload, KIND_TAG) or RegistrationKind.DEAL
    try:
        return RegistrationKind(value)
    except ValueError:
        kinds = ", ".join(RegistrationKind)
        raise _business(f"Tag {KIND_TAG} must be one of: {kinds}; '{value}' is not a kind of registration.", FIELD_NAMES["kind"]) from None


def registration_input(payload: dict[str, Any]) -> RegistrationCreateData:
    """The registration a new opportunity files, of the kind its `alliance:kind` tag names."""
    kind = kind_of(payload)
    review = _dig(payload, "LifeCycle", "ReviewStatus")
    if review is not None and review != REVIEW_STATUS[Status.DRAFT]:
        raise _business("LifeCycle.ReviewStatus is set by the review, never by the partner.", "LifeCycle.ReviewStatus", "ACTION_NOT_PERMITTED")
    values = {
        **_registration_values(payload, kind),
        **_tagged_values(payload, kind),
        "kind": kind,
        "product_lines": (tag(payload, PRODUCT_LINES_TAG) or "").split(),
    }
    # A project's phases default to its delivery window: without one, only the window is missing.
    derived = ("phases",) if kind == RegistrationKind.PROJECT and "phases" not in values else ()
    return _validated(CREATE_SCHEMAS[kind], values, derived=derived)


def registration_update(payload: dict[str, Any], kind: RegistrationKind) -> RegistrationUpdate:
    """An update's registration of `kind` as a whole (what tags carry stays: an update has no
    tags). The service validates the result as the kind's whole record."""
    values = {name: value for name, value in _registration_values(payload, kind).items() if value is not None}
    if kind == RegistrationKind.DEAL:
        values.setdefault("stage", DealStage.QUALIFYING)
    return _validated(RegistrationUpdate, values)


def check_sandbox_review(payload: dict[str, Any]) -> None:
    """A Sandbox opportunity's `alliance:sandbox-review` tag names an outcome the sandbox offers."""
    outcome = sandbox.requested_outcome(payload.get("Tags"))
    if outcome is not None and outcome not in sandbox.OUTCOMES:
        raise _business(f"Tag {sandbox.REVIEW_TAG} must be one of: {', '.join(sandbox.OUTCOMES)}.", f"Tags[{sandbox.REVIEW_TAG}]", "INVALID_ENUM_VALUE")


def _registration_values(payload: dict[str, Any], kind: RegistrationKind) -> dict[str, Any]:
    """What the payload's members say of a registration of `kind` (None: not given)."""
    stage = _dig(payload, "LifeCycle", "Stage")
    if stage in OUTCOME_STAGES:
        raise _business(f"Stage '{stage}' is set when the vendor confirms the outcome.", "LifeCycle.Stage", "ACTION_NOT_PERMITTED")
    account = _dig(payload, "Customer", "Account") or {}
    title = _dig(payload, "Project", "Title")
    problem = _dig(payload, "Project", "CustomerBusinessProblem")
    close = _dig(payload, "LifeCycle", "TargetCloseDate")
    common = {
        "title": title,
        "customer": {"name": account.get("CompanyName"), "website": account.get("WebsiteUrl"), "country": _dig(account, "Address", "CountryCode")},
        **_amount(payload),
    }
    if kind == RegistrationKind.PROJECT:
        return {**common, "project_name": title, "scope_description": problem}
    if kind == RegistrationKind.INFLUENCE:
        return {**common, "architecture_decision": problem, "competitors": _competitors(payload), "decision_expected_on": close, "evidence": _evidence(payload)}
    return {**common, "expected_close_on": close, "stage": DEAL_STAGES[stage] if stage is not None else None}


def _competitors(payload: dict[str, Any]) -> list[str] | None:
    named = _dig(payload, "Project", "CompetitorName")
    others = _dig(payload, "Project", "OtherCompetitorNames") or ""
    found = [named] if named and named not in NOT_COMPETITORS else []
    found += [name.strip() for name in others.replace(";", ",").split(",") if name.strip()]
    return found or None


def _evidence(payload: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The architecture engagement's evidence: each NextStepsHistory entry a meeting on its day."""
    history = _dig(payload, "LifeCycle", "NextStepsHistory") or []
    found = []
    for entry in history:
        moment = model.parse_timestamp(entry.get("Time"))
        found.append({"kind": "meeting", "on": moment.date().isoformat() if moment else None, "description": entry.get("Value")})
    return found or None


def _tagged_values(payload: dict[str, Any], kind: RegistrationKind) -> dict[str, Any]:
    """What only tags carry (fields ACE has no member for), at create."""
    if kind == RegistrationKind.INFLUENCE:
        return {"registrant_role": tag(payload, REGISTRANT_ROLE_TAG)}
    if kind != RegistrationKind.PROJECT:
        return {}
    delivery = tag(payload, DELIVERY_TAG)
    if delivery is None:
        return {}
    starts, ends = _interval(delivery, f"Tags[{DELIVERY_TAG}]")
    phases = [
        {"name": t["Key"][len(PHASE_TAG_PREFIX) :], **dict(zip(("starts_on", "ends_on"), _interval(t["Value"], f"Tags[{t['Key']}]"), strict=True))}
        for t in payload.get("Tags") or []
        if t.get("Key", "").startswith(PHASE_TAG_PREFIX)
    ]
    return {"delivery_starts_on": starts, "delivery_ends_on": ends, "phases": phases or [{"name": DEFAULT_PHASE, "starts_on": starts, "ends_on": ends}]}


def _interval(value: str, field_name: str) -> tuple[str, str]:
    """`YYYY-MM-DD/YYYY-MM-DD` (an ISO 8601 interval of days) as its two days."""
    starts, separator, ends = value.partition("/")
    try:
        date.fromisoformat(starts)
        date.fromisoformat(ends)
    except ValueError:
        separator = ""
    if not separator:
        raise _business(f"{field_name} must be two days as YYYY-MM-DD/YYYY-MM-DD.", field_name, "INVALID_STRING_FORMAT")
    return starts, ends


def ace_field(name: str) -> str:
    """The ACE member an Alliance field (dotted, as errors name it) comes from."""
    parts = name.split(".")
    for length in (2, 1):
        found = FIELD_NAMES.get(".".join(parts[:length]))
        if found is not None:
            return found
    return name


def _validated(schema: type[S], values: dict[str, Any], *, derived: tuple[str, ...] = ()) -> S:
    """`values` as `schema`, or a ValidationException naming each ACE member once (`derived`:
    fields whose absence follows from another's, so only that one is named)."""
    try:
        return schema.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        found: dict[tuple[str, str], FieldError] = {}
        for error in exc.errors():
            if error["type"] == "missing" and error["loc"][0] in derived:
                continue
            field_error = FieldError(ace_field(".".join(str(p) for p in error["loc"])), error["msg"], _code(error["type"]))
            found.setdefault((field_error.field_name, field_error.code), field_error)
        raise errors.validation("The opportunity is not a valid registration.", list(found.values()), reason=BUSINESS_VALIDATION_FAILED) from None


def _code(pydantic_type: str) -> str:
    return "REQUIRED_FIELD_MISSING" if pydantic_type in ("missing", "string_type", "none_required") else "INVALID_VALUE"


def _amount(payload: dict[str, Any]) -> dict[str, Any]:
    """The deal amount: the monthly ExpectedCustomerSpend over the contract (its months, or 12)."""
    spends = _dig(payload, "Project", "ExpectedCustomerSpend") or []
    if not spends:
        return {}
    currencies = {s["CurrencyCode"] for s in spends}
    if len(currencies) > 1:
        raise _business("Every ExpectedCustomerSpend entry must be in one currency.", "Project.ExpectedCustomerSpend.CurrencyCode")
    try:
        monthly = sum((Decimal(s.get("Amount") or "0") for s in spends), Decimal(0))
    except InvalidOperation:
        raise _business("Amounts must be decimal numbers.", "Project.ExpectedCustomerSpend.Amount") from None
    duration = _dig(payload, "Project", "ExpectedContractDuration") or {}
    months = duration.get("Value", "12") if duration.get("Term") == "Months" else "12"
    if not str(months).isdigit() or int(months) < 1:
        raise _business("ExpectedContractDuration.Value must be a whole number of months.", "Project.ExpectedContractDuration.Value")
    return {"amount": str(monthly * int(months)), "currency": currencies.pop()}


def stored(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as kept: what the partner sent, less what the request names and Alliance decides."""
    kept = {k: v for k, v in payload.items() if k not in ("Catalog", "ClientToken", "Identifier", "LastModifiedDate")}
    if isinstance(kept.get("LifeCycle"), dict):
        kept["LifeCycle"] = {k: v for k, v in kept["LifeCycle"].items() if k not in DERIVED_LIFECYCLE}
    return kept


def timestamp(value: Any) -> str:
    return str(value.strftime(TIMESTAMP))


def opportunity(
    found: tuple[Opportunity, Registration], catalog: str, *, review_comment: str | None = None, product_line_ids: list[int] | None = None
) -> dict[str, Any]:
    """GetOpportunity's answer: the payload as sent, with the lifecycle Alliance decided
    (`review_comment`: the reviewer's words, else the decision's reason)."""
    record, registration = found
    status = Status(registration.status)
    lifecycle = dict(record.payload.get("LifeCycle") or {})
    lifecycle["ReviewStatus"] = REVIEW_STATUS[status]
    comment = review_comment or registration.decision_reason
    if comment:
        lifecycle["ReviewComments"] = lifecycle["ReviewStatusReason"] = comment
    outcome = next((stage for stage, s in OUTCOME_STAGES.items() if s == status), None)
    if outcome is not None:
        lifecycle["Stage"] = outcome
    return {
        **record.payload,
        "Catalog": catalog,
        "Id": opportunity_id(registration.id),
        "Arn": f"arn:alliance:partnercentral:{catalog}::opportunity/{opportunity_id(registration.id)}",
        "LifeCycle": lifecycle,
        "CreatedDate": timestamp(record.created_at),
        "LastModifiedDate": timestamp(registration.updated_at),
        "RelatedEntityIdentifiers": {
            **(record.payload.get("RelatedEntityIdentifiers") or {}),
            **({"Solutions": [solution_id(i) for i in product_line_ids]} if product_line_ids else {}),
        },
    }


def solution_id(product_line_id: int) -> str:
    return f"{SOLUTION_PREFIX}{product_line_id}"


def product_line_id_of(identifier: str) -> int | None:
    """The product line behind `S-<digits>`, or None for anything else."""
    digits = identifier[len(SOLUTION_PREFIX) :]
    return int(digits) if identifier.startswith(SOLUTION_PREFIX) and digits.isdigit() and len(digits) <= 19 else None


def solution(line: ProductLine, catalog: str) -> dict[str, Any]:
    """A product line as an ACE solution; its key (in the name) is what the product-lines tag takes."""
    return {
        "Catalog": catalog,
        "Id": solution_id(line.id),
        "Name": f"{line.name} ({line.key})",
        "Status": "Active" if line.is_active else "Inactive",
        "Category": SOLUTION_CATEGORY,
        "CreatedDate": timestamp(line.created_at),
    }


def project(shape_name: str, value: Any) -> Any:
    """`value` cut down to the members of output shape `shape_name` (a summary of a full record)."""
    shape = service_model()["shapes"][shape_name]
    if shape["type"] == "structure" and isinstance(value, dict):
        members = shape["members"]
        return {name: project(members[name]["shape"], item) for name, item in value.items() if name in members}
    if shape["type"] == "list" and isinstance(value, list):
        return [project(shape["member"]["shape"], item) for item in value]
    return value
