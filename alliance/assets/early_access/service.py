"""Early-access (beta) programs. The vendor opens a program per product release with its terms and
eligibility (minimum tier, a certification one of the partner's people holds); a partner admin
applies, accepting the terms (their SHA-256, the time and the person are recorded); the channel
team accepts or declines with a reason. Enrolled partners open the program's pre-release assets
(assets.early_access_program_id, a lock in entitlement.py) and leave feedback the vendor reads.

An application is an aggregate: its decision reads it under a row lock, so of two concurrent
decisions one wins and the other is refused as already decided (409)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.assets import entitlement
from alliance.assets import service as asset_service
from alliance.assets.early_access import notice_service as early_access_notices
from alliance.assets.early_access.models import EarlyAccessApplication, EarlyAccessFeedback, EarlyAccessProgram
from alliance.assets.early_access.repository import ApplicationFilters, EarlyAccessRepository
from alliance.assets.early_access.rules import ApplicationStatus, EarlyAccessDecision, RefusedDecision, decide, program_name
from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessDecisionInput, EarlyAccessFeedbackInput, EarlyAccessProgramInput
from alliance.assets.entitlement import Requirement, Standing
from alliance.assets.repository import AssetRepository
from alliance.assets.vocabulary import CertificationHolder
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.partners.repository import PartnerRepository
from alliance.partners.vocabulary import PartnerType, SISubtype


@dataclass(frozen=True)
class ProgramEntry:
    program: EarlyAccessProgram
    pending: int
    enrolled: int
    application: EarlyAccessApplication | None  # partners: their own
    eligibility: list[str]  # partners: what they miss (empty: eligible)


@dataclass(frozen=True)
class ProgramView:
    entry: ProgramEntry
    track_name: str | None
    assets: list[Any]  # the pre-release assets gated to the program
    feedback: list[Any]  # (feedback, asset title, partner name, author name)
    applications: list[Any]  # vendor: (application, program, partner, accepted by, decided by)
    blockers: dict[int, list[str]]  # vendor: pending application id -> what the partner misses (empty: eligible)
    may_apply: bool
    may_decide: bool


def terms_digest(terms: str) -> str:
    return hashlib.sha256(terms.encode("utf-8")).hexdigest()


# --- reading ---------------------------------------------------------------------------------


def list_programs(session: Session, actor: Actor) -> list[ProgramEntry]:
    """Every program with its pending and enrolled counts; a partner sees its own application and
    what it misses to be eligible."""
    require(actor, Permission.EARLY_ACCESS_READ)
    repository = EarlyAccessRepository(session)
    rows = repository.programs()
    own = repository.own_applications(actor.partner_id) if actor.is_partner and actor.partner_id is not None else {}
    # A closed program is shown to partners that applied to it only.
    rows = [row for row in rows if not actor.is_partner or row[0].is_open or row[0].id in own]
    return [
        ProgramEntry(
            program=program,
            pending=pending,
            enrolled=enrolled,
            application=own.get(program.id),
            eligibility=eligibility(session, partner_id=actor.partner_id, program=program) if actor.is_partner and actor.partner_id is not None else [],
        )
        for program, pending, enrolled in rows
    ]


def view_program(session: Session, actor: Actor, *, program_id: int) -> ProgramView:
    require(actor, Permission.EARLY_ACCESS_READ)
    repository = EarlyAccessRepository(session)
    entry = next((e for e in list_programs(session, actor) if e.program.id == program_id), None)
    if entry is None:
        raise NotFound(f"Early-access program {program_id} not found.")
    program = entry.program
    tracks = AssetRepository(session).tracks([program.required_track_id]) if program.required_track_id else {}
    track = tracks.get(program.required_track_id) if program.required_track_id else None
    vendor = not actor.is_partner
    enrolled = entry.application is not None and entry.application.status == ApplicationStatus.ACCEPTED
    applications = list(repository.applications(ApplicationFilters(program_id=program.id), sort=None, page=PageRequest(limit=500)).items) if vendor else []
    return ProgramView(
        entry=entry,
        track_name=asset_service.track_words(track) if track else None,
        assets=repository.gated_assets(program.id),
        feedback=repository.feedback(program.id) if vendor or enrolled else [],
        applications=applications,
        blockers={
            row[0].id: eligibility(session, partner_id=row[0].partner_id, program=program) for row in applications if row[0].status == ApplicationStatus.PENDING
        },
        may_apply=can(actor, Permission.EARLY_ACCESS_APPLY) and program.is_open and entry.application is None,
        may_decide=can(actor, Permission.EARLY_ACCESS_DECIDE),
    )


def list_applications(session: Session, actor: Actor, *, filters: ApplicationFilters, sort: str | None, page: PageRequest) -> Page[Any]:
    """Applications with their program, partner and the people who accepted the terms and decided
    (partners: their own)."""
    require(actor, Permission.EARLY_ACCESS_READ)
    return EarlyAccessRepository(session).applications(filters, sort=sort, page=page)


def eligibility(session: Session, *, partner_id: int | None, program: EarlyAccessProgram) -> list[str]:
    """What the partner misses of the program's eligibility, in words (entitlement.locks)."""
    if partner_id is None or (program.minimum_tier_rank is None and program.required_track_id is None):
        return []
    assets = AssetRepository(session)
    partner = assets.partner_facts(partner_id)
    if partner is None:
        raise NotFound(f"Partner {partner_id} not found.")
    track = assets.tracks([program.required_track_id]).get(program.required_track_id) if program.required_track_id else None
    holders = asset_service.certified_holders(assets.held_certifications(partner_id, today=clock.today()), track) if track else set()
    requirement = Requirement(
        minimum_tier_rank=program.minimum_tier_rank,
        minimum_tier_name=partner.tier_names.get(program.minimum_tier_rank) if program.minimum_tier_rank else None,
        track_name=asset_service.track_words(track) if track else None,
        holder=CertificationHolder.PARTNER,
        holders_needed=1,
    )
    standing = Standing(
        partner_type=PartnerType(partner.partner_type),
        si_subtype=SISubtype(partner.si_subtype) if partner.si_subtype else None,
        tier_rank=partner.tier_rank,
        tier_name=partner.tier_name,
        certified_holders=len(holders),
    )
    return [lock.reason for lock in entitlement.locks(requirement, standing)]


