from __future__ import annotations

import pytest

from alliance.errors import Conflict, PermissionDenied, RuleViolation
from alliance.registrations.lifecycle import ACTIVE, FINAL, TRANSITIONS, Side, Status, allowed_actions, transition


def test_happy_path_to_won():
    status = Status.DRAFT
    for action, side, reason in (
        ("submit", Side.PARTNER, None),
        ("start_review", Side.VENDOR, None),
        ("request_info", Side.VENDOR, "Which product lines?"),
        ("submit", Side.PARTNER, None),
        ("start_review", Side.VENDOR, None),
        ("approve", Side.VENDOR, "First to register; no conflicts"),
        ("mark_won", Side.VENDOR, None),
    ):
        status = transition(status, action, side=side, reason=reason).target
    assert status == Status.WON


@pytest.mark.parametrize(
    ("status", "action"),
    [(Status.DRAFT, "approve"), (Status.SUBMITTED, "approve"), (Status.REJECTED, "submit"), (Status.WON, "mark_lost"), (Status.EXPIRED, "approve")],
)
def test_disallowed_transitions_are_conflicts(status, action):
    with pytest.raises(Conflict, match=f"that is {status.value}"):
        transition(status, action, side=Side.VENDOR, reason="because")


def test_wrong_side():
    with pytest.raises(PermissionDenied, match="vendor"):
        transition(Status.IN_REVIEW, "approve", side=Side.PARTNER, reason="self-approval")
    with pytest.raises(PermissionDenied):
        transition(Status.APPROVED, "expire", side=Side.VENDOR, reason=None)


@pytest.mark.parametrize("action", ["approve", "reject", "request_info"])
def test_review_decisions_need_a_reason(action):
    with pytest.raises(RuleViolation) as error:
        transition(Status.IN_REVIEW, action, side=Side.VENDOR, reason="   ")
    assert error.value.details[0]["field"] == "reason"


def test_unknown_action():
    with pytest.raises(RuleViolation, match="Unknown action"):
        transition(Status.DRAFT, "teleport", side=Side.PARTNER, reason=None)


def test_allowed_actions_per_side():
    assert allowed_actions(Status.IN_REVIEW, Side.VENDOR) == ["request_info", "approve", "reject"]
    assert allowed_actions(Status.IN_REVIEW, Side.PARTNER) == []
    assert set(allowed_actions(Status.APPROVED, Side.PARTNER)) == {"mark_lost", "withdraw"}
    assert set(allowed_actions(Status.APPROVED, Side.VENDOR)) == {"mark_won", "mark_lost"}


def test_final_states_have_no_way_out():
    assert not [t for t in TRANSITIONS if t.source in FINAL]
    assert ACTIVE.isdisjoint(FINAL)
