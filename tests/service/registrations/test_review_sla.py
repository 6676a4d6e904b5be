"""The review SLA counts in the business calendar the partner's program names (kit.business_time)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alliance.cosell.routing import service as routing_service
from alliance.cosell.routing.schemas import CalendarCreate
from alliance.errors import RuleViolation
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners.models import Partner
from alliance.partners.schemas import ProgramUpdate
from alliance.registrations import review_service


@pytest.fixture
def program_calendar(unit, actors, world):  # type: ignore[no-untyped-def]
    """Create a business calendar; with `for_program=True`, partner A's program names it for reviews."""

    def make(key: str, *, for_program: bool = True, **fields: object) -> int:
        with unit(actors["admin"]) as session:
            calendar = routing_service.create_calendar(session, actors["admin"], data=CalendarCreate(key=key, name=key.title(), **fields))
            if for_program:
                program_id = session.get(Partner, world.a.id).program_id
                program_service.update_program(session, actors["admin"], program_id=program_id, data=ProgramUpdate(review_calendar_id=calendar.id))
            return calendar.id

    return make


def queue_item(unit, actors, registration_id):  # type: ignore[no-untyped-def]
    with unit(actors["cam"]) as session:
        queue = review_service.review_queue(session, actors["cam"], page=PageRequest(limit=50))
    return next(item for item in queue.items.items if item.registration_id == registration_id)


class TestReviewSla:
    def test_without_calendars_it_counts_monday_to_friday_in_utc(self, register, act, unit, actors):
        clock.freeze(datetime(2030, 12, 24, 9, 0, tzinfo=UTC))  # a Tuesday
        submitted = register(customer={"name": "Sla Weekdays"})
        act(submitted, ("a_user", "submit"))
        clock.freeze(datetime(2030, 12, 27, 12, 0, tzinfo=UTC))
        item = queue_item(unit, actors, submitted)
        assert item.due_at == datetime(2030, 12, 26, 9, 0, tzinfo=UTC) and item.overdue
        assert item.age_business_days == pytest.approx(3.125, abs=0.01)

    def test_weekend_and_public_holidays_of_the_program_calendar(self, register, act, unit, actors, program_calendar):
        program_calendar("berlin-de", time_zone="Europe/Berlin", holiday_country="DE")
        clock.freeze(datetime(2030, 12, 24, 9, 0, tzinfo=UTC))  # Tuesday 10:00 in Berlin; 25 and 26 are public holidays
        submitted = register(customer={"name": "Sla Holidays"})
        act(submitted, ("a_user", "submit"))
        clock.freeze(datetime(2030, 12, 27, 12, 0, tzinfo=UTC))
        item = queue_item(unit, actors, submitted)
        # Two working days: Friday the 27th, then (past the weekend) Monday the 30th at 10:00 Berlin.
        assert item.due_at == datetime(2030, 12, 30, 9, 0, tzinfo=UTC) and not item.overdue
        # Tuesday 10:00-24:00 (14/24) and Friday 00:00-13:00 Berlin (13/24).
        assert item.age_business_days == pytest.approx(1.125, abs=0.01)

    def test_across_a_dst_change(self, register, act, unit, actors, program_calendar):
        program_calendar("new-york", time_zone="America/New_York")
        clock.freeze(datetime(2030, 3, 8, 15, 0, tzinfo=UTC))  # Friday 10:00 EST; clocks go forward on Sunday the 10th
        submitted = register(customer={"name": "Sla Dst"})
        act(submitted, ("a_user", "submit"))
        clock.freeze(datetime(2030, 3, 12, 14, 30, tzinfo=UTC))
        item = queue_item(unit, actors, submitted)
        assert item.due_at == datetime(2030, 3, 12, 14, 0, tzinfo=UTC) and item.overdue  # Tuesday 10:00 EDT

    def test_a_program_without_a_calendar_uses_the_first(self, register, act, unit, actors, program_calendar):
        program_calendar("first-berlin", for_program=False, time_zone="Europe/Berlin", holiday_country="DE")
        program_calendar("second-utc", for_program=False)
        clock.freeze(datetime(2030, 12, 24, 9, 0, tzinfo=UTC))
        submitted = register(customer={"name": "Sla Default"})
        act(submitted, ("a_user", "submit"))
        clock.freeze(datetime(2030, 12, 27, 12, 0, tzinfo=UTC))
        assert queue_item(unit, actors, submitted).due_at == datetime(2030, 12, 30, 9, 0, tzinfo=UTC)

    def test_an_unknown_calendar_is_refused_naming_the_field(self, unit, actors, world):
        with unit(actors["admin"]) as session:
            program_id = session.get(Partner, world.a.id).program_id
        with pytest.raises(RuleViolation) as refused, unit(actors["admin"]) as session:
            program_service.update_program(session, actors["admin"], program_id=program_id, data=ProgramUpdate(review_calendar_id=999_999))
        assert refused.value.details[0]["field"] == "review_calendar_id"

    def test_an_unknown_holiday_region_is_refused(self, unit, actors):
        with pytest.raises(RuleViolation) as refused, unit(actors["admin"]) as session:
            routing_service.create_calendar(
                session, actors["admin"], data=CalendarCreate(key="nowhere", name="Nowhere", holiday_country="DE", holiday_subdivision="XX")
            )
        assert refused.value.details[0]["field"] == "holiday_subdivision"
