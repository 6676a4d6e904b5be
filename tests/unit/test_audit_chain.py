from __future__ import annotations

from datetime import UTC, datetime

from alliance.audit.chain import event_hash, verify_events

GENESIS = "0" * 64


def _chain(n: int) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        event = {
            "seq": seq,
            "occurred_at": datetime(2026, 1, 1, 12, seq, tzinfo=UTC),
            "actor_user_id": 1,
            "actor_label": "a@x",
            "action": "partner.updated",
            "entity_type": "partner",
            "entity_id": str(seq),
            "partner_id": 7,
            "before": {"n": seq - 1},
            "after": {"n": seq},
            "reason": None,
            "prev_hash": prev,
        }
        event["hash"] = prev = event_hash(prev, event)
        events.append(event)
    return events


def _verify(events, head=None):
    head_seq, head_hash = head if head else (events[-1]["seq"], events[-1]["hash"]) if events else (0, GENESIS)
    return verify_events(events, genesis=GENESIS, head_seq=head_seq, head_hash=head_hash)


def test_intact_chain():
    verdict = _verify(_chain(5))
    assert verdict.ok and verdict.checked == 5


def test_hash_depends_on_every_field_and_predecessor():
    event = _chain(1)[0]
    assert event_hash("1" * 64, event) != event["hash"]
    assert event_hash(GENESIS, {**event, "reason": "x"}) != event["hash"]


def test_edited_content():
    events = _chain(5)
    events[2]["after"] = {"n": 999}
    verdict = _verify(events)
    assert verdict.first_break.seq == 3 and verdict.first_break.kind == "edited"


def test_deleted_in_the_middle():
    events = _chain(5)
    del events[1]
    verdict = _verify(events)
    assert verdict.first_break.kind == "deleted" and "#2" in verdict.first_break.message


def test_reordered():
    events = _chain(5)
    events[1], events[2] = events[2], events[1]
    events[1]["seq"], events[2]["seq"] = 2, 3
    verdict = _verify(events)
    assert verdict.first_break.kind == "reordered" and verdict.first_break.seq == 2


def test_truncated_tail_detected_by_head():
    events = _chain(5)
    verdict = _verify(events[:3], head=(5, events[-1]["hash"]))
    assert verdict.first_break.kind == "truncated" and "#4–#5" in verdict.first_break.message
