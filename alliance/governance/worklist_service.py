"""What needs me: the work lists a person's home page leads with. Each list is one owning domain's
own query (the review queue, plans awaiting a signature, disputes, expiring protections and
certifications, tier gaps, co-sell breaches, labs to grade, tier recommendations), bounded to the
top few, and each item names the thing and says why it needs the person. Which lists a person gets
follows from the permission table (top layer: reads other domains, none imports it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeFilters, DisputeView
from alliance.cosell.labels import service as label_service
from alliance.cosell.plans import rules as plan_rules
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.repository import PlanFilters
from alliance.cosell.requests import service as request_service
from alliance.cosell.vocabulary import DisputeStatus
from alliance.enablement import progress_service, recert_service
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.registrations import review_service
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.protection import DEFAULT_REVIEW_SLA_BUSINESS_DAYS
from alliance.registrations.repository import RegistrationFilters
from alliance.tiers import figure_service
from alliance.tiers import service as tier_service

TOP = 5
EXPIRING_WITHIN_DAYS: Final = 30


@dataclass(frozen=True)
class WorkItem:
    """One thing that needs the person: what it is (`kind` and `entity_id` say where it lives), its
    name, and why it needs them now."""

    kind: str  # registration, plan, dispute, engagement, certification, tier, request, recommendation, figure, lab
    entity_id: int | None
    title: str
    why: str
    urgent: bool = False  # past a deadline (an SLA, a decision due)
    partner_id: int | None = None


@dataclass(frozen=True)
class WorkList:
    key: str  # review, plans, engagements, disputes, info, protections, tier, certifications, breaches, recommendations, figures, labs
    heading: str
    items: list[WorkItem]
    total: int  # how many there are in all (the page shows the top few and links to the rest)
    empty: str
    mine: bool = False  # narrowed to the partners the person manages
    extra: dict[str, str] = field(default_factory=dict)


def work_for(session: Session, actor: Actor, *, limit: int = TOP) -> list[WorkList]:
    """The person's work lists, most pressing kinds first; a list the role has no part in is left out."""
    page = PageRequest(limit=limit)
    book = actor.user_id if can(actor, Permission.PARTNERS_BOOK) else None
    lists: list[WorkList] = []
    if can(actor, Permission.REGISTRATIONS_REVIEW):
        lists.append(_review(session, actor, page, book))
    if plan_rules.side_of(actor) is not None:
        lists.append(_plans(session, actor, page))
    if can(actor, Permission.ENGAGEMENTS_STAFF):
        lists.append(_disputes(session, actor, page, on_engagement=True, book=None))
    if can(actor, Permission.DISPUTES_OPEN) or can(actor, Permission.DISPUTES_DECIDE):
        lists.append(_disputes(session, actor, page, on_engagement=False if can(actor, Permission.ENGAGEMENTS_STAFF) else None, book=book))
    if can(actor, Permission.REGISTRATIONS_FILE):
        lists.append(_info_requested(session, actor, page))
    if can(actor, Permission.REGISTRATIONS_FILE) or book is not None:
        lists.append(_protections(session, actor, page, book))
    if actor.is_partner and actor.partner_id is not None:
        lists.append(_tier(session, actor, actor.partner_id, limit))
    if (can(actor, Permission.LEARNING_RECORD) and actor.is_partner) or book is not None:
        lists.append(_certifications(session, actor, page, book))
    if can(actor, Permission.COSELL_OVERSIGHT) and (book is not None or can(actor, Permission.COSELL_REQUESTS_RESPOND)):
        lists.append(_breaches(session, actor, page, book))
    if can(actor, Permission.TIER_RECOMMENDATIONS_DECIDE):
        lists.append(_recommendations(session, actor, page))
    # Figures and labs are queued across every partner: a CAM's home keeps to their book instead.
    if can(actor, Permission.PARTNERS_WRITE) and book is None:
        lists.append(_figures(session, actor, page))
    if can(actor, Permission.LABS_GRADE) and not can(actor, Permission.PARTNERS_BOOK):
        lists.append(_labs(session, actor, page))
    return lists


