from __future__ import annotations

from decimal import Decimal

import pytest

from alliance.cosell.plans import rules as plan_rules
from alliance.cosell.plans.rules import Row
from alliance.cosell.vocabulary import Activity, Lead, PlanVersionStatus, Side
from alliance.errors import Conflict, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor, Role


def row(activity: Activity, lead: Lead = Lead.SI, effort: str | None = None, **extra: object) -> Row:
    return Row(activity=activity, lead=lead, effort_days=Decimal(effort) if effort is not None else None, **extra)  # type: ignore[arg-type]


def actor(role: Role, partner_id: int | None = None) -> Actor:
    return Actor(user_id=1, role=role, partner_id=partner_id, label="someone")


class TestValidateRows:
    def test_valid(self):
        plan_rules.validate_rows([row(Activity.ARCHITECTURE_DESIGN), row(Activity.CUSTOM, label="Security review"), row(Activity.TRAINING, effort="0")])

    def test_custom_row_needs_a_label(self):
        with pytest.raises(RuleViolation) as raised:
            plan_rules.validate_rows([row(Activity.CUSTOM, label="  ")])
        assert raised.value.details == [{"field": "activities[0].label", "message": "a custom row needs a label"}]

    def test_duplicate_standard_activity(self):
        with pytest.raises(RuleViolation) as raised:
            plan_rules.validate_rows([row(Activity.DATA_MIGRATION), row(Activity.DATA_MIGRATION, Lead.JOINT)])
        assert raised.value.details == [{"field": "activities[1].activity", "message": "Data migration appears more than once"}]

    def test_duplicate_custom_label_ignores_case(self):
        with pytest.raises(RuleViolation):
            plan_rules.validate_rows([row(Activity.CUSTOM, label="Cutover"), row(Activity.CUSTOM, label="cutover")])

    def test_two_custom_rows_with_different_labels(self):
        plan_rules.validate_rows([row(Activity.CUSTOM, label="Cutover"), row(Activity.CUSTOM, label="Hypercare")])

    def test_negative_effort(self):
        with pytest.raises(RuleViolation) as raised:
            plan_rules.validate_rows([row(Activity.IMPLEMENTATION, effort="-1")])
        assert raised.value.details[0]["field"] == "activities[0].effort_days"

    def test_label_on_a_standard_row(self):
        with pytest.raises(RuleViolation):
            plan_rules.validate_rows([row(Activity.TRAINING, label="Training")])

    def test_empty_plan(self):
        with pytest.raises(RuleViolation):
            plan_rules.validate_rows([])


class TestCompare:
    def test_lead_and_effort_in_words(self):
        before = [row(Activity.DATA_MIGRATION, Lead.SI, "20")]
        after = [row(Activity.DATA_MIGRATION, Lead.VENDOR_PS, "35")]
        [change] = plan_rules.compare(before, after)
        assert change.kind == "changed"
        assert change.text == "Data migration: lead SI → vendor PS; effort 20 → 35 days"
        assert (change.lead_before, change.lead_after) == (Lead.SI, Lead.VENDOR_PS)

    def test_added_removed_and_notes(self):
        before = [row(Activity.TRAINING, Lead.JOINT, "5", notes="two sessions"), row(Activity.INTEGRATION, Lead.SI, "10")]
        after = [row(Activity.TRAINING, Lead.JOINT, "5.0", notes="three sessions"), row(Activity.CUSTOM, Lead.VENDOR_PS, "1", label="Cutover")]
        changes = plan_rules.compare(before, after)
        assert [(c.kind, c.text) for c in changes] == [
            ("changed", "Training: notes changed"),
            ("added", "Cutover: added, lead vendor PS, 1 day"),
            ("removed", "Integration: removed (was lead SI, 10 days)"),
        ]

    def test_same_rows_no_changes(self):
        rows = [row(Activity.IMPLEMENTATION, Lead.SI, "12.5")]
        assert plan_rules.compare(rows, [row(Activity.IMPLEMENTATION, Lead.SI, "12.50")]) == []
        assert plan_rules.same_rows(rows, [row(Activity.IMPLEMENTATION, Lead.SI, "12.50")])

    def test_estimate_added(self):
        [change] = plan_rules.compare([row(Activity.IMPLEMENTATION)], [row(Activity.IMPLEMENTATION, effort="8")])
        assert change.text == "Implementation: effort no estimate → 8 days"


class TestSides:
    @pytest.mark.parametrize(
        ("role", "partner_id", "side"),
        [
            (Role.PARTNER_ADMIN, 7, Side.PARTNER),
            (Role.PS_LEAD, None, Side.VENDOR),
            (Role.PROGRAM_ADMIN, None, Side.VENDOR),
            (Role.PARTNER_USER, 7, None),
            (Role.CAM, None, None),
            (Role.AUDITOR, None, None),
        ],
    )
    def test_side_of(self, role, partner_id, side):
        assert plan_rules.side_of(actor(role, partner_id)) == side

    def test_readers_cannot_sign(self):
        with pytest.raises(PermissionDenied):
            plan_rules.require_side(actor(Role.PARTNER_USER, 7))


class TestSign:
    def test_one_side_is_not_agreement(self):
        outcome = plan_rules.sign(PlanVersionStatus.PROPOSED, side=Side.PARTNER, partner_signed=False, vendor_signed=False)
        assert outcome == plan_rules.SignOff(changed=True, agreed=False)

    def test_second_side_agrees(self):
        outcome = plan_rules.sign(PlanVersionStatus.PROPOSED, side=Side.VENDOR, partner_signed=True, vendor_signed=False)
        assert outcome == plan_rules.SignOff(changed=True, agreed=True)

    def test_signing_twice_changes_nothing(self):
        outcome = plan_rules.sign(PlanVersionStatus.PROPOSED, side=Side.PARTNER, partner_signed=True, vendor_signed=False)
        assert outcome == plan_rules.SignOff(changed=False, agreed=False)
        outcome = plan_rules.sign(PlanVersionStatus.AGREED, side=Side.VENDOR, partner_signed=True, vendor_signed=True)
        assert outcome == plan_rules.SignOff(changed=False, agreed=True)

    def test_superseded_is_refused(self):
        with pytest.raises(Conflict):
            plan_rules.sign(PlanVersionStatus.SUPERSEDED, side=Side.VENDOR, partner_signed=True, vendor_signed=False)


class TestCombinedLead:
    def test_si_wins(self):
        assert plan_rules.combined_lead([Lead.VENDOR_PS, Lead.SI, Lead.JOINT]) == Lead.SI

    def test_joint_before_vendor(self):
        assert plan_rules.combined_lead([Lead.VENDOR_PS, Lead.JOINT]) == Lead.JOINT

    def test_none(self):
        assert plan_rules.combined_lead([]) is None
