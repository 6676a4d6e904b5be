"""Rules of engagement enforced: SI consents, vendor PS engagements checked when staffed,
program-admin overrides reported as violations, and SI protection from an approved registration.

Who may do what is in the permission table: CONSENTS_WRITE (a protecting SI's partner admins give
and revoke its consents), ENGAGEMENTS_STAFF and ENGAGEMENTS_OVERRIDE (with a reason); customer
editors SI-protect an account from a registration. Partners read their own consents and
violations and the engagements on accounts they protected when staffed; vendor users read everything.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.cosell.engagements import rules as engagement_rules
from alliance.cosell.engagements.repository import (
    VIOLATION_SORTS,
    ConsentRepository,
    EngagementRepository,
    ViolationRepository,
)
from alliance.cosell.engagements.rules import Allowed, Blocked
from alliance.cosell.engagements.schemas import (
    ConsentCreate,
    ConsentFilters,
    EngagementFilters,
    PsEngagementCreate,
    ViolationFilters,
)
from alliance.cosell.models import EngagementConsent, PsEngagement, RoeViolation
from alliance.cosell.plans import service as plan_service
from alliance.cosell.vocabulary import ConsentAction, EngagementAction, EngagementOutcome
from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.schemas import OwnershipChange
from alliance.customers.vocabulary import Ownership
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status

PROTECTING_KINDS = frozenset({RegistrationKind.PROJECT, RegistrationKind.INFLUENCE})
CONSENT_FIELDS = ("customer_id", "activity", "expires_on", "note", "revoked_at", "revoke_reason")
ENGAGEMENT_FIELDS = ("customer_id", "activity", "staffed_user_id", "starts_on", "ends_on", "outcome", "protecting_partner_id", "consent_id", "override_reason")


# --- consents ----------------------------------------------------------------------------------


def give_consent(session: Session, actor: Actor, *, customer_id: int, data: ConsentCreate) -> EngagementConsent:
    """The protecting SI lets vendor PS work an activity (or every activity) on its account until a date."""
    today = clock.today()
    repository = ConsentRepository(session)
    partner_id = actor.partner_id
    account = repository.protected_account(customer_id=customer_id, partner_id=partner_id, today=today) if partner_id is not None else None
    if actor.is_partner and account is None:
        # Same answer for a missing customer and one the partner does not protect: ownership stays private.
        raise NotFound(f"Customer {customer_id} is not an account your organisation protects.")
    require(actor, Permission.CONSENTS_WRITE)
    assert partner_id is not None  # the permission is a partner role's, and the account was found
    if data.expires_on <= today:
        raise RuleViolation("A consent must last beyond today.", details=[{"field": "expires_on", "message": "must be a future date"}])
    consent = repository.add(
        EngagementConsent(
            partner_id=partner_id,
            customer_id=customer_id,
            activity=data.activity,
            given_by_user_id=actor.user_id,
            given_at=clock.now(),
            expires_on=data.expires_on,
            note=data.note,
        )
    )
    audit.record(
        session,
        actor,
        "engagement_consent.given",
        entity_type="engagement_consent",
        entity_id=consent.id,
        partner_id=partner_id,
        after=snapshot(consent, CONSENT_FIELDS),
    )
    return consent


def revoke_consent(session: Session, actor: Actor, *, consent_id: int, reason: str) -> EngagementConsent:
    """Withdraw a consent from now on; engagements already staffed under it keep their record."""
    consent = get_consent(session, actor, consent_id=consent_id, for_change=True)
    require(actor, Permission.CONSENTS_WRITE)
    if consent.revoked_at is not None:
        raise Conflict("This consent is already revoked.", details=[{"field": "revoked_at", "message": consent.revoked_at.isoformat()}])
    if not reason or not reason.strip():
        raise RuleViolation("Say why the consent is revoked.", details=[{"field": "reason", "message": "required"}])
    before = snapshot(consent, CONSENT_FIELDS)
    consent.revoked_at = clock.now()
    consent.revoked_by_user_id = actor.user_id
    consent.revoke_reason = reason.strip()
    audit.record(
        session,
        actor,
        "engagement_consent.revoked",
        entity_type="engagement_consent",
        entity_id=consent.id,
        partner_id=consent.partner_id,
        before=before,
        after=snapshot(consent, CONSENT_FIELDS),
        reason=consent.revoke_reason,
    )
    return consent


def consent_actions(actor: Actor, consent: EngagementConsent | None = None) -> list[ConsentAction]:
    """Without a consent: whether the actor may give one (on accounts its organisation protects);
    on a consent: revoke while it holds."""
    if not can(actor, Permission.CONSENTS_WRITE):
        return []
    if consent is None:
        return [ConsentAction.GIVE]
    if consent.revoked_at is None and consent.expires_on >= clock.today():
        return [ConsentAction.REVOKE]
    return []


def get_consent(session: Session, actor: Actor, *, consent_id: int, for_change: bool = False) -> EngagementConsent:
    """`for_change`: locked until commit (db.Aggregate)."""
    require(actor, Permission.COSELL_READ)
    repository = ConsentRepository(session)
    consent = repository.get_for_change(consent_id) if for_change else repository.get(consent_id)
    if consent is None:
        raise NotFound(f"Consent {consent_id} not found.")
    return consent


def list_consents(session: Session, actor: Actor, *, filters: ConsentFilters, page: PageRequest) -> Page[EngagementConsent]:
    """Partners: their own consents (the scope); vendor users: every partner's."""
    require(actor, Permission.COSELL_READ)
    return paginate(session, ConsentRepository(session).filtered(filters), page)


