"""Closed vocabularies of the tier engine."""

from __future__ import annotations

from enum import StrEnum


class RecommendationAction(StrEnum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    HOLD = "hold"


class RecommendationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class TierDecision(StrEnum):
    """What a program admin may do with a pending upgrade or downgrade."""

    ACCEPT = "accept"
    REJECT = "reject"


# How far ahead the tier forecast looks for certifications that stop counting.
FORECAST_HORIZON_DAYS = 365
