"""Joint business plan rules without a session: which items make a valid plan, where a plan
stands on a day, and what a reader may do to it. The sign-off itself is agreements.signoff."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from alliance.agreements.signoff import Side, VersionStatus, unsigned_by
from alliance.errors import RuleViolation
from alliance.planning.schemas import PlanItemInput, TemplateItem
from alliance.planning.vocabulary import ItemKind, PlanAction, PlanStatus

# What each kind of item must say, beyond a title, an owner and a due date.
REQUIRED: dict[ItemKind, tuple[str, ...]] = {
    ItemKind.REVENUE_TARGET: ("territory", "revenue_kind", "amount"),
    ItemKind.CERTIFICATION_TARGET: ("delivery_role", "level", "target_count"),
    ItemKind.CO_INVESTMENT: ("investment_kind",),
}
SPECIFIC = ("territory", "revenue_kind", "amount", "delivery_role", "level", "target_count", "investment_kind", "quantity")


def validate_items(items: Sequence[PlanItemInput], *, starts_on: date, ends_on: date) -> None:
    """Each item has what its kind needs and nothing another kind needs, is due within the plan's
    period, and an item continued from an earlier version appears once. Raises RuleViolation
    naming every offending field."""
    problems: list[dict[str, str]] = []
    refs: set[int] = set()
    for index, item in enumerate(items):
        where = f"items[{index}]"
        needed = set(REQUIRED.get(item.kind, ()))
        if item.kind == ItemKind.CO_INVESTMENT and item.investment_kind is not None:
            needed.add("amount" if item.investment_kind.is_money else "quantity")
        for field in sorted(needed):
            if getattr(item, field) is None:
                problems.append({"field": f"{where}.{field}", "message": f"a {item.kind.label.lower()} needs {field.replace('_', ' ')}"})
        for field in SPECIFIC:
            if field not in needed and getattr(item, field) is not None:
                problems.append({"field": f"{where}.{field}", "message": f"a {item.kind.label.lower()} takes no {field.replace('_', ' ')}"})
        if not starts_on <= item.due_on <= ends_on:
            problems.append({"field": f"{where}.due_on", "message": f"must be within the plan's period, {starts_on.isoformat()} to {ends_on.isoformat()}"})
        if item.ref is not None:
            if item.ref in refs:
                problems.append({"field": f"{where}.ref", "message": f"item {item.ref} appears more than once"})
            refs.add(item.ref)
    if problems:
        raise RuleViolation("The plan's items are not valid.", details=problems)


def effective_status(stored: PlanStatus, *, starts_on: date, ends_on: date, today: date) -> PlanStatus:
    """An agreed plan is active from the first day of its period to the last."""
    if stored == PlanStatus.AGREED and starts_on <= today <= ends_on:
        return PlanStatus.ACTIVE
    return stored


def actions(
    status: PlanStatus, latest: VersionStatus, *, side: Side | None, may_act: bool, partner_signed: bool, vendor_signed: bool, may_close: bool
) -> list[PlanAction]:
    """What a reader may do: edit and propose a draft, sign the proposed version for their side,
    amend an agreed plan (or revise a proposal), close an agreed plan. `may_act`: the reader signs
    for this partner's plans (a vendor signer must be the partner's CAM or a program admin)."""
    if status == PlanStatus.CLOSED or side is None or not may_act:
        return []
    found = []
    if latest == VersionStatus.DRAFT:
        found += [PlanAction.EDIT, PlanAction.PROPOSE]
    if unsigned_by(latest, side, partner_signed=partner_signed, vendor_signed=vendor_signed):
        found.append(PlanAction.SIGN)
    if latest != VersionStatus.DRAFT:
        found.append(PlanAction.AMEND)
    if may_close and status in (PlanStatus.AGREED, PlanStatus.ACTIVE):
        found.append(PlanAction.CLOSE)
    return found


def from_template(items: Sequence[TemplateItem], *, starts_on: date, ends_on: date) -> list[PlanItemInput]:
    """A template's items for a period: due `due_in_days` after its start, never after its end."""
    found = []
    for item in items:
        due = ends_on if item.due_in_days is None else min(starts_on + timedelta(days=item.due_in_days), ends_on)
        values = item.model_dump(exclude={"due_in_days"})
        found.append(PlanItemInput(**values, due_on=due))
    return found