# --- each list ---------------------------------------------------------------------------------


def _review(session: Session, actor: Actor, page: PageRequest, book: int | None) -> WorkList:
    queue = review_service.review_queue(session, actor, page=page, cam_user_id=book, extensions_limit=page.limit)
    items = [
        WorkItem(
            kind="registration",
            entity_id=q.registration_id,
            title=f"{q.title} ({q.partner_name})",
            why=(
                f"waiting on the partner {_for(q.waiting_since)}"
                if q.waiting_on == "partner"
                else f"SLA {_number(q.age_business_days)} of {DEFAULT_REVIEW_SLA_BUSINESS_DAYS} business days"
                + (f", overdue since {_when(q.due_at)}" if q.overdue else f", due {_when(q.due_at)}")
            ),
            urgent=q.overdue,
            partner_id=q.partner_id,
        )
        for q in queue.items.items
    ]
    room = max(page.limit - len(items), 0)
    items += [
        WorkItem(
            kind="registration",
            entity_id=e.registration_id,
            title=f"{e.registration_title} ({e.partner_name})",
            why=f"asked {_ago(e.requested_at)} to extend its protection",
            partner_id=e.partner_id,
        )
        for e in queue.extensions[:room]
    ]
    return WorkList(
        "review",
        "Registrations to review",
        items,
        queue.items.total + queue.extensions_total,
        "Nothing waits for your review.",
        mine=book is not None,
    )


def _plans(session: Session, actor: Actor, page: PageRequest) -> WorkList:
    side = plan_rules.side_of(actor)
    found = plan_service.list_plans(session, actor, filters=PlanFilters(awaiting_side=side), page=page)
    labels = label_service.label_registrations(session, actor, registration_ids=(p.registration_id for p in found.items))
    items = []
    for plan in found.items:
        label = labels.get(plan.registration_id)
        name = f"{label.customer_name}: {label.title}" if label else f"Plan {plan.id}"
        if label and not actor.is_partner:
            name += f" ({label.partner_name})"
        items.append(
            WorkItem(
                kind="plan",
                entity_id=plan.id,
                title=f"Co-delivery plan v{plan.latest_number}, {name}",
                why=f"awaiting your signature {_for(plan.updated_at)}",
                partner_id=plan.partner_id,
            )
        )
    return WorkList("plans", "Plans to sign", items, found.total, "No plan waits for your signature.")


def _disputes(session: Session, actor: Actor, page: PageRequest, *, on_engagement: bool | None, book: int | None) -> WorkList:
    filters = DisputeFilters(status=DisputeStatus.OPEN, on_engagement=on_engagement, cam_user_id=book)
    found = dispute_service.list_disputes(session, actor, filters=filters, page=page)
    subjects = label_service.describe_disputes(session, actor, dispute_ids=(v.dispute.id for v in found.items))
    items = []
    for view in found.items:
        subject = subjects.get(view.dispute.id)
        about = (subject.customer_name or subject.registration_title or "") if subject else ""
        partner = f" ({subject.partner_name})" if subject and not actor.is_partner else ""
        items.append(
            WorkItem(
                kind="engagement" if on_engagement else "dispute",
                entity_id=view.dispute.engagement_id if on_engagement else view.dispute.id,
                title=f"{view.dispute.subject}{' · ' + about if about else ''}{partner}",
                why=_dispute_why(view),
                urgent=view.overdue,
                partner_id=view.dispute.partner_id,
            )
        )
    if on_engagement:
        return WorkList("engagements", "Blocked engagements", items, found.total, "No PS engagement is held up by a dispute.")
    return WorkList("disputes", "Open disputes", items, found.total, "No open disputes.", mine=book is not None)


