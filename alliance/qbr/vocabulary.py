"""Closed vocabularies of QBR packages and their commitments."""

from __future__ import annotations

from enum import StrEnum


class QbrStatus(StrEnum):
    DRAFT = "draft"  # regenerated on demand; commitments editable
    PUBLISHED = "published"  # frozen: figures, charts and the SHA-256 of both stored
    SHARED = "shared"  # published and visible to the partner's sponsors and admins in the portal


class CommitmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    LATE = "late"
    DROPPED = "dropped"


class CommitmentSide(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"
    JOINT = "joint"


# Open commitments of the last QBR are carried into the next quarter's draft.
CARRIED_STATUSES = frozenset({CommitmentStatus.OPEN, CommitmentStatus.LATE})

QBR_STATUS_LABELS = {QbrStatus.DRAFT: "Draft", QbrStatus.PUBLISHED: "Published", QbrStatus.SHARED: "Shared with the partner"}
