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


# A downgrade is recommended only after the shortfall has lasted this long (programs commonly
# allow a month to a quarter; the program model has no per-program setting yet).
DEFAULT_DOWNGRADE_GRACE_DAYS = 90
# How far ahead the tier forecast looks for certifications that stop counting.
FORECAST_HORIZON_DAYS = 365
