"""Partners, their people and executive sponsors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity import repository as identity_repository
from alliance.identity.permissions import Permission, can, require, require_edit_partner, role_can
from alliance.identity.scope import Actor, Role
from alliance.kit import clock
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort
from alliance.partners.models import Partner, PartnerAttribute, Person, Sponsor
from alliance.partners.repository import (
    PARTNER_LOAD,
    PartnerFilters,
    PartnerRepository,
    PersonRepository,
    ProgramRepository,
    SponsorRepository,
    TierRepository,
)
from alliance.partners.schemas import PartnerCreate, PartnerUpdate, PersonCreate, PersonUpdate, SponsorCreate
from alliance.partners.vocabulary import AttributeKind, DeliveryRole, PartnerType, SponsorSide

PROFILE_FIELDS = (
    "legal_name",
    "display_name",
    "website",
    "partner_type",
    "si_subtype",
    "hq_country",
    "consultant_headcount",
    "enrolled_on",
    "status",
    "program_id",
    "tier_id",
    "cam_user_id",
)
ATTRIBUTE_FIELDS = {
    "regions": AttributeKind.REGION,
    "territories": AttributeKind.TERRITORY,
    "verticals": AttributeKind.VERTICAL,
    "specialties": AttributeKind.SPECIALTY,
}
# What a partner admin may change about their own organisation; the rest is the vendor's call.
SELF_SERVICE_FIELDS = frozenset({"display_name", "website", "hq_country", "consultant_headcount", "regions", "territories", "verticals", "specialties"})
# Changing these changes what the partner is entitled to, so only program admins may.
ENTITLEMENT_FIELDS = frozenset({"program_id", "tier_id"})
PERSON_FIELDS = ("name", "email", "title", "delivery_role", "country", "is_active")

PERSON_SORTS = {"name": Person.name, "role": Person.delivery_role, "email": Person.email}
PARTNER_SORTS = {
    "name": Partner.display_name,
    "type": Partner.partner_type,
    "country": Partner.hq_country,
    "status": Partner.status,
    "headcount": Partner.consultant_headcount,
    "enrolled": Partner.enrolled_on,
    "tier": Partner.tier_id,
}


def _partner_state(partner: Partner) -> dict[str, Any]:
    state = snapshot(partner, PROFILE_FIELDS)
    for field in ATTRIBUTE_FIELDS:
        state[field] = getattr(partner, field)
    return state


def list_partners(session: Session, actor: Actor, *, filters: PartnerFilters, sort: str | None, page: PageRequest) -> Page[Partner]:
    require(actor, Permission.PARTNERS_READ)
    repository = PartnerRepository(session)
    statement = apply_sort(repository.filtered(filters), sort, PARTNER_SORTS, default="name", tiebreak=Partner.id)
    return paginate(session, statement, page)


def get_partner(session: Session, actor: Actor, *, partner_id: int, for_change: bool = False) -> Partner:
    """`for_change`: locked until commit (db.Aggregate), as every change reads it."""
    require(actor, Permission.PARTNERS_READ)
    repository = PartnerRepository(session)
    partner = repository.get_for_change(partner_id, *PARTNER_LOAD) if for_change else repository.get_loaded(partner_id)
    if partner is None:
        raise NotFound(f"Partner {partner_id} not found.")
    return partner


def create_partner(session: Session, actor: Actor, *, data: PartnerCreate) -> Partner:
    require(actor, Permission.PARTNERS_CREATE)
    values = data.model_dump(exclude=set(ATTRIBUTE_FIELDS))
    partner = Partner(**values)
    partner.attributes = []
    _apply_attributes(partner, data.model_dump(include=set(ATTRIBUTE_FIELDS)))
    _resolve_program_and_tier(session, partner, explicit_program="program_id" in data.model_fields_set, explicit_tier="tier_id" in data.model_fields_set)
    _check_cam(session, partner.cam_user_id)
    PartnerRepository(session).add(partner)
    audit.record(session, actor, "partner.created", entity_type="partner", entity_id=partner.id, partner_id=partner.id, after=_partner_state(partner))
    return get_partner(session, actor, partner_id=partner.id)


def update_partner(session: Session, actor: Actor, *, partner_id: int, data: PartnerUpdate) -> Partner:
    partner = get_partner(session, actor, partner_id=partner_id, for_change=True)
    require_edit_partner(actor, partner_id)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    if actor.is_partner:
        refused = sorted(set(changes) - SELF_SERVICE_FIELDS)
        if refused:
            raise PermissionDenied(f"Partner admins cannot change {', '.join(refused)}; ask your channel account manager.")
    if set(changes) & ENTITLEMENT_FIELDS and not can(actor, Permission.PROGRAMS_WRITE):
        raise PermissionDenied("Only program admins can change a partner's program or tier.")
    before = _partner_state(partner)
    reject_nulls(changes, ("legal_name", "display_name", "hq_country", "partner_type", "consultant_headcount", "status"))
    for field, value in changes.items():
        if field not in ATTRIBUTE_FIELDS:
            setattr(partner, field, value)
    _check_type_and_subtype(partner)
    _apply_attributes(partner, {k: v for k, v in changes.items() if k in ATTRIBUTE_FIELDS})
    if "program_id" in changes or "tier_id" in changes or "partner_type" in changes or "si_subtype" in changes:
        _resolve_program_and_tier(session, partner, explicit_program="program_id" in changes, explicit_tier="tier_id" in changes)
    if "cam_user_id" in changes:
        _check_cam(session, partner.cam_user_id)
    session.flush()
    after = _partner_state(partner)
    action = "partner.tier_changed" if before["tier_id"] != after["tier_id"] else "partner.updated"
    audit.record_update(
        session, actor, action, entity_type="partner", entity_id=partner.id, partner_id=partner.id, before=before, after=after, reason=data.reason
    )
    session.expire(partner)
    return get_partner(session, actor, partner_id=partner_id)


def _check_type_and_subtype(partner: Partner) -> None:
    if partner.partner_type == PartnerType.SYSTEMS_INTEGRATOR and partner.si_subtype is None:
        raise RuleViolation("A systems integrator needs an SI subtype.", details=[{"field": "si_subtype", "message": "required for systems_integrator"}])
    if partner.partner_type != PartnerType.SYSTEMS_INTEGRATOR and partner.si_subtype is not None:
        raise RuleViolation("Only systems integrators have an SI subtype.", details=[{"field": "si_subtype", "message": "must be null for this partner type"}])


def _apply_attributes(partner: Partner, values: dict[str, list[str] | None]) -> None:
    for field, items in values.items():
        if items is None:
            continue
        kind = ATTRIBUTE_FIELDS[field]
        wanted = list(dict.fromkeys(items))
        partner.attributes = [a for a in partner.attributes if a.kind != kind or a.value in wanted]
        present = {a.value for a in partner.attributes if a.kind == kind}
        partner.attributes.extend(PartnerAttribute(partner_id=partner.id, kind=kind, value=value) for value in wanted if value not in present)


def _resolve_program_and_tier(session: Session, partner: Partner, *, explicit_program: bool, explicit_tier: bool) -> None:
    """Program defaults to the one for the partner's type/subtype; tier must belong to the program."""
    programs = ProgramRepository(session)
    if partner.program_id is None or (not explicit_program and not explicit_tier):
        program = programs.for_partner_type(partner.partner_type, partner.si_subtype) if not explicit_program else None
        if program is not None and program.id != partner.program_id:
            partner.program_id = program.id
            if not explicit_tier:
                partner.tier_id = program.tiers[0].id if program.tiers else None
    if partner.program_id is not None and programs.get(partner.program_id) is None:
        raise RuleViolation(f"Program {partner.program_id} does not exist.", details=[{"field": "program_id", "message": "unknown program"}])
    if partner.tier_id is not None:
        tier = TierRepository(session).get(partner.tier_id)
        if tier is None or tier.program_id != partner.program_id:
            raise RuleViolation(
                f"Tier {partner.tier_id} is not a tier of the partner's program.",
                details=[{"field": "tier_id", "message": "must be a tier of the partner's program"}],
            )


