"""QBR figures for one partner or a whole portfolio: a fixed number of queries (figures_repository,
plus the plan-vs-actual reads of planning.actuals_service) whatever the number of partners, then
pure assembly (figures.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance.assets.repository import AssetRepository
from alliance.enablement.recert_repository import effective_dates
from alliance.funds.ledger_repository import FundsFiguresRepository
from alliance.kit import fiscal
from alliance.kit.fiscal import FiscalPeriod, PeriodKind
from alliance.planning import actuals_service
from alliance.planning.repository import BusinessPlanRepository
from alliance.planning.vocabulary import ItemKind, ItemStatus
from alliance.qbr import figures
from alliance.qbr.figures import CURRENT, QUARTERS, Collected, money
from alliance.qbr.figures_repository import QbrFiguresRepository, Window, end_of

DONE = (ItemStatus.COMPLETED, ItemStatus.CONFIRMED)


# Section 7: MDF and the asset library, read from their own domains' repositories.
LATER_TITLES = {"mdf": "MDF spend and ROI", "assets": "Asset library usage and contributions"}
LATER_LABELS = {
    "mdf": {
        "allocated": "MDF allocated (allocations covering the quarter)",
        "requests_approved": "Fund requests approved",
        "requests_approved_amount": "Amount approved on requests",
        "claimed": "Claimed",
        "claims_approved": "Claims approved",
        "paid": "Paid",
        "spent": "MDF spent on activities starting this quarter",
        "registrations": "Registrations citing those activities",
        "won": "Won revenue from them",
        "won_per_unit_spent": "Won revenue per unit of MDF spent",
        "other_currency_groups": "Groups in other currencies (not added in)",
    },
    "assets": {
        "views": "Library views by the partner's people",
        "downloads": "Downloads by the partner's people",
        "projects": "Projects recorded as using an asset",
        "contributions_created": "Contributions started",
        "contributions_published": "Contributed versions published",
    },
}
MDF_MONEY = ("allocated", "requests_approved_amount", "claimed", "claims_approved", "paid", "spent", "won")


def mdf_section(
    session: Session, partner_ids: Collection[int] | None, currency: Mapping[int, str], quarter: FiscalPeriod, window: Window
) -> dict[int, dict[str, Any]]:
    """Per partner (all the session sees for None): the quarter's MDF in its program currency (other
    currencies are counted, not added in), as known on the as-of date; None for a partner without
    any MDF in the quarter."""
    rows = FundsFiguresRepository(session).quarter(partner_ids, starts_on=quarter.start, ends_on=quarter.end, before=window.cutoff)
    found: dict[int, dict[str, Any]] = {}
    others: dict[int, int] = defaultdict(int)
    for (pid, row_currency), row in rows.items():
        if pid not in currency:
            continue
        if row_currency != currency[pid]:
            others[pid] += 1
            continue
        per_unit = (row.won / row.spent).quantize(Decimal("0.01")) if row.spent > 0 else None
        found[pid] = {key: money(getattr(row, key)) for key in MDF_MONEY} | {
            "requests_approved": row.requests_approved,
            "registrations": row.registrations,
            "won_per_unit_spent": str(per_unit) if per_unit is not None else "—",
        }
    for pid, count in others.items():
        found.setdefault(pid, {})["other_currency_groups"] = count
    return found


def assets_section(session: Session, partner_ids: Collection[int] | None, quarter: FiscalPeriod, window: Window) -> dict[int, dict[str, Any]]:
    """Per partner: its asset library activity in the quarter (up to the as-of date); None when nothing happened."""
    first = datetime.combine(quarter.start, time.min, tzinfo=UTC)
    activity = AssetRepository(session).partner_activity(partner_ids, first=first, last=min(window.cutoff, end_of(quarter.end)))
    return {pid: dict(counts) for pid, counts in activity.items() if any(counts.values())}


@dataclass(frozen=True)
class QuarterRequest:
    quarter: FiscalPeriod
    as_of: date

    @property
    def window(self) -> Window:
        return Window(quarters=fiscal.current().trailing(self.quarter, QUARTERS), as_of=self.as_of)


def parse_quarter(text: str) -> FiscalPeriod:
    """A fiscal quarter: FY2026-Q4, FY2026 Q4 or 2026Q4 (ValueError naming the forms otherwise)."""
    cleaned = text.strip().upper()
    if cleaned[:1].isdigit():
        cleaned = "FY" + cleaned.replace("-", "").replace(" ", "")
        cleaned = cleaned[:6] + "-" + cleaned[6:]
    try:
        period = fiscal.current().parse(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a fiscal quarter: write 2026Q4 or FY2026-Q4") from None
    if period.kind != PeriodKind.QUARTER:
        raise ValueError(f"{text!r} is a fiscal {period.kind.value}, not a quarter: write 2026Q4 or FY2026-Q4")
    return period


def compute(session: Session, *, partner_ids: Collection[int] | None, quarter: FiscalPeriod, as_of: date) -> dict[int, dict[str, Any]]:
    """Every section's figures for each partner the session may see (all of them when
    `partner_ids` is None), for `quarter` and the four before it, as known on `as_of`."""
    calendar = fiscal.current()
    window = QuarterRequest(quarter, as_of).window
    next_quarter = calendar.shift(quarter, 1)
    repository = QbrFiguresRepository(session)
    partners = repository.partners(partner_ids)
    ids = [row.id for row in partners]
    if not ids:
        return {}
    scope_ids = None if partner_ids is None else ids
    collected: dict[int, Collected] = {pid: Collected() for pid in ids}
    currency = {row.id: row.currency for row in partners}

    tiers = repository.tiers()
    changes: dict[int, list[Any]] = defaultdict(list)
    for row in repository.tier_changes(scope_ids, window):
        changes[row.partner_id].append((row.occurred_at, row.before))
    previous_end = end_of(window.quarters[CURRENT - 1].end)
    for row in partners:
        now_id = figures.tier_on(window.cutoff, row.tier_id, changes.get(row.id, []))
        before_id = figures.tier_on(previous_end, row.tier_id, changes.get(row.id, []))
        collected[row.id].tier = tiers[now_id][0] if now_id in tiers else None
        collected[row.id].tier_before = tiers[before_id][0] if before_id in tiers else None
    for rec in repository.tier_recommendations(scope_ids, window):
        found = collected.get(rec.partner_id)
        if found is None or found.forecast is not None or (rec.decided_at is not None and rec.decided_at < window.cutoff):
            continue
        found.forecast = {
            "action": str(rec.action),
            "tier": tiers[rec.recommended_tier_id][0] if rec.recommended_tier_id in tiers else None,
            "grace_until": rec.grace_until.isoformat() if rec.grace_until else None,
        }
    for sponsor in repository.sponsors(scope_ids, window):
        if sponsor.partner_id in collected:
            collected[sponsor.partner_id].sponsors.append({"side": str(sponsor.side), "name": sponsor.name, "title": sponsor.title})

    for meeting in repository.meetings(scope_ids, window):
        if meeting.partner_id in collected:
            collected[meeting.partner_id].meetings.append(
                {"held_on": meeting.held_on.isoformat(), "title": meeting.title, "attendees": list(meeting.attendees), "decisions": meeting.decisions}
            )
    dates = effective_dates(session, today=as_of)
    for pid, role, level, *people in repository.capacity(scope_ids, window, dates):
        if pid in collected:
            for q, count in enumerate(people):
                if count:
                    collected[pid].capacity[(q, str(role), str(level))] = int(count)
    for pid, expiring, recert_due in repository.ending(scope_ids, window, dates):
        if pid in collected:
            collected[pid].expiring, collected[pid].recert_due = expiring, recert_due
    for pid, kind, status, count, ending in repository.stages(scope_ids, window, next_quarter):
        if pid in collected:
            collected[pid].stages[(str(kind), str(status))] = (int(count), int(ending))
    for pid, q, kind, move, count in repository.pipeline_moves(scope_ids, window):
        if pid in collected:
            collected[pid].moves[(int(q), str(kind), str(move))] = count
    for pid, q, count in repository.conflicts(scope_ids, window):
        if pid in collected:
            collected[pid].conflicts[int(q)] = count
    for pid, q, credit, entry_currency, amount, deals in repository.credit(scope_ids, window):
        if pid not in collected:
            continue
        if entry_currency != currency[pid]:
            collected[pid].other_currency_entries += 1
            continue
        collected[pid].credit[(int(q), str(credit))] = (Decimal(amount or 0), deals)
    for pid, q, request_type, submitted, due, responded, completed, rating in repository.requests(scope_ids, window):
        if pid in collected:
            collected[pid].requests.append((int(q), str(request_type), submitted, due, responded, completed, rating))
    for pid, q, count in repository.plans_agreed(scope_ids, window):
        if pid in collected:
            collected[pid].plans_agreed[int(q)] = count
    for pid, q, count in repository.violations(scope_ids, window):
        if pid in collected:
            collected[pid].violations[int(q)] = count
    for pid, q, opened, resolved in repository.disputes(scope_ids, window):
        if pid in collected:
            collected[pid].disputes.append((int(q), opened, resolved))
    for pid, practice in practice_sections(session, scope_ids, quarter, as_of).items():
        if pid in collected:
            collected[pid].practice = practice

    later = {"mdf": mdf_section(session, scope_ids, currency, quarter, window), "assets": assets_section(session, scope_ids, quarter, window)}
    period = {"key": quarter.key, "label": quarter.label, "starts_on": quarter.start.isoformat(), "ends_on": quarter.end.isoformat()}
    labels = [q.label for q in window.quarters]
    result: dict[int, dict[str, Any]] = {}
    for row in partners:
        partner = {
            "id": row.id,
            "name": row.display_name,
            "legal_name": row.legal_name,
            "partner_type": str(row.partner_type),
            "si_subtype": str(row.si_subtype) if row.si_subtype else None,
            "currency": row.currency,
            "cam": row.cam_name,
        }
        sections = {
            key: {
                "title": title,
                "figures": later[key].get(row.id),
                "labels": LATER_LABELS[key],
                "money": MDF_MONEY if key == "mdf" else (),
                "currency": row.currency,
            }
            for key, title in LATER_TITLES.items()
        }
        result[row.id] = figures.assemble(partner, collected[row.id], quarter_labels=labels, period=period, as_of=as_of, later=sections)
    return result


def practice_sections(session: Session, partner_ids: Collection[int] | None, quarter: FiscalPeriod, as_of: date) -> dict[int, dict[str, Any]]:
    """Section 6 per partner: the joint business plans that overlap the quarter, measured
    together (planning.actuals_service.compute). A milestone counts as done when it was completed
    by the as-of date; revenue targets are prorated to the quarter for the headline's plan."""
    plans = BusinessPlanRepository(session).loaded(QbrFiguresRepository(session).plan_ids(partner_ids, quarter))
    measured = actuals_service.compute(session, plans, as_of=min(as_of, quarter.end)) if plans else {}
    cutoff = end_of(as_of)
    found: dict[int, dict[str, Any]] = {}
    for plan in sorted(plans, key=lambda p: (p.partner_id, p.starts_on, p.id)):
        actuals = measured[plan.id]
        completed = {row.ref: row.completed_at for row in plan.progress}
        section = found.setdefault(
            plan.partner_id,
            {"plans": [], "milestones": 0, "milestones_done": 0, "milestones_at_risk": 0, "investments": 0, "investments_delivered": 0, "revenue_target": None},
        )
        items = []
        for item in actuals.items:
            kind = ItemKind(item.item.kind)
            # An MDF co-investment is delivered once the MDF spent reaches its amount (actuals_service).
            measured_done = kind == ItemKind.CO_INVESTMENT and item.progress is not None and item.status in DONE
            done_by_then = (completed.get(item.item.ref) or cutoff) < cutoff or measured_done
            row: dict[str, Any] = {
                "kind": kind.value,
                "title": item.item.title,
                "due_on": item.item.due_on.isoformat(),
                "at_risk": item.finding.text if item.finding else None,
            }
            if item.progress is not None:
                row.update(target=str(item.progress.target), actual=str(item.progress.actual), unit=item.unit, percent=item.progress.percent)
            else:
                row.update(status=ItemStatus.COMPLETED.value if done_by_then else str(item.status))
            if kind == ItemKind.CO_INVESTMENT:
                section["investments"] += 1
                section["investments_delivered"] += int(done_by_then)
            elif kind.is_milestone:
                section["milestones"] += 1
                section["milestones_done"] += int(done_by_then)
                section["milestones_at_risk"] += int(item.finding is not None and not done_by_then)
            if kind == ItemKind.REVENUE_TARGET and item.item.currency in (None, plan.currency) and item.item.amount is not None:
                overlap = (min(plan.ends_on, quarter.end) - max(plan.starts_on, quarter.start)).days + 1
                share = Decimal(item.item.amount) * overlap / ((plan.ends_on - plan.starts_on).days + 1)
                section["revenue_target"] = money(Decimal(section["revenue_target"] or 0) + share)
            items.append(row)
        section["plans"].append({"id": plan.id, "title": plan.title, "period": plan.period_key, "version": actuals.version.number, "items": items})
    return found
