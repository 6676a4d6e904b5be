"""Deal, project and influence registrations: filing, the review lifecycle, protection and its
extensions, and the vendor's review queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.customers import registration_link
from alliance.customers.service import CustomerMatch
from alliance.db import in_sandbox
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.funds import rules as fund_rules
from alliance.funds.repository import RequestRepository
from alliance.identity.permissions import Permission, can, require, role_can
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.money import DEFAULT_CURRENCY
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.schemas import error_details
from alliance.kit.sorting import apply_sort
from alliance.partners import product_line_service
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import attribution_service, conflict_service, notice_service, protection
from alliance.registrations.lifecycle import DECISIONS, Action, Side, Status, Transition, allowed_actions, steps, transition
from alliance.registrations.models import Registration, RegistrationEvent, RegistrationProduct
from alliance.registrations.repository import REGISTRATION_LOAD, RegistrationFilters, RegistrationRepository
from alliance.registrations.schemas import (
    KIND_FIELDS,
    OUTCOME_COLUMNS,
    REGISTERED_COLUMNS,
    REGISTRATION_CREATE,
    CustomerRef,
    DealCreate,
    InfluenceCreate,
    ProjectCreate,
    RegistrationUpdate,
    RegistrationView,
    close_date_of,
    details_of,
)
from alliance.registrations.vocabulary import ConflictCheck

RegistrationCreateData = DealCreate | ProjectCreate | InfluenceCreate

# Who reviews sandbox registrations: the sandbox itself, at once (review_in_sandbox).
SANDBOX_REVIEWER = Actor.system(label="Sandbox review")
# What the audit trail snapshots of a registration (before and after every act).
STATE_FIELDS = ("status", *REGISTERED_COLUMNS, "submitted_at", "registrant_user_id", "reviewer_user_id", *OUTCOME_COLUMNS)
EDITABLE = frozenset({Status.DRAFT, Status.INFO_REQUESTED})
# Audit names, past tense like the rest of the trail.
AUDIT_ACTIONS = {
    "created": "registration.created",
    "updated": "registration.updated",
    "submit": "registration.submitted",
    "withdraw": "registration.withdrawn",
    "start_review": "registration.review_started",
    "request_info": "registration.info_requested",
    "approve": "registration.approved",
    "reject": "registration.rejected",
    "mark_won": "registration.won",
    "mark_lost": "registration.lost",
    "extension_requested": "registration.extension_requested",
    "extension_approved": "registration.extension_approved",
    "extension_rejected": "registration.extension_rejected",
    "reassigned": "registration.reassigned",
}
# Actions that are not one call of `act`, and where each is taken instead.
ELSEWHERE = {
    Action.MARK_WON: "Mark a registration won with the booked amount and close date.",
    Action.EXPIRE: "Protection expires by itself at the end of the protection period.",
    Action.REQUEST_EXTENSION: "Ask for an extension with a reason (the extension request).",
    Action.DECIDE_EXTENSION: "Decide an extension request on the request itself.",
}
REGISTRATION_SORTS = {
    "created": Registration.id,
    "submitted": Registration.submitted_at,
    "title": Registration.title,
    "customer": Registration.customer_name,
    "status": Registration.status,
    "amount": Registration.amount,
    "close": Registration.expected_close_on,
    "protected_until": Registration.protected_until,
}


# --- reading -----------------------------------------------------------------------------------


def effective_status(registration: Registration, today: date) -> Status:
    """Status as of `today`: protection that ended reads as expired before the sweep stores it."""
    status = Status(registration.status)
    if status == Status.APPROVED and protection.is_expired(registration.protected_until, today):
        return Status.EXPIRED
    return status


def get_registration(session: Session, actor: Actor, *, registration_id: int, for_change: bool = False) -> Registration:
    """`for_change`: locked until commit (db.Aggregate), as every state change reads it."""
    require(actor, Permission.PARTNERS_READ)
    repository = RegistrationRepository(session)
    registration = repository.get_for_change(registration_id, *REGISTRATION_LOAD) if for_change else repository.get_loaded(registration_id)
    if registration is None:
        raise NotFound(f"Registration {registration_id} not found.")
    return registration


def list_registrations(session: Session, actor: Actor, *, filters: RegistrationFilters, sort: str | None, page: PageRequest) -> Page[RegistrationView]:
    """Partners see their own (scoped repository); vendor users see every partner's."""
    require(actor, Permission.PARTNERS_READ)
    today = clock.today()
    statement = RegistrationRepository(session).filtered(filters, today=today)
    found = paginate(session, apply_sort(statement, sort, REGISTRATION_SORTS, default="-created", tiebreak=Registration.id), page)
    return Page(items=present(session, actor, found.items, today=today), total=found.total, limit=found.limit, offset=found.offset)


