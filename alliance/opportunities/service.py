"""Opportunities filed through the ACE-compatible API: each is a registration filed by the
registration services (conflicts, protection and attribution as for any other), plus the payload
as sent and the client token that makes a create idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.schemas import ResourceRequestCreate
from alliance.cosell.vocabulary import RequestType
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.opportunities import sandbox
from alliance.opportunities.models import Opportunity
from alliance.opportunities.repository import OpportunityFilters, OpportunityRepository
from alliance.partners import product_line_service
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Action, Status
from alliance.registrations.models import Registration
from alliance.registrations.schemas import RegistrationUpdate
from alliance.registrations.service import RegistrationCreateData

Found = tuple[Opportunity, Registration]
# The error code a refused change carries for the adapter (a domain error's detail "code").
NOT_PERMITTED = "ACTION_NOT_PERMITTED"
# Where entities other than solutions that are linked to an opportunity are kept in its payload.
RELATED_KEY = "RelatedEntityIdentifiers"
# What an update does not carry (tags are ACE's TagResource's; the team changes by assignment), so it keeps.
TEAM_KEY = "OpportunityTeam"
KEPT_ON_UPDATE = ("Tags", RELATED_KEY, TEAM_KEY)
# When a co-sell need filed with a submission is needed by: the vendor's team answers within days.
COSELL_NEEDED_WITHIN_DAYS = 14


@dataclass(frozen=True)
class OpportunityView:
    record: Opportunity
    registration: Registration
    review_comment: str | None
    product_line_ids: list[int]


@dataclass(frozen=True)
class OpportunityPage:
    items: list[Found]
    has_more: bool


def create_opportunity(
    session: Session, actor: Actor, *, catalog: str, client_token: str, request_digest: str, payload: dict[str, Any], data: RegistrationCreateData
) -> Found:
    """A draft registration for the actor's partner with its opportunity; a client token already
    used answers with the opportunity it created if the request is the same, and 409 if not."""
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    earlier = repository.by_client_token(catalog, client_token)
    if earlier is not None:
        if earlier[0].request_digest != request_digest:
            raise Conflict("ClientToken was already used for a different request.", details=[{"field": "ClientToken", "message": "reused"}])
        return earlier
    registration = registration_service.create_registration(session, actor, data=data)
    opportunity = Opportunity(
        partner_id=registration.partner_id,
        registration_id=registration.id,
        catalog=catalog,
        client_token=client_token,
        request_digest=request_digest,
        payload=payload,
        created_at=registration.created_at or clock.now(),
    )
    repository.add(opportunity)
    _audit(session, actor, opportunity, "opportunity.created", before=None)
    return opportunity, registration


def _audit(session: Session, actor: Actor, record: Opportunity, action: str, *, before: dict[str, Any] | None) -> None:
    """The payload as sent, before and after (the registration's own events record its columns)."""
    audit.record(
        session,
        actor,
        action,
        entity_type="registration",
        entity_id=record.registration_id,
        partner_id=record.partner_id,
        before=None if before is None else {"catalog": record.catalog, "payload": before},
        after={"catalog": record.catalog, "payload": record.payload},
    )


def get_opportunity(session: Session, actor: Actor, *, catalog: str, registration_id: int) -> Found:
    registration_service.require_registrant(actor)
    found = OpportunityRepository(session).find(catalog, registration_id)
    if found is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    return found


def view_opportunity(session: Session, actor: Actor, *, catalog: str, registration_id: int) -> OpportunityView:
    """One opportunity with the reviewer's words on it: the decision's reason, or while the vendor
    waits for information, what it asked for (which the partner needs to answer)."""
    record, registration = get_opportunity(session, actor, catalog=catalog, registration_id=registration_id)
    comment = registration.decision_reason
    if registration.status == Status.INFO_REQUESTED:
        asked = [e for e in registration_service.registration_history(session, actor, registration_id=registration_id) if e.action == Action.REQUEST_INFO]
        comment = asked[-1].reason if asked else comment
    keys = set(registration.product_lines)
    catalog_lines = product_line_service.list_product_lines(session, actor, active=None, page=PageRequest(limit=MAX_LIMIT)).items
    solutions = sorted(line.id for line in catalog_lines if line.key in keys)
    return OpportunityView(record=record, registration=registration, review_comment=comment, product_line_ids=solutions)


def list_opportunities(
    session: Session, actor: Actor, *, catalog: str, filters: OpportunityFilters, sort: str, descending: bool, offset: int, limit: int
) -> OpportunityPage:
    """One page of the actor's partner's opportunities, and whether another follows."""
    registration_service.require_registrant(actor)
    rows = OpportunityRepository(session).page(catalog, filters, sort=sort, descending=descending, offset=offset, limit=limit + 1)
    return OpportunityPage(items=rows[:limit], has_more=len(rows) > limit)


def update_opportunity(
    session: Session,
    actor: Actor,
    *,
    catalog: str,
    registration_id: int,
    last_modified: datetime,
    payload: dict[str, Any],
    data: Callable[[RegistrationKind], RegistrationUpdate] | None,
    review_statuses: frozenset[Status] | None = None,
    lost_reason: str | None = None,
) -> Found:
    """Replace the opportunity as a whole: `data` builds the registration it now files for its
    kind (None with
    `lost_reason`: the partner reports an approved deal lost). Refused when `last_modified` is not
    the registration's (someone changed it since the caller read it), when `review_statuses` does
    not hold its status (the partner never sets it), and, while the vendor waits for information,
    when the customer changes: the registration keeps its place in line on resubmission, so that
    place must stay with the customer it was taken for."""
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    if repository.find(catalog, registration_id) is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    registration = registration_service.get_registration(session, actor, registration_id=registration_id, for_change=True)
    if registration.updated_at != last_modified:
        raise Conflict(
            "The opportunity was changed since LastModifiedDate: read it again and apply the change to what it is now.",
            details=[{"field": "LastModifiedDate", "message": "stale"}],
        )
    if review_statuses is not None and registration.status not in review_statuses:
        raise RuleViolation(
            "The review status is set by the review, never by the partner.", details=[{"field": "review_status", "message": "read-only", "code": NOT_PERMITTED}]
        )
    if lost_reason is not None:
        registration_service.act(session, actor, registration_id=registration_id, action=Action.MARK_LOST, reason=lost_reason)
    elif data is not None:
        update = data(RegistrationKind(registration.kind))
        if registration.status == Status.INFO_REQUESTED and update.customer is not None and _customer_changed(registration, update):
            raise RuleViolation(
                "The customer cannot change while the vendor waits for more information: the registration keeps its place in line for this customer.",
                details=[{"field": "customer.name", "message": "cannot change under Action Required", "code": NOT_PERMITTED}],
            )
        registration_service.update_registration(session, actor, registration_id=registration_id, data=update)
    found = repository.find(catalog, registration_id)
    assert found is not None
    record = found[0]
    before = record.payload
    record.payload = {**payload, **{name: before[name] for name in KEPT_ON_UPDATE if name in before}}
    if record.payload != before:
        _audit(session, actor, record, "opportunity.updated", before=before)
    # The payload may change where the registration does not: LastModifiedDate moves either way.
    registration.updated_at = clock.now()
    session.flush()
    return found


def _customer_changed(registration: Registration, data: RegistrationUpdate) -> bool:
    customer = data.customer
    assert customer is not None
    return (customer.name, customer.website, customer.country) != (registration.customer_name, registration.customer_website, registration.customer_country)


def submit_opportunity(
    session: Session, actor: Actor, *, catalog: str, registration_id: int, submission: dict[str, Any], cosell_requests: dict[str, RequestType] | None
) -> Found:
    """Submit the registration for review. With `cosell_requests` (the partner asks for co-sell
    help), each need of the opportunity's PrimaryNeedsFromAws becomes the co-sell request of the
    type it maps to, routed like any other. `submission`: the involvement and visibility as sent.

    A sandbox opportunity is reviewed by the sandbox at once (opportunities.sandbox) and files no
    co-sell request: nobody at the vendor sees test data to answer it."""
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    earlier = repository.find(catalog, registration_id)
    if earlier is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    resubmission = earlier[1].status == Status.INFO_REQUESTED
    registration_service.act(session, actor, registration_id=registration_id, action=Action.SUBMIT)
    found = repository.find(catalog, registration_id)
    assert found is not None
    record, registration = found
    if registration.is_sandbox:
        outcome, decisions = sandbox.review(record.payload.get("Tags"), resubmission=resubmission)
        registration_service.review_in_sandbox(session, registration_id=registration_id, decisions=decisions, reason=sandbox.REASON.format(outcome=outcome))
    needs = (record.payload.get("PrimaryNeedsFromAws") or []) if cosell_requests and not registration.is_sandbox else []
    for need in needs:
        assert cosell_requests is not None
        needed_by = clock.today() + timedelta(days=COSELL_NEEDED_WITHIN_DAYS)
        data = ResourceRequestCreate(request_type=cosell_requests[need], needed_by=needed_by, description=f"Co-sell need from the opportunity: {need}")
        request_service.create_request(session, actor, registration_id=registration_id, data=data)
    if any(record.payload.get(k) != v for k, v in submission.items()):
        before = record.payload
        record.payload = {**record.payload, **submission}
        _audit(session, actor, record, "opportunity.updated", before=before)
    registration.updated_at = clock.now()
    session.flush()
    return found


def associate(session: Session, actor: Actor, *, catalog: str, registration_id: int, entity_type: str, entity_id: str, product_line_id: int | None) -> Found:
    """Link an entity to the opportunity. A solution (`product_line_id`) is one of the vendor's
    product lines: the registration covers it from now on (drafts and info-requested ones, as any
    change). Other entities are kept with the payload, as sent."""
    return _relate(
        session,
        actor,
        catalog=catalog,
        registration_id=registration_id,
        entity_type=entity_type,
        entity_id=entity_id,
        product_line_id=product_line_id,
        add=True,
    )


def disassociate(session: Session, actor: Actor, *, catalog: str, registration_id: int, entity_type: str, entity_id: str, product_line_id: int | None) -> Found:
    """Unlink an entity; a registration keeps at least one product line."""
    return _relate(
        session,
        actor,
        catalog=catalog,
        registration_id=registration_id,
        entity_type=entity_type,
        entity_id=entity_id,
        product_line_id=product_line_id,
        add=False,
    )


def _relate(
    session: Session, actor: Actor, *, catalog: str, registration_id: int, entity_type: str, entity_id: str, product_line_id: int | None, add: bool
) -> Found:
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    if repository.find(catalog, registration_id) is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    registration = registration_service.get_registration(session, actor, registration_id=registration_id, for_change=True)
    if product_line_id is not None:
        key = product_line_service.get_product_line(session, actor, product_line_id=product_line_id).key
        lines = list(registration.product_lines)
        if not add and key not in lines:
            raise NotFound(f"{entity_id} is not associated with opportunity O{registration_id}.")
        if add != (key in lines):
            changed = [*lines, key] if add else [line for line in lines if line != key]
            if not changed:
                raise RuleViolation(
                    "A registration covers at least one product line: associate another solution first.",
                    details=[{"field": "solution", "message": "the last solution cannot be removed"}],
                )
            registration_service.update_registration(session, actor, registration_id=registration_id, data=RegistrationUpdate(product_lines=changed))
    found = repository.find(catalog, registration_id)
    assert found is not None
    record = found[0]
    if product_line_id is None:
        related = dict(record.payload.get(RELATED_KEY) or {})
        ids = list(related.get(entity_type) or [])
        if not add and entity_id not in ids:
            raise NotFound(f"{entity_id} is not associated with opportunity O{registration_id}.")
        related[entity_type] = [*ids, entity_id] if add and entity_id not in ids else [i for i in ids if add or i != entity_id]
        before = record.payload
        record.payload = {**before, RELATED_KEY: related}
        if record.payload != before:
            _audit(session, actor, record, "opportunity.updated", before=before)
    registration.updated_at = clock.now()
    session.flush()
    return found


def assign_opportunity(session: Session, actor: Actor, *, catalog: str, registration_id: int, assignee: dict[str, Any]) -> Found:
    """Hand the opportunity to another user of the partner (`assignee["Email"]`), who owns its
    registration from now on; the assignee (as sent) takes the place in the OpportunityTeam of the
    member with the same BusinessTitle. Refused for anyone but an active user of the partner."""
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    if repository.find(catalog, registration_id) is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    registration = registration_service.reassign_registration(session, actor, registration_id=registration_id, email=assignee["Email"])
    found = repository.find(catalog, registration_id)
    assert found is not None
    record = found[0]
    others = [m for m in record.payload.get(TEAM_KEY) or [] if m.get("BusinessTitle") != assignee.get("BusinessTitle") and m.get("Email") != assignee["Email"]]
    before = record.payload
    record.payload = {**before, TEAM_KEY: [assignee, *others]}
    if record.payload != before:
        _audit(session, actor, record, "opportunity.assigned", before=before)
        registration.updated_at = clock.now()
    session.flush()
    return found
