from datetime import UTC, date, datetime, timedelta

import pytest

from alliance.enablement import awards
from alliance.enablement.awards import Attempt, Held, LabResult, Progress, TrackPolicy
from alliance.enablement.vocabulary import LabStatus
from alliance.errors import RuleViolation

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

TRACK = TrackPolicy(
    id=10,
    name="Solution Architect Expert (Data Platform 8)",
    required_module_ids=frozenset({1, 2, 3, 4, 5}),
    exam_pass_mark=70,
    exam_max_attempts=3,
    exam_cooldown_days=14,
    has_lab=True,
    validity_days=730,
    prerequisite_id=9,
    prerequisite_name="Solution Architect Professional (Data Platform 8)",
)
PREREQUISITE = Held(track_id=9, issued_on=date(2025, 6, 1), counting=True)
ALL_MODULES = {m: date(2026, 2, m) for m in range(1, 6)}


def failed(at: datetime) -> Attempt:
    return Attempt(attempted_at=at, score=50, passed=False)


class TestCanAttemptExam:
    def test_first_attempt_is_allowed(self):
        awards.can_attempt_exam(TRACK, Progress(), now=T0)

    def test_cool_down_after_a_failed_attempt_names_the_next_allowed_time(self):
        progress = Progress(attempts=[failed(T0)])
        with pytest.raises(RuleViolation, match="allowed from 2026-03-16 09:00 UTC"):
            awards.can_attempt_exam(TRACK, progress, now=T0 + timedelta(days=13))

    def test_allowed_once_the_cool_down_is_over(self):
        awards.can_attempt_exam(TRACK, Progress(attempts=[failed(T0)]), now=T0 + timedelta(days=14))

    def test_attempts_are_limited(self):
        progress = Progress(attempts=[failed(T0 + timedelta(days=20 * i)) for i in range(3)])
        with pytest.raises(RuleViolation, match="All 3 attempts"):
            awards.can_attempt_exam(TRACK, progress, now=T0 + timedelta(days=100))
        assert awards.attempts_left(TRACK, progress, now=T0 + timedelta(days=100)) == 0

    def test_no_attempt_after_a_pass(self):
        progress = Progress(attempts=[Attempt(T0, 90, True)])
        with pytest.raises(RuleViolation, match="already passed"):
            awards.can_attempt_exam(TRACK, progress, now=T0 + timedelta(days=30))

    def test_a_new_certification_cycle_starts_after_the_latest_certification(self):
        progress = Progress(
            attempts=[failed(T0), failed(T0 + timedelta(days=15)), Attempt(T0 + timedelta(days=30), 90, True)],
            held=[Held(track_id=10, issued_on=(T0 + timedelta(days=30)).date(), counting=True)],
        )
        awards.can_attempt_exam(TRACK, progress, now=T0 + timedelta(days=400))
        assert awards.attempts_left(TRACK, progress, now=T0 + timedelta(days=400)) == 3

    def test_later_attempts_do_not_count_against_an_earlier_import(self):
        progress = Progress(attempts=[failed(T0)])
        awards.can_attempt_exam(TRACK, progress, now=T0 - timedelta(days=1))


class TestEvaluate:
    def test_earned_when_everything_is_met_issued_on_the_last_requirement(self):
        progress = Progress(
            completed=ALL_MODULES,
            attempts=[failed(T0 - timedelta(days=30)), Attempt(T0, 85, True)],
            labs=[LabResult(T0 + timedelta(days=1), LabStatus.PASSED, graded_at=T0 + timedelta(days=5))],
            held=[PREREQUISITE],
        )
        verdict = awards.evaluate(TRACK, progress)
        assert verdict.earned and verdict.missing == []
        assert verdict.issued_on == date(2026, 3, 7)
        assert verdict.expires_on == date(2026, 3, 7) + timedelta(days=730)

    def test_missing_requirements_in_words(self):
        progress = Progress(
            completed={1: date(2026, 1, 1), 2: date(2026, 1, 2), 99: date(2026, 1, 3)}, attempts=[failed(T0)], labs=[LabResult(T0, LabStatus.PENDING)]
        )
        verdict = awards.evaluate(TRACK, progress)
        assert not verdict.earned and verdict.issued_on is None
        assert verdict.missing == [
            "2 of 5 required modules complete",
            "exam not passed",
            "lab pending evaluation",
            "requires Solution Architect Professional (Data Platform 8)",
        ]

    def test_optional_modules_do_not_count(self):
        track = TrackPolicy(
            id=1,
            name="SA Associate",
            required_module_ids=frozenset({1}),
            exam_pass_mark=70,
            exam_max_attempts=3,
            exam_cooldown_days=7,
            has_lab=False,
            validity_days=365,
        )
        verdict = awards.evaluate(track, Progress(completed={1: date(2026, 1, 1)}, attempts=[Attempt(T0, 70, True)]))
        assert verdict.earned and verdict.issued_on == T0.date() and verdict.expires_on == T0.date() + timedelta(days=365)

    @pytest.mark.parametrize(
        ("labs", "words"),
        [
            ([], "lab not submitted"),
            ([LabResult(T0, LabStatus.FAILED, T0)], "lab not passed"),
            ([LabResult(T0, LabStatus.FAILED, T0), LabResult(T0 + timedelta(days=1), LabStatus.PENDING)], "lab pending evaluation"),
        ],
    )
    def test_lab_states(self, labs, words):
        progress = Progress(completed=ALL_MODULES, attempts=[Attempt(T0, 85, True)], labs=labs, held=[PREREQUISITE])
        assert awards.evaluate(TRACK, progress).missing == [words]

    def test_prerequisite_must_still_count(self):
        progress = Progress(
            completed=ALL_MODULES,
            attempts=[Attempt(T0, 85, True)],
            labs=[LabResult(T0, LabStatus.PASSED, T0)],
            held=[Held(track_id=9, issued_on=date(2023, 1, 1), counting=False)],
        )
        assert awards.evaluate(TRACK, progress).missing == ["requires Solution Architect Professional (Data Platform 8)"]

    def test_prerequisite_earned_later_sets_the_issue_date(self):
        progress = Progress(
            completed=ALL_MODULES,
            attempts=[Attempt(T0, 85, True)],
            labs=[LabResult(T0, LabStatus.PASSED, T0)],
            held=[Held(track_id=9, issued_on=date(2026, 4, 1), counting=True)],
        )
        assert awards.evaluate(TRACK, progress).issued_on == date(2026, 4, 1)

    def test_renewal_needs_a_fresh_exam_and_lab(self):
        held = [PREREQUISITE, Held(track_id=10, issued_on=T0.date(), counting=True)]
        old = Progress(completed=ALL_MODULES, attempts=[Attempt(T0, 85, True)], labs=[LabResult(T0, LabStatus.PASSED, T0)], held=held)
        assert awards.evaluate(TRACK, old).missing == ["exam not passed", "lab not submitted"]
        later = T0 + timedelta(days=700)
        renewed = Progress(
            completed=ALL_MODULES, attempts=[*old.attempts, Attempt(later, 80, True)], labs=[*old.labs, LabResult(later, LabStatus.PASSED, later)], held=held
        )
        verdict = awards.evaluate(TRACK, renewed)
        assert verdict.earned and verdict.issued_on == later.date()
