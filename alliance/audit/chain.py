"""Pure hash-chain rules: canonical content, event hash, and the verdict on a sequence of events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HASHED_FIELDS = (
    "occurred_at",
    "actor_user_id",
    "actor_label",
    "action",
    "entity_type",
    "entity_id",
    "partner_id",
    "before",
    "after",
    "reason",
)


def canonical_content(event: Mapping[str, Any]) -> str:
    """The bytes that are hashed: sorted keys, no whitespace, ISO timestamps in UTC."""
    content = {name: event[name] for name in HASHED_FIELDS}
    occurred = content["occurred_at"]
    content["occurred_at"] = occurred if isinstance(occurred, str) else occurred.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_content(event)).encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: str  # edited | deleted | reordered | truncated
    message: str


@dataclass(frozen=True)
class ChainVerdict:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_events(events: Iterable[Mapping[str, Any]], *, genesis: str, head_seq: int, head_hash: str) -> ChainVerdict:
    """Walk events in seq order; the first inconsistency is named with what most likely caused it."""
    expected_prev = genesis
    expected_seq = 1
    checked = 0
    for event in events:
        seq = event["seq"]
        checked += 1
        if event_hash(event["prev_hash"], event) != event["hash"]:
            return ChainVerdict(checked, ChainBreak(seq, "edited", f"event #{seq} was edited: its content no longer matches its hash"))
        if seq != expected_seq:
            missing = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}–#{seq - 1}"
            return ChainVerdict(checked, ChainBreak(seq, "deleted", f"event {missing} was deleted: the chain jumps to #{seq}"))
        if event["prev_hash"] != expected_prev:
            return ChainVerdict(
                checked,
                ChainBreak(seq, "reordered", f"event #{seq} was reordered or replaced: it does not follow event #{seq - 1}"),
            )
        expected_prev = event["hash"]
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    if last_seq != head_seq or expected_prev != head_hash:
        if last_seq < head_seq:
            message = f"events #{last_seq + 1}–#{head_seq} were deleted from the end of the trail"
        else:
            message = f"the trail ends at #{last_seq} but the chain head records #{head_seq}"
        return ChainVerdict(checked, ChainBreak(last_seq + 1, "truncated", message))
    return ChainVerdict(checked, None)
