from dataclasses import replace
from decimal import Decimal

import pytest

from alliance.tiers.evaluation import (
    NO_DATA_NOTE,
    CriterionSpec,
    TierSpec,
    evaluate,
    explain,
    format_amount,
    is_met,
    qualifying_tier,
    tier_met,
)

IE_PRO = "certified.implementation_engineer.professional"


def c(metric: str, threshold: int | str, comparison: str = ">=") -> CriterionSpec:
    return CriterionSpec(metric, comparison, Decimal(threshold))


REGISTERED = TierSpec(1, "registered", "Registered", 1, "all")
SILVER = TierSpec(2, "silver", "Silver", 2, "all", (c(IE_PRO, 5), c("influenced_revenue_12m", 2_000_000)))
GOLD = TierSpec(3, "gold", "Gold", 3, "any", (c("certified.solution_architect", 3), c("won_projects_12m", 10)))
LADDER = [GOLD, REGISTERED, SILVER]  # order given does not matter: rank does


class TestIsMet:
    @pytest.mark.parametrize(
        ("value", "comparison", "threshold", "expected"),
        [
            (5, ">=", 5, True),
            (4, ">=", 5, False),
            (5, ">", 5, False),
            (6, ">", 5, True),
            (5, "==", 5, True),
            (4, "==", 5, False),
            (5, "<=", 5, True),
            (6, "<=", 5, False),
            (4, "<", 5, True),
            (5, "<", 5, False),
        ],
    )
    def test_comparisons(self, value, comparison, threshold, expected):
        assert is_met(Decimal(value), comparison, Decimal(threshold)) is expected

    def test_unknown_comparison(self):
        with pytest.raises(ValueError):
            is_met(Decimal(1), "=>", Decimal(1))


class TestTierMet:
    def test_entry_tier_without_criteria_always_qualifies(self):
        assert tier_met(REGISTERED, {})

    def test_all_mode_needs_every_criterion(self):
        assert not tier_met(SILVER, {IE_PRO: 5, "influenced_revenue_12m": 1})
        assert tier_met(SILVER, {IE_PRO: 5, "influenced_revenue_12m": 2_000_000})

    def test_any_mode_needs_one(self):
        assert tier_met(GOLD, {"won_projects_12m": 10})
        assert not tier_met(GOLD, {"won_projects_12m": 9, "certified.solution_architect": 2})

    def test_missing_metric_counts_as_zero(self):
        assert not tier_met(TierSpec(9, "x", "X", 9, "all", (c("customer_references", 1),)), {})
        assert tier_met(TierSpec(9, "x", "X", 9, "all", (c("customer_references", 0),)), {})


class TestQualifyingTier:
    def test_highest_met_tier(self):
        assert qualifying_tier(LADDER, {"won_projects_12m": 12}) == GOLD

    def test_none_when_even_the_entry_tier_has_unmet_criteria(self):
        assert qualifying_tier([SILVER], {}) is None


