"""The ACE operations Alliance answers, each one call of the opportunity service: the body is
validated against the service model first, domain errors come back in ACE's words."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.ace import errors, mapping, model, paging
from alliance.ace.errors import FieldError
from alliance.db import Database
from alliance.errors import AllianceError
from alliance.identity.scope import Actor, scope_for
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.opportunities import service as opportunity_service
from alliance.opportunities.repository import OpportunityFilters
from alliance.partners import product_line_service
from alliance.registrations.lifecycle import Status

LIVE_CATALOG = "AWS"
SANDBOX_CATALOG = "Sandbox"
CATALOGS = (LIVE_CATALOG, SANDBOX_CATALOG)
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Call:
    """One request: who, the validated body, and the secret that signs NextTokens."""

    actor: Actor
    body: dict[str, Any]
    secret: str

    @property
    def catalog(self) -> str:
        return str(self.body["Catalog"])


Handler = Callable[[Session, Call], dict[str, Any]]


def create_opportunity(session: Session, call: Call) -> dict[str, Any]:
    body = call.body
    data = mapping.registration_input(body)
    if call.catalog == SANDBOX_CATALOG:
        mapping.check_sandbox_review(body)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    record, registration = opportunity_service.create_opportunity(
        session,
        call.actor,
        catalog=call.catalog,
        client_token=body["ClientToken"],
        request_digest=digest,
        payload=mapping.stored(body),
        data=data,
    )
    answer = {"Id": mapping.opportunity_id(registration.id), "LastModifiedDate": mapping.timestamp(registration.updated_at)}
    if "PartnerOpportunityIdentifier" in record.payload:
        answer["PartnerOpportunityIdentifier"] = record.payload["PartnerOpportunityIdentifier"]
    return answer


def get_opportunity(session: Session, call: Call) -> dict[str, Any]:
    registration_id = mapping.registration_id_of(call.body["Identifier"])
    view = opportunity_service.view_opportunity(session, call.actor, catalog=call.catalog, registration_id=registration_id)
    answer = mapping.opportunity((view.record, view.registration), call.catalog, review_comment=view.review_comment, product_line_ids=view.product_line_ids)
    return dict(mapping.project("GetOpportunityResponse", answer))


def update_opportunity(session: Session, call: Call) -> dict[str, Any]:
    body = call.body
    lifecycle = body.get("LifeCycle") or {}
    lost = lifecycle.get("Stage") == "Closed Lost"
    data = None if lost else functools.partial(mapping.registration_update, body)
    review = lifecycle.get("ReviewStatus")
    last_modified = model.parse_timestamp(body["LastModifiedDate"])
    assert last_modified is not None  # the validator checked it
    _, registration = opportunity_service.update_opportunity(
        session,
        call.actor,
        catalog=call.catalog,
        registration_id=mapping.registration_id_of(body["Identifier"]),
        last_modified=last_modified,
        payload=mapping.stored(body),
        data=data,
        review_statuses=mapping.STATUSES_OF_REVIEW[review] if review is not None else None,
        lost_reason=(lifecycle.get("ClosedLostReason") or "Closed Lost") if lost else None,
    )
    return {"Id": mapping.opportunity_id(registration.id), "LastModifiedDate": mapping.timestamp(registration.updated_at)}


def submit_opportunity(session: Session, call: Call) -> dict[str, Any]:
    body = call.body
    opportunity_service.submit_opportunity(
        session,
        call.actor,
        catalog=call.catalog,
        registration_id=mapping.registration_id_of(body["Identifier"]),
        submission={k: body[k] for k in ("InvolvementType", "Visibility") if k in body},
        cosell_requests=mapping.COSELL_REQUESTS if body["InvolvementType"] == "Co-Sell" else None,
    )
    return {}


def list_opportunities(session: Session, call: Call) -> dict[str, Any]:
    body = call.body
    offset = paging.offset_of(call.secret, body)
    limit = int(body.get("MaxResults") or DEFAULT_PAGE_SIZE)
    sort = body.get("Sort") or {"SortBy": "LastModifiedDate", "SortOrder": "DESCENDING"}
    page = opportunity_service.list_opportunities(
        session,
        call.actor,
        catalog=call.catalog,
        filters=_filters(body),
        sort=sort["SortBy"],
        descending=sort["SortOrder"] == "DESCENDING",
        offset=offset,
        limit=limit,
    )
    answer: dict[str, Any] = {"OpportunitySummaries": [mapping.project("OpportunitySummary", mapping.opportunity(found, call.catalog)) for found in page.items]}
    if page.has_more:
        answer["NextToken"] = paging.next_token(call.secret, body, offset + limit)
    return answer


def assign_opportunity(session: Session, call: Call) -> dict[str, Any]:
    body = call.body
    opportunity_service.assign_opportunity(
        session, call.actor, catalog=call.catalog, registration_id=mapping.registration_id_of(body["Identifier"]), assignee=body["Assignee"]
    )
    return {}


def associate_opportunity(session: Session, call: Call) -> dict[str, Any]:
    _relate(session, call, opportunity_service.associate)
    return {}


def disassociate_opportunity(session: Session, call: Call) -> dict[str, Any]:
    _relate(session, call, opportunity_service.disassociate)
    return {}


def _relate(session: Session, call: Call, relate: Callable[..., Any]) -> None:
    body = call.body
    entity_type, entity_id = body["RelatedEntityType"], body["RelatedEntityIdentifier"]
    product_line_id = None
    if entity_type == "Solutions":
        product_line_id = mapping.product_line_id_of(entity_id)
        if product_line_id is None:
            message = "A solution identifier is S- followed by digits (ListSolutions)."
            raise errors.validation(message, [FieldError("RelatedEntityIdentifier", message, "INVALID_STRING_FORMAT")])
    registration_id = mapping.registration_id_of(body["OpportunityIdentifier"])
    relate(
        session,
        call.actor,
        catalog=call.catalog,
        registration_id=registration_id,
        entity_type=entity_type,
        entity_id=entity_id,
        product_line_id=product_line_id,
    )


def list_solutions(session: Session, call: Call) -> dict[str, Any]:
    """The vendor's product lines as solutions (the catalog is small: filtered and paged here)."""
    body = call.body
    offset = paging.offset_of(call.secret, body)
    limit = int(body.get("MaxResults") or DEFAULT_PAGE_SIZE)
    catalog = product_line_service.list_product_lines(session, call.actor, active=None, page=PageRequest(limit=MAX_LIMIT))
    solutions = [mapping.solution(line, call.catalog) for line in catalog.items]
    wanted = {name: set(body.get(name) or []) for name in ("Status", "Identifier", "Category")}
    solutions = [s for s in solutions if all(not values or s[name if name != "Identifier" else "Id"] in values for name, values in wanted.items())]
    if body.get("AwsMarketplaceSolutionArn"):
        solutions = []  # Alliance's solutions are not AWS Marketplace listings
    sort = body.get("Sort") or {"SortBy": "Identifier", "SortOrder": "ASCENDING"}
    key = {"Identifier": "Id"}.get(sort["SortBy"], sort["SortBy"])
    solutions.sort(key=lambda s: int(s["Id"][2:]) if key == "Id" else s[key], reverse=sort["SortOrder"] == "DESCENDING")
    answer: dict[str, Any] = {"SolutionSummaries": solutions[offset : offset + limit]}
    if offset + limit < len(solutions):
        answer["NextToken"] = paging.next_token(call.secret, body, offset + limit)
    return answer