def _check_cam(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = identity_repository.UserRepository(session).get(user_id)
    if user is None or not role_can(Role(user.role), Permission.PARTNERS_MANAGE) or not user.is_active:
        raise RuleViolation(
            f"User {user_id} is not an active channel account manager.",
            details=[{"field": "cam_user_id", "message": "must be an active vendor user with the cam role"}],
        )


def list_people(
    session: Session, actor: Actor, *, partner_id: int, delivery_role: DeliveryRole | None, active: bool | None, sort: str | None, page: PageRequest
) -> Page[Person]:
    get_partner(session, actor, partner_id=partner_id)
    statement = PersonRepository(session).for_partner(partner_id, delivery_role=delivery_role, active=active)
    return paginate(session, apply_sort(statement, sort, PERSON_SORTS, default="name", tiebreak=Person.id), page)


def get_person(session: Session, actor: Actor, *, person_id: int) -> Person:
    require(actor, Permission.PARTNERS_READ)
    person = PersonRepository(session).get(person_id)
    if person is None:
        raise NotFound(f"Person {person_id} not found.")
    return person


def add_person(session: Session, actor: Actor, *, partner_id: int, data: PersonCreate) -> Person:
    get_partner(session, actor, partner_id=partner_id)
    require_edit_partner(actor, partner_id)
    people = PersonRepository(session)
    if people.email_taken(partner_id, data.email):
        raise _email_conflict(data.email)
    person = people.add(Person(partner_id=partner_id, **data.model_dump()))
    audit.record(session, actor, "person.added", entity_type="person", entity_id=person.id, partner_id=partner_id, after=snapshot(person, PERSON_FIELDS))
    return person


def update_person(session: Session, actor: Actor, *, person_id: int, data: PersonUpdate) -> Person:
    person = get_person(session, actor, person_id=person_id)
    require_edit_partner(actor, person.partner_id)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, ("name", "email", "delivery_role", "is_active"))
    if "email" in changes and PersonRepository(session).email_taken(person.partner_id, changes["email"], excluding=person.id):
        raise _email_conflict(changes["email"])
    before = snapshot(person, PERSON_FIELDS)
    for field, value in changes.items():
        setattr(person, field, value)
    session.flush()
    after = snapshot(person, PERSON_FIELDS)
    audit.record_update(session, actor, "person.updated", entity_type="person", entity_id=person.id, partner_id=person.partner_id, before=before, after=after)
    return person


