"""Rules of engagement for vendor PS on a customer account. Pure: facts in, a verdict out.

On an account an SI protects (until its protection ends), vendor PS may staff an activity only
when the agreed co-delivery plan gives it to the vendor or to both sides (joint), or when the SI
recorded a consent covering it that has neither expired nor been revoked. Anything else is
blocked, unless a program admin overrides with a reason, which the service reports as a
violation on the protecting partner's record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from alliance.cosell.vocabulary import Activity, EngagementOutcome, Lead
from alliance.customers.vocabulary import Ownership

# The agreed plan gives vendor PS these leads on an activity: no consent needed.
VENDOR_MAY_STAFF = frozenset({Lead.VENDOR_PS, Lead.JOINT})


@dataclass(frozen=True, slots=True)
class Account:
    customer_name: str
    ownership: Ownership
    protecting_partner_id: int | None
    protecting_partner_name: str | None
    protected_until: date | None


@dataclass(frozen=True, slots=True)
class ConsentFact:
    id: int
    activity: Activity | None  # None: every activity
    expires_on: date  # the consent covers the whole of its last day
    revoked: bool

    def covers(self, activity: Activity) -> bool:
        return self.activity is None or self.activity == activity

    def is_valid(self, today: date) -> bool:
        return not self.revoked and today <= self.expires_on


@dataclass(frozen=True, slots=True)
class Allowed:
    outcome: EngagementOutcome
    consent_id: int | None = None
    rule: str | None = None  # the rule a program admin overrode (outcome overridden only)


@dataclass(frozen=True, slots=True)
class Blocked:
    rule: str
    way_forward: str


def label(activity: Activity) -> str:
    return activity.value.replace("_", " ")


def is_protected(account: Account, today: date) -> bool:
    return (
        account.ownership == Ownership.SI_PROTECTED
        and account.protecting_partner_id is not None
        and (account.protected_until is None or today <= account.protected_until)
    )


def decide(
    account: Account,
    activity: Activity,
    *,
    agreed_lead: Lead | None,
    consents: Iterable[ConsentFact],
    today: date,
    override_reason: str | None = None,
) -> Allowed | Blocked:
    """May vendor PS staff `activity` on this account today? An override reason is only used
    when the rule would block: an allowed engagement is never reported as a violation."""
    if not is_protected(account, today) or agreed_lead in VENDOR_MAY_STAFF:
        return Allowed(EngagementOutcome.ALLOWED)
    covering = [c for c in consents if c.covers(activity)]
    valid = [c for c in covering if c.is_valid(today)]
    if valid:
        # The narrowest consent that lasts longest: an activity consent before an all-activities one.
        best = max(valid, key=lambda c: (c.activity is not None, c.expires_on, c.id))
        return Allowed(EngagementOutcome.CONSENTED, consent_id=best.id)
    rule = _rule(account, activity, agreed_lead=agreed_lead, lapsed=covering, today=today)
    if override_reason and override_reason.strip():
        return Allowed(EngagementOutcome.OVERRIDDEN, rule=rule)
    return Blocked(rule=rule, way_forward=way_forward(account, activity))


def way_forward(account: Account, activity: Activity) -> str:
    return (
        f"Ask {account.protecting_partner_name} to record consent for {label(activity)} on {account.customer_name}, "
        "or a program admin may override with a reason"
    )


def _rule(account: Account, activity: Activity, *, agreed_lead: Lead | None, lapsed: list[ConsentFact], today: date) -> str:
    si = account.protecting_partner_name
    until = f" until {account.protected_until.isoformat()}" if account.protected_until else ""
    if agreed_lead == Lead.SI:
        why = f"the agreed co-delivery plan gives {label(activity)} to {si}"
    else:
        why = f"no agreed co-delivery plan gives {label(activity)} to vendor PS"
    rule = f"{account.customer_name} is SI-protected by {si}{until} and {why}: vendor PS may not staff {label(activity)} without {si}'s recorded consent."
    if lapsed:
        latest = max(lapsed, key=lambda c: (c.expires_on, c.id))
        state = "was revoked" if latest.revoked else f"expired on {latest.expires_on.isoformat()}"
        rule += f" The consent {si} recorded (#{latest.id}) {state}."
    return rule
