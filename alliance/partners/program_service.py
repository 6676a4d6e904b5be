"""Programs and tiers: reading, admin editing, and loading from the YAML format."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import business_time
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.partners.metrics import METRICS, Metric, metric_error
from alliance.partners.models import BusinessCalendar, Program, Tier, TierCriterion
from alliance.partners.program_file import ProgramFile, ProgramsFile, TierFile
from alliance.partners.repository import ProgramRepository, TierRepository
from alliance.partners.schemas import CriterionIn, ProgramUpdate, TierUpdate
from alliance.partners.territory_service import refuse_dropping_used
from alliance.partners.vocabulary import PartnerType

BENEFIT_FIELDS = (
    "deal_protection_days",
    "project_protection_days",
    "influence_protection_days",
    "mdf_allocation",
    "discount_percent",
    "cosell_priority",
    "asset_access_level",
)
TIER_FIELDS = ("name", "criteria_mode", *BENEFIT_FIELDS)
PROGRAM_FIELDS = (
    "key",
    "name",
    "description",
    "partner_type",
    "si_subtype",
    "is_active",
    "currency",
    "influence_credit_percent",
    "influence_credit_split",
    "downgrade_grace_days",
    "mdf_claim_deadline_days",
    "mdf_reimbursement_percent",
    "dispute_ladder",
    "territories",
    "review_calendar_id",
)


def list_metrics() -> list[Metric]:
    return list(METRICS.values())


def list_programs(session: Session, actor: Actor, *, partner_type: PartnerType | None = None, active: bool | None = None) -> list[Program]:
    require(actor, Permission.PROGRAMS_READ)
    repository = ProgramRepository(session)
    return list(session.scalars(repository.listed(partner_type=partner_type, active=active)))


def list_programs_page(session: Session, actor: Actor, *, partner_type: PartnerType | None, active: bool | None, page: PageRequest) -> Page[Program]:
    require(actor, Permission.PROGRAMS_READ)
    return paginate(session, ProgramRepository(session).listed(partner_type=partner_type, active=active), page)


def get_program(session: Session, actor: Actor, *, program_id: int) -> Program:
    require(actor, Permission.PROGRAMS_READ)
    program = ProgramRepository(session).get_loaded(program_id)
    if program is None:
        raise NotFound(f"Program {program_id} not found.")
    return program


def get_tier(session: Session, actor: Actor, *, tier_id: int) -> Tier:
    require(actor, Permission.PROGRAMS_READ)
    tier = TierRepository(session).get_loaded(tier_id)
    if tier is None:
        raise NotFound(f"Tier {tier_id} not found.")
    return tier


def partner_counts_by_tier(session: Session, actor: Actor) -> dict[int, int]:
    require(actor, Permission.PARTNERS_READ)
    return ProgramRepository(session).partner_counts_by_tier()


def update_program(session: Session, actor: Actor, *, program_id: int, data: ProgramUpdate) -> Program:
    require(actor, Permission.PROGRAMS_WRITE)
    program = get_program(session, actor, program_id=program_id)
    before = snapshot(program, PROGRAM_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("currency") not in (None, program.currency):
        _check_currency_change(session, program, changes["currency"], field="currency")
    reject_nulls(
        changes,
        (
            "name",
            "is_active",
            "currency",
            "influence_credit_percent",
            "influence_credit_split",
            "downgrade_grace_days",
            "mdf_claim_deadline_days",
            "mdf_reimbursement_percent",
            "dispute_ladder",
            "territories",
        ),
    )
    if changes.get("territories") is not None:
        refuse_dropping_used(session, program, changes["territories"], field="territories")
    calendar_id = changes.get("review_calendar_id")
    if calendar_id is not None and ProgramRepository(session).calendar(calendar_id) is None:
        raise RuleViolation(f"Business calendar {calendar_id} does not exist.", details=[{"field": "review_calendar_id", "message": "unknown calendar"}])
    for name, value in changes.items():
        setattr(program, name, value)
    session.flush()
    audit.record_update(session, actor, "program.updated", entity_type="program", entity_id=program.id, before=before, after=snapshot(program, PROGRAM_FIELDS))
    return program


def _check_currency_change(session: Session, program: Program, currency: str, *, field: str) -> None:
    """Amounts are stored in the program's currency and never converted, so the currency can only
    change while the program's partners have none recorded."""
    registrations, entries = ProgramRepository(session).amounts_recorded(program.id)
    if registrations or entries:
        raise Conflict(
            f"Program {program.name} cannot change its currency from {program.currency} to {currency}: its partners have "
            f"{registrations} registrations with amounts and {entries} attribution entries in {program.currency}, and amounts are never converted.",
            details=[{"field": field, "message": f"amounts are recorded in {program.currency}"}],
        )