# --- writing ---------------------------------------------------------------------------------


def create_program(session: Session, actor: Actor, *, data: EarlyAccessProgramInput) -> EarlyAccessProgram:
    """A release's early-access program (one per release), open for applications."""
    require(actor, Permission.EARLY_ACCESS_MANAGE)
    repository = EarlyAccessRepository(session)
    assets = AssetRepository(session)
    lines = assets.product_line_names()
    if data.product_line not in lines:
        raise RuleViolation(
            f"Unknown product line {data.product_line!r}.", details=[{"field": "product_line", "message": f"known: {', '.join(sorted(lines))}"}]
        )
    if data.required_track_id is not None and not assets.tracks([data.required_track_id]):
        raise RuleViolation(f"No certification track {data.required_track_id}.", details=[{"field": "required_track_id", "message": "no such track"}])
    if repository.program_of_release(data.product_line, data.version) is not None:
        raise Conflict(
            f"{program_name(lines[data.product_line], data.version)} has an early-access program.", details=[{"field": "version", "message": "already has one"}]
        )
    program = EarlyAccessProgram(
        product_line=data.product_line,
        version=data.version,
        name=program_name(lines[data.product_line], data.version),
        terms=data.terms,
        minimum_tier_rank=data.minimum_tier_rank,
        required_track_id=data.required_track_id,
        is_open=True,
        created_by_user_id=actor.user_id,
    )
    repository.add_row(program)
    audit.record(
        session,
        actor,
        "early_access.program_created",
        entity_type="early_access_program",
        entity_id=program.id,
        after={"name": program.name, "minimum_tier_rank": program.minimum_tier_rank, "required_track_id": program.required_track_id},
    )
    return program


def set_open(session: Session, actor: Actor, *, program_id: int, is_open: bool) -> EarlyAccessProgram:
    """Open or close a program for applications (enrolled partners keep their access)."""
    require(actor, Permission.EARLY_ACCESS_MANAGE)
    program = EarlyAccessRepository(session).program(program_id)
    if program is None:
        raise NotFound(f"Early-access program {program_id} not found.")
    before = {"is_open": program.is_open}
    program.is_open = is_open
    program.updated_at = clock.now()
    session.flush()
    audit.record_update(
        session,
        actor,
        "early_access.program_opened" if is_open else "early_access.program_closed",
        entity_type="early_access_program",
        entity_id=program.id,
        before=before,
        after={"is_open": is_open},
    )
    return program