def remove_person(session: Session, actor: Actor, *, person_id: int) -> None:
    person = get_person(session, actor, person_id=person_id)
    require_edit_partner(actor, person.partner_id)
    before = snapshot(person, PERSON_FIELDS)
    audit.record(session, actor, "person.removed", entity_type="person", entity_id=person.id, partner_id=person.partner_id, before=before)
    PersonRepository(session).delete(person)


def _email_conflict(email: str) -> Conflict:
    return Conflict(
        f"Someone with email {email} is already listed for this partner.", details=[{"field": "email", "message": "already in use for this partner"}]
    )


SPONSOR_FIELDS = ("side", "name", "title", "email", "user_id", "started_on", "ended_on")


def page_sponsors(
    session: Session, actor: Actor, *, partner_id: int, side: SponsorSide | None, page: PageRequest, include_ended: bool = False
) -> Page[Sponsor]:
    """The partner's current sponsors; with `include_ended`, the former ones too (most recent first after them)."""
    get_partner(session, actor, partner_id=partner_id)
    return paginate(session, SponsorRepository(session).for_partner(partner_id, side=side, include_ended=include_ended), page)


def list_sponsors(session: Session, actor: Actor, *, partner_id: int, include_ended: bool = False) -> list[Sponsor]:
    """The partner's sponsors (a handful), vendor side first; with `include_ended`, the former ones after them."""
    return list(page_sponsors(session, actor, partner_id=partner_id, side=None, page=PageRequest(limit=500), include_ended=include_ended).items)