def calendar_choices(session: Session, actor: Actor) -> list[BusinessCalendar]:
    """The business calendars a program may name for its review SLA."""
    require(actor, Permission.PROGRAMS_READ)
    return ProgramRepository(session).calendars()


def review_calendar(session: Session, actor: Actor, *, program: Program) -> BusinessCalendar | None:
    """The calendar this program's review SLA counts in (None: Monday to Friday in UTC)."""
    require(actor, Permission.PROGRAMS_READ)
    repository = ProgramRepository(session)
    named = repository.calendar(program.review_calendar_id) if program.review_calendar_id is not None else None
    return named or repository.first_calendar()


@dataclass(frozen=True)
class ReviewCalendars:
    """The business calendars registration reviews are counted in, by id, and the default one."""

    by_id: dict[int, business_time.Calendar]
    default: business_time.Calendar

    def for_program(self, review_calendar_id: int | None) -> business_time.Calendar:
        """The calendar a program names, else the first calendar, else Monday to Friday in UTC."""
        return self.by_id.get(review_calendar_id, self.default) if review_calendar_id is not None else self.default


def review_calendars(session: Session, *, calendar_ids: Collection[int] = ()) -> ReviewCalendars:
    """The named calendars and the default, in one query. Not actor-checked: the callers (the
    review queue) have checked the actor for what they show."""
    rows = ProgramRepository(session).calendars_and_first(calendar_ids)
    by_id = {row.id: business_time.Calendar.of(row) for row in rows}
    return ReviewCalendars(by_id=by_id, default=by_id[rows[0].id] if rows else business_time.WEEKDAYS_UTC)