def present(session: Session, actor: Actor, registrations: Sequence[Registration], *, today: date | None = None) -> list[RegistrationView]:
    """Each registration as `actor` sees it (partner names in one query, for vendor users)."""
    today = today or clock.today()
    side = side_of(actor)
    repository = RegistrationRepository(session)
    names = repository.partner_names({r.partner_id for r in registrations}) if not actor.is_partner else {}
    waiting = repository.with_pending_extension([r.id for r in registrations]) if side is not None else set()
    views = []
    for registration in registrations:
        status = effective_status(registration, today)
        views.append(
            RegistrationView(
                registration=registration,
                effective_status=status,
                days_left=protection.days_left(registration.protected_until, today) if status == Status.APPROVED and registration.protected_until else None,
                allowed_actions=_actions_for(registration, status, side, extension_pending=registration.id in waiting),
                partner_name=names.get(registration.partner_id),
                is_vendor=not actor.is_partner,
            )
        )
    return views


def view_registration(session: Session, actor: Actor, *, registration_id: int) -> RegistrationView:
    """One registration with the conflict findings the actor may see."""
    registration = get_registration(session, actor, registration_id=registration_id)
    [view] = present(session, actor, [registration])
    view.conflicts = conflict_service.conflicts_for(session, actor, registration.id)
    view.pending_extension = RegistrationRepository(session).pending_extension(registration.id)
    view.max_extensions = protection_policy(session, registration).max_extensions
    return view


def registration_history(session: Session, actor: Actor, *, registration_id: int) -> list[RegistrationEvent]:
    get_registration(session, actor, registration_id=registration_id)
    return RegistrationRepository(session).history(registration_id)


def available_actions(session: Session, actor: Actor, registration: Registration) -> list[Action]:
    """What `actor` may do next with `registration` (buttons, API hints): the one answer both read."""
    pending = RegistrationRepository(session).pending_extension(registration.id) is not None
    return _actions_for(registration, effective_status(registration, clock.today()), side_of(actor), extension_pending=pending)


def _actions_for(registration: Registration, status: Status, side: Side | None, *, extension_pending: bool = False) -> list[Action]:
    if side is None:
        return []
    actions = allowed_actions(status, side)
    if registration.kind == RegistrationKind.INFLUENCE and Action.MARK_WON in actions:
        actions.remove(Action.MARK_WON)
    # Partners may ask for one extension at a time; the vendor decides the one that waits.
    if side == Side.PARTNER and status == Status.APPROVED and not extension_pending:
        actions.append(Action.REQUEST_EXTENSION)
    if side == Side.VENDOR and extension_pending:
        actions.append(Action.DECIDE_EXTENSION)
    return actions


# --- who acts for which side -------------------------------------------------------------------


def side_of(actor: Actor) -> Side | None:
    """Partner users act as the partner side for their own organisation; reviewers as the vendor
    side; every other role reads only."""
    if can(actor, Permission.REGISTRATIONS_FILE):
        return Side.PARTNER if actor.partner_id is not None else None
    return Side.VENDOR if can(actor, Permission.REGISTRATIONS_REVIEW) else None


def _require_side(actor: Actor) -> Side:
    side = side_of(actor)
    if side is None:
        require(actor, Permission.REGISTRATIONS_FILE if actor.is_partner else Permission.REGISTRATIONS_REVIEW)
        raise PermissionDenied("Registrations are filed by partner users for their own organisation.")
    return side


def require_registrant(actor: Actor) -> int:
    """The partner the actor registers for."""
    require(actor, Permission.REGISTRATIONS_FILE)
    if actor.partner_id is None:
        raise PermissionDenied("Registrations are filed by partner users for their own organisation.")
    return actor.partner_id


