"""End customers: vendor master data, its ownership, and matching a typed-in company to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from rapidfuzz.distance import OSA
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.models import AuditEvent
from alliance.audit.repository import AuditFilters, AuditRepository
from alliance.audit.service import snapshot
from alliance.customers import matching
from alliance.customers.models import Customer
from alliance.customers.names import NormalizedName, normalize_name
from alliance.customers.records import derive, keys_of_stored
from alliance.customers.repository import CustomerFilters, CustomerRepository, Identity
from alliance.customers.schemas import CustomerCreate, CustomerUpdate, OwnershipChange
from alliance.customers.vocabulary import Ownership
from alliance.customers.websites import matching_domain
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort
from alliance.partners.repository import PartnerRepository
from alliance.partners.vocabulary import PartnerStatus, PartnerType

CUSTOMER_FIELDS = ("external_id", "name", "website", "country", "industry", "employee_band")
OWNERSHIP_FIELDS = ("ownership", "owning_partner_id", "protected_until", "protection_reason")

CUSTOMER_SORTS = {
    "name": Customer.name_compact,
    "country": Customer.country,
    "external_id": Customer.external_id,
    "created": Customer.id,
    "updated": Customer.updated_at,
    "protected_until": Customer.protected_until,
}

# Candidate retrieval bounds: matching never reads more than this many customers per query.
DOMAIN_CANDIDATES = 50
NAME_CANDIDATES = 50
TYPO_CANDIDATES = 20  # per length and direction of each range read (CustomerRepository.candidate_reads)
SPELLING_CANDIDATES = 100
KEY_POSTINGS = 50  # a key shared by more customers than this is too common to say anything alone
KEY_CANDIDATES = 250  # customers taken from name keys, the rarest keys' first
CANDIDATE_LIMITS = {"domain": DOMAIN_CANDIDATES, "name": NAME_CANDIDATES, "typo": TYPO_CANDIDATES, "spellings": SPELLING_CANDIDATES, "key": KEY_POSTINGS}


def list_customers(session: Session, actor: Actor, *, filters: CustomerFilters, sort: str | None, page: PageRequest) -> Page[Customer]:
    require(actor, Permission.CUSTOMERS_READ)
    if filters.q:
        compact = normalize_name(filters.q).compact
        filters = CustomerFilters(
            q=filters.q,
            q_domain=matching_domain(filters.q),
            q_compact=compact or None,
            country=filters.country,
            ownership=filters.ownership,
            owning_partner_id=filters.owning_partner_id,
        )
    statement = apply_sort(CustomerRepository(session).filtered(filters), sort, CUSTOMER_SORTS, default="name", tiebreak=Customer.id)
    return paginate(session, statement, page)


@dataclass(frozen=True)
class DuplicateView:
    """A customer flagged on import as likely the same company as an older one."""

    flag_id: int
    reason: str
    detected_at: datetime
    customer_id: int
    external_id: str | None
    name: str
    existing_id: int
    existing_external_id: str | None
    existing_name: str


def list_likely_duplicates(session: Session, actor: Actor, *, page: PageRequest) -> Page[DuplicateView]:
    """Imported customers flagged as likely duplicates and not yet resolved, newest first (vendor roles)."""
    require(actor, Permission.CUSTOMERS_READ)
    found = paginate(session, CustomerRepository(session).open_duplicate_flags(), page, rows=True)
    return Page(items=[DuplicateView(*row) for row in found.items], total=found.total, limit=found.limit, offset=found.offset)


def get_customer(session: Session, actor: Actor, *, customer_id: int) -> Customer:
    require(actor, Permission.CUSTOMERS_READ)
    customer = CustomerRepository(session).get(customer_id)
    if customer is None:
        raise NotFound(f"Customer {customer_id} not found.")
    return customer


def create_customer(session: Session, actor: Actor, *, data: CustomerCreate) -> Customer:
    require(actor, Permission.CUSTOMERS_WRITE)
    repository = CustomerRepository(session)
    if data.external_id and repository.external_id_taken(data.external_id):
        raise _external_id_conflict(data.external_id)
    derived = derive(data.name, data.website)
    customer = repository.add(Customer(**data.model_dump(), **derived.columns(), ownership=Ownership.OPEN))
    repository.add_keys([(key, customer.id) for key in derived.keys])
    audit.record(session, actor, "customer.created", entity_type="customer", entity_id=customer.id, after=snapshot(customer, CUSTOMER_FIELDS))
    return customer


def update_customer(session: Session, actor: Actor, *, customer_id: int, data: CustomerUpdate) -> Customer:
    customer = get_customer(session, actor, customer_id=customer_id)
    require(actor, Permission.CUSTOMERS_WRITE)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    reject_nulls(changes, ("name",))
    repository = CustomerRepository(session)
    if changes.get("external_id") and repository.external_id_taken(changes["external_id"], excluding=customer.id):
        raise _external_id_conflict(changes["external_id"])
    before = snapshot(customer, CUSTOMER_FIELDS)
    old_keys = keys_of_stored(customer.name_key)
    for field, value in changes.items():
        setattr(customer, field, value)
    if "name" in changes or "website" in changes:
        derived = derive(customer.name, customer.website)
        for column, value in derived.columns().items():
            setattr(customer, column, value)
        _replace_keys(repository, customer.id, old_keys, derived.keys)
    session.flush()
    after = snapshot(customer, CUSTOMER_FIELDS)
    audit.record_update(session, actor, "customer.updated", entity_type="customer", entity_id=customer.id, before=before, after=after, reason=data.reason)
    return customer


def _replace_keys(repository: CustomerRepository, customer_id: int, old: list[str], new: list[str]) -> None:
    repository.remove_keys([(key, customer_id) for key in old if key not in new])
    repository.add_keys([(key, customer_id) for key in new if key not in old])


def _external_id_conflict(external_id: str) -> Conflict:
    return Conflict(f"Another customer already has external id {external_id}.", details=[{"field": "external_id", "message": "already in use"}])


OWNERSHIP_HISTORY_LIMIT = 25


def ownership_history(session: Session, actor: Actor, *, customer_id: int, limit: int = OWNERSHIP_HISTORY_LIMIT) -> list[AuditEvent]:
    """Who changed the account's ownership, when and why, newest first. Every vendor role reads
    it with the customer (the CAM deciding a conflict needs it); the rest of the trail stays
    with program admins and auditors."""
    get_customer(session, actor, customer_id=customer_id)
    filters = AuditFilters(entity_type="customer", entity_id=str(customer_id), action="customer.ownership_changed")
    return list(session.scalars(AuditRepository(session).filtered(filters).limit(limit)))


def change_customer_ownership(session: Session, actor: Actor, *, customer_id: int, change: OwnershipChange) -> Customer:
    """Make an account open, SI-protected (by an SI, until a date) or vendor-direct, with a reason."""
    require(actor, Permission.CUSTOMERS_OWNERSHIP)
    customer = get_customer(session, actor, customer_id=customer_id)
    _check_ownership(session, change)
    before = snapshot(customer, OWNERSHIP_FIELDS)
    customer.ownership = change.status
    customer.owning_partner_id = change.owning_partner_id
    customer.protected_until = change.protected_until
    customer.protection_reason = change.reason
    customer.ownership_changed_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "customer.ownership_changed",
        entity_type="customer",
        entity_id=customer.id,
        partner_id=change.owning_partner_id or before["owning_partner_id"],
        before=before,
        after=snapshot(customer, OWNERSHIP_FIELDS),
        reason=change.reason,
    )
    return customer


def _check_ownership(session: Session, change: OwnershipChange) -> None:
    if change.status != Ownership.SI_PROTECTED:
        extra = [field for field in ("owning_partner_id", "protected_until") if getattr(change, field) is not None]
        if extra:
            raise RuleViolation(
                f"Only an si_protected account has {' and '.join(extra)}.",
                details=[{"field": field, "message": f"must be empty when status is {change.status}"} for field in extra],
            )
        return
    missing = [field for field in ("owning_partner_id", "protected_until") if getattr(change, field) is None]
    if missing:
        raise RuleViolation(
            f"An si_protected account needs {' and '.join(missing)}.",
            details=[{"field": field, "message": "required when status is si_protected"} for field in missing],
        )
    assert change.protected_until is not None and change.owning_partner_id is not None
    if change.protected_until <= clock.today():
        raise RuleViolation("Protection must end after today.", details=[{"field": "protected_until", "message": "must be a future date"}])
    partner = PartnerRepository(session).get(change.owning_partner_id)
    if partner is None:
        raise RuleViolation(f"Partner {change.owning_partner_id} does not exist.", details=[{"field": "owning_partner_id", "message": "unknown partner"}])
    if partner.partner_type != PartnerType.SYSTEMS_INTEGRATOR or partner.status == PartnerStatus.TERMINATED:
        raise RuleViolation(
            f"{partner.display_name} is not an active systems integrator.",
            details=[{"field": "owning_partner_id", "message": "must be a systems integrator that is not terminated"}],
        )


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    """A candidate customer: identity, score and evidence. Nothing about ownership."""

    customer_id: int
    external_id: str | None
    name: str
    website: str | None
    country: str | None
    score: float
    reasons: tuple[matching.Reason, ...]


def find_matches(
    session: Session,
    actor: Actor,
    *,
    name: str,
    website: str | None = None,
    country: str | None = None,
    limit: int = 10,
    min_score: float | None = None,
) -> list[CustomerMatch]:
    """Known customers that may be the company described, best first, at or above the conflict
    threshold (or `min_score`). Open to every signed-in user: the answer is identities only.

    Candidates come from indexes only (website domain, whole normalized name, names one typo
    away, shared words), at most a few hundred per query; then each is scored. At the threshold
    (the conflict decision) a customer whose name matches exactly hides those whose name only
    resembles it (matching.without_near_namesakes); with `min_score` (suggestions as someone
    types) every candidate above it is listed."""
    query = _query(name, website, country)
    repository = CustomerRepository(session)
    ids, query = _candidates(repository, query)
    return _ranked(repository, query, ids, limit=limit, min_score=min_score)


def _query(name: str, website: str | None, country: str | None) -> matching.Profile:
    query = matching.profile(name, website, country)
    if not query.name.tokens:
        raise RuleViolation("The name needs at least one letter or digit.", details=[{"field": "name", "message": "no letters or digits"}])
    return query


def _ranked(repository: CustomerRepository, query: matching.Profile, ids: set[int], *, limit: int, min_score: float | None) -> list[CustomerMatch]:
    """The candidates `ids` scored against `query`, cut and ordered as find_matches answers."""
    cutoff = matching.CONFLICT_THRESHOLD if min_score is None else min_score
    identities = repository.identities(ids)
    floor = cutoff
    compact = query.name.compact
    if min_score is None:
        # The conflict decision hides candidates clearly behind the best (without_near_namesakes):
        # scored likeliest first (by how alike the names are written), a candidate that cannot reach
        # what the best so far leaves need not be scored at all.
        identities.sort(key=lambda identity: -OSA.normalized_similarity(compact, identity.name_key.replace(" ", "")))
    scored = []
    for identity in identities:
        candidate = matching.Profile(NormalizedName.from_key(identity.name_key), identity.domain, identity.country, written=identity.name)
        typed = query if min_score is None else _completed(query, candidate)
        if not matching.may_reach(typed, candidate, floor):
            continue
        result = matching.score(typed, candidate)
        if result.value >= cutoff:
            scored.append((identity, result))
            if min_score is None:
                floor = max(floor, matching.behind_the_best(result.value))
    if min_score is None:
        keep = matching.without_near_namesakes([result for _, result in scored], cutoff)
        scored = [pair for pair, kept in zip(scored, keep, strict=True) if kept]
    # Equal scores: the same words in the same order first ("Jones & Allen" before "Allen & Jones"),
    # then the same country.
    scored.sort(
        key=lambda pair: (
            -pair[1].value,
            pair[0].name_key.replace(" ", "") != compact,
            pair[0].country != query.country,
            pair[0].name.casefold(),
            pair[0].id,
        )
    )
    return [_as_match(identity, result) for identity, result in scored[:limit]]


def _completed(query: matching.Profile, candidate: matching.Profile) -> matching.Profile:
    """As someone types, the last word is often unfinished: "Tenancy Alpha Hospi" is the
    candidate's "Tenancy Alpha Hospital" (three letters at least; suggestions only, never a conflict)."""
    typed, known = query.name.tokens, candidate.name.tokens
    if len(typed) > len(known) or len(typed[-1]) < 3:
        return query
    word = known[len(typed) - 1]
    if word == typed[-1] or not word.startswith(typed[-1]):
        return query
    return replace(query, name=NormalizedName.of((*typed[:-1], word)))


