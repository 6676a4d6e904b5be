"""The rules of engagement between partners on one customer. Pure: no session, no clock.

A registration (the subject) is compared with the active registrations of other partners on the
same customer (its customer record, or a record matching scores at or above the conflict
threshold) that share at least one product line, and with the customer's ownership:

1. Same kind: an earlier active registration holds (approved: it is protected; pending: it is
   first in the queue), and so does an approved one submitted later (approval, not the queue,
   now decides) -> SAME_KIND_OVERLAP, for the channel account manager to decide.
2. A deal against an approved influence or project registration of a systems integrator ->
   INFLUENCE_HOLDS: the deal may still be approved for the transaction, the SI stays partner of
   record for the influence. Any other mix of kinds -> CROSS_KIND_OVERLAP (for information).
3. A vendor-direct customer -> VENDOR_DIRECT; a customer another partner protects until today or
   later -> SI_PROTECTED.

"Earlier" is the order of first submission (server time), then id. A later registration that is
still pending is not a finding here: its own check flags it.

Each finding carries evidence for the vendor (per matching feature, product overlap, order) and a
`partner_message` the flagged partner may read. Messages never name the other partner, its
registration, title or amounts, nor who owns the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from alliance.customers.matching import Reason
from alliance.customers.vocabulary import Ownership
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.lifecycle import ACTIVE, PENDING_REVIEW, Status
from alliance.registrations.protection import is_expired
from alliance.registrations.vocabulary import ConflictKind

INFLUENCE_KINDS = frozenset({RegistrationKind.INFLUENCE, RegistrationKind.PROJECT})
SAME_RECORD_SCORE = 1.0

_KIND_WORDS = {
    RegistrationKind.DEAL: "deal registration",
    RegistrationKind.PROJECT: "project registration",
    RegistrationKind.INFLUENCE: "architecture engagement (influence registration)",
}


@dataclass(frozen=True, slots=True)
class Subject:
    """The registration being checked."""

    registration_id: int
    partner_id: int
    kind: RegistrationKind
    submitted_at: datetime
    product_lines: frozenset[str]


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """A customer the subject may be about: its own record or one that matching found."""

    customer_id: int
    same_record: bool  # the record the subject resolved to
    score: float  # the match score of the subject's customer against this record
    reasons: tuple[Reason, ...]
    ownership: Ownership
    owning_partner_id: int | None
    protected_until: date | None

    @property
    def confidence(self) -> float:
        return SAME_RECORD_SCORE if self.same_record else self.score


@dataclass(frozen=True, slots=True)
class Candidate:
    """Another registration on one of those customers.

    `product_lines` may be only the lines it shares with the subject (that is all the repository
    reads); `line_count` is how many it has in all."""

    registration_id: int
    partner_id: int
    partner_is_si: bool
    kind: RegistrationKind
    status: Status
    submitted_at: datetime | None
    protected_until: date | None
    customer_id: int
    product_lines: frozenset[str]
    line_count: int


@dataclass(frozen=True, slots=True)
class Finding:
    kind: ConflictKind
    other_registration_id: int | None
    score: float
    evidence: dict[str, Any]
    partner_message: str


def find_conflicts(subject: Subject, customers: Sequence[CustomerFacts], candidates: Sequence[Candidate], *, today: date) -> list[Finding]:
    """Every finding for `subject`: account rules first, then overlaps in submission order."""
    by_id = {c.customer_id: c for c in customers}
    findings = [f for customer in customers if (f := _account_finding(subject, customer, today)) is not None]
    ordered = sorted(candidates, key=lambda c: (c.submitted_at is None, c.submitted_at or subject.submitted_at, c.registration_id))
    for candidate in ordered:
        customer = by_id.get(candidate.customer_id)
        if customer is not None:
            finding = _overlap_finding(subject, customer, candidate, today)
            if finding is not None:
                findings.append(finding)
    return findings


def is_earlier(candidate: Candidate, subject: Subject) -> bool:
    if candidate.submitted_at is None:
        return False
    return (candidate.submitted_at, candidate.registration_id) < (subject.submitted_at, subject.registration_id)


def holds_a_place(candidate: Candidate, today: date) -> bool:
    """Active, and for an approved one, still within its protection."""
    if candidate.status not in ACTIVE:
        return False
    return not (candidate.status == Status.APPROVED and is_expired(candidate.protected_until, today))


# --- account rules ----------------------------------------------------------------------------


def _account_finding(subject: Subject, customer: CustomerFacts, today: date) -> Finding | None:
    if customer.ownership == Ownership.VENDOR_DIRECT:
        which = "This customer is" if customer.same_record else f"This customer matches ({_match_words(customer)})"
        message = f"{which} a vendor-direct account: the vendor sells to it directly."
        return Finding(ConflictKind.VENDOR_DIRECT, None, customer.confidence, _account_evidence(customer), message)
    protected = (
        customer.ownership == Ownership.SI_PROTECTED
        and customer.owning_partner_id != subject.partner_id
        and customer.protected_until is not None
        and customer.protected_until >= today
    )
    if not protected:
        return None
    assert customer.protected_until is not None
    # The end date is shown: it is the rule's own boundary (after it this finding no longer
    # arises), which is what the partner needs to plan, and it says nothing about who holds the
    # account. The owner, the reason and when protection began stay with the vendor.
    which = "This customer is" if customer.same_record else f"This customer matches ({_match_words(customer)}) an account"
    message = f"{which} protected by another partner until {customer.protected_until.isoformat()}."
    return Finding(ConflictKind.SI_PROTECTED, None, customer.confidence, _account_evidence(customer), message)


def _account_evidence(customer: CustomerFacts) -> dict[str, Any]:
    return {
        **_customer_evidence(customer),
        "ownership": customer.ownership.value,
        "owning_partner_id": customer.owning_partner_id,
        "protected_until": customer.protected_until.isoformat() if customer.protected_until else None,
    }


# --- overlapping registrations ----------------------------------------------------------------


def _overlap_finding(subject: Subject, customer: CustomerFacts, candidate: Candidate, today: date) -> Finding | None:
    if candidate.partner_id == subject.partner_id or candidate.registration_id == subject.registration_id:
        return None
    if not holds_a_place(candidate, today):
        return None
    shared = subject.product_lines & candidate.product_lines
    if not shared:
        return None
    earlier = is_earlier(candidate, subject)
    approved = candidate.status == Status.APPROVED
    if not earlier and not approved:
        return None  # later and still pending: its own check flags it
    kind = _overlap_kind(subject, candidate)
    overlap = f"{_match_words(customer)}, {_lines_words(len(shared), len(subject.product_lines))}"
    message = _overlap_message(kind, candidate, earlier=earlier, overlap=overlap)
    evidence = {
        **_customer_evidence(customer),
        "products": {
            "shared": sorted(shared),
            "shared_count": len(shared),
            "of": len(subject.product_lines),
            "other_count": candidate.line_count,
        },
        "order": "earlier" if earlier else "approved_later",
        "other_status": candidate.status.value,
        "other_kind": candidate.kind.value,
    }
    return Finding(kind, candidate.registration_id, customer.confidence, evidence, message)


def _overlap_kind(subject: Subject, candidate: Candidate) -> ConflictKind:
    if candidate.kind == subject.kind:
        return ConflictKind.SAME_KIND_OVERLAP
    if subject.kind == RegistrationKind.DEAL and candidate.kind in INFLUENCE_KINDS and candidate.status == Status.APPROVED and candidate.partner_is_si:
        return ConflictKind.INFLUENCE_HOLDS
    return ConflictKind.CROSS_KIND_OVERLAP


def _overlap_message(kind: ConflictKind, candidate: Candidate, *, earlier: bool, overlap: str) -> str:
    when = f" of {candidate.submitted_at.date().isoformat()}" if candidate.submitted_at is not None else ""
    if kind == ConflictKind.INFLUENCE_HOLDS:
        return (
            f"Overlaps a systems integrator's approved {_KIND_WORDS[candidate.kind]}{when}: {overlap}. "
            "This deal may still be approved for the transaction; the systems integrator remains partner of record for the influence."
        )
    if kind == ConflictKind.CROSS_KIND_OVERLAP:
        what = "an earlier" if earlier else "an approved"
        return f"Overlaps {what} {_KIND_WORDS[candidate.kind]}{when}: {overlap}. For information; it does not decide this registration."
    if not earlier:
        return f"Overlaps a registration that is already approved: {overlap}. Your channel account manager will review both."
    if candidate.status in PENDING_REVIEW:
        return f"Overlaps an earlier registration{when}: {overlap}. It is ahead of this one in the review queue."
    return f"Overlaps an earlier registration{when}: {overlap}. It is approved and holds protection; your channel account manager will review this one."


# --- words and evidence shared by both -----------------------------------------------------------


def _match_words(customer: CustomerFacts) -> str:
    """Why the customers are the same, in words that name no record: 'same website domain'."""
    if customer.same_record:
        return "same customer"
    words: list[str] = []
    for reason in customer.reasons:
        if reason.feature == "domain" and reason.verdict == "same":
            words.insert(0, "same website domain")
        elif reason.feature == "name" and reason.verdict == "same":
            words.append("same name")
        elif reason.feature == "name" and reason.verdict == "similar":
            words.append("similar name")
    return " and ".join(words) if words else "matching customer"


def _lines_words(shared: int, of: int) -> str:
    return f"{shared} of {of} product line{'' if of == 1 else 's'}"


def _customer_evidence(customer: CustomerFacts) -> dict[str, Any]:
    features = {r.feature: r for r in customer.reasons}
    name, domain, country = features.get("name"), features.get("domain"), features.get("country")
    return {
        "customer_id": customer.customer_id,
        "customer_match": "same_record" if customer.same_record else "matched",
        "customer_score": customer.score,
        "name_similarity": name.similarity if name else None,
        "domain": domain.verdict if domain else "unknown",
        "country": country.verdict if country else "unknown",
        "reasons": [{"feature": r.feature, "verdict": r.verdict, "similarity": r.similarity, "detail": r.detail} for r in customer.reasons],
    }