# --- filing ------------------------------------------------------------------------------------


def create_registration(session: Session, actor: Actor, *, data: RegistrationCreateData) -> Registration:
    """A draft for the actor's own partner; `data.submit` submits it in the same transaction."""
    partner_id = require_registrant(actor)
    # The catalog is known now, not only at the first flush: a create-and-submit in a sandbox must
    # not resolve (or create) a live customer before the row is written.
    registration = Registration(
        partner_id=partner_id, kind=data.kind, status=Status.DRAFT, registrant_user_id=actor.user_id, extensions_granted=0, is_sandbox=in_sandbox(session)
    )
    registration.products = []
    _apply(session, registration, data, registrant_id=partner_id)
    if not data.submit:
        # Inserted with its history row, in one flush (_log).
        session.add(registration)
        log_event(session, actor, registration, "created", from_status=None, before=None)
        return registration
    # Created and submitted at once: checked as any submit, then the row is inserted once, already
    # submitted (with its customer); its history and the trail still tell both acts, draft first.
    [step] = steps(Status.DRAFT, Action.SUBMIT, side=_require_side(actor), reason=None)
    resolved = None
    if not registration.is_sandbox:
        # Locks in the order every submit takes them (customer, then the audit head), so a
        # create-and-submit never waits in the opposite order of a plain submit. Before the
        # insert: the row is written with its customer (no second write to set it).
        resolved = _resolve_customer(session, actor, registration)
    draft = state_of(registration)
    submitted = _transition(session, actor, registration, step, reason=None, resolved=resolved)
    session.add(registration)
    _log(session, actor, registration, [Logged("created", None, None, draft), Logged(step.action, step.source, draft, state_of(registration))])
    # New in this transaction: no earlier check left findings to retire.
    _check_conflicts(session, actor, registration, ConflictCheck.SUBMIT, candidates=submitted.candidates if submitted else None, first_check=True)
    return registration


def registration_currency(session: Session, actor: Actor) -> str:
    """The currency the actor's new registrations are in: its partner's program currency."""
    partner_id = require_registrant(actor)
    return RegistrationRepository(session).program_currency(partner_id) or DEFAULT_CURRENCY


def update_registration(session: Session, actor: Actor, *, registration_id: int, data: RegistrationUpdate) -> Registration:
    """Change a draft, or a registration the vendor asked for more information on."""
    require_registrant(actor)
    registration = get_registration(session, actor, registration_id=registration_id, for_change=True)
    if registration.status not in EDITABLE:
        raise Conflict(f"A {registration.status} registration cannot be edited.", details=[{"field": "status", "message": registration.status}])
    changes = data.model_dump(exclude_unset=True)
    foreign = sorted(set(changes) - KIND_FIELDS[registration.kind])
    if foreign:
        raise RuleViolation(
            f"{', '.join(foreign)} do not apply to a {registration.kind} registration.",
            details=[{"field": name, "message": f"not a field of a {registration.kind} registration"} for name in foreign],
        )
    merged = _as_input(registration) | data.model_dump(mode="json", exclude_unset=True)
    try:
        validated = REGISTRATION_CREATE.validate_python(merged)
    except ValidationError as exc:
        raise RuleViolation("The registration is not valid after this change.", details=error_details(exc, drop_first=True)) from None
    before = state_of(registration)
    _apply(session, registration, validated, registrant_id=registration.partner_id)
    session.flush()
    if state_of(registration) != before:
        log_event(session, actor, registration, "updated", from_status=registration.status, before=before)
    return registration


def _apply(session: Session, registration: Registration, data: RegistrationCreateData, *, registrant_id: int) -> None:
    product_line_service.check_active_keys(session, data.product_lines)
    registration.title = data.title
    registration.amount = data.amount
    registration.currency = _currency(session, data.currency, partner_id=registrant_id)
    registration.expected_close_on = close_date_of(data)
    registration.details = details_of(data)
    registration.transacting_partner_id = _transacting_partner(data, registrant_id)
    registration.fund_request_id = _fund_request(session, data.campaign_code, partner_id=registrant_id)
    _set_customer(session, registration, data.customer)
    wanted = list(data.product_lines)
    registration.products = [p for p in registration.products if p.product_line in wanted]
    present_keys = {p.product_line for p in registration.products}
    registration.products.extend(RegistrationProduct(partner_id=registration.partner_id, product_line=key) for key in wanted if key not in present_keys)


