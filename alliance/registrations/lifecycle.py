"""The registration lifecycle as a state machine: only listed transitions exist, each names who
may take it and whether a written reason is required. The one list of actions and their labels
(web, API and templates read them from here). Pure: no session, no clock."""

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


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    REQUEST_INFO = "request_info"
    APPROVE = "approve"
    REJECT = "reject"
    MARK_WON = "mark_won"
    MARK_LOST = "mark_lost"
    EXPIRE = "expire"
    # Not transitions: protection extensions, offered next to the transitions.
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "Submit for review",
    Action.WITHDRAW: "Withdraw",
    Action.START_REVIEW: "Start review",
    Action.REQUEST_INFO: "Request info",
    Action.APPROVE: "Approve",
    Action.REJECT: "Reject",
    Action.MARK_WON: "Mark won",
    Action.MARK_LOST: "Mark lost",
    Action.EXPIRE: "Expire",
    Action.REQUEST_EXTENSION: "Request an extension",
    Action.DECIDE_EXTENSION: "Decide the extension",
}
STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.SUBMITTED: "Submitted",
    Status.IN_REVIEW: "In review",
    Status.INFO_REQUESTED: "Info requested",
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
    Status.WON: "Won",
    Status.LOST: "Lost",
    Status.EXPIRED: "Expired",
    Status.WITHDRAWN: "Withdrawn",
}
# History rows: what happened, keyed by the stored event name (an action or a filing event).
EVENT_LABELS = {
    "created": "Created",
    "updated": "Edited",
    Action.SUBMIT: "Submitted",
    Action.WITHDRAW: "Withdrawn",
    Action.START_REVIEW: "Review started",
    Action.REQUEST_INFO: "More information requested",
    Action.APPROVE: "Approved",
    Action.REJECT: "Rejected",
    Action.MARK_WON: "Marked won",
    Action.MARK_LOST: "Marked lost",
    Action.EXPIRE: "Protection expired",
    "extension_requested": "Extension requested",
    "extension_approved": "Extension approved",
    "extension_rejected": "Extension declined",
    "reassigned": "Reassigned",
}
# The vendor's review decisions: on a submitted registration they start the review first, in the
# same call, so a reviewer decides from the queue in one step whatever door they come in by.
DECISIONS = (Action.APPROVE, Action.REQUEST_INFO, Action.REJECT)


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
    action: Action
    source: Status
    target: Status
    sides: frozenset[Side]
    reason_required: bool = False


def _t(action: Action, source: Status, target: Status, *sides: Side, reason: bool = False) -> Transition:
    return Transition(action, source, target, frozenset(sides), reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, Side.PARTNER),
    _t(Action.WITHDRAW, Status.DRAFT, Status.WITHDRAWN, Side.PARTNER),
    _t(Action.START_REVIEW, Status.SUBMITTED, Status.IN_REVIEW, Side.VENDOR),
    _t(Action.WITHDRAW, Status.SUBMITTED, Status.WITHDRAWN, Side.PARTNER, reason=True),
    _t(Action.REQUEST_INFO, Status.IN_REVIEW, Status.INFO_REQUESTED, Side.VENDOR, reason=True),
    _t(Action.APPROVE, Status.IN_REVIEW, Status.APPROVED, Side.VENDOR, reason=True),
    _t(Action.REJECT, Status.IN_REVIEW, Status.REJECTED, Side.VENDOR, reason=True),
    _t(Action.SUBMIT, Status.INFO_REQUESTED, Status.SUBMITTED, Side.PARTNER),
    _t(Action.WITHDRAW, Status.INFO_REQUESTED, Status.WITHDRAWN, Side.PARTNER, reason=True),
    # Won means booked: the vendor confirms it with the booked amount, which creates attribution
    # credit for other partners of record too, so partners report a loss but not a win.
    _t(Action.MARK_WON, Status.APPROVED, Status.WON, Side.VENDOR),
    _t(Action.MARK_LOST, Status.APPROVED, Status.LOST, Side.VENDOR, Side.PARTNER, reason=True),
    _t(Action.EXPIRE, Status.APPROVED, Status.EXPIRED, Side.SYSTEM),
    _t(Action.WITHDRAW, Status.APPROVED, Status.WITHDRAWN, Side.PARTNER, reason=True),
)
_BY_KEY = {(t.action, t.source): t for t in TRANSITIONS}
ACTIONS = frozenset(t.action for t in TRANSITIONS)


def allowed_actions(status: Status, side: Side) -> list[Action]:
    """What `side` can do next from `status`, for buttons and API hints (decisions included
    where they start the review first)."""
    actions = [t.action for t in TRANSITIONS if t.source == status and side in t.sides]
    if Action.START_REVIEW in actions:
        actions += [a for a in allowed_actions(Status.IN_REVIEW, side) if a in DECISIONS]
    return actions


def steps(status: Status, action: str, *, side: Side, reason: str | None) -> list[Transition]:
    """The transitions one user act takes: a decision on a submitted registration starts the
    review first; every other act is one transition."""
    if action in DECISIONS and status == Status.SUBMITTED and side == Side.VENDOR:
        return [transition(status, Action.START_REVIEW, side=side, reason=None), transition(Status.IN_REVIEW, action, side=side, reason=reason)]
    return [transition(status, action, side=side, reason=reason)]


def transition(status: Status, action: str, *, side: Side, reason: str | None) -> Transition:
    """The transition to apply, or the error that explains why not."""
    if action not in ACTIONS:
        raise RuleViolation(f"Unknown action '{action}'.", details=[{"field": "action", "message": f"one of {', '.join(sorted(ACTIONS))}"}])
    found = _BY_KEY.get((Action(action), status))
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
