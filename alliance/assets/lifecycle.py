"""Which version transitions exist and who makes them (a transition table with useful errors),
and semantic version numbers. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliance.assets.vocabulary import VersionAction, VersionStatus

S = VersionStatus


@dataclass(frozen=True)
class Transition:
    source: frozenset[VersionStatus]
    target: VersionStatus
    needs_reason: bool
    vendor_only: bool


TRANSITIONS: dict[VersionAction, Transition] = {
    VersionAction.SUBMIT: Transition(frozenset({S.DRAFT}), S.IN_REVIEW, needs_reason=False, vendor_only=False),
    VersionAction.REQUEST_CHANGES: Transition(frozenset({S.IN_REVIEW}), S.DRAFT, needs_reason=True, vendor_only=True),
    VersionAction.PUBLISH: Transition(frozenset({S.IN_REVIEW}), S.PUBLISHED, needs_reason=False, vendor_only=True),
    VersionAction.DEPRECATE: Transition(frozenset({S.PUBLISHED}), S.DEPRECATED, needs_reason=True, vendor_only=True),
    VersionAction.RETIRE: Transition(frozenset({S.PUBLISHED, S.DEPRECATED}), S.RETIRED, needs_reason=True, vendor_only=True),
}


class RefusedTransition(ValueError):
    """A transition the table does not allow, in words (field: the rule broken)."""

    def __init__(self, message: str, field: str = "action") -> None:
        super().__init__(message)
        self.field = field


def transition(status: VersionStatus, action: VersionAction, *, reason: str | None, by_vendor: bool) -> VersionStatus:
    """The status `action` leads to from `status`; RefusedTransition says why not."""
    rule = TRANSITIONS[action]
    if rule.vendor_only and not by_vendor:
        raise RefusedTransition(f"Only the vendor can {action.value.replace('_', ' ')} a version.")
    if status not in rule.source:
        allowed = " or ".join(sorted(s.label.lower() for s in rule.source))
        raise RefusedTransition(f"A {status.label.lower()} version cannot be {action.value.replace('_', ' ')}ed; only a {allowed} one can.")
    if rule.needs_reason and not (reason or "").strip():
        raise RefusedTransition(f"Say why ({action.value.replace('_', ' ')} needs a reason).", field="reason")
    return rule.target


def actions(status: VersionStatus, *, by_vendor: bool) -> list[VersionAction]:
    """What the reader may do to a version in `status`."""
    return [action for action, rule in TRANSITIONS.items() if status in rule.source and (by_vendor or not rule.vendor_only)]


SEMVER = re.compile(r"^(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})\.(0|[1-9]\d{0,3})$")
RELEASE = re.compile(r"^(0|[1-9]\d{0,3})(?:\.(0|[1-9]\d{0,3}))?(?:\.(0|[1-9]\d{0,3}))?$")


def semver_rank(number: str) -> int:
    """ "2.10.3" -> a sortable integer (each part below 10,000); ValueError if not MAJOR.MINOR.PATCH."""
    found = SEMVER.match(number)
    if found is None:
        raise ValueError("a semantic version is MAJOR.MINOR.PATCH, e.g. 1.4.0")
    major, minor, patch = (int(part) for part in found.groups())
    return (major * 10_000 + minor) * 10_000 + patch


def release_rank(version: str) -> int:
    """A product version ("9", "9.1", "9.1.2") as a sortable integer, missing parts 0."""
    found = RELEASE.match(version.strip())
    if found is None:
        raise ValueError("a product version is MAJOR[.MINOR[.PATCH]], e.g. 9.1")
    major, minor, patch = (int(part or 0) for part in found.groups())
    return (major * 10_000 + minor) * 10_000 + patch