# --- engagements -------------------------------------------------------------------------------


def create_engagement(session: Session, actor: Actor, *, data: PsEngagementCreate) -> PsEngagement:
    """Staff a vendor PS person onto an account for an activity, if the rules of engagement allow
    it; blocked → Conflict naming the rule and the way forward. A program admin's override is
    stored as outcome overridden with a violation on the protecting partner's record."""
    require(actor, Permission.ENGAGEMENTS_STAFF)
    if data.override_reason is not None:
        require(actor, Permission.ENGAGEMENTS_OVERRIDE)
    customer = customer_service.get_customer(session, actor, customer_id=data.customer_id)
    repository = EngagementRepository(session)
    if not repository.is_vendor_user(data.staffed_user_id):
        raise RuleViolation(
            "Only active vendor staff can be staffed on an engagement.", details=[{"field": "staffed_user_id", "message": "not an active vendor user"}]
        )
    today = clock.today()
    account = repository.account(customer)
    verdict = _check(session, account, data, today=today)
    if isinstance(verdict, Blocked):
        raise Conflict(verdict.rule, details=[{"field": "activity", "message": verdict.rule}, {"field": "way_forward", "message": verdict.way_forward}])
    protecting = account.protecting_partner_id if engagement_rules.is_protected(account, today) else None
    engagement = repository.add(
        PsEngagement(
            customer_id=customer.id,
            activity=data.activity,
            description=data.description,
            staffed_user_id=data.staffed_user_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            created_by_user_id=actor.user_id,
            outcome=verdict.outcome,
            protecting_partner_id=protecting,
            consent_id=verdict.consent_id,
            override_reason=data.override_reason if verdict.outcome == EngagementOutcome.OVERRIDDEN else None,
        )
    )
    audit.record(
        session,
        actor,
        "ps_engagement.created",
        entity_type="ps_engagement",
        entity_id=engagement.id,
        partner_id=protecting,
        after=snapshot(engagement, ENGAGEMENT_FIELDS),
        reason=engagement.override_reason,
    )
    if verdict.outcome == EngagementOutcome.OVERRIDDEN:
        _record_violation(session, actor, engagement, rule=verdict.rule or "", reason=engagement.override_reason or "")
    return engagement


def _check(session: Session, account: engagement_rules.Account, data: PsEngagementCreate, *, today: date) -> Allowed | Blocked:
    if not engagement_rules.is_protected(account, today):
        return Allowed(EngagementOutcome.ALLOWED)
    assert account.protecting_partner_id is not None
    lead = plan_service.agreed_lead(session, customer_id=data.customer_id, activity=data.activity)
    consents = ConsentRepository(session).facts(customer_id=data.customer_id, partner_id=account.protecting_partner_id, relied_on=True)
    return engagement_rules.decide(account, data.activity, agreed_lead=lead, consents=consents, today=today, override_reason=data.override_reason)