def add_sponsor(session: Session, actor: Actor, *, partner_id: int, data: SponsorCreate) -> Sponsor:
    get_partner(session, actor, partner_id=partner_id)
    require_edit_partner(actor, partner_id)
    if data.side == SponsorSide.VENDOR:
        if actor.is_partner:
            raise PermissionDenied("The vendor names its own executive sponsors.")
        if data.user_id is not None:
            user = identity_repository.UserRepository(session).get(data.user_id)
            if user is None or user.partner_id is not None:
                raise RuleViolation(f"User {data.user_id} is not a vendor user.", details=[{"field": "user_id", "message": "must be a vendor user"}])
    elif data.user_id is not None:
        raise RuleViolation("A partner-side sponsor is not a vendor user.", details=[{"field": "user_id", "message": "only for vendor-side sponsors"}])
    today = clock.today()
    started_on = data.started_on or today
    if started_on > today:
        raise RuleViolation("A sponsorship starts today or earlier.", details=[{"field": "started_on", "message": "not in the future"}])
    sponsor = SponsorRepository(session).add(Sponsor(partner_id=partner_id, **data.model_dump(exclude={"started_on"}), started_on=started_on))
    audit.record(session, actor, "sponsor.added", entity_type="sponsor", entity_id=sponsor.id, partner_id=partner_id, after=snapshot(sponsor, SPONSOR_FIELDS))
    return sponsor


def remove_sponsor(session: Session, actor: Actor, *, sponsor_id: int, ended_on: date | None = None) -> None:
    """End a sponsorship on `ended_on` (default today: the first day they are no longer the
    sponsor). The row stays for the QBRs of earlier dates; a sponsorship that never began (ended
    on or before its first day) is deleted. Ending it twice: 409."""
    require(actor, Permission.PARTNERS_READ)
    repository = SponsorRepository(session)
    sponsor = repository.get_for_change(sponsor_id)
    if sponsor is None:
        raise NotFound(f"Sponsor {sponsor_id} not found.")
    require_edit_partner(actor, sponsor.partner_id)
    if sponsor.side == SponsorSide.VENDOR and actor.is_partner:
        raise PermissionDenied("The vendor names its own executive sponsors.")
    if sponsor.ended_on is not None:
        raise Conflict(f"{sponsor.name} stopped being a sponsor on {sponsor.ended_on.isoformat()}.")
    day = ended_on or clock.today()
    if day > clock.today():
        raise RuleViolation("A sponsorship ends today or earlier.", details=[{"field": "ended_on", "message": "not in the future"}])
    before = snapshot(sponsor, SPONSOR_FIELDS)
    if day <= sponsor.started_on:
        audit.record(session, actor, "sponsor.removed", entity_type="sponsor", entity_id=sponsor.id, partner_id=sponsor.partner_id, before=before)
        repository.delete(sponsor)
        return
    sponsor.ended_on = day
    session.flush()
    audit.record(
        session,
        actor,
        "sponsor.removed",
        entity_type="sponsor",
        entity_id=sponsor.id,
        partner_id=sponsor.partner_id,
        before=before,
        after=snapshot(sponsor, SPONSOR_FIELDS),
    )


@dataclass(frozen=True)
class PortfolioSummary:
    total: int
    by_type: dict[str, int]
    by_subtype: dict[str, int]
    by_status: dict[str, int]


def portfolio_summary(session: Session, actor: Actor) -> PortfolioSummary:
    """Partner counts by type, SI subtype and status, for the console dashboard."""
    require(actor, Permission.PARTNERS_READ)
    by_type: Counter[str] = Counter()
    by_subtype: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for partner_type, si_subtype, status, count in PartnerRepository(session).counts_by_kind():
        by_type[partner_type] += count
        by_status[status] += count
        if si_subtype:
            by_subtype[si_subtype] += count
    return PortfolioSummary(total=sum(by_type.values()), by_type=dict(by_type), by_subtype=dict(by_subtype), by_status=dict(by_status))


def count_people_by_role(session: Session, actor: Actor, *, partner_id: int) -> dict[DeliveryRole, int]:
    """Active people per delivery role."""
    get_partner(session, actor, partner_id=partner_id)
    return PersonRepository(session).role_counts(partner_id)


@dataclass(frozen=True)
class CamContact:
    name: str
    email: str


def cam_contact(session: Session, actor: Actor, *, partner_id: int) -> CamContact | None:
    """Who the partner's channel account manager is; vendor users are otherwise hidden from partners."""
    partner = get_partner(session, actor, partner_id=partner_id)
    if partner.cam_user_id is None:
        return None
    contact = identity_repository.UserRepository(session).vendor_contact(partner.cam_user_id)
    return CamContact(name=contact[0], email=contact[1]) if contact else None
