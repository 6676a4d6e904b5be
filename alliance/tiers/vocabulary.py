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


class FigureStatus(StrEnum):
    """A figure the partner reports: counted by the tier engine once the vendor confirms it."""

    REPORTED = "reported"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


# Metrics the partner reports per period (month), each for the partner type that runs that business.
REPORTED_METRICS: dict[str, str] = {"managed_customers": "msp", "sub_resellers": "distributor"}