def _filters(body: dict[str, Any]) -> OpportunityFilters:
    stages = body.get("LifeCycleStage") or []
    statuses: frozenset[Status] = frozenset().union(*(mapping.STATUSES_OF_REVIEW[r] for r in body.get("LifeCycleReviewStatus") or []))
    modified, created, closing = body.get("LastModifiedDate") or {}, body.get("CreatedDate") or {}, body.get("TargetCloseDate") or {}
    return OpportunityFilters(
        registration_ids=frozenset(mapping.registration_id_of(i) for i in body.get("Identifier") or []),
        statuses=statuses,
        deal_stages=frozenset(mapping.DEAL_STAGES[s].value for s in stages if s in mapping.DEAL_STAGES),
        stage_statuses=frozenset(mapping.OUTCOME_STAGES[s] for s in stages if s in mapping.OUTCOME_STAGES),
        customer_names=frozenset(body.get("CustomerCompanyName") or []),
        modified_after=model.parse_timestamp(modified.get("AfterLastModifiedDate")),
        modified_before=model.parse_timestamp(modified.get("BeforeLastModifiedDate")),
        created_after=model.parse_timestamp(created.get("AfterCreatedDate")),
        created_before=model.parse_timestamp(created.get("BeforeCreatedDate")),
        close_after=_day(closing.get("AfterTargetCloseDate"), "TargetCloseDate.AfterTargetCloseDate"),
        close_before=_day(closing.get("BeforeTargetCloseDate"), "TargetCloseDate.BeforeTargetCloseDate"),
    )


