"""The demo vendor's practice development: joint business plans and the ramp they show.

- Harbor Bridge's annual plan for this fiscal year, agreed by both sides: revenue and certification
  targets on track, a solution accelerator confirmed with its won project linked as evidence, a
  demo environment due within weeks and not started (at risk), the vendor's certification funding.
- A GSI's plan with the vendor's co-investment: certification funding, MDF, architect hours and
  executive sponsor time.
- Ramp: a newer regional SI that reached its first won deal 9 months after enrolling (another one
  in 12), with certification funding in its first plan, next to a regional SI enrolled 20 months
  ago with no approved registration and no won deal: stalled past its cohort's median, on its
  CAM's ramp dashboard.

Every step goes through the services, with the clock set to the moment it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance.demo.cosell import admin_of, staff_actor
from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import CUSTOMERS, PipelineSteps, frozen
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit import fiscal
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.models import Partner
from alliance.partners.repository import PartnerFilters
from alliance.partners.schemas import PartnerUpdate
from alliance.partners.vocabulary import PartnerStatus, PartnerType, SISubtype
from alliance.planning import actuals_service
from alliance.planning import service as plan_service
from alliance.planning.ramp_repository import RampRepository
from alliance.planning.ramp_rules import Milestone
from alliance.planning.schemas import PlanItemInput, ProgressInput
from alliance.planning.vocabulary import ItemKind
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.repository import RegistrationFilters

DAYS_PER_MONTH = 365.25 / 12
# (months enrolled, months to the first approved registration, to the first won deal, to the first confirmed milestone)
RAMPERS = ((15, 3, 9, 8), (19, 4, 12, 11))
STALLED_MONTHS = 20


@dataclass(frozen=True)
class PracticeSummary:
    plans: int
    ramping: list[str]
    stalled: str | None


def build_practice(session: Session, actor: Actor, *, seed: int, today: date) -> PracticeSummary:
    admin = staff_actor(session, Role.PROGRAM_ADMIN)
    plans = 0
    harbor = _partners(session, actor, q=SHOWCASE_NAME)
    if harbor and _harbor_plan(session, actor, admin, harbor[0], today):
        plans += 1
    gsis = _partners(session, actor, partner_type=PartnerType.SYSTEMS_INTEGRATOR, si_subtype=SISubtype.GSI)
    if gsis and _gsi_plan(session, actor, admin, gsis[0], today):
        plans += 1
    ramping, stalled = _ramp(session, actor, admin, seed=seed, today=today)
    return PracticeSummary(plans=plans + len(ramping), ramping=ramping, stalled=stalled)


def _partners(session: Session, actor: Actor, **filters: Any) -> list[Partner]:
    wanted = PartnerFilters(status=PartnerStatus.ACTIVE, **filters)
    return list(partner_service.list_partners(session, actor, filters=wanted, sort="name", page=PageRequest(limit=100)).items)


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _cam_of(session: Session, partner: Partner, admin: Actor) -> Actor:
    if partner.cam_user_id is None:
        return admin
    user = identity_service.get_user(session, admin, user_id=partner.cam_user_id)
    return identity_service.actor_for(user)


def _item(kind: ItemKind, title: str, due_on: date, **fields: Any) -> PlanItemInput:
    return PlanItemInput(kind=kind, title=title, due_on=due_on, **fields)


def _agree(session: Session, partner_side: Actor, vendor_side: Actor, plan_id: int) -> None:
    version = plan_service.propose_plan(session, partner_side, plan_id=plan_id, note="Reviewed together at the planning workshop.")
    plan_service.sign_version(session, partner_side, version_id=version.id)
    plan_service.sign_version(session, vendor_side, version_id=version.id)


def _harbor_plan(session: Session, actor: Actor, admin: Actor, harbor: Partner, today: date) -> bool:
    partner_admin = admin_of(session, actor, harbor.id)
    if partner_admin is None:
        return False
    cam = _cam_of(session, harbor, admin)
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    soon = min(today + timedelta(days=12), year.end)
    territory = (harbor.territories or harbor.regions or ["Home territory"])[0]
    items = [
        _item(ItemKind.REVENUE_TARGET, f"Services revenue, {territory}", year.end, revenue_kind="services", amount=Decimal(1), territory=territory),
        _item(ItemKind.CERTIFICATION_TARGET, "Certified solution architects", year.end, delivery_role="solution_architect", level="associate", target_count=1),
        _item(ItemKind.SOLUTION_MILESTONE, "Healthcare data-platform accelerator", year.end),
        _item(ItemKind.DEMO_ENVIRONMENT, "Shared demo environment for the accelerator", soon),
        _item(
            ItemKind.CO_INVESTMENT, "Certification vouchers for the delivery team", year.end, investment_kind="certification_funding", amount=Decimal(25_000)
        ),
    ]
    plan = plan_service.create_plan(
        session, partner_admin, partner_id=None, period=year.key, title=f"{harbor.display_name} — {year.label} joint plan", items=items
    )
    # Targets within reach of what the ledger and enablement already show: on track.
    measured = actuals_service.compute(session, [plan_service.get_plan(session, partner_admin, plan_id=plan.id)], as_of=today)[plan.id]
    revenue, people = (measured.items[0].progress, measured.items[1].progress)
    reached_revenue = revenue.actual if revenue else Decimal(0)
    targets = [
        items[0].model_copy(update={"amount": (reached_revenue * Decimal("1.04")).quantize(Decimal(1000), ROUND_DOWN) or Decimal(250_000)}),
        items[1].model_copy(update={"target_count": max(int(people.actual) if people else 0, 1)}),
        *items[2:],
    ]
    if reached_revenue <= 0:
        targets = targets[1:]
    plan_service.update_draft(session, partner_admin, plan_id=plan.id, title=plan.title, items=targets)
    _agree(session, partner_admin, cam, plan.id)
    won = registration_service.list_registrations(
        session, actor, filters=RegistrationFilters(partner_id=harbor.id, status=Status.WON), sort="created", page=PageRequest(limit=10)
    ).items
    accelerator = next(
        i.ref for i in plan_service.get_plan(session, partner_admin, plan_id=plan.id).versions[-1].items if i.kind == ItemKind.SOLUTION_MILESTONE
    )
    evidence = ProgressInput(
        status="completed",
        evidence_note="Accelerator packaged and first used on the won project linked here.",
        evidence_registration_id=won[0].registration.id if won else None,
    )
    plan_service.record_progress(session, partner_admin, plan_id=plan.id, ref=accelerator, data=evidence)
    plan_service.confirm_item(session, cam, plan_id=plan.id, ref=accelerator)
    return True


def _gsi_plan(session: Session, actor: Actor, admin: Actor, gsi: Partner, today: date) -> bool:
    """The vendor's co-investment in a GSI practice: certification funding delivered, MDF, architect
    hours and sponsor time under way; the certified-architect target reached."""
    partner_admin = admin_of(session, actor, gsi.id)
    if partner_admin is None:
        return False
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    half = fiscal.current().period(fiscal.PeriodKind.HALF, year.start).end
    items = [
        _item(
            ItemKind.CERTIFICATION_TARGET, "Professional solution architects", year.end, delivery_role="solution_architect", level="associate", target_count=1
        ),
        _item(ItemKind.SOLUTION_MILESTONE, "Reference architecture co-developed with the vendor", year.end),
        _item(ItemKind.CO_INVESTMENT, "Certification funding: 40 exam seats", half, investment_kind="certification_funding", amount=Decimal(150_000)),
        _item(ItemKind.CO_INVESTMENT, "MDF for the joint industry campaign", year.end, investment_kind="mdf", amount=Decimal(100_000)),
        _item(
            ItemKind.CO_INVESTMENT, "Vendor architect hours on the reference architecture", year.end, investment_kind="architect_hours", quantity=Decimal(400)
        ),
        _item(ItemKind.CO_INVESTMENT, "Executive sponsor time", year.end, investment_kind="executive_sponsor_hours", quantity=Decimal(24)),
    ]
    with frozen(_moment(year.start + timedelta(days=14))):
        plan = plan_service.create_plan(
            session, admin, partner_id=gsi.id, period=year.key, title=f"{gsi.display_name} — {year.label} global alliance plan", items=items
        )
        measured = actuals_service.compute(session, [plan_service.get_plan(session, admin, plan_id=plan.id)], as_of=today)[plan.id]
        people = measured.items[0].progress
        reached = items[0].model_copy(update={"target_count": max(int(people.actual) if people else 0, 1)})
        plan_service.update_draft(session, admin, plan_id=plan.id, title=plan.title, items=[reached, *items[1:]])
        _agree(session, partner_admin, admin, plan.id)
    refs = [i.ref for i in plan_service.get_plan(session, admin, plan_id=plan.id).versions[-1].items]
    with frozen(_moment(min(half, today) - timedelta(days=10))):
        delivered = ProgressInput(status="completed", evidence_note="40 exam seats issued; the voucher codes went to the partner's enablement lead.")
        plan_service.record_progress(session, admin, plan_id=plan.id, ref=refs[2], data=delivered)
        plan_service.confirm_item(session, admin, plan_id=plan.id, ref=refs[2])
    started = ProgressInput(status="in_progress")
    for ref in (refs[1], refs[3], refs[4]):
        plan_service.record_progress(session, admin if ref != refs[1] else partner_admin, plan_id=plan.id, ref=ref, data=started)
    return True


def _ramp(session: Session, actor: Actor, admin: Actor, *, seed: int, today: date) -> tuple[list[str], str | None]:
    """Two regional SIs enrolled 15 and 19 months ago that ramped fast (with certification funding
    in their first plan) and one enrolled 20 months ago without an approved registration or a won deal."""
    regionals = {p.id: p for p in _partners(session, actor, partner_type=PartnerType.SYSTEMS_INTEGRATOR, si_subtype=SISubtype.REGIONAL)}
    regionals = {pid: p for pid, p in regionals.items() if p.display_name != SHOWCASE_NAME}
    rows = {row.partner_id: row for row in RampRepository(session).rows(today=today, partner_ids=list(regionals))}
    idle = [pid for pid in regionals if pid in rows and rows[pid].firsts[Milestone.APPROVED_REGISTRATION] is None and rows[pid].firsts[Milestone.WON] is None]
    if not idle or len(regionals) < 3:
        return [], None
    stalled = regionals[idle[0]]
    busy = [p for pid, p in regionals.items() if pid != stalled.id][: len(RAMPERS)]
    steps = PipelineSteps(session, actor, seed, today)
    ramping = []
    for partner, (enrolled, approved, won, confirmed) in zip(busy, RAMPERS, strict=False):
        if _ramped(session, actor, admin, steps, partner, today=today, months=(enrolled, approved, won, confirmed)):
            ramping.append(partner.display_name)
    enrolled_on = today - timedelta(days=round(STALLED_MONTHS * DAYS_PER_MONTH))
    partner_service.update_partner(
        session, admin, partner_id=stalled.id, data=PartnerUpdate(enrolled_on=enrolled_on, reason="Enrolment date from the signed partner agreement.")
    )
    return ramping, stalled.display_name


def _ramped(session: Session, actor: Actor, admin: Actor, steps: PipelineSteps, partner: Partner, *, today: date, months: tuple[int, int, int, int]) -> bool:
    partner_admin = admin_of(session, actor, partner.id)
    if partner_admin is None:
        return False
    enrolled, approved, won, confirmed = months
    enrolled_on = today - timedelta(days=round(enrolled * DAYS_PER_MONTH))

    def days_ago(after_months: int) -> float:
        return (today - (enrolled_on + timedelta(days=round(after_months * DAYS_PER_MONTH)))).days

    partner_service.update_partner(
        session, admin, partner_id=partner.id, data=PartnerUpdate(enrolled_on=enrolled_on, reason="Enrolment date from the signed partner agreement.")
    )
    customer = CUSTOMERS[(partner.id % (len(CUSTOMERS) - 2)) + 2]
    filed = days_ago(approved) + 5
    first = steps.file(partner_admin, filed, steps.deal(customer, filed, title="First registered opportunity", amount=120_000))
    steps.approve(first, days_ago(approved))
    filed = days_ago(won - 2)
    deal = steps.file(partner_admin, filed, steps.deal(customer, filed, title="First joint deal", amount=180_000))
    steps.approve(deal, filed - 3)
    steps.won(deal, days_ago(won), 175_000)
    # Its first plan, in the fiscal year it enrolled in: certification funding from the vendor.
    cam = _cam_of(session, partner, admin)
    start = enrolled_on + timedelta(days=20)
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, start)
    with frozen(_moment(start)):
        items = [
            _item(
                ItemKind.CO_INVESTMENT,
                "Certification funding for the first architects",
                year.end,
                investment_kind="certification_funding",
                amount=Decimal(20_000),
            ),
            _item(ItemKind.SOLUTION_MILESTONE, "Packaged migration offering", year.end),
        ]
        plan = plan_service.create_plan(
            session, partner_admin, partner_id=None, period=year.key, title=f"{partner.display_name} — first-year plan", items=items
        )
        _agree(session, partner_admin, cam, plan.id)
    refs = {i.kind: i.ref for i in plan_service.get_plan(session, partner_admin, plan_id=plan.id).versions[-1].items}
    with frozen(_moment(start + timedelta(days=45))):
        delivered = ProgressInput(status="completed", evidence_note="Twelve exam vouchers issued to the partner's architects.")
        plan_service.record_progress(session, cam, plan_id=plan.id, ref=refs[ItemKind.CO_INVESTMENT], data=delivered)
        plan_service.confirm_item(session, cam, plan_id=plan.id, ref=refs[ItemKind.CO_INVESTMENT])
    offering = refs[ItemKind.SOLUTION_MILESTONE]
    with frozen(_moment(today - timedelta(days=days_ago(confirmed)))):
        evidence = ProgressInput(status="completed", evidence_note="Offering published with pricing and a delivery playbook.")
        plan_service.record_progress(session, partner_admin, plan_id=plan.id, ref=offering, data=evidence)
        plan_service.confirm_item(session, cam, plan_id=plan.id, ref=offering)
    return True