def apply(session: Session, actor: Actor, *, program_id: int, data: EarlyAccessApplicationInput) -> EarlyAccessApplication:
    """The partner admin's application for its organisation, accepting the program's terms."""
    require(actor, Permission.EARLY_ACCESS_APPLY)
    assert actor.partner_id is not None  # the permission is a partner role's
    repository = EarlyAccessRepository(session)
    program = repository.program(program_id)
    if program is None or (not program.is_open and repository.application_of(program_id, actor.partner_id) is None):
        raise NotFound(f"Early-access program {program_id} not found.")
    if not data.accept_terms:
        raise RuleViolation("Applying means accepting the program's terms.", details=[{"field": "accept_terms", "message": "accept the terms to apply"}])
    # The partner row's lock orders two applications of the same partner: the second finds the first.
    PartnerRepository(session).get_for_change(actor.partner_id)
    existing = repository.application_of(program.id, actor.partner_id)
    if existing is not None:
        raise Conflict(f"Your organisation has applied to {program.name} already ({ApplicationStatus(existing.status).label.lower()}).")
    if not program.is_open:
        raise Conflict(f"The {program.name} early-access program takes no more applications.")
    missing = eligibility(session, partner_id=actor.partner_id, program=program)
    if missing:
        raise RuleViolation(f"Not eligible for {program.name}: {'; '.join(missing)}.", details=[{"field": "eligibility", "message": m} for m in missing])
    application = EarlyAccessApplication(
        partner_id=actor.partner_id,
        program_id=program.id,
        status=ApplicationStatus.PENDING,
        note=data.note,
        terms_sha256=terms_digest(program.terms),
        terms_accepted_at=clock.now(),
        terms_accepted_by_user_id=actor.user_id,
    )
    repository.add(application)
    audit.record(
        session,
        actor,
        "early_access.applied",
        entity_type="early_access_application",
        entity_id=application.id,
        partner_id=actor.partner_id,
        after={"program": program.name, "terms_sha256": application.terms_sha256, "terms_accepted_by_user_id": actor.user_id, "note": data.note},
    )
    return application


def decide_application(session: Session, actor: Actor, *, application_id: int, data: EarlyAccessDecisionInput) -> EarlyAccessApplication:
    """Accept (the partner must be eligible now) or decline with a reason; read under a row lock."""
    require(actor, Permission.EARLY_ACCESS_DECIDE)
    repository = EarlyAccessRepository(session)
    application = repository.get_for_change(application_id)
    if application is None:
        raise NotFound(f"Early-access application {application_id} not found.")
    program = repository.program(application.program_id)
    assert program is not None  # the foreign key
    status = ApplicationStatus(application.status)
    blockers = (
        eligibility(session, partner_id=application.partner_id, program=program)
        if data.decision == EarlyAccessDecision.ACCEPT and status == ApplicationStatus.PENDING
        else []
    )
    try:
        target = decide(status, data.decision, reason=data.reason, blockers=blockers)
    except RefusedDecision as error:
        if error.field == "status":
            raise Conflict(f"Application {application_id}: {error}.") from None
        raise RuleViolation(f"Cannot {data.decision.value}: {error}.", details=[{"field": error.field, "message": str(error)}]) from None
    application.status = target
    application.decided_at = clock.now()
    application.decided_by_user_id = actor.user_id
    application.decision_reason = (data.reason or "").strip() or None
    application.updated_at = clock.now()
    session.flush()
    audit.record_update(
        session,
        actor,
        f"early_access.{target.value}",
        entity_type="early_access_application",
        entity_id=application.id,
        partner_id=application.partner_id,
        before={"status": status.value},
        after={"status": target.value, "program": program.name, "reason": application.decision_reason},
    )
    early_access_notices.application_decided(session, actor, application=application, program=program)
    return application


def leave_feedback(session: Session, actor: Actor, *, asset_id: int, data: EarlyAccessFeedbackInput) -> EarlyAccessFeedback:
    """An enrolled partner's feedback on a pre-release asset of its program."""
    require(actor, Permission.EARLY_ACCESS_FEEDBACK)
    assert actor.partner_id is not None
    asset = AssetRepository(session).get(asset_id)
    if asset is None or asset.current_version_id is None:
        raise NotFound(f"Asset {asset_id} not found.")
    if asset.early_access_program_id is None:
        raise RuleViolation(f"“{asset.title}” is not a pre-release asset: feedback is for early-access programs.")
    repository = EarlyAccessRepository(session)
    if asset.early_access_program_id not in repository.enrolled_programs(actor.partner_id, [asset.early_access_program_id]):
        name = repository.program_names([asset.early_access_program_id])[asset.early_access_program_id]
        raise RuleViolation(f"Feedback on “{asset.title}” needs enrolment in the {name} early-access program.")
    feedback = EarlyAccessFeedback(
        partner_id=actor.partner_id, program_id=asset.early_access_program_id, asset_id=asset.id, user_id=actor.user_id, body=data.body
    )
    repository.add_row(feedback)
    audit.record(
        session,
        actor,
        "early_access.feedback",
        entity_type="asset",
        entity_id=asset.id,
        partner_id=actor.partner_id,
        after={"program_id": asset.early_access_program_id, "feedback_id": feedback.id},
    )
    return feedback
