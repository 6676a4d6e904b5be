from __future__ import annotations

from datetime import date

from alliance.cosell.engagements.rules import (
    Account,
    Allowed,
    Blocked,
    ConsentFact,
    decide,
)
from alliance.cosell.vocabulary import Activity, EngagementOutcome, Lead
from alliance.customers.vocabulary import Ownership

TODAY = date(2026, 6, 10)
PROTECTED = Account(
    customer_name="Acme Health",
    ownership=Ownership.SI_PROTECTED,
    protecting_partner_id=7,
    protecting_partner_name="Northwind",
    protected_until=date(2026, 12, 31),
)
IMPL = Activity.IMPLEMENTATION


def consent(id: int = 1, activity: Activity | None = IMPL, expires_on: date = date(2026, 7, 1), revoked: bool = False) -> ConsentFact:
    return ConsentFact(id=id, activity=activity, expires_on=expires_on, revoked=revoked)


def run(account: Account = PROTECTED, *, lead: Lead | None = None, consents: tuple[ConsentFact, ...] = (), override: str | None = None) -> Allowed | Blocked:
    return decide(account, IMPL, agreed_lead=lead, consents=consents, today=TODAY, override_reason=override)


class TestUnprotectedAccounts:
    def test_open_account_is_allowed(self):
        account = Account("Acme", Ownership.OPEN, None, None, None)
        assert run(account) == Allowed(EngagementOutcome.ALLOWED)

    def test_vendor_direct_account_is_allowed(self):
        account = Account("Acme", Ownership.VENDOR_DIRECT, None, None, None)
        assert run(account) == Allowed(EngagementOutcome.ALLOWED)

    def test_protection_that_ended_no_longer_blocks(self):
        account = Account("Acme", Ownership.SI_PROTECTED, 7, "Northwind", date(2026, 6, 9))
        assert run(account) == Allowed(EngagementOutcome.ALLOWED)

    def test_protection_covers_its_last_day(self):
        account = Account("Acme", Ownership.SI_PROTECTED, 7, "Northwind", TODAY)
        assert isinstance(run(account), Blocked)


class TestAgreedPlan:
    def test_activity_the_plan_gives_vendor_ps_is_allowed(self):
        assert run(lead=Lead.VENDOR_PS) == Allowed(EngagementOutcome.ALLOWED)

    def test_joint_activity_is_allowed(self):
        assert run(lead=Lead.JOINT) == Allowed(EngagementOutcome.ALLOWED)

    def test_activity_the_plan_gives_the_si_is_blocked(self):
        verdict = run(lead=Lead.SI)
        assert isinstance(verdict, Blocked)
        assert "the agreed co-delivery plan gives implementation to Northwind" in verdict.rule
        assert "Acme Health is SI-protected by Northwind until 2026-12-31" in verdict.rule

    def test_no_plan_blocks_any_activity(self):
        verdict = run(lead=None)
        assert isinstance(verdict, Blocked)
        assert "no agreed co-delivery plan gives implementation to vendor PS" in verdict.rule

    def test_way_forward_names_the_si_activity_and_customer(self):
        verdict = run()
        assert isinstance(verdict, Blocked)
        assert verdict.way_forward == "Ask Northwind to record consent for implementation on Acme Health, or a program admin may override with a reason"


class TestConsents:
    def test_activity_consent_allows(self):
        assert run(lead=Lead.SI, consents=(consent(),)) == Allowed(EngagementOutcome.CONSENTED, consent_id=1)

    def test_all_activities_consent_allows(self):
        assert run(consents=(consent(id=4, activity=None),)) == Allowed(EngagementOutcome.CONSENTED, consent_id=4)

    def test_consent_for_another_activity_does_not(self):
        assert isinstance(run(consents=(consent(activity=Activity.TRAINING),)), Blocked)

    def test_consent_holds_on_its_last_day(self):
        assert run(consents=(consent(expires_on=TODAY),)) == Allowed(EngagementOutcome.CONSENTED, consent_id=1)

    def test_expired_consent_blocks_and_says_so(self):
        verdict = run(consents=(consent(id=3, expires_on=date(2026, 6, 9)),))
        assert isinstance(verdict, Blocked)
        assert "The consent Northwind recorded (#3) expired on 2026-06-09." in verdict.rule

    def test_revoked_consent_blocks_and_says_so(self):
        verdict = run(consents=(consent(id=5, revoked=True),))
        assert isinstance(verdict, Blocked)
        assert "(#5) was revoked" in verdict.rule

    def test_activity_consent_is_preferred_to_an_all_activities_one(self):
        verdict = run(consents=(consent(id=1, activity=None, expires_on=date(2026, 9, 1)), consent(id=2)))
        assert verdict == Allowed(EngagementOutcome.CONSENTED, consent_id=2)

    def test_a_valid_consent_wins_over_a_revoked_one(self):
        verdict = run(consents=(consent(id=1, revoked=True), consent(id=2, activity=None)))
        assert verdict == Allowed(EngagementOutcome.CONSENTED, consent_id=2)


class TestOverride:
    def test_override_allows_and_keeps_the_rule(self):
        verdict = run(lead=Lead.SI, override="Customer escalation: SI unavailable")
        assert isinstance(verdict, Allowed)
        assert verdict.outcome == EngagementOutcome.OVERRIDDEN
        assert verdict.rule is not None and "vendor PS may not staff implementation without Northwind's recorded consent" in verdict.rule

    def test_blank_override_does_not(self):
        assert isinstance(run(override="   "), Blocked)

    def test_override_is_ignored_when_the_rules_allow(self):
        assert run(lead=Lead.VENDOR_PS, override="not needed") == Allowed(EngagementOutcome.ALLOWED)

    def test_override_is_ignored_when_consented(self):
        assert run(consents=(consent(),), override="not needed") == Allowed(EngagementOutcome.CONSENTED, consent_id=1)
