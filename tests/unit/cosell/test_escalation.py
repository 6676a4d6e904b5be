from __future__ import annotations

from datetime import UTC, datetime

from alliance.cosell import escalation
from alliance.cosell.escalation import Level

LADDER = (Level("CAM and PS lead", 5), Level("Channel director", 3), Level("VP channel", 10))
MONDAY = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


class TestLadderOf:
    def test_program_ladder(self):
        assert escalation.ladder_of([{"name": "CAM", "days": 2}, {"name": "VP", "days": 4}]) == (Level("CAM", 2), Level("VP", 4))

    def test_default_without_one(self):
        assert escalation.ladder_of(None) == (Level("CAM and PS lead", 5), Level("Channel director", 5), Level("VP channel", 10))
        assert escalation.ladder_of([]) == escalation.ladder_of(None)

    def test_unusable_steps_are_skipped(self):
        assert escalation.ladder_of([{"name": "", "days": 2}, {"name": "VP", "days": 0}, {"name": "Director", "days": 1}]) == (Level("Director", 1),)


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
