from __future__ import annotations

from datetime import UTC, datetime

from alliance.cosell.disputes import escalation
from alliance.cosell.disputes.escalation import Level

FIRST, UPPER = escalation.FIRST_LEVEL_DECIDERS, escalation.UPPER_LEVEL_DECIDERS
LADDER = (Level("CAM and PS lead", 5, FIRST), Level("Channel director", 3, UPPER), Level("VP channel", 10, UPPER))
MONDAY = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


class TestLadderOf:
    def test_program_ladder(self):
        assert escalation.ladder_of([{"name": "CAM", "days": 2}, {"name": "VP", "days": 4}]) == (Level("CAM", 2, FIRST), Level("VP", 4, UPPER))

    def test_default_without_one(self):
        assert [(level.name, level.days) for level in escalation.ladder_of(None)] == [("CAM and PS lead", 5), ("Channel director", 5), ("VP channel", 10)]
        assert escalation.ladder_of([]) == escalation.ladder_of(None)

    def test_deciders_from_the_program_or_the_historical_rights(self):
        ladder = escalation.ladder_of([{"name": "Team", "days": 2, "deciders": ["ps_lead", "auditor"]}, {"name": "VP", "days": 4}])
        assert ladder[0].deciders == {"ps_lead"}  # an auditor never decides
        assert ladder[1].deciders == {"program_admin"}
        assert escalation.ladder_of([{"name": "Team", "days": 2}])[0].deciders == {"cam", "ps_lead", "program_admin"}

    def test_default_ladder_deciders(self):
        assert [level.deciders for level in escalation.ladder_of(None)] == [
            {"cam", "ps_lead", "program_admin"},
            {"program_admin"},
            {"executive", "program_admin"},
        ]

    def test_past_the_top_the_top_decides(self):
        ladder = escalation.ladder_of([{"name": "Team", "days": 2, "deciders": ["cam"]}, {"name": "VP", "days": 4, "deciders": ["executive"]}])
        assert escalation.deciders_at(ladder, 1) == escalation.deciders_at(ladder, 5) == {"executive"}

    def test_deciders_in_words(self):
        assert escalation.deciders_in_words(frozenset({"program_admin", "cam", "ps_lead"})) == "a CAM, PS lead or program admin"
        assert escalation.deciders_in_words(frozenset({"program_admin"})) == "a program admin"
        assert escalation.deciders_in_words(frozenset({"program_admin", "executive"})) == "an executive or program admin"

    def test_unusable_steps_are_skipped(self):
        assert escalation.ladder_of([{"name": "", "days": 2}, {"name": "VP", "days": 0}, {"name": "Director", "days": 1}]) == (Level("Director", 1, FIRST),)


class TestDeadline:
    def test_business_days_from_the_level_start(self):
        assert escalation.deadline(LADDER, 0, started_at=MONDAY) == datetime(2026, 6, 15, 10, 0, tzinfo=UTC)

    def test_weekends_do_not_count(self):
        thursday = datetime(2026, 6, 11, 9, 0, tzinfo=UTC)
        assert escalation.deadline(LADDER, 1, started_at=thursday) == datetime(2026, 6, 16, 9, 0, tzinfo=UTC)

    def test_each_level_has_its_own_days(self):
        assert escalation.deadline(LADDER, 2, started_at=MONDAY) == datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


class TestNextLevel:
    def test_climbs_one_level(self):
        assert escalation.next_level(LADDER, 0) == 1
        assert escalation.next_level(LADDER, 1) == 2

    def test_none_at_the_top(self):
        assert escalation.next_level(LADDER, 2) is None

    def test_level_name(self):
        assert escalation.level_name(LADDER, 1) == "Channel director"
        assert escalation.level_name(LADDER, 7) == "level 7"


class TestIsDue:
    def test_due_at_the_deadline(self):
        assert escalation.is_due(MONDAY, MONDAY)

    def test_not_due_before(self):
        assert not escalation.is_due(MONDAY, datetime(2026, 6, 8, 9, 59, tzinfo=UTC))

    def test_never_due_without_a_deadline(self):
        assert not escalation.is_due(None, MONDAY)
