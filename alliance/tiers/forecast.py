"""Project a partner's qualifying tier onto future dates from certifications that stop counting (pure).

Only certified-capacity metrics move in the forecast: each certification counts until the earlier
of its expiry and its recertification deadline. Revenue and the other metrics are held at
today's values (the trailing window is not projected: future closes are unknown).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from alliance.enablement.vocabulary import LEVEL_RANK, Level
from alliance.partners.metrics import CERTIFICATION_LEVELS
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole
from alliance.tiers.evaluation import TierSpec, explain_tier, qualifying_tier
from alliance.tiers.vocabulary import FORECAST_HORIZON_DAYS

# The roles that deliver projects (certified_delivery_people); sales and practice leads do not.
DELIVERY_ROLES = frozenset(
    {
        DeliveryRole.SOLUTION_ARCHITECT,
        DeliveryRole.IMPLEMENTATION_ENGINEER,
        DeliveryRole.INTEGRATION_SPECIALIST,
        DeliveryRole.PROJECT_MANAGER,
    }
)


@dataclass(frozen=True)
class CountedCertification:
    """A certification that counts today, as the forecast needs it."""

    person_id: int
    role: str  # the track's delivery role
    level: str
    expires_on: date
    recert_due_on: date | None = None
    recert_version: str | None = None  # the release that opened the recertification window

    @property
    def counts_until(self) -> date:
        """The last day it counts."""
        return min(self.expires_on, self.recert_due_on) if self.recert_due_on else self.expires_on

    @property
    def ends_by_recert(self) -> bool:
        return self.recert_due_on is not None and self.recert_due_on < self.expires_on


@dataclass(frozen=True)
class TierChange:
    from_date: date
    tier: TierSpec | None
    previous: TierSpec | None
    sentence: str


@dataclass(frozen=True)
class Forecast:
    changes: tuple[TierChange, ...]
    horizon: date

    @property
    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]


def certified_metrics(certifications: Iterable[CountedCertification], *, on: date) -> dict[str, int]:
    """Every certified.* metric, certified_people and certified_delivery_people on `on`: distinct
    people with a certification that still counts, at or above each level."""
    best: dict[tuple[int, str], int] = {}
    for cert in certifications:
        if cert.counts_until < on:
            continue
        key = (cert.person_id, cert.role)
        best[key] = max(best.get(key, 0), LEVEL_RANK[Level(cert.level)])
    values: dict[str, int] = {"certified_people": len({p for p, _ in best}), "certified_delivery_people": len({p for p, r in best if r in DELIVERY_ROLES})}
    for role in DeliveryRole:
        ranks = [rank for (_, r), rank in best.items() if r == role]
        values[f"certified.{role.value}"] = len(ranks)
        for level in CERTIFICATION_LEVELS:
            values[f"certified.{role.value}.{level}"] = sum(1 for rank in ranks if rank >= LEVEL_RANK[Level(level)])
    return values


def project(
    tiers: Sequence[TierSpec],
    values: Mapping[str, Decimal | int],
    certifications: Sequence[CountedCertification],
    *,
    today: date,
    horizon_days: int = FORECAST_HORIZON_DAYS,
    no_data: Iterable[str] = (),
    held_rank: int = 0,
) -> Forecast:
    """The qualifying tier's changes over the next `horizon_days`, each with a sentence. Criteria
    without data are held exactly as in `evaluate` (see `tier_met`)."""
    missing = frozenset(no_data)
    horizon = today + timedelta(days=horizon_days)
    ladder = sorted(tiers, key=lambda t: t.rank)
    current = qualifying_tier(ladder, values, no_data=missing, held_rank=held_rank)
    changes: list[TierChange] = []
    for last_day in sorted({c.counts_until for c in certifications if today <= c.counts_until < horizon}):
        day = last_day + timedelta(days=1)
        projected = {**values, **certified_metrics(certifications, on=day)}
        tier = qualifying_tier(ladder, projected, no_data=missing, held_rank=held_rank)
        if _rank(tier) == _rank(current):
            continue
        ending = [c for c in certifications if c.counts_until == last_day]
        sentence = _drop_sentence(current, last_day, projected, ending) if _rank(tier) < _rank(current) else f"{_name(tier)} from {long_date(day)}"
        changes.append(TierChange(from_date=day, tier=tier, previous=current, sentence=sentence))
        current = tier
    return Forecast(changes=tuple(changes), horizon=horizon)


def _drop_sentence(held: TierSpec | None, last_day: date, projected: Mapping[str, Decimal | int], ending: Sequence[CountedCertification]) -> str:
    if held is None:
        return f"No tier after {long_date(last_day)}"
    clauses = []
    for gap in explain_tier(held, projected):
        if gap.met or gap.no_data or not gap.metric.startswith("certified"):
            continue
        relevant = [c for c in ending if _counts_for(gap.metric, c)]
        clauses.append(_unless(gap.metric, int(gap.shortfall), relevant))
    joiner = " or " if held.mode == "any" else " and "
    unless = f" unless {joiner.join(clauses)}" if clauses else ""
    return f"{held.name} until {long_date(last_day)}{unless}"


def _unless(metric: str, needed: int, ending: Sequence[CountedCertification]) -> str:
    who = _people(metric, needed)
    one = needed == 1
    versions = Counter(c.recert_version for c in ending if c.ends_by_recert and c.recert_version)
    if versions:
        return f"{needed} {who} {'recertifies' if one else 'recertify'} for v{versions.most_common(1)[0][0]}"
    if ending and all(c.ends_by_recert for c in ending):
        return f"{needed} {who} {'recertifies' if one else 'recertify'}"
    return f"{needed} {who} {'renews their certification' if one else 'renew their certifications'}"


def _people(metric: str, count: int) -> str:
    parts = metric.split(".")
    if len(parts) >= 2 and parts[0] == "certified":
        noun = DELIVERY_ROLE_LABELS[DeliveryRole(parts[1])].lower()
        return noun if count == 1 else f"{noun}s"
    if metric == "certified_delivery_people":
        return "certified delivery person" if count == 1 else "certified delivery people"
    return "certified person" if count == 1 else "certified people"


def _counts_for(metric: str, cert: CountedCertification) -> bool:
    parts = metric.split(".")
    if parts[0] == "certified_people":
        return True
    if parts[0] == "certified_delivery_people":
        return cert.role in DELIVERY_ROLES
    if cert.role != parts[1]:
        return False
    return len(parts) < 3 or LEVEL_RANK[Level(cert.level)] >= LEVEL_RANK[Level(parts[2])]


def _rank(tier: TierSpec | None) -> int:
    return tier.rank if tier else 0


def _name(tier: TierSpec | None) -> str:
    return tier.name if tier else "No tier"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