def _threshold_text(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _criteria_state(tier: Tier) -> list[dict[str, Any]]:
    return [{"metric": c.metric, "comparison": c.comparison, "threshold": _threshold_text(c.threshold)} for c in tier.criteria]


def _tier_state(tier: Tier) -> dict[str, Any]:
    return {**snapshot(tier, TIER_FIELDS), "criteria": _criteria_state(tier)}


def validate_criteria(criteria: list[CriterionIn], *, field_prefix: str = "criteria") -> None:
    details = [
        {"field": f"{field_prefix}[{index}].metric", "message": problem}
        for index, criterion in enumerate(criteria)
        if (problem := metric_error(criterion.metric)) is not None
    ]
    if details:
        raise RuleViolation("Tier criteria use unknown metrics.", details=details)


def _set_criteria(tier: Tier, criteria: list[CriterionIn]) -> None:
    tier.criteria.clear()
    for position, criterion in enumerate(criteria, start=1):
        tier.criteria.append(TierCriterion(position=position, metric=criterion.metric, comparison=criterion.comparison, threshold=criterion.threshold))


def update_tier(session: Session, actor: Actor, *, tier_id: int, data: TierUpdate) -> Tier:
    require(actor, Permission.PROGRAMS_WRITE)
    tier = get_tier(session, actor, tier_id=tier_id)
    changes = data.model_dump(exclude_unset=True, exclude={"criteria", "reason"})
    reject_nulls(changes, changes.keys())
    before = _tier_state(tier)
    for name, value in changes.items():
        setattr(tier, name, value)
    if data.criteria is not None:
        validate_criteria(data.criteria)
        _set_criteria(tier, data.criteria)
    session.flush()
    after = _tier_state(tier)
    audit.record_update(session, actor, "tier.updated", entity_type="tier", entity_id=tier.id, before=before, after=after, reason=data.reason)
    return tier


@dataclass
class LoadSummary:
    programs_created: list[str] = field(default_factory=list)
    programs_updated: list[str] = field(default_factory=list)
    programs_unchanged: list[str] = field(default_factory=list)
    tiers_created: int = 0
    tiers_updated: int = 0
    tiers_removed: int = 0


def load_programs(session: Session, actor: Actor, *, document: ProgramsFile) -> LoadSummary:
    """Create or update programs by key; tiers by key within a program. A tier that still has
    partners cannot be dropped, so a load never strands partners without a tier."""
    require(actor, Permission.PROGRAMS_WRITE)
    repository = ProgramRepository(session)
    counts = repository.partner_counts_by_tier()
    summary = LoadSummary()
    for spec in document.programs:
        program = repository.by_key(spec.key)
        created = program is None
        if program is None:
            program = Program(key=spec.key, name=spec.name, partner_type=spec.partner_type, si_subtype=spec.si_subtype)
            program.tiers = []
            repository.add(program)
        before = {**snapshot(program, PROGRAM_FIELDS), "tiers": [_tier_state(t) for t in program.tiers]} if not created else None
        if not created and spec.currency != program.currency:
            _check_currency_change(session, program, spec.currency, field=f"{spec.key}.currency")
        program.name, program.description, program.is_active = spec.name, spec.description, spec.active
        program.currency = spec.currency
        program.partner_type, program.si_subtype = spec.partner_type, spec.si_subtype
        program.influence_credit_percent, program.influence_credit_split = spec.influence_credit_percent, spec.influence_credit_split
        program.downgrade_grace_days = spec.downgrade_grace_days
        program.mdf_claim_deadline_days, program.mdf_reimbursement_percent = spec.mdf_claim_deadline_days, spec.mdf_reimbursement_percent
        program.dispute_ladder = [level.model_dump() for level in spec.dispute_ladder]
        if not created:
            refuse_dropping_used(session, program, [t.model_dump() for t in spec.territories], field=f"{spec.key}.territories")
        program.territories = [territory.model_dump() for territory in spec.territories]
        _sync_tiers(session, program, spec, counts, summary)
        session.flush()
        program = repository.reload(program.id)
        after = {**snapshot(program, PROGRAM_FIELDS), "tiers": [_tier_state(t) for t in program.tiers]}
        if created:
            summary.programs_created.append(spec.key)
            audit.record(session, actor, "program.created", entity_type="program", entity_id=program.id, after=after, reason="program load")
        elif after != before:
            summary.programs_updated.append(spec.key)
            audit.record(session, actor, "program.loaded", entity_type="program", entity_id=program.id, before=before, after=after, reason="program load")
        else:
            summary.programs_unchanged.append(spec.key)
    return summary


def _sync_tiers(session: Session, program: Program, spec: ProgramFile, counts: dict[int, int], summary: LoadSummary) -> None:
    existing = {t.key: t for t in program.tiers}
    wanted = {t.key for t in spec.tiers}
    for key, tier in existing.items():
        if key not in wanted:
            if counts.get(tier.id):
                raise Conflict(
                    f"Program {program.key}: tier '{key}' still has {counts[tier.id]} partners; move them before removing the tier.",
                    details=[{"field": f"{program.key}.tiers", "message": f"tier {key} is in use"}],
                )
            program.tiers.remove(tier)
            summary.tiers_removed += 1
    session.flush()
    # Ranks are unique per program: park them out of the way before renumbering.
    for offset, tier in enumerate(program.tiers, start=1):
        tier.rank = 1000 + offset
    session.flush()
    for rank, tier_spec in enumerate(spec.tiers, start=1):
        found = existing.get(tier_spec.key) if tier_spec.key in wanted else None
        if found is None or found not in program.tiers:
            tier = Tier(key=tier_spec.key, rank=rank, **_tier_values(tier_spec))
            tier.criteria = []
            program.tiers.append(tier)
            summary.tiers_created += 1
        else:
            tier = found
            before = _tier_state(tier)
            tier.rank = rank
            for name, value in _tier_values(tier_spec).items():
                setattr(tier, name, value)
            if _criteria_state(tier) != [
                {"metric": c.metric, "comparison": c.comparison, "threshold": _threshold_text(c.threshold)} for c in tier_spec.criteria.rules
            ]:
                _set_criteria(tier, tier_spec.criteria.rules)
            if _tier_state(tier) != before:
                summary.tiers_updated += 1
            continue
        _set_criteria(tier, tier_spec.criteria.rules)


def _tier_values(spec: TierFile) -> dict[str, Any]:
    return {"name": spec.name, "criteria_mode": spec.criteria.mode, **spec.benefits.model_dump()}