class TestEvaluate:
    def test_entry_partner_sees_gaps_to_silver(self):
        evaluation = evaluate(LADDER, {IE_PRO: 3, "influenced_revenue_12m": Decimal(1200000)})
        assert evaluation.qualifying_tier.key == "registered"
        assert evaluation.next_tier == SILVER
        assert [g.met for g in evaluation.gaps] == [False, False]
        assert evaluation.summary == [
            "needs 2 more certified implementation engineers at professional level or above: has 3 of 5",
            "influenced revenue, trailing 12 months: $1.2M of $2M (needs $800K more)",
        ]

    def test_gap_numbers(self):
        gap = evaluate(LADDER, {IE_PRO: 3}).gaps[0]
        assert (gap.metric, gap.comparison, gap.threshold, gap.value, gap.met, gap.shortfall) == (IE_PRO, ">=", 5, 3, False, 2)
        assert gap.label == "Certified implementation engineers at professional level or above"
        assert gap.unit == "people"

    def test_met_criteria_are_listed_but_not_in_the_summary(self):
        evaluation = evaluate(LADDER, {IE_PRO: 7, "influenced_revenue_12m": 10})
        assert evaluation.gaps[0].met and evaluation.gaps[0].words.endswith("has 7 of 5")
        assert len(evaluation.summary) == 1

    def test_any_mode_gaps_in_one_line(self):
        evaluation = evaluate(LADDER, {IE_PRO: 5, "influenced_revenue_12m": 2_000_000, "certified.solution_architect": 1})
        assert evaluation.qualifying_tier == SILVER and evaluation.next_tier == GOLD
        [line] = evaluation.summary
        assert line == (
            "meet any one of: needs 2 more certified solution architects (any level): has 1 of 3; "
            "needs 10 more won project registrations, trailing 12 months: has 0 of 10"
        )

    def test_top_tier_has_no_next_tier(self):
        evaluation = evaluate(LADDER, {"won_projects_12m": 20})
        assert evaluation.next_tier is None and evaluation.gaps == () and evaluation.summary == []

    def test_no_qualifying_tier_next_is_lowest(self):
        evaluation = evaluate([SILVER, GOLD], {})
        assert evaluation.qualifying_tier is None and evaluation.next_tier == SILVER

    def test_no_data_metrics_say_so(self):
        tier = TierSpec(2, "silver", "Silver", 2, "all", (c("customer_references", 2),))
        [gap] = evaluate([REGISTERED, tier], {}, no_data={"customer_references"}).gaps
        assert gap.no_data
        assert gap.words == f"approved customer references, trailing 24 months: at least 2 needed {NO_DATA_NOTE}"
        assert NO_DATA_NOTE == "(no data yet: held)"

    def test_qualifying_tier_skips_unmet_middle_tier(self):
        # Gold's any-mode is met though Silver's is not: the highest met tier qualifies.
        assert evaluate(LADDER, {"won_projects_12m": 10}).qualifying_tier == GOLD


class TestWords:
    def test_singular(self):
        assert explain(c("certified.solution_architect.expert", 3), Decimal(2)).words == (
            "needs 1 more certified solution architect at expert level or above: has 2 of 3"
        )

    def test_people_singular(self):
        assert explain(c("certified_people", 3), Decimal(2)).words.startswith("needs 1 more certified person (any delivery role)")

    def test_currency_met(self):
        assert explain(c("direct_revenue_12m", 500_000), Decimal(750_000)).words == "direct (transacted) revenue, trailing 12 months: $750K of $500K"

    def test_strictly_more_than_count(self):
        gap = explain(c("won_deals_12m", 4, ">"), Decimal(2))
        assert gap.shortfall == 3
        assert gap.words == "needs 3 more won deal registrations, trailing 12 months: has 2 of more than 4"

    def test_at_most(self):
        gap = explain(c("consultant_headcount", 50, "<="), Decimal(80))
        assert not gap.met and gap.shortfall == 30
        assert gap.words == "consultant headcount: has 80, must be at most 50"

    def test_below(self):
        assert explain(c("consultant_headcount", 50, "<"), Decimal(50)).shortfall == 1

    def test_exactly(self):
        assert explain(c("sub_resellers", 3, "=="), Decimal(1)).words == "active resellers served (distributors): has 1, must be exactly 3"

    def test_unknown_metric_is_explained_with_its_name(self):
        assert explain(c("made_up", 2), Decimal(0)).words == "needs 2 more made_up: has 0 of 2"


class TestFormatAmount:
    @pytest.mark.parametrize(
        ("amount", "unit", "text"),
        [
            ("1200000", "currency", "$1.2M"),
            ("2000000", "currency", "$2M"),
            ("850000", "currency", "$850K"),
            ("1500", "currency", "$1.5K"),
            ("500", "currency", "$500"),
            ("-25000", "currency", "-$25K"),
            ("0", "currency", "$0"),
            ("1234", "count", "1,234"),
            ("2.5", "people", "2.50"),
        ],
    )
    def test_formats(self, amount, unit, text):
        assert format_amount(Decimal(amount), unit) == text

    @pytest.mark.parametrize(("currency", "text"), [("EUR", "€1.2M"), ("JPY", "¥1.2M"), ("GBP", "£1.2M"), ("CHF", "CHF1.2M")])
    def test_in_the_programs_currency(self, currency, text):
        assert format_amount(Decimal(1_200_000), "currency", currency).replace("\xa0", " ") == text

    def test_counts_ignore_the_currency(self):
        assert format_amount(Decimal(3), "people", "JPY") == "3"


