"""Conflict detection on submit and on review: gather the facts, apply the rules
(registrations.conflicts), store the findings; and read them back as each side may see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from alliance import audit
from alliance.customers import matching, registration_link
from alliance.customers.names import NormalizedName
from alliance.customers.service import CustomerMatch
from alliance.errors import NotFound
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.partners.vocabulary import PartnerType, RegistrationKind
from alliance.registrations import conflicts
from alliance.registrations.conflict_repository import CandidateRow, ConflictRepository, CustomerRow
from alliance.registrations.conflict_schemas import ConflictView, PartnerConflictView
from alliance.registrations.models import Registration, RegistrationConflict
from alliance.registrations.vocabulary import ConflictCheck

# The check runs inside a partner's or a reviewer's transition (whose own audit event names the
# person); its event names the rule engine. Matching takes an actor but answers identities only.
CHECKER = Actor.system(label="conflict check")


def check_conflicts(
    session: Session,
    registration: Registration,
    *,
    step: ConflictCheck,
    candidates: Sequence[CustomerMatch] | None = None,
    first_check: bool = False,
) -> list[RegistrationConflict]:
    """Run the rules for `registration` (flushed; customer_id resolved; its RegistrationProduct
    rows flushed; submitted_at set; the caller holds the customer lock), mark its previous
    current findings is_current=False, store and return the new findings (partner_id =
    registration.partner_id).

    `candidates`: what matching found for the registration's customer as typed, when the caller
    (a submit, resolving the customer) has just matched it; without them the check matches.
    `first_check`: the registration was created in this transaction, so no earlier check left
    findings to retire."""
    if registration.submitted_at is None:
        raise ValueError("a registration is checked for conflicts once it has been submitted")
    if registration.is_sandbox:
        # Test data flags nothing (and live checks never see it: alliance.db, Sandboxable).
        return []
    repository = ConflictRepository(session)
    subject = conflicts.Subject(
        registration_id=registration.id,
        partner_id=registration.partner_id,
        kind=RegistrationKind(registration.kind),
        submitted_at=registration.submitted_at,
        product_lines=_product_lines(repository, registration),
    )
    customers = _candidate_customers(repository, registration, candidates)
    rows = repository.active_on_customers(
        (c.customer_id for c in customers),
        other_than_partner_id=registration.partner_id,
        product_lines=subject.product_lines,
    )
    findings = conflicts.find_conflicts(subject, customers, [_candidate(row) for row in rows], today=clock.today())

    if not first_check:
        repository.retire_current(registration.id)
    detected_at = clock.now()
    stored = repository.add_findings(
        registration.partner_id,
        [
            {
                "registration_id": registration.id,
                "other_registration_id": f.other_registration_id,
                "kind": f.kind,
                "step": step,
                "score": f.score,
                "evidence": f.evidence,
                "partner_message": f.partner_message,
                "detected_at": detected_at,
                "is_current": True,
            }
            for f in findings
        ],
    )
    audit.record(
        session,
        CHECKER,
        "registration.conflicts_checked",
        entity_type="registration",
        entity_id=registration.id,
        partner_id=registration.partner_id,
        after={"count": len(stored), "kinds": sorted({f.kind.value for f in findings})},
    )
    return stored


def _product_lines(repository: ConflictRepository, registration: Registration) -> frozenset[str]:
    """The registration's lines as flushed: the loaded collection (a submit or a review has it),
    else read."""
    if "products" in inspect(registration).unloaded:
        return repository.product_lines(registration.id)
    return frozenset(registration.product_lines)


def _candidate_customers(
    repository: ConflictRepository, registration: Registration, candidates: Sequence[CustomerMatch] | None
) -> list[conflicts.CustomerFacts]:
    """The registration's own customer record and every record matching scores at or above the
    conflict threshold for the customer as typed, with their ownership."""
    query = matching.profile(registration.customer_name, registration.customer_website, registration.customer_country)
    if candidates is None and query.name.tokens:
        candidates = registration_link.candidates_for(
            repository.session, CHECKER, name=registration.customer_name, website=registration.customer_website, country=registration.customer_country
        )
    matches = {m.customer_id: matching.Score(m.score, m.reasons) for m in candidates or ()}
    ids = set(matches) | ({registration.customer_id} if registration.customer_id is not None else set())
    facts = []
    for row in repository.customers(ids):
        same_record = row.id == registration.customer_id
        # The resolved record may have been chosen by hand below the threshold: score it anyway
        # so the evidence says how alike the typed customer and the record are.
        result = matches.get(row.id) or matching.score(query, _profile(row))
        facts.append(
            conflicts.CustomerFacts(
                customer_id=row.id,
                same_record=same_record,
                score=result.value,
                reasons=result.reasons,
                ownership=row.ownership,
                owning_partner_id=row.owning_partner_id,
                protected_until=row.protected_until,
            )
        )
    return facts


def _profile(row: CustomerRow) -> matching.Profile:
    return matching.Profile(NormalizedName.from_key(row.name_key), row.domain, row.country)


def _candidate(row: CandidateRow) -> conflicts.Candidate:
    return conflicts.Candidate(
        registration_id=row.id,
        partner_id=row.partner_id,
        partner_is_si=row.partner_type == PartnerType.SYSTEMS_INTEGRATOR,
        kind=row.kind,
        status=row.status,
        submitted_at=row.submitted_at,
        protected_until=row.protected_until,
        customer_id=row.customer_id,
        product_lines=row.shared_lines,
        line_count=row.line_count,
    )


def conflicts_for(session: Session, actor: Actor, registration_id: int) -> list[ConflictView]:
    """The current findings on one registration as `actor` may see them: a partner user gets
    PartnerConflictView (kind, score, detected_at, message = the stored privacy-safe
    partner_message; nothing else); a vendor user gets VendorConflictView (all evidence plus the
    other registration's id, partner id+display name, title, kind, status, submitted_at,
    customer name)."""
    repository = ConflictRepository(session)
    if not repository.registration_visible(registration_id):
        raise NotFound(f"Registration {registration_id} not found.")
    if actor.is_partner:
        return [
            PartnerConflictView(kind=c.kind, score=c.score, detected_at=c.detected_at, message=c.partner_message) for c in repository.current(registration_id)
        ]
    return list(repository.current_with_other_side(registration_id))


def conflict_counts(session: Session, registration_ids: Sequence[int]) -> dict[int, int]:
    """Current findings per registration in one query (for the review queue); 0 for none."""
    counts = ConflictRepository(session).current_counts(registration_ids)
    return {registration_id: counts.get(registration_id, 0) for registration_id in registration_ids}
