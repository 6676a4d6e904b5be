"""The MDF rules, pure: what a state allows, what a claim may reimburse, when a claim is due, and
the ledger's balances. Services call these after locking the allocation; tests call them directly."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from alliance.errors import Conflict, RuleViolation
from alliance.funds.vocabulary import SPENDING_KINDS, ClaimStatus, LedgerKind, RequestStatus

CENT = Decimal("0.01")
ZERO = Decimal(0)

# What each act needs the request or claim to be in.
REQUEST_ACTS: dict[str, frozenset[RequestStatus]] = {
    "approve": frozenset({RequestStatus.SUBMITTED}),
    "reject": frozenset({RequestStatus.SUBMITTED}),
    "withdraw": frozenset({RequestStatus.SUBMITTED}),
    "claim": frozenset({RequestStatus.APPROVED}),
}
CLAIM_ACTS: dict[str, frozenset[ClaimStatus]] = {
    "approve": frozenset({ClaimStatus.SUBMITTED}),
    "reject": frozenset({ClaimStatus.SUBMITTED}),
    "pay": frozenset({ClaimStatus.APPROVED}),
}


def require_request_state(act: str, status: RequestStatus, request_id: int) -> None:
    if status not in REQUEST_ACTS[act]:
        allowed = " or ".join(sorted(s.value for s in REQUEST_ACTS[act]))
        raise Conflict(
            f"Fund request {request_id} is {status.value}: only a {allowed} request can be {_past(act)}.",
            details=[{"field": "status", "message": status.value}],
        )


def require_claim_state(act: str, status: ClaimStatus, claim_id: int) -> None:
    if status not in CLAIM_ACTS[act]:
        allowed = " or ".join(sorted(s.value for s in CLAIM_ACTS[act]))
        raise Conflict(
            f"Claim {claim_id} is {status.value}: only a {allowed} claim can be {_past(act)}.", details=[{"field": "status", "message": status.value}]
        )


def _past(act: str) -> str:
    return {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn", "claim": "claimed against", "pay": "paid"}[act]


@dataclass(frozen=True)
class Balances:
    """What the ledger's entries of an allocation (or a partner, or a program) sum to per bucket."""

    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    claimed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    expired: Decimal = ZERO

    @classmethod
    def of(cls, sums: Mapping[LedgerKind | str, Decimal]) -> Balances:
        return cls(**{LedgerKind(kind).value: Decimal(amount) for kind, amount in sums.items()})

    @property
    def available(self) -> Decimal:
        """What may still be committed: allocated less everything committed, claimed, approved, paid or expired."""
        return self.allocated - sum((getattr(self, kind.value) for kind in SPENDING_KINDS), ZERO)

    @property
    def spent(self) -> Decimal:
        """MDF spent: claims approved or paid (what plan-vs-actual counts)."""
        return self.approved + self.paid

    def problems(self) -> list[str]:
        """The invariants every sequence of acts keeps (empty when they hold)."""
        found = [f"{kind.value} is negative ({getattr(self, kind.value)})" for kind in (LedgerKind.ALLOCATED, *SPENDING_KINDS) if getattr(self, kind.value) < 0]
        if self.available < 0:
            found.append(f"available is negative ({self.available})")
        return found


def require_available(balances: Balances, amount: Decimal, currency: str) -> None:
    if amount > balances.available:
        raise RuleViolation(
            f"{amount} {currency} is more than the allocation's available balance of {balances.available} {currency}.",
            details=[{"field": "amount", "message": f"over the available balance ({balances.available} {currency})", "rule": "amount_over_balance"}],
        )


def reimbursable(claimed: Decimal, *, percent: Decimal, remaining: Decimal) -> Decimal:
    """What a claim of `claimed` may be reimbursed: `percent` of it (rounded down to the cent),
    never more than what remains of the request's commitment."""
    share = (claimed * percent / 100).quantize(CENT, rounding=ROUND_DOWN)
    return max(ZERO, min(share, remaining))


def claim_deadline(activity_ends_on: date, days: int) -> date:
    """The last day a claim is accepted: `days` after the activity's last day."""
    return activity_ends_on + timedelta(days=days)


def require_claimable(*, today: date, starts_on: date, deadline: date) -> None:
    """A claim is filed once the activity has started and no later than its deadline."""
    if today < starts_on:
        raise RuleViolation(
            f"The activity starts on {starts_on.isoformat()}: claim once it has taken place.",
            details=[{"field": "request_id", "message": f"the activity starts on {starts_on.isoformat()}", "rule": "claim_before_activity"}],
        )
    if today > deadline:
        raise RuleViolation(
            f"The claim deadline was {deadline.isoformat()}: claims are filed within the program's claim period after the activity.",
            details=[{"field": "request_id", "message": f"claim deadline {deadline.isoformat()} has passed", "rule": "claim_after_deadline"}],
        )


_CODE = re.compile(r"^\s*MDF-(\d{1,10})\s*$", re.IGNORECASE)


def request_id_of_code(code: str) -> int | None:
    """The fund request a campaign code (MDF-123) names; None when it is not one."""
    found = _CODE.match(code)
    return int(found[1]) if found else None