def _candidate_ids(repository: CustomerRepository, query: matching.Profile) -> set[int]:
    return _candidates(repository, query)[0]


def _candidates(repository: CustomerRepository, query: matching.Profile) -> tuple[set[int], matching.Profile]:
    """Every index read in one round trip (CustomerRepository.candidate_reads), then filtered; and
    the query told which of its words stored names use (its 't:' keys' postings, read anyway)."""
    compact = query.name.compact[:200]
    reads = repository.candidate_reads(
        domain=query.domain,
        compact=compact,
        probe=matching.typo_probe(compact),
        spellings=matching.one_edit_neighbours(compact),
        keys=matching.lookup_keys(query.name),
        limits=CANDIDATE_LIMITS,
    )
    ids = {*reads.by_domain, *reads.by_name, *(cid for cid, _ in reads.by_spellings)}
    ids.update(cid for cid, other in reads.near_names if OSA.distance(compact, other, score_cutoff=2) <= 2)
    return ids | _rarest_first(reads.by_key), matching.with_corpus_words(query, reads.by_key)


def _rarest_first(by_key: dict[str, list[int]]) -> set[int]:
    """Customers sharing a name key with the query, up to KEY_CANDIDATES: the rarest keys' first
    (a key shared by few customers says the most), a key shared by more than KEY_POSTINGS never
    (it was read with one posting more, to show it is too common); a key is taken whole or not at all."""
    ids: set[int] = set()
    for postings in sorted((p for p in by_key.values() if len(p) <= KEY_POSTINGS), key=len):
        if len(ids | set(postings)) > KEY_CANDIDATES:
            break
        ids.update(postings)
    return ids


def _as_match(identity: Identity, result: matching.Score) -> CustomerMatch:
    return CustomerMatch(
        customer_id=identity.id,
        external_id=identity.external_id,
        name=identity.name,
        website=identity.website,
        country=identity.country,
        score=result.value,
        reasons=result.reasons,
    )
