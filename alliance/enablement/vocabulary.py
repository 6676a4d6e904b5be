"""Closed vocabularies of enablement: certification levels, statuses, lab grading, sources."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    ASSOCIATE = "associate"
    PROFESSIONAL = "professional"
    EXPERT = "expert"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]


LEVEL_RANK = {Level.ASSOCIATE: 1, Level.PROFESSIONAL: 2, Level.EXPERT: 3}


class LabGrading(StrEnum):
    EVALUATOR = "evaluator"  # a vendor evaluator scores the submission against the rubric
    ENVIRONMENT = "environment"  # the lab environment posts the result, signed with the lab's HMAC key


class LabStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class CertificationStatus(StrEnum):
    ACTIVE = "active"
    RECERT_REQUIRED = "recert_required"  # a release opened a recertification window; still counts until its deadline
    LAPSED = "lapsed"  # not renewed by the recertification deadline
    EXPIRED = "expired"  # past its validity
    RENEWED = "renewed"  # replaced by a newer certification on the same track
    REVOKED = "revoked"


# Statuses that count as certified capacity.
COUNTING = frozenset({CertificationStatus.ACTIVE, CertificationStatus.RECERT_REQUIRED})


class Source(StrEnum):
    PORTAL = "portal"
    IMPORT = "import"
    LAB_ENVIRONMENT = "lab_environment"
    EVALUATOR = "evaluator"


class LearningAction(StrEnum):
    """What a user may do next on a person's track (services answer; pages and the API read it)."""

    COMPLETE_MODULE = "complete_module"
    RECORD_EXAM = "record_exam"
    SUBMIT_LAB = "submit_lab"