def _currency(session: Session, given: str | None, *, partner_id: int) -> str:
    """A registration's amounts are in its partner's program currency and never converted
    (docs/attribution.md); a partner outside a program may name any currency."""
    expected = RegistrationRepository(session).program_currency(partner_id)
    if expected is None:
        return given or DEFAULT_CURRENCY
    if given is not None and given != expected:
        raise RuleViolation(
            f"Amounts are in the partner's program currency, {expected}; this registration gives {given}.",
            details=[{"field": "currency", "message": f"must be {expected}, the program currency"}],
        )
    return expected


def _transacting_partner(data: RegistrationCreateData, registrant_id: int) -> int | None:
    """The registrant transacts its own deals as far as it can say: it sees no other partner, so
    any other id gets one answer whatever that partner's status or existence. Another transacting
    partner is the vendor's to record when it marks the deal won (mark_won)."""
    if not isinstance(data, DealCreate):
        return None
    partner_id = data.transacting_partner_id or registrant_id
    if partner_id != registrant_id:
        raise RuleViolation(
            "A registration names only its own partner as the transacting partner; the vendor records another one when it marks the deal won.",
            details=[{"field": "transacting_partner_id", "message": f"must be empty or {registrant_id} (your own partner)"}],
        )
    return partner_id


def _set_customer(session: Session, registration: Registration, ref: CustomerRef) -> None:
    if ref.customer_id is not None:
        customer = registration_link.customer_by_id(session, customer_id=ref.customer_id)
        if customer is None:
            raise RuleViolation(f"Customer {ref.customer_id} does not exist.", details=[{"field": "customer.customer_id", "message": "unknown customer"}])
        registration.customer_id = customer.id
        registration.customer_name = ref.name or customer.name
        registration.customer_website = ref.website or customer.website
        registration.customer_country = ref.country or customer.country
        return
    assert ref.name is not None  # CustomerRef: an id or a name
    typed = (ref.name, ref.website, ref.country)
    if registration.customer_id is None or typed != (registration.customer_name, registration.customer_website, registration.customer_country):
        # A different company than the one resolved before: resolve it again on submit.
        registration.customer_id = None
    registration.customer_name, registration.customer_website, registration.customer_country = typed


def _fund_request(session: Session, code: str | None, *, partner_id: int) -> int | None:
    """The partner's own approved MDF activity a campaign code names (MDF-123); 422 otherwise."""
    if not code:
        return None
    request_id = fund_rules.request_id_of_code(code)
    found = RequestRepository(session).for_code(partner_id, request_id) if request_id is not None else None
    if found is None:
        raise RuleViolation(
            f"“{code}” is not the campaign code of one of your approved MDF activities.",
            details=[{"field": "campaign_code", "message": "quote the code of an approved fund request (MDF-123)"}],
        )
    return found.id


def _as_input(registration: Registration) -> dict[str, Any]:
    """The stored registration in the shape of its create schema, for validating a change."""
    customer: dict[str, Any] = {"name": registration.customer_name, "website": registration.customer_website, "country": registration.customer_country}
    if registration.customer_id is not None:
        customer["customer_id"] = registration.customer_id
    values: dict[str, Any] = {
        **registration.details,
        "kind": registration.kind,
        "title": registration.title,
        "customer": customer,
        "product_lines": registration.product_lines,
        "amount": str(registration.amount) if registration.amount is not None else None,
    }
    if registration.amount is not None:
        # Without an amount the currency follows the program; with one it stays as entered.
        values["currency"] = registration.currency
    if registration.kind == RegistrationKind.DEAL:
        values["transacting_partner_id"] = registration.transacting_partner_id
    if registration.fund_request_id is not None:
        values["campaign_code"] = f"MDF-{registration.fund_request_id}"
    return values


# --- the lifecycle -----------------------------------------------------------------------------