def _dispute_why(view: DisputeView) -> str:
    dispute = view.dispute
    where = f"escalated to {view.level_name}" if dispute.level > 0 else f"open at {view.level_name}"
    deadline = f", decision overdue since {_when(dispute.level_deadline_at)}" if view.overdue and dispute.level_deadline_at else ""
    if not deadline and dispute.level_deadline_at:
        deadline = f", decision due {_when(dispute.level_deadline_at)}"
    return f"{where}, opened {_ago(dispute.opened_at)}{deadline}; decided by {view.deciders_text}"


def _info_requested(session: Session, actor: Actor, page: PageRequest) -> WorkList:
    filters = RegistrationFilters(status=Status.INFO_REQUESTED)
    found = registration_service.list_registrations(session, actor, filters=filters, sort="created", page=page)
    items = [
        WorkItem(
            kind="registration",
            entity_id=v.registration.id,
            title=f"{v.registration.title} ({v.registration.customer_name})",
            why="the channel team asks for more information",
            partner_id=v.registration.partner_id,
        )
        for v in found.items
    ]
    return WorkList("info", "Registrations waiting for your answer", items, found.total, "No registration waits for more information.")


def _protections(session: Session, actor: Actor, page: PageRequest, book: int | None) -> WorkList:
    by = clock.today() + timedelta(days=EXPIRING_WITHIN_DAYS)
    filters = RegistrationFilters(status=Status.APPROVED, protected_until_by=by, cam_user_id=book)
    found = registration_service.list_registrations(session, actor, filters=filters, sort="protected_until", page=page)
    items = []
    for view in found.items:
        registration = view.registration
        partner = f", {view.partner_name}" if view.partner_name else ""
        days = view.days_left if view.days_left is not None else 0
        items.append(
            WorkItem(
                kind="registration",
                entity_id=registration.id,
                title=f"{registration.title} ({registration.customer_name}{partner})",
                why=f"protection ends {_day(registration.protected_until)}, in {days} day{'' if days == 1 else 's'}",
                urgent=days <= 7,
                partner_id=registration.partner_id,
            )
        )
    return WorkList(
        "protections", "Protections expiring", items, found.total, f"No protection ends in the next {EXPIRING_WITHIN_DAYS} days.", mine=book is not None
    )


def _tier(session: Session, actor: Actor, partner_id: int, limit: int) -> WorkList:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    if partner.program_id is None:
        return WorkList("tier", "Tier", [], 0, "Not enrolled in a program yet, so there is no tier to work towards.")
    try:
        evaluation = tier_service.evaluate_partner(session, actor, partner_id=partner_id).evaluation
    except RuleViolation as exc:
        return WorkList("tier", "Tier", [], 0, exc.message)
    target = evaluation.next_tier
    if target is None:
        return WorkList("tier", "Tier", [], 0, "You hold the top tier of your program.")
    verb = "keep" if evaluation.keeping else "reach"
    gaps = evaluation.unmet
    items = [WorkItem(kind="tier", entity_id=None, title=gap.label, why=gap.words, urgent=evaluation.keeping, partner_id=partner_id) for gap in gaps[:limit]]
    empty = f"You meet every criterion with data for {target.name}; it is awarded at the next evaluation."
    return WorkList("tier", f"What it takes to {verb} {target.name}", items, len(gaps), empty)


def _certifications(session: Session, actor: Actor, page: PageRequest, book: int | None) -> WorkList:
    found = recert_service.expiring(
        session, actor, within_days=EXPIRING_WITHIN_DAYS, partner_id=actor.partner_id if actor.is_partner else None, page=page, cam_user_id=book
    )
    items = [
        WorkItem(
            kind="certification",
            entity_id=row.person_id,
            title=f"{row.person_name}: {row.track_name}" + ("" if actor.is_partner else f" ({row.partner_name})"),
            why=f"{row.reason} {_day(row.ends_on)}, in {row.days_left} day{'' if row.days_left == 1 else 's'}",
            urgent=row.days_left <= 7,
            partner_id=row.partner_id,
        )
        for row in found.items
    ]
    return WorkList(
        "certifications",
        "Certifications expiring",
        items,
        found.total,
        f"No certification ends in the next {EXPIRING_WITHIN_DAYS} days.",
        mine=book is not None,
    )


