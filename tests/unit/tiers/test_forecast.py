from datetime import date
from decimal import Decimal

from alliance.tiers.evaluation import CriterionSpec, TierSpec
from alliance.tiers.forecast import (
    CountedCertification,
    certified_metrics,
    long_date,
    project,
)

TODAY = date(2026, 11, 24)
IE = "implementation_engineer"
SA = "solution_architect"

REGISTERED = TierSpec(1, "registered", "Registered", 1, "all")
SILVER = TierSpec(2, "silver", "Silver", 2, "all", (CriterionSpec(f"certified.{IE}", ">=", Decimal(2)),))
GOLD = TierSpec(3, "gold", "Gold", 3, "all", (CriterionSpec(f"certified.{IE}", ">=", Decimal(4)), CriterionSpec("influenced_revenue_12m", ">=", Decimal(1000))))
LADDER = [REGISTERED, SILVER, GOLD]


def cert(person: int, until: date, *, role: str = IE, level: str = "associate", recert: date | None = None, version: str | None = None) -> CountedCertification:
    return CountedCertification(person, role, level, until, recert, version)


class TestCountedCertification:
    def test_counts_until_the_earlier_of_expiry_and_recert_deadline(self):
        assert cert(1, date(2027, 12, 1), recert=date(2027, 5, 14)).counts_until == date(2027, 5, 14)
        assert cert(1, date(2027, 12, 1), recert=date(2027, 5, 14)).ends_by_recert
        assert cert(1, date(2027, 3, 1), recert=date(2027, 5, 14)).counts_until == date(2027, 3, 1)
        assert not cert(1, date(2027, 3, 1)).ends_by_recert


class TestCertifiedMetrics:
    def test_distinct_people_at_or_above_level(self):
        certs = [
            cert(1, date(2027, 1, 1), level="expert"),
            cert(1, date(2027, 1, 1), level="associate"),  # one person, two certs
            cert(2, date(2027, 1, 1), level="professional"),
            cert(3, date(2027, 1, 1), role=SA),
            cert(4, date(2027, 1, 1), role="sales"),
        ]
        values = certified_metrics(certs, on=TODAY)
        assert values[f"certified.{IE}"] == 2
        assert values[f"certified.{IE}.associate"] == 2
        assert values[f"certified.{IE}.professional"] == 2
        assert values[f"certified.{IE}.expert"] == 1
        assert values[f"certified.{SA}"] == 1
        assert values["certified_people"] == 4
        assert values["certified_delivery_people"] == 3

    def test_ended_certifications_do_not_count(self):
        assert certified_metrics([cert(1, date(2026, 11, 23))], on=TODAY)[f"certified.{IE}"] == 0
        assert certified_metrics([cert(1, TODAY)], on=TODAY)[f"certified.{IE}"] == 1


class TestProject:
    def values(self, certs):
        return {**certified_metrics(certs, on=TODAY), "influenced_revenue_12m": Decimal(5000)}

    def test_recertification_deadline_drop_names_the_release(self):
        certs = [cert(i, date(2028, 1, 1)) for i in (1, 2)] + [cert(i, date(2028, 1, 1), recert=date(2027, 5, 14), version="8") for i in (3, 4)]
        forecast = project(LADDER, self.values(certs), certs, today=TODAY)
        [change] = forecast.changes
        assert change.from_date == date(2027, 5, 15)
        assert change.tier == SILVER and change.previous == GOLD
        assert change.sentence == "Gold until 14 May 2027 unless 2 implementation engineers recertify for v8"

    def test_expiry_drop_asks_for_renewal(self):
        certs = [cert(1, date(2027, 2, 1)), cert(2, date(2028, 2, 1))]
        [change] = project(LADDER, self.values(certs), certs, today=TODAY).changes
        assert change.tier == REGISTERED
        assert change.sentence == "Silver until 1 February 2027 unless 1 implementation engineer renews their certification"

    def test_successive_drops(self):
        certs = [cert(i, date(2027, 3, 1)) for i in (1, 2)] + [cert(i, date(2027, 6, 1)) for i in (3, 4)]
        forecast = project(LADDER, self.values(certs), certs, today=TODAY)
        assert [(c.from_date, c.tier) for c in forecast.changes] == [(date(2027, 3, 2), SILVER), (date(2027, 6, 2), REGISTERED)]

    def test_no_change_when_capacity_is_spare(self):
        certs = [cert(i, date(2027, 3, 1)) for i in range(1, 3)] + [cert(i, date(2030, 1, 1)) for i in range(3, 8)]
        assert project(LADDER, self.values(certs), certs, today=TODAY).changes == ()

    def test_beyond_horizon_is_ignored(self):
        certs = [cert(i, date(2028, 6, 1)) for i in range(1, 5)]
        forecast = project(LADDER, self.values(certs), certs, today=TODAY)
        assert forecast.changes == () and forecast.horizon == date(2027, 11, 24)

    def test_other_metrics_held(self):
        certs = [cert(i, date(2030, 1, 1)) for i in range(1, 5)]
        values = {**certified_metrics(certs, on=TODAY), "influenced_revenue_12m": Decimal(0)}
        assert project(LADDER, values, certs, today=TODAY).changes == ()


def test_long_date():
    assert long_date(date(2027, 5, 4)) == "4 May 2027"
