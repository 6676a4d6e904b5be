"""What the ACE API's Sandbox catalog does with a submitted opportunity: nobody at the vendor sees
sandbox registrations (alliance.db, Sandboxable), so the sandbox reviews them itself, at once and
deterministically. The tag `alliance:sandbox-review` picks the outcome a partner's tooling wants to
test (Approved when absent); a resubmission after Action Required is approved. Pure rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alliance.registrations.lifecycle import Action

REVIEW_TAG = "alliance:sandbox-review"
DEFAULT_OUTCOME = "Approved"
# The outcome (as ACE's ReviewStatus names it) and the review decisions that reach it from Submitted.
OUTCOMES: dict[str, tuple[Action, ...]] = {
    "Approved": (Action.APPROVE,),
    "Action Required": (Action.REQUEST_INFO,),
    "Rejected": (Action.REJECT,),
    "In review": (Action.START_REVIEW,),
    "Submitted": (),
}
REASON = "Sandbox: reviewed automatically ({outcome}); sandbox opportunities are test data, never seen by the vendor."


def requested_outcome(tags: Sequence[dict[str, Any]] | None) -> str | None:
    """The outcome the tags ask for (None: the default); unknown values are the caller's to refuse."""
    return next((str(t.get("Value")) for t in tags or [] if t.get("Key") == REVIEW_TAG), None)


def review(tags: Sequence[dict[str, Any]] | None, *, resubmission: bool) -> tuple[str, tuple[Action, ...]]:
    """The outcome of a sandbox submission and the decisions that reach it."""
    outcome = DEFAULT_OUTCOME if resubmission else requested_outcome(tags) or DEFAULT_OUTCOME
    return outcome, OUTCOMES.get(outcome, OUTCOMES[DEFAULT_OUTCOME])