def _record_violation(session: Session, actor: Actor, engagement: PsEngagement, *, rule: str, reason: str) -> RoeViolation:
    assert engagement.protecting_partner_id is not None
    violation = EngagementRepository(session).add_violation(
        RoeViolation(
            partner_id=engagement.protecting_partner_id,
            engagement_id=engagement.id,
            customer_id=engagement.customer_id,
            activity=engagement.activity,
            rule=rule,
            overridden_by_user_id=actor.user_id,
            reason=reason,
            occurred_at=clock.now(),
        )
    )
    audit.record(
        session,
        actor,
        "roe_violation.recorded",
        entity_type="roe_violation",
        entity_id=violation.id,
        partner_id=violation.partner_id,
        after={"engagement_id": engagement.id, "customer_id": engagement.customer_id, "activity": engagement.activity, "rule": rule},
        reason=reason,
    )
    return violation


def engagement_actions(actor: Actor, engagement: PsEngagement | None = None) -> list[EngagementAction]:
    """Without an engagement: staffing one (and overriding the rules of engagement); on one:
    disputing it, when a partner protected the account (there is another side to dispute with)."""
    if engagement is None:
        return [action for action, permission in STAFFING if can(actor, permission)]
    if engagement.protecting_partner_id is not None and can(actor, Permission.DISPUTES_OPEN):
        return [EngagementAction.DISPUTE]
    return []


STAFFING = ((EngagementAction.STAFF, Permission.ENGAGEMENTS_STAFF), (EngagementAction.OVERRIDE, Permission.ENGAGEMENTS_OVERRIDE))


def get_engagement(session: Session, actor: Actor, *, engagement_id: int) -> PsEngagement:
    """Vendor users: any engagement; partners: one on an account they protected when it was
    staffed (anything else is as missing)."""
    require(actor, Permission.COSELL_READ)
    engagement = EngagementRepository(session).get(engagement_id)
    if engagement is None:
        raise NotFound(f"Engagement {engagement_id} not found.")
    return engagement


def list_engagements(session: Session, actor: Actor, *, filters: EngagementFilters, page: PageRequest) -> Page[PsEngagement]:
    """Vendor users: every engagement; partners: those on accounts they protected when staffed
    (another partner's id in the filter finds nothing)."""
    require(actor, Permission.COSELL_READ)
    return paginate(session, EngagementRepository(session).filtered(filters), page)


def list_violations(session: Session, actor: Actor, *, filters: ViolationFilters, page: PageRequest, sort: str | None = None) -> Page[RoeViolation]:
    """Partners: the violations on their own record; vendor users: every partner's (QBR data by
    period). Newest first unless `sort` names a VIOLATION_SORTS key (- for descending)."""
    require(actor, Permission.COSELL_READ)
    statement = apply_sort(ViolationRepository(session).filtered(filters), sort, VIOLATION_SORTS, default="-occurred", tiebreak=RoeViolation.id.desc())
    return paginate(session, statement, page)


# --- account protection from a registration ------------------------------------------------------


def protect_from_registration(session: Session, actor: Actor, *, registration_id: int, until: date | None = None, reason: str) -> Customer:
    """SI-protect the customer of an SI's approved project or influence registration, until the
    registration's protection ends unless `until` says otherwise (CAMs and program admins)."""
    require(actor, Permission.CUSTOMERS_OWNERSHIP)
    registration = registration_service.get_registration(session, actor, registration_id=registration_id)
    today = clock.today()
    if registration.kind not in PROTECTING_KINDS:
        raise RuleViolation(
            f"A {registration.kind} registration does not protect an account; project and influence registrations do.",
            details=[{"field": "kind", "message": "must be project or influence"}],
        )
    if registration_service.effective_status(registration, today) != Status.APPROVED:
        raise Conflict(
            "Only an approved registration that is still protected can protect its account.", details=[{"field": "status", "message": registration.status}]
        )
    if registration.customer_id is None:
        raise Conflict("The registration has no resolved customer yet.", details=[{"field": "customer_id", "message": "missing"}])
    customer = customer_service.get_customer(session, actor, customer_id=registration.customer_id)
    if (
        customer.ownership == Ownership.SI_PROTECTED
        and customer.owning_partner_id != registration.partner_id
        and customer.protected_until is not None
        and customer.protected_until >= today
    ):
        raise Conflict(
            "The account is already SI-protected by another partner; change its ownership explicitly if that must end.",
            details=[{"field": "owning_partner_id", "message": str(customer.owning_partner_id)}],
        )
    change = OwnershipChange(
        status=Ownership.SI_PROTECTED,
        owning_partner_id=registration.partner_id,
        protected_until=until or registration.protected_until,
        reason=f"{reason.strip()} (approved {registration.kind} registration #{registration.id})",
    )
    return customer_service.change_customer_ownership(session, actor, customer_id=customer.id, change=change)