def _breaches(session: Session, actor: Actor, page: PageRequest, book: int | None) -> WorkList:
    found = request_service.list_breaches(session, actor, team_id=None, page=page, cam_user_id=book)
    labels = label_service.label_registrations(session, actor, registration_ids=(v.request.registration_id for v in found.items))
    now = clock.now()
    items = []
    for view in found.items:
        request = view.request
        label = labels.get(request.registration_id)
        name = f"{label.customer_name}: {label.title} ({label.partner_name})" if label else f"Request {request.id}"
        if request.first_responded_at is None:
            why = f"no first response, due {_when(request.first_response_due_at)}: {_hours(now - request.first_response_due_at)} late"
        else:
            why = f"answered {_hours(request.first_responded_at - request.first_response_due_at)} after its due time"
        items.append(
            WorkItem(kind="request", entity_id=request.id, title=f"{request.request_type.value.replace('_', ' ').capitalize()}, {name}", why=why, urgent=True)
        )
    return WorkList("breaches", "Co-sell SLA breaches", items, found.total, "No co-sell request is past its first-response time.", mine=book is not None)


def _recommendations(session: Session, actor: Actor, page: PageRequest) -> WorkList:
    found = tier_service.recommendation_queue(session, actor, page=page)
    items = [
        WorkItem(
            kind="recommendation",
            entity_id=view.recommendation.id,
            title=view.partner_name or f"Partner {view.recommendation.partner_id}",
            why=f"{view.recommendation.action.value.capitalize()} recommended {_ago(view.recommendation.evaluated_at)}",
            partner_id=view.recommendation.partner_id,
        )
        for view in found.items
    ]
    return WorkList("recommendations", "Tier changes to decide", items, found.total, "No tier change waits for a decision.")


def _figures(session: Session, actor: Actor, page: PageRequest) -> WorkList:
    found = figure_service.figure_queue(session, actor, page=page)
    items = [
        WorkItem(
            kind="figure",
            entity_id=view.figure.id,
            title=f"{view.metric_label}, {view.figure.period:%B %Y} ({view.partner_name or view.figure.partner_id})",
            why=f"reported {_ago(view.figure.reported_at)}, waiting for confirmation",
            partner_id=view.figure.partner_id,
        )
        for view in found.items
    ]
    return WorkList("figures", "Reported figures to confirm", items, found.total, "No reported figure waits for confirmation.")


def _labs(session: Session, actor: Actor, page: PageRequest) -> WorkList:
    found = progress_service.lab_queue(session, actor, page=page)
    items = [
        WorkItem(
            kind="lab",
            entity_id=row.id,
            title=f"{row.person_name}: {row.track_name} ({row.partner_name})",
            why=f"handed in {_ago(row.submitted_at)}, waiting for a grade",
            partner_id=row.partner_id,
        )
        for row in found.items
    ]
    return WorkList("labs", "Labs to grade", items, found.total, "No lab waits for a grade.")


# --- words -------------------------------------------------------------------------------------


def _ago(moment: datetime) -> str:
    """'3 days ago', 'today': when something started waiting, in whole days."""
    days = (clock.now() - moment).days
    return "today" if days <= 0 else f"{days} day{'' if days == 1 else 's'} ago"


def _for(moment: datetime) -> str:
    """'for 3 days', 'since today': how long something has waited."""
    days = (clock.now() - moment).days
    return "since today" if days <= 0 else f"for {days} day{'' if days == 1 else 's'}"


def _hours(delta: timedelta) -> str:
    hours = max(int(delta.total_seconds() // 3600), 0)
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