def _day(value: str | None, field_name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise errors.validation(f"{field_name} is not a calendar date.", [FieldError(field_name, "not a calendar date", "INVALID_VALUE")]) from None


# Operations that change nothing run in a read-only unit of work.
OPERATIONS: dict[str, tuple[Handler, bool]] = {
    "CreateOpportunity": (create_opportunity, True),
    "GetOpportunity": (get_opportunity, False),
    "ListOpportunities": (list_opportunities, False),
    "UpdateOpportunity": (update_opportunity, True),
    "SubmitOpportunity": (submit_opportunity, True),
    "ListSolutions": (list_solutions, False),
    "AssociateOpportunity": (associate_opportunity, True),
    "DisassociateOpportunity": (disassociate_opportunity, True),
    "AssignOpportunity": (assign_opportunity, True),
}


def run(database: Database, actor: Actor, *, operation: str, body: Any, secret: str) -> dict[str, Any]:
    """Validate `body` as `operation`'s input and run it in one unit of work in the actor's scope."""
    found = OPERATIONS.get(operation)
    if found is None:
        known = model.input_shape(operation) is not None
        raise errors.unknown_operation(f"{operation} is not available on this server." if known else f"Unknown operation {operation}.")
    if not actor.is_partner:
        raise errors.access_denied("The ACE API is for partner users: it files and reads their organisation's opportunities.")
    problems = model.validate(operation, body)
    if problems:
        raise errors.validation(f"{len(problems)} validation error(s) in the request.", problems)
    catalog = body["Catalog"]
    if catalog not in CATALOGS:
        raise errors.validation(
            f"Catalog must be one of: {', '.join(CATALOGS)}.", [FieldError("Catalog", f"must be one of {', '.join(CATALOGS)}", "INVALID_ENUM_VALUE")]
        )
    handler, writes = found
    call = Call(actor=actor, body=body, secret=secret)
    try:
        return _unit_of_work(database, handler, call, writes=writes)
    except IntegrityError:
        # Two creates with one ClientToken at once (PostgreSQL): the loser's insert collides;
        # run again, it then finds the winner's opportunity and answers as a retry would.
        if operation != "CreateOpportunity":
            raise
        return _unit_of_work(database, handler, call, writes=writes)


def _unit_of_work(database: Database, handler: Handler, call: Call, *, writes: bool) -> dict[str, Any]:
    """One unit of work in the actor's scope; the Sandbox catalog's is the partner's sandbox, which
    sees and writes test data only (alliance.db, Sandboxable)."""
    scope = scope_for(call.actor)
    with database.session_scope(scope.in_sandbox() if call.catalog == SANDBOX_CATALOG else scope, write=writes) as session:
        try:
            return handler(session, call)
        except AllianceError as exc:
            raise errors.from_domain(exc, mapping.ace_field) from None