def act(session: Session, actor: Actor, *, registration_id: int, action: str, reason: str | None = None) -> Registration:
    """Take one lifecycle action (submit, withdraw, start_review, request_info, approve, reject,
    mark_lost); mark_won has its own function because it needs the booked amount. The web and
    the API both come through here, so they give the same answer."""
    if action in ELSEWHERE:
        raise RuleViolation(ELSEWHERE[Action(action)], details=[{"field": "action", "message": f"not taken with act: {action}"}])
    if action in DECISIONS:
        return decide_registration(session, actor, registration_id=registration_id, decision=Action(action), reason=reason)
    _require_side(actor)
    registration = get_registration(session, actor, registration_id=registration_id, for_change=True)
    return _apply_action(session, actor, registration, action, reason=reason)


def decide_registration(session: Session, actor: Actor, *, registration_id: int, decision: Action, reason: str | None) -> Registration:
    """Approve, reject or ask for more information: on a submitted registration the review is
    started first in the same transaction, and conflicts are checked once."""
    if decision not in DECISIONS:
        raise RuleViolation(f"'{decision}' is not a review decision.", details=[{"field": "decision", "message": f"one of {', '.join(DECISIONS)}"}])
    require(actor, Permission.REGISTRATIONS_REVIEW)
    registration = get_registration(session, actor, registration_id=registration_id, for_change=True)
    return _apply_action(session, actor, registration, decision, reason=reason)


def review_in_sandbox(session: Session, *, registration_id: int, decisions: Sequence[Action], reason: str) -> Registration:
    """The sandbox's review of a submitted sandbox registration: `decisions` (start_review, then
    approve, reject or request_info; none leaves it submitted) taken at once by SANDBOX_REVIEWER,
    so a partner's tooling sees every review outcome without anyone at the vendor. Never for
    live registrations (a live session cannot see sandbox ones, and this refuses a live one)."""
    registration = get_registration(session, SANDBOX_REVIEWER, registration_id=registration_id, for_change=True)
    if not registration.is_sandbox:
        raise PermissionDenied("Only sandbox registrations are reviewed automatically.")
    for decision in decisions:
        _apply_action(session, SANDBOX_REVIEWER, registration, decision, reason=reason if decision in DECISIONS else None)
    return registration


def reassign_registration(session: Session, actor: Actor, *, registration_id: int, email: str) -> Registration:
    """Hand a registration to another active user of its partner, who owns it from now on (the
    reviewer's decisions and the protection reminders reach its owner); in any status."""
    require_registrant(actor)
    registration = get_registration(session, actor, registration_id=registration_id, for_change=True)
    user = UserRepository(session).by_email(email)
    if user is None or user.partner_id != registration.partner_id or not user.is_active or not role_can(user.role, Permission.REGISTRATIONS_FILE):
        raise RuleViolation(
            f"{email} is not an active user of your organisation who files registrations.",
            details=[{"field": "assignee", "message": "not an active user of your organisation", "code": "INVALID_VALUE"}],
        )
    if registration.registrant_user_id == user.id:
        return registration
    before = state_of(registration)
    registration.registrant_user_id = user.id
    session.flush()
    log_event(session, actor, registration, "reassigned", from_status=registration.status, before=before, reason=f"to {user.name}")
    return registration


def _apply_action(session: Session, actor: Actor, registration: Registration, action: str, *, reason: str | None) -> Registration:
    side = _require_side(actor)
    # Every step is checked before any is applied: a refused decision leaves nothing half done.
    taken = steps(effective_status(registration, clock.today()), action, side=side, reason=reason)
    submitted: registration_link.Resolution | None = None
    for step in taken:
        submitted = _apply_step(session, actor, registration, step, reason=reason if step.action == action else None) or submitted
    if taken[0].action == Action.SUBMIT:
        _check_conflicts(session, actor, registration, ConflictCheck.SUBMIT, candidates=submitted.candidates if submitted else None)
    elif any(step.action in (Action.START_REVIEW, Action.APPROVE) for step in taken):
        _check_conflicts(session, actor, registration, ConflictCheck.REVIEW)
    return registration


