"""The registration lifecycle as a state machine: only listed transitions exist, each names who
may take it and whether a written reason is required. Pure: no session, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.errors import Conflict, PermissionDenied, RuleViolation


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WON = "won"
    LOST = "lost"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Side(StrEnum):
    PARTNER = "partner"
    VENDOR = "vendor"
    SYSTEM = "system"


# Registrations that hold a place in the queue or a protection: conflicts are checked against these.
ACTIVE = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.APPROVED})
PENDING_REVIEW = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED})
FINAL = frozenset({Status.REJECTED, Status.WON, Status.LOST, Status.EXPIRED, Status.WITHDRAWN})


@dataclass(frozen=True)
class Transition:
    action: str
    source: Status
    target: Status
    sides: frozenset[Side]
    reason_required: bool = False


def _t(action: str, source: Status, target: Status, *sides: Side, reason: bool = False) -> Transition:
    return Transition(action, source, target, frozenset(sides), reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", Status.DRAFT, Status.SUBMITTED, Side.PARTNER),
    _t("withdraw", Status.DRAFT, Status.WITHDRAWN, Side.PARTNER),
    _t("start_review", Status.SUBMITTED, Status.IN_REVIEW, Side.VENDOR),
    _t("withdraw", Status.SUBMITTED, Status.WITHDRAWN, Side.PARTNER, reason=True),
    _t("request_info", Status.IN_REVIEW, Status.INFO_REQUESTED, Side.VENDOR, reason=True),
    _t("approve", Status.IN_REVIEW, Status.APPROVED, Side.VENDOR, reason=True),
    _t("reject", Status.IN_REVIEW, Status.REJECTED, Side.VENDOR, reason=True),
    _t("submit", Status.INFO_REQUESTED, Status.SUBMITTED, Side.PARTNER),
    _t("withdraw", Status.INFO_REQUESTED, Status.WITHDRAWN, Side.PARTNER, reason=True),
    # Won means booked: the vendor confirms it with the booked amount, which creates attribution
    # credit for other partners of record too, so partners report a loss but not a win.
    _t("mark_won", Status.APPROVED, Status.WON, Side.VENDOR),
    _t("mark_lost", Status.APPROVED, Status.LOST, Side.VENDOR, Side.PARTNER, reason=True),
    _t("expire", Status.APPROVED, Status.EXPIRED, Side.SYSTEM),
    _t("withdraw", Status.APPROVED, Status.WITHDRAWN, Side.PARTNER, reason=True),
)
_BY_KEY = {(t.action, t.source): t for t in TRANSITIONS}
ACTIONS = frozenset(t.action for t in TRANSITIONS)


def allowed_actions(status: Status, side: Side) -> list[str]:
    """What `side` can do next from `status`, for buttons and API hints."""
    return [t.action for t in TRANSITIONS if t.source == status and side in t.sides]


def transition(status: Status, action: str, *, side: Side, reason: str | None) -> Transition:
    """The transition to apply, or the error that explains why not."""
    if action not in ACTIONS:
        raise RuleViolation(f"Unknown action '{action}'.", details=[{"field": "action", "message": f"one of {', '.join(sorted(ACTIONS))}"}])
    found = _BY_KEY.get((action, status))
    if found is None:
        possible = allowed_actions(status, side)
        hint = f" From {status.value} you can: {', '.join(possible)}." if possible else f" A {status.value} registration cannot change."
        raise Conflict(
            f"Cannot {action.replace('_', ' ')} a registration that is {status.value}.{hint}", details=[{"field": "status", "message": status.value}]
        )
    if side not in found.sides:
        raise PermissionDenied(f"Only the {' or '.join(sorted(s.value for s in found.sides))} side can {action.replace('_', ' ')} a registration.")
    if found.reason_required and not (reason and reason.strip()):
        raise RuleViolation(f"A reason is required to {action.replace('_', ' ')}.", details=[{"field": "reason", "message": "required"}])
    return found
