"""When a person may sit an exam and when they have earned a certification (pure rules).

A certification cycle starts after the person's latest certification on the track: a renewal
needs a fresh exam pass (and lab pass) dated after that certification was issued, while the
learning path, once completed, stays completed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from alliance.enablement.vocabulary import LabStatus
from alliance.errors import RuleViolation


@dataclass(frozen=True)
class TrackPolicy:
    id: int
    name: str
    required_module_ids: frozenset[int]
    exam_pass_mark: int
    exam_max_attempts: int
    exam_cooldown_days: int
    has_lab: bool
    validity_days: int
    prerequisite_id: int | None = None
    prerequisite_name: str | None = None


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    score: int
    passed: bool


@dataclass(frozen=True)
class LabResult:
    submitted_at: datetime
    status: LabStatus
    graded_at: datetime | None = None


@dataclass(frozen=True)
class Held:
    """A certification the person holds (or held); `counting` when active or awaiting recert."""

    track_id: int
    issued_on: date
    counting: bool


@dataclass(frozen=True)
class Progress:
    completed: Mapping[int, date] = field(default_factory=dict)  # module id -> completed on
    attempts: Sequence[Attempt] = ()
    labs: Sequence[LabResult] = ()
    held: Sequence[Held] = ()


@dataclass(frozen=True)
class Verdict:
    earned: bool
    issued_on: date | None
    expires_on: date | None
    missing: list[str]


LAB_MISSING = {None: "lab not submitted", LabStatus.PENDING: "lab pending evaluation", LabStatus.FAILED: "lab not passed"}


def cycle_start(track: TrackPolicy, held: Sequence[Held]) -> date | None:
    """Issue date of the person's latest certification on this track: evidence must be newer."""
    dates = [h.issued_on for h in held if h.track_id == track.id]
    return max(dates) if dates else None


def _in_cycle(moment: datetime, start: date | None) -> bool:
    return start is None or moment.date() > start


def cycle_attempts(track: TrackPolicy, progress: Progress, *, before: datetime | None = None) -> list[Attempt]:
    start = cycle_start(track, progress.held)
    attempts = [a for a in progress.attempts if _in_cycle(a.attempted_at, start) and (before is None or a.attempted_at < before)]
    return sorted(attempts, key=lambda a: a.attempted_at)


def next_attempt_at(track: TrackPolicy, progress: Progress, *, now: datetime) -> datetime | None:
    """When the cool-down after the last failed attempt ends (None: no cool-down running)."""
    attempts = cycle_attempts(track, progress, before=now)
    if not attempts or attempts[-1].passed:
        return None
    allowed = attempts[-1].attempted_at + timedelta(days=track.exam_cooldown_days)
    return allowed if allowed > now else None


def attempts_left(track: TrackPolicy, progress: Progress, *, now: datetime) -> int:
    return max(track.exam_max_attempts - len(cycle_attempts(track, progress, before=now)), 0)


def can_attempt_exam(track: TrackPolicy, progress: Progress, *, now: datetime) -> None:
    """Refuse an exam attempt at `now` that the track's policy does not allow."""
    attempts = cycle_attempts(track, progress, before=now)
    if any(a.passed for a in attempts):
        raise RuleViolation(f"The {track.name} exam is already passed.", details=[{"field": "track_id", "message": "exam already passed"}])
    if len(attempts) >= track.exam_max_attempts:
        raise RuleViolation(
            f"All {track.exam_max_attempts} attempts at the {track.name} exam are used.",
            details=[{"field": "track_id", "message": f"no attempts left ({len(attempts)} of {track.exam_max_attempts} used)"}],
        )
    allowed = next_attempt_at(track, progress, now=now)
    if allowed is not None:
        when = allowed.strftime("%Y-%m-%d %H:%M UTC")
        raise RuleViolation(
            f"The next attempt at the {track.name} exam is allowed from {when} ({track.exam_cooldown_days}-day cool-down after a failed attempt).",
            details=[{"field": "attempted_at", "message": f"cool-down: next attempt allowed from {when}", "next_attempt_at": allowed.isoformat()}],
        )


def lab_state(track: TrackPolicy, progress: Progress) -> LabStatus | None:
    """The state of the lab in this cycle: passed if any submission passed, else the latest's
    status; None when nothing was submitted (or the track has no lab)."""
    if not track.has_lab:
        return None
    start = cycle_start(track, progress.held)
    labs = sorted((lab for lab in progress.labs if _in_cycle(lab.submitted_at, start)), key=lambda lab: lab.submitted_at)
    if any(lab.status == LabStatus.PASSED for lab in labs):
        return LabStatus.PASSED
    return LabStatus(labs[-1].status) if labs else None


def evaluate(track: TrackPolicy, progress: Progress) -> Verdict:
    """Earned when every required module is complete, the exam (and lab) passed in this cycle
    and the prerequisite certification counts; issued on the day the last requirement was met."""
    missing: list[str] = []
    met_on: list[date] = []
    start = cycle_start(track, progress.held)

    done = [progress.completed[m] for m in track.required_module_ids if m in progress.completed]
    if len(done) < len(track.required_module_ids):
        missing.append(f"{len(done)} of {len(track.required_module_ids)} required modules complete")
    met_on.extend(done)

    passes = [a.attempted_at for a in cycle_attempts(track, progress) if a.passed]
    if passes:
        met_on.append(min(passes).date())
    else:
        missing.append("exam not passed")

    if track.has_lab:
        passed_labs = [(lab.graded_at or lab.submitted_at) for lab in progress.labs if lab.status == LabStatus.PASSED and _in_cycle(lab.submitted_at, start)]
        if passed_labs:
            met_on.append(min(passed_labs).date())
        else:
            missing.append(LAB_MISSING[lab_state(track, progress)])

    if track.prerequisite_id is not None:
        prerequisite = [h.issued_on for h in progress.held if h.track_id == track.prerequisite_id and h.counting]
        if prerequisite:
            met_on.append(min(prerequisite))
        else:
            missing.append(f"requires {track.prerequisite_name or f'track {track.prerequisite_id}'}")

    if missing:
        return Verdict(earned=False, issued_on=None, expires_on=None, missing=missing)
    issued_on = max(met_on)
    return Verdict(earned=True, issued_on=issued_on, expires_on=issued_on + timedelta(days=track.validity_days), missing=[])