def _apply_step(session: Session, actor: Actor, registration: Registration, step: Transition, *, reason: str | None) -> registration_link.Resolution | None:
    """One transition, written and logged; a submit answers with the customer resolution (its
    candidates feed the conflict check)."""
    before = state_of(registration)
    submitted = _transition(session, actor, registration, step, reason=reason, resolved=None)
    session.flush()
    log_event(session, actor, registration, step.action, from_status=step.source, before=before, reason=reason)
    return submitted


def _transition(
    session: Session, actor: Actor, registration: Registration, step: Transition, *, reason: str | None, resolved: registration_link.Resolution | None
) -> registration_link.Resolution | None:
    """The changes one transition makes to the registration (in memory)."""
    action = step.action
    submitted = _submit(session, actor, registration, resolved) if action == Action.SUBMIT else None
    now = clock.now()
    registration.status = step.target
    registration.status_changed_at = now
    if action == Action.START_REVIEW:
        registration.reviewer_user_id = actor.user_id
    elif action in (Action.APPROVE, Action.REJECT):
        registration.reviewer_user_id = actor.user_id
        registration.decided_at, registration.decision_reason = now, reason
    elif action == Action.MARK_LOST:
        registration.closed_at, registration.closed_on = now, clock.today()
    if action == Action.APPROVE:
        registration.approved_at = now
        registration.protected_until = protection.protected_until(now.date(), protection_policy(session, registration))
    return submitted


def _submit(session: Session, actor: Actor, registration: Registration, resolved: registration_link.Resolution | None) -> registration_link.Resolution | None:
    """Resolve the customer (unless create-and-submit just did) and hold its lock, then stamp
    server time: who was first on a customer is decided by this order, never by the client.
    Sandbox test data creates no customer and takes no lock: it is matched to a known one, if any."""
    if registration.is_sandbox:
        registration.customer_id = registration_link.known_customer(
            session,
            actor,
            customer_id=registration.customer_id,
            name=registration.customer_name,
            website=registration.customer_website,
            country=registration.customer_country,
        )
    elif resolved is None:
        resolved = _resolve_customer(session, actor, registration)
    now = clock.now()
    if registration.submitted_at is None:
        registration.submitted_at = now
    registration.last_submitted_at = now
    return resolved


def _resolve_customer(session: Session, actor: Actor, registration: Registration) -> registration_link.Resolution:
    """Match the customer as typed once: its candidates pick (or create) the customer here and
    are the conflict check's candidates after the transition."""
    resolved = registration_link.resolve_customer(
        session,
        actor,
        customer_id=registration.customer_id,
        name=registration.customer_name,
        website=registration.customer_website,
        country=registration.customer_country,
    )
    # Lock before this registration's row references the customer: that write takes a key-share
    # lock on the customer, and two submits holding one each would deadlock on the lock below.
    RegistrationRepository(session).lock_customer(resolved.customer_id)
    registration.customer_id = resolved.customer_id
    return resolved


def mark_won(
    session: Session,
    actor: Actor,
    *,
    registration_id: int,
    booked_amount: Decimal,
    closed_on: date,
    reason: str | None = None,
    vendor_transacted: bool | None = None,
    currency: str | None = None,
    transacting_partner_id: int | None = None,
) -> Registration:
    """The vendor confirms a booking: approved → won, then attribution credits the partners
    (`vendor_transacted`: the vendor sold it directly; None lets attribution read the details;
    `transacting_partner_id`: another active partner sold the deal)."""
    require(actor, Permission.REGISTRATIONS_REVIEW)
    registration = get_registration(session, actor, registration_id=registration_id, for_change=True)
    if registration.kind == RegistrationKind.INFLUENCE:
        raise Conflict(
            "An influence registration is not won itself: its partner is credited when the deal or project it influenced is won.",
            details=[{"field": "kind", "message": "influence"}],
        )
    if booked_amount <= 0:
        raise RuleViolation("The booked amount must be more than zero.", details=[{"field": "booked_amount", "message": "must be > 0"}])
    if currency is not None and currency != registration.currency:
        raise RuleViolation(
            f"The booked amount must be in the registration's currency, {registration.currency}; amounts are never converted.",
            details=[{"field": "currency", "message": f"must be {registration.currency}"}],
        )
    if closed_on > clock.today():
        raise RuleViolation("The close date cannot be in the future.", details=[{"field": "closed_on", "message": "must not be in the future"}])
    source = effective_status(registration, clock.today())
    transition(source, Action.MARK_WON, side=Side.VENDOR, reason=reason)
    before = state_of(registration)
    if transacting_partner_id is not None:
        registration.transacting_partner_id = _sold_by(session, registration, transacting_partner_id)
    now = clock.now()
    registration.status, registration.status_changed_at = Status.WON, now
    registration.closed_at, registration.closed_on, registration.booked_amount = now, closed_on, booked_amount
    session.flush()
    log_event(session, actor, registration, Action.MARK_WON, from_status=source, before=before, reason=reason)
    attribution_service.record_close(session, actor, registration, booked_amount=booked_amount, closed_on=closed_on, vendor_transacted=vendor_transacted)
    return registration