class TestCurrency:
    def test_words_use_the_ladders_currency(self):
        ladder = [replace(t, currency="EUR") for t in LADDER]
        gap = evaluate(ladder, {IE_PRO: 5, "influenced_revenue_12m": Decimal(1_200_000)}).gaps[1]
        assert gap.currency == "EUR"
        assert gap.words == "influenced revenue, trailing 12 months: €1.2M of €2M (needs €800K more)"

    def test_amounts_in_other_currencies_are_named_never_added(self):
        ladder = [replace(t, currency="EUR") for t in LADDER]
        values = {IE_PRO: 5, "influenced_revenue_12m": Decimal(1_200_000)}
        uncounted = {"influenced_revenue_12m": {"JPY": Decimal(100_000_000), "USD": Decimal(900_000)}}
        evaluation = evaluate(ladder, values, uncounted=uncounted)
        gap = evaluation.gaps[1]
        assert (gap.value, gap.met) == (Decimal(1_200_000), False)
        assert gap.words.endswith("(needs €800K more); not counted, in other currencies: ¥100M, $900K")
        assert evaluation.qualifying_tier.key == "registered"


PM = "practice_milestones_completed"
SILVER_PM = TierSpec(2, "silver", "Silver", 2, "all", (c(IE_PRO, 5), c(PM, 3)))
GOLD_PM = TierSpec(3, "gold", "Gold", 3, "all", (c(IE_PRO, 10), c(PM, 6)))
PLATINUM_ONLY_PM = TierSpec(4, "platinum", "Platinum", 4, "any", (c(PM, 9),))
HELD_LADDER = [REGISTERED, SILVER_PM, GOLD_PM, PLATINUM_ONLY_PM]


class TestCriteriaWithoutData:
    """A criterion on a metric without data never decides against the partner (issue 10, defect 1)."""

    def test_held_for_the_current_tier_so_nobody_is_demoted(self):
        evaluation = evaluate(HELD_LADDER, {IE_PRO: 12}, no_data={PM}, current=GOLD_PM)
        assert evaluation.qualifying_tier == GOLD_PM and not evaluation.keeping

    def test_a_measurable_shortfall_still_counts(self):
        evaluation = evaluate(HELD_LADDER, {IE_PRO: 7}, no_data={PM}, current=GOLD_PM)
        assert evaluation.qualifying_tier == SILVER_PM
        assert evaluation.keeping and evaluation.next_tier == GOLD_PM
        assert [g.words for g in evaluation.unmet] == ["needs 3 more certified implementation engineers at professional level or above: has 7 of 10"]
        assert evaluation.summary[-1] == "practice milestones completed: at least 6 needed (no data yet: held)"

    def test_the_ladder_can_be_climbed_on_the_criteria_with_data(self):
        assert evaluate(HELD_LADDER, {IE_PRO: 5}, no_data={PM}, current=REGISTERED).qualifying_tier == SILVER_PM

    def test_a_tier_whose_only_criteria_lack_data_is_not_earned_but_is_held(self):
        assert qualifying_tier(HELD_LADDER, {IE_PRO: 12}, no_data={PM}, held_rank=3) == GOLD_PM
        assert qualifying_tier(HELD_LADDER, {IE_PRO: 12}, no_data={PM}, held_rank=4) == PLATINUM_ONLY_PM

    def test_with_data_the_metric_decides(self):
        assert qualifying_tier(HELD_LADDER, {IE_PRO: 12}, held_rank=3) == REGISTERED


class TestKeeping:
    def test_a_partner_below_its_tier_is_told_what_it_takes_to_keep_it(self):
        evaluation = evaluate(LADDER, {IE_PRO: 5, "influenced_revenue_12m": 2_000_000}, current=GOLD)
        assert evaluation.qualifying_tier == SILVER
        assert (
            evaluation.keeping and evaluation.next_tier == GOLD and {g.metric for g in evaluation.gaps} == {"certified.solution_architect", "won_projects_12m"}
        )
