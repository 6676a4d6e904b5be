"""Early access's pure rules: the pre-release lock in words, and the one decision on an application."""

from __future__ import annotations

import pytest

from alliance.assets import entitlement
from alliance.assets.early_access.rules import ApplicationStatus, EarlyAccessDecision, RefusedDecision, decide, program_name
from alliance.assets.entitlement import LockDimension, Requirement, Standing
from alliance.partners.vocabulary import PartnerType, SISubtype

GOLD_SI = Standing(partner_type=PartnerType.SYSTEMS_INTEGRATOR, si_subtype=SISubtype.TECHNOLOGY, tier_rank=3, tier_name="Gold")
PRE_RELEASE = Requirement(early_access_program=program_name("Data Platform", "10"))


def test_a_pre_release_asset_is_locked_until_the_partner_is_enrolled():
    (lock,) = entitlement.locks(PRE_RELEASE, GOLD_SI)
    assert (lock.dimension, lock.reason, lock.unlock, lock.link) == (
        LockDimension.EARLY_ACCESS,
        "needs enrolment in the Data Platform 10 early-access program",
        "apply",
        "early_access",
    )
    assert entitlement.locks(PRE_RELEASE, Standing(**{**GOLD_SI.__dict__, "enrolled": True})) == []


def test_enrolment_does_not_lift_the_other_locks():
    found = entitlement.locks(Requirement(minimum_tier_rank=4, minimum_tier_name="Platinum", early_access_program="Data Platform 10"), GOLD_SI)
    assert [lock.dimension for lock in found] == [LockDimension.TIER, LockDimension.EARLY_ACCESS]


def test_accept_and_decline_a_pending_application():
    assert decide(ApplicationStatus.PENDING, EarlyAccessDecision.ACCEPT, reason=None, blockers=[]) == ApplicationStatus.ACCEPTED
    assert decide(ApplicationStatus.PENDING, EarlyAccessDecision.DECLINE, reason="Beta is full", blockers=[]) == ApplicationStatus.DECLINED


@pytest.mark.parametrize(
    ("status", "decision", "reason", "blockers", "field"),
    [
        (ApplicationStatus.PENDING, EarlyAccessDecision.DECLINE, "  ", [], "reason"),
        (ApplicationStatus.PENDING, EarlyAccessDecision.ACCEPT, None, ["needs Gold tier: you are Silver"], "eligibility"),
        (ApplicationStatus.ACCEPTED, EarlyAccessDecision.DECLINE, "Too late", [], "status"),
        (ApplicationStatus.DECLINED, EarlyAccessDecision.ACCEPT, None, [], "status"),
    ],
)
def test_refused_decisions_name_the_rule(status, decision, reason, blockers, field):
    with pytest.raises(RefusedDecision) as refused:
        decide(status, decision, reason=reason, blockers=blockers)
    assert refused.value.field == field