def _sold_by(session: Session, registration: Registration, partner_id: int) -> int:
    """A vendor user names the partner that sold a deal (vendor users see every partner)."""
    if registration.kind != RegistrationKind.DEAL:
        raise RuleViolation(
            "Only a deal has a transacting partner.",
            details=[{"field": "transacting_partner_id", "message": f"not a field of a {registration.kind} registration"}],
        )
    if partner_id != registration.partner_id and not RegistrationRepository(session).is_active_partner(partner_id):
        raise RuleViolation(
            f"Partner {partner_id} is not an active partner.", details=[{"field": "transacting_partner_id", "message": "must be an active partner"}]
        )
    return partner_id


def protection_policy(session: Session, registration: Registration) -> protection.ProtectionPolicy:
    kind = RegistrationKind(registration.kind)
    days = RegistrationRepository(session).protection_days(registration.partner_id, kind)
    return protection.ProtectionPolicy(days=days if days is not None else protection.DEFAULT_PROTECTION_DAYS[kind])


# --- shared ------------------------------------------------------------------------------------


def state_of(registration: Registration) -> dict[str, Any]:
    return snapshot(registration, STATE_FIELDS)


def log_event(
    session: Session,
    actor: Actor,
    registration: Registration,
    action: str,
    *,
    from_status: Status | str | None,
    before: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """The partner-readable history row and the audit event, in the caller's transaction."""
    _log(session, actor, registration, [Logged(action, from_status, before, state_of(registration), reason)])


@dataclass(frozen=True, slots=True)
class Logged:
    """One act on a registration, to log: the status it left, and the registration's state
    (state_of) before and after it."""

    action: str
    from_status: Status | str | None
    before: dict[str, Any] | None
    after: dict[str, Any]
    reason: str | None = None


def _log(session: Session, actor: Actor, registration: Registration, acts: Sequence[Logged]) -> None:
    """Acts taken one after the other: their history rows (written together, with the
    registration itself when it is new), then each one's audit event and notices, in order."""
    side = side_of(actor) or Side.SYSTEM
    repository = RegistrationRepository(session)
    for act in acts:
        repository.add_event(
            RegistrationEvent(
                partner_id=registration.partner_id,
                registration=registration,
                at=clock.now(),
                action=act.action,
                from_status=act.from_status,
                to_status=Status(act.after["status"]),
                # Vendor staff appear to partners by role, as elsewhere in the portal.
                actor_label=actor.label if side == Side.PARTNER else actor.role.label,
                actor_side=side.value,
                reason=act.reason,
            )
        )
    session.flush()  # a new registration gets its id here, for the audit events
    for act in acts:
        audit.record(
            session,
            actor,
            AUDIT_ACTIONS[act.action],
            entity_type="registration",
            entity_id=registration.id,
            partner_id=registration.partner_id,
            before=act.before,
            after=act.after,
            reason=act.reason,
        )
        notice_service.announce(session, actor, registration, act.action, reason=act.reason)


def _check_conflicts(
    session: Session,
    actor: Actor,
    registration: Registration,
    step: ConflictCheck,
    *,
    candidates: Sequence[CustomerMatch] | None = None,
    first_check: bool = False,
) -> None:
    """Flag conflicts for the reviewer (and tell them); they never block a submit or an approval."""
    found = conflict_service.check_conflicts(session, registration, step=step, candidates=candidates, first_check=first_check)
    notice_service.announce_conflicts(session, actor, registration, found)
