"""Co-delivery plan rules without a session: which rows make a valid plan, what changed between two
versions (in words), and the double sign-off.

Sign-off: alliance.agreements.signoff, the rules joint business plans share; here who may sign is
Permission.PLANS_SIGN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from alliance.agreements import signoff
from alliance.cosell.plans.schemas import PlanChangeRead
from alliance.cosell.vocabulary import Activity, Lead, Side
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission
from alliance.identity.scope import Actor

ACTIVITY_NAMES = {
    Activity.ARCHITECTURE_DESIGN: "Architecture design",
    Activity.IMPLEMENTATION: "Implementation",
    Activity.INTEGRATION: "Integration",
    Activity.DATA_MIGRATION: "Data migration",
    Activity.PROJECT_MANAGEMENT: "Project management",
    Activity.TRAINING: "Training",
    Activity.MANAGED_OPERATIONS: "Managed operations",
    Activity.CUSTOM: "Custom",
}
LEAD_NAMES = {Lead.SI: "SI", Lead.VENDOR_PS: "vendor PS", Lead.JOINT: "joint"}
# When several agreed plans on one customer disagree, the one most protective of the SI wins.
LEAD_PRECEDENCE = (Lead.SI, Lead.JOINT, Lead.VENDOR_PS)


@dataclass(frozen=True)
class Row:
    """One activity row of a plan version, as plain values."""

    activity: Activity
    lead: Lead
    label: str | None = None
    effort_days: Decimal | None = None
    notes: str | None = None

    @property
    def key(self) -> str:
        """What identifies the row across versions: the standard activity, or a custom row's label."""
        if self.activity == Activity.CUSTOM:
            return f"custom:{(self.label or '').strip().casefold()}"
        return self.activity.value

    @property
    def name(self) -> str:
        return (self.label or "Custom") if self.activity == Activity.CUSTOM else ACTIVITY_NAMES[self.activity]


# --- rows ------------------------------------------------------------------------------------


def validate_rows(rows: Sequence[Row]) -> None:
    """Custom rows need a label, a standard activity appears once (a custom label too), and
    effort is never negative. Raises RuleViolation naming every offending row."""
    problems: list[dict[str, str]] = []
    if not rows:
        problems.append({"field": "activities", "message": "a plan needs at least one activity"})
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = f"activities[{index}]"
        if row.activity == Activity.CUSTOM and not (row.label or "").strip():
            problems.append({"field": f"{where}.label", "message": "a custom row needs a label"})
            continue
        if row.activity != Activity.CUSTOM and row.label:
            problems.append({"field": f"{where}.label", "message": "only custom rows take a label"})
        if row.effort_days is not None and row.effort_days < 0:
            problems.append({"field": f"{where}.effort_days", "message": "must be 0 or more"})
        if row.key in seen:
            problems.append({"field": f"{where}.activity", "message": f"{row.name} appears more than once"})
        seen.add(row.key)
    if problems:
        raise RuleViolation("The plan's activities are not valid.", details=problems)


def same_rows(first: Sequence[Row], second: Sequence[Row]) -> bool:
    return [_normalised(r) for r in first] == [_normalised(r) for r in second]


def _normalised(row: Row) -> Row:
    effort = row.effort_days.normalize() if row.effort_days is not None else None
    return Row(activity=row.activity, lead=row.lead, label=row.label, effort_days=effort, notes=row.notes or None)


# --- comparing -------------------------------------------------------------------------------


def compare(before: Sequence[Row], after: Sequence[Row]) -> list[PlanChangeRead]:
    """Every activity added, removed or changed (lead, effort, notes), in `after`'s order with
    removed rows last, each with a sentence such as
    "Data migration: lead SI → vendor PS; effort 20 → 35 days"."""
    old = {row.key: row for row in before}
    new = {row.key: row for row in after}
    changes = []
    for row in after:
        previous = old.get(row.key)
        if previous is None:
            changes.append(_change(row, None, row, "added", f"{row.name}: added, {_describe(row)}"))
            continue
        parts = []
        if previous.lead != row.lead:
            parts.append(f"lead {LEAD_NAMES[previous.lead]} → {LEAD_NAMES[row.lead]}")
        if _effort(previous.effort_days) != _effort(row.effort_days):
            parts.append(f"effort {_effort_change(previous.effort_days, row.effort_days)}")
        if (previous.notes or None) != (row.notes or None):
            parts.append("notes changed")
        if parts:
            changes.append(_change(row, previous, row, "changed", f"{row.name}: {'; '.join(parts)}"))
    for row in before:
        if row.key not in new:
            changes.append(_change(row, row, None, "removed", f"{row.name}: removed (was {_describe(row)})"))
    return changes


def _change(row: Row, before: Row | None, after: Row | None, kind: str, text: str) -> PlanChangeRead:
    return PlanChangeRead(
        activity=row.activity,
        name=row.name,
        kind=kind,
        lead_before=before.lead if before else None,
        lead_after=after.lead if after else None,
        effort_before=before.effort_days if before else None,
        effort_after=after.effort_days if after else None,
        notes_before=before.notes if before else None,
        notes_after=after.notes if after else None,
        text=text,
    )


def _describe(row: Row) -> str:
    effort = f", {_days(row.effort_days)}" if row.effort_days is not None else ""
    return f"lead {LEAD_NAMES[row.lead]}{effort}"


def _effort(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None


def _effort_change(before: Decimal | None, after: Decimal | None) -> str:
    """'20 → 35 days', or 'no estimate → 8 days' when one side has none."""
    if before is not None and after is not None:
        return f"{_number(before)} → {_days(after)}"
    return f"{_days(before)} → {_days(after)}"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _days(value: Decimal | None) -> str:
    if value is None:
        return "no estimate"
    return f"{_number(value)} day" if value == 1 else f"{_number(value)} days"


# --- sign-off: the shared two-sided rules (agreements.signoff) with co-delivery's permission ---

SignOff = signoff.SignOff
sign = signoff.sign
unsigned_by = signoff.unsigned_by


def side_of(actor: Actor) -> Side | None:
    """The side an actor proposes and signs for; None for roles that only read plans."""
    return signoff.side_of(actor, Permission.PLANS_SIGN)


def require_side(actor: Actor) -> Side:
    return signoff.require_side(actor, Permission.PLANS_SIGN)


def combined_lead(leads: Sequence[Lead]) -> Lead | None:
    """One lead from several agreed plans: SI if any plan gives the activity to the SI, then
    joint, then vendor PS; None without any."""
    for lead in LEAD_PRECEDENCE:
        if lead in leads:
            return lead
    return None
