"""Who hears of MDF: the partner's reviewers (its CAM, else the reviewers of any partner's funds)
of each submitted request and claim; the person who requested the funds (or filed the claim) of
each decision and payment, and of a claim deadline a week away (the sweep, set-based, once per
request and deadline)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from alliance.funds.ledger_repository import LedgerRepository
from alliance.funds.models import FundClaim, FundRequest
from alliance.funds.repository import PartnerTerms, RequestRepository
from alliance.identity.permissions import Permission, role_can, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType

CLAIM_DUE_DAYS = 7


def request_submitted(session: Session, actor: Actor, request: FundRequest, *, terms: PartnerTerms) -> int:
    facts = {
        "partner": terms.name,
        "title": request.title,
        "activity_type": request.activity_type.value,
        "requested_amount": str(request.requested_amount),
        "currency": request.currency,
        "starts_on": request.starts_on.isoformat(),
        "ends_on": request.ends_on.isoformat(),
        "by": actor.label,
    }
    return notification_service.notify(
        session,
        actor,
        event=EventType.FUND_REQUEST_SUBMITTED,
        recipients=reviewers(session, terms),
        entity_type="fund_request",
        entity_id=request.id,
        facts=facts,
    )


def claim_submitted(session: Session, actor: Actor, claim: FundClaim, *, terms: PartnerTerms, title: str) -> int:
    facts = {
        "partner": terms.name,
        "title": title,
        "claimed_amount": str(claim.claimed_amount),
        "reimbursable_amount": str(claim.reimbursable_amount),
        "currency": claim.currency,
        "by": actor.label,
    }
    return notification_service.notify(
        session, actor, event=EventType.FUND_CLAIM_SUBMITTED, recipients=reviewers(session, terms), entity_type="fund_claim", entity_id=claim.id, facts=facts
    )


def reviewers(session: Session, terms: PartnerTerms) -> list[Recipient]:
    """Who reviews the partner's requests and claims: its CAM, or (no active CAM who reviews funds)
    the vendor users who review any partner's."""
    users = UserRepository(session)
    roles = roles_with(Permission.FUNDS_REVIEW)
    if terms.cam_user_id is not None and users.active_vendor_ids(roles=roles, among=[terms.cam_user_id]):
        return [Recipient(terms.cam_user_id, f"you are the channel account manager of {terms.name}")]
    anyone = [role for role in roles if role_can(role, Permission.FUNDS_ANY_PARTNER)]
    why = f"{terms.name} has no channel account manager who reviews funds, and you review any partner's"
    return [Recipient(user_id, why) for user_id in users.active_vendor_ids(roles=anyone)]


def request_decided(session: Session, actor: Actor, request: FundRequest, *, partner: str) -> int:
    if request.submitted_by_user_id is None:
        return 0
    approved = request.approved_amount is not None
    facts = {
        "partner": partner,
        "title": request.title,
        "approved": approved,
        "partial": approved and request.approved_amount != request.requested_amount,
        "requested_amount": str(request.requested_amount),
        "approved_amount": str(request.approved_amount) if approved else None,
        "currency": request.currency,
        "claim_deadline": request.claim_deadline.isoformat() if request.claim_deadline else None,
        "campaign_code": request.campaign_code,
        "reason": request.decision_reason,
        "by": actor.label,
    }
    recipients = [Recipient(request.submitted_by_user_id, "you requested these funds")]
    return notification_service.notify(
        session, actor, event=EventType.FUND_REQUEST_DECIDED, recipients=recipients, entity_type="fund_request", entity_id=request.id, facts=facts
    )


def claim_decided(session: Session, actor: Actor, claim: FundClaim, *, partner: str) -> int:
    return _to_claimant(session, actor, EventType.FUND_CLAIM_DECIDED, claim, partner)


def claim_paid(session: Session, actor: Actor, claim: FundClaim, *, partner: str) -> int:
    return _to_claimant(session, actor, EventType.FUND_CLAIM_PAID, claim, partner)


def _to_claimant(session: Session, actor: Actor, event: EventType, claim: FundClaim, partner: str) -> int:
    if claim.submitted_by_user_id is None:
        return 0
    request = RequestRepository(session).get(claim.request_id)
    facts = {
        "partner": partner,
        "title": request.title if request else "",
        "approved": claim.approved_amount is not None,
        "claimed_amount": str(claim.claimed_amount),
        "approved_amount": str(claim.approved_amount) if claim.approved_amount is not None else None,
        "currency": claim.currency,
        "reason": claim.decision_reason,
        "payment_reference": claim.payment_reference,
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None,
        "by": actor.label,
    }
    recipients = [Recipient(claim.submitted_by_user_id, "you filed this claim")]
    return notification_service.notify(session, actor, event=event, recipients=recipients, entity_type="fund_claim", entity_id=claim.id, facts=facts)


def remind_claim_deadlines(session: Session, actor: Actor, *, today: date) -> int:
    """Each approved request with money still to claim whose deadline is within a week, to its
    requester; once per request and deadline (a moved deadline is reminded again)."""
    rows = LedgerRepository(session).deadline_reminders(due_from=today, due_to=today + timedelta(days=CLAIM_DUE_DAYS))
    return notification_service.notify_each(
        session, actor, event=EventType.FUND_CLAIM_DUE, rows=rows, entity_type="fund_request", occurrence=f"{CLAIM_DUE_DAYS}d"
    )
