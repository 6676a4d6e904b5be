"""A person's way to a certification: learning modules, exam attempts, labs (graded by a vendor
evaluator or posted, signed, by a lab environment) and the award once every requirement is met."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.enablement import awards, lab_signature, notice_service
from alliance.enablement.catalog_repository import TrackRepository
from alliance.enablement.models import Certification, CertificationTrack, ExamAttempt, LabSubmission, ModuleCompletion
from alliance.enablement.progress_repository import ProgressRepository
from alliance.enablement.progress_schemas import (
    CertificationRead,
    ExamAttemptCreate,
    LabGrade,
    LabResultPost,
    LabSubmissionCreate,
    ModuleCompletionCreate,
    TrackProgressRead,
)
from alliance.enablement.vocabulary import COUNTING, CertificationStatus, LabGrading, LabStatus, LearningAction, Level, Source
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.kit.schemas import error_details
from alliance.partners import service as partner_service
from alliance.partners.models import Person

ATTEMPT_FIELDS = ("person_id", "track_id", "attempted_at", "score", "passed", "source", "external_ref")
LAB_FIELDS = ("person_id", "track_id", "status", "score", "source", "external_ref", "notes")
# A post for a track without a lab environment is checked against this, so it fails like a forgery.
UNKNOWN_TRACK_SECRET = secrets.token_hex(32)
CERTIFICATION_FIELDS = ("person_id", "track_id", "status", "issued_on", "expires_on", "ended_on", "source")


# --- learning and exams ------------------------------------------------------------------------


def record_module_completion(
    session: Session, actor: Actor, *, person_id: int, data: ModuleCompletionCreate, source: Source = Source.PORTAL
) -> ModuleCompletion:
    """Mark a module of a learning path complete (idempotent: a second call changes nothing)."""
    person = partner_service.get_person(session, actor, person_id=person_id)
    require(actor, Permission.LEARNING_RECORD)
    module = TrackRepository(session).module(data.module_id)
    if module is None:
        raise RuleViolation(f"Module {data.module_id} does not exist.", details=[{"field": "module_id", "message": "unknown module"}])
    repository = ProgressRepository(session)
    existing = repository.completion(person.id, module.id)
    if existing is not None:
        return existing
    completion = repository.put(
        ModuleCompletion(partner_id=person.partner_id, person_id=person.id, module_id=module.id, completed_on=data.completed_on or clock.today(), source=source)
    )
    audit.record(
        session,
        actor,
        "module.completed",
        entity_type="person",
        entity_id=person.id,
        partner_id=person.partner_id,
        after={"module_id": module.id, "track_id": module.track_id, "completed_on": completion.completed_on, "source": source},
    )
    evaluate_award(session, actor, person_id=person.id, track_id=module.track_id, source=source)
    return completion


def record_exam_attempt(session: Session, actor: Actor, *, person_id: int, data: ExamAttemptCreate, source: Source = Source.PORTAL) -> ExamAttempt:
    """One attempt at a track's exam, within its attempt limit and cool-down; passed when the
    score reaches the pass mark. An attempt whose `external_ref` is known is returned as it is."""
    person = partner_service.get_person(session, actor, person_id=person_id)
    require(actor, Permission.LEARNING_RECORD)
    track = _track(session, data.track_id)
    repository = ProgressRepository(session)
    if data.external_ref and (known := repository.attempt_by_ref(data.external_ref)) is not None:
        if known.person_id != person.id or known.track_id != track.id:
            raise Conflict(f"Attempt {data.external_ref} is already recorded for another exam.", details=[{"field": "external_ref", "message": "already used"}])
        return known
    attempted_at = data.attempted_at or clock.now()
    awards.can_attempt_exam(policy_of(track), _progress(session, person.id, track), now=attempted_at)
    attempt = repository.put(
        ExamAttempt(
            partner_id=person.partner_id,
            person_id=person.id,
            track_id=track.id,
            attempted_at=attempted_at,
            score=data.score,
            passed=data.score >= track.exam_pass_mark,
            source=source,
            external_ref=data.external_ref,
        )
    )
    audit.record(
        session,
        actor,
        "exam.attempted",
        entity_type="exam_attempt",
        entity_id=attempt.id,
        partner_id=person.partner_id,
        after=snapshot(attempt, ATTEMPT_FIELDS),
    )
    evaluate_award(session, actor, person_id=person.id, track_id=track.id, source=source)
    return attempt


# --- labs --------------------------------------------------------------------------------------


def submit_lab(session: Session, actor: Actor, *, person_id: int, data: LabSubmissionCreate) -> LabSubmission:
    """Hand in an evaluator-graded lab for a person; it waits in the grading queue."""
    person = partner_service.get_person(session, actor, person_id=person_id)
    require(actor, Permission.LABS_SUBMIT)
    track = _track(session, data.track_id)
    if track.lab_grading != LabGrading.EVALUATOR:
        message = "has no lab" if track.lab_grading is None else "is graded by its lab environment, which posts the result"
        raise RuleViolation(f"{track.name} {message}.", details=[{"field": "track_id", "message": message}])
    repository = ProgressRepository(session)
    labs = repository.labs(person.id, track.id)
    if any(lab.status == LabStatus.PENDING for lab in labs):
        raise Conflict(
            f"{person.name}'s lab for {track.name} is already waiting for evaluation.", details=[{"field": "track_id", "message": "a lab is pending"}]
        )
    if awards.lab_state(policy_of(track), _progress(session, person.id, track)) == LabStatus.PASSED:
        raise Conflict(f"{person.name} has already passed the {track.name} lab.", details=[{"field": "track_id", "message": "lab already passed"}])
    submission = repository.put(
        LabSubmission(
            partner_id=person.partner_id,
            person_id=person.id,
            track_id=track.id,
            submitted_at=clock.now(),
            status=LabStatus.PENDING,
            evidence=data.evidence,
            source=Source.PORTAL,
        )
    )
    audit.record(
        session,
        actor,
        "lab.submitted",
        entity_type="lab_submission",
        entity_id=submission.id,
        partner_id=person.partner_id,
        after=snapshot(submission, LAB_FIELDS),
    )
    return submission


def lab_queue(session: Session, actor: Actor, *, status: LabStatus | None = LabStatus.PENDING, page: PageRequest) -> Page[Any]:
    """Lab submissions for vendor evaluators, oldest first (rows with person, partner and track names)."""
    require(actor, Permission.LABS_GRADE)
    repository = ProgressRepository(session)
    rows, total = repository.rows(repository.lab_queue(status), limit=page.limit, offset=page.offset)
    return Page(items=rows, total=total, limit=page.limit, offset=page.offset)


def grade_lab(session: Session, actor: Actor, *, submission_id: int, data: LabGrade) -> LabSubmission:
    """Score a pending submission against the track's rubric: the score is the percent of the
    rubric's points, passed when it reaches the lab pass mark."""
    require(actor, Permission.LABS_GRADE)
    repository = ProgressRepository(session)
    submission = repository.lab(submission_id, for_change=True)
    if submission is None:
        raise NotFound(f"Lab submission {submission_id} not found.")
    if submission.status != LabStatus.PENDING:
        raise Conflict(f"Lab submission {submission_id} is already graded ({submission.status}).", details=[{"field": "status", "message": submission.status}])
    track = _track(session, submission.track_id)
    rubric = {entry["criterion"]: int(entry["max_points"]) for entry in track.lab_rubric}
    given = {score.criterion: score.points for score in data.scores}
    problems = [{"field": "scores", "message": f"'{name}' is not a criterion of the rubric"} for name in given if name not in rubric]
    problems += [{"field": "scores", "message": f"'{name}' is not scored"} for name in rubric if name not in given]
    if len(given) != len(data.scores):
        problems.append({"field": "scores", "message": "a criterion is scored twice"})
    problems += [
        {"field": "scores", "message": f"'{name}' scores at most {rubric[name]} points"}
        for name, points in given.items()
        if name in rubric and points > rubric[name]
    ]
    if problems:
        raise RuleViolation("The scores do not match the track's rubric.", details=problems)
    before = snapshot(submission, LAB_FIELDS)
    score = round(100 * sum(given.values()) / sum(rubric.values()))
    submission.score = score
    submission.rubric_scores = [{"criterion": name, "points": given[name], "max_points": rubric[name]} for name in rubric]
    submission.status = LabStatus.PASSED if score >= (track.lab_pass_mark or 0) else LabStatus.FAILED
    submission.notes = data.notes
    submission.graded_at = clock.now()
    submission.grader_user_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "lab.graded",
        entity_type="lab_submission",
        entity_id=submission.id,
        partner_id=submission.partner_id,
        before=before,
        after=snapshot(submission, LAB_FIELDS),
    )
    notice_service.announce_lab_graded(session, actor, submission, track)
    evaluate_award(session, actor, person_id=submission.person_id, track_id=track.id, source=Source.EVALUATOR)
    return submission


def post_lab_result(session: Session, *, track_key: str, headers: Mapping[str, str], body: bytes) -> LabSubmission:
    """A lab environment's signed result (session in a system scope: the post has no user).

    Unsigned, wrongly signed, stale or future posts are refused (401), and so is a post for a
    track without a lab environment, exactly like a bad signature: the endpoint does not tell
    who probes it which lab tracks exist. A replayed nonce is a conflict (409), as is a reused
    external_ref; an unknown person is 404."""
    track = TrackRepository(session).by_key(track_key)
    if track is None or track.lab_grading != LabGrading.ENVIRONMENT or not track.lab_secret:
        # Checked against a secret nobody holds: the same checks, the same answer as a bad signature.
        lab_signature.verify(headers, body, UNKNOWN_TRACK_SECRET, now=clock.now())
        raise lab_signature.bad_signature()
    nonce = lab_signature.verify(headers, body, track.lab_secret, now=clock.now())
    repository = ProgressRepository(session)
    if repository.nonce_used(nonce):
        raise Conflict("This lab result was already received (replayed nonce).", details=[{"field": lab_signature.NONCE_HEADER, "message": "already used"}])
    result = _parse_result(body)
    if result.external_ref and repository.lab_ref_used(result.external_ref):
        raise Conflict(f"Lab result {result.external_ref} was already received.", details=[{"field": "external_ref", "message": "already used"}])
    person = _lab_person(repository, result)
    passed = result.passed if result.passed is not None else result.score >= (track.lab_pass_mark or 0)
    now = clock.now()
    submission = repository.put(
        LabSubmission(
            partner_id=person.partner_id,
            person_id=person.id,
            track_id=track.id,
            submitted_at=now,
            graded_at=now,
            status=LabStatus.PASSED if passed else LabStatus.FAILED,
            source=Source.LAB_ENVIRONMENT,
            score=result.score,
            nonce=nonce,
            external_ref=result.external_ref,
        )
    )
    actor = Actor.system(label=f"lab environment {track.key}")
    audit.record(
        session,
        actor,
        "lab.result_received",
        entity_type="lab_submission",
        entity_id=submission.id,
        partner_id=person.partner_id,
        after=snapshot(submission, LAB_FIELDS),
    )
    notice_service.announce_lab_graded(session, actor, submission, track)
    evaluate_award(session, actor, person_id=person.id, track_id=track.id, source=Source.LAB_ENVIRONMENT)
    return submission


def _parse_result(body: bytes) -> LabResultPost:
    try:
        return LabResultPost.model_validate(json.loads(body or b"null"))
    except json.JSONDecodeError:
        raise RuleViolation("The lab result is not JSON.", details=[{"field": "body", "message": "not JSON"}]) from None
    except ValidationError as exc:
        raise RuleViolation("The lab result is not valid.", details=error_details(exc)) from None


def _lab_person(repository: ProgressRepository, result: LabResultPost) -> Person:
    if result.person_id is not None:
        person = repository.person(result.person_id)
        if person is None or (result.partner_id is not None and person.partner_id != result.partner_id):
            raise NotFound(f"Person {result.person_id} not found.")
        return person
    assert result.person_email is not None
    people = repository.people_by_email(result.person_email, result.partner_id)
    if not people:
        raise NotFound(f"No person with email {result.person_email}.")
    if len(people) > 1:
        raise RuleViolation(
            f"Several partners have a person with email {result.person_email}.", details=[{"field": "partner_id", "message": "give the partner"}]
        )
    return people[0]


# --- the award ---------------------------------------------------------------------------------


def evaluate_award(session: Session, actor: Actor, *, person_id: int, track_id: int, source: Source = Source.PORTAL) -> Certification | None:
    """Issue the certification when the person has met every requirement (idempotent); an older
    certification on the track that still counts is marked renewed. Tracks that require this
    one are evaluated again after an award."""
    track = _track(session, track_id)
    repository = ProgressRepository(session)
    # Under the person's lock before reading progress: two awards at once see each other's result.
    person = repository.person(person_id, for_change=True)
    assert person is not None
    verdict = awards.evaluate(policy_of(track), _progress(session, person_id, track))
    if not verdict.earned:
        return None
    assert verdict.issued_on is not None and verdict.expires_on is not None
    for previous in repository.certifications(person_id, track.id):
        if previous.status in COUNTING:
            before = snapshot(previous, CERTIFICATION_FIELDS)
            previous.status, previous.ended_on = CertificationStatus.RENEWED, verdict.issued_on
            session.flush()
            audit.record(
                session,
                actor,
                "certification.renewed",
                entity_type="certification",
                entity_id=previous.id,
                partner_id=previous.partner_id,
                before=before,
                after=snapshot(previous, CERTIFICATION_FIELDS),
            )
    certification = repository.put(
        Certification(
            partner_id=person.partner_id,
            person_id=person_id,
            track_id=track.id,
            status=CertificationStatus.ACTIVE,
            issued_on=verdict.issued_on,
            expires_on=verdict.expires_on,
            source=source,
        )
    )
    audit.record(
        session,
        actor,
        "certification.issued",
        entity_type="certification",
        entity_id=certification.id,
        partner_id=person.partner_id,
        after=snapshot(certification, CERTIFICATION_FIELDS),
    )
    for dependent_id in TrackRepository(session).dependents(track.id):
        evaluate_award(session, actor, person_id=person_id, track_id=dependent_id, source=source)
    return certification


def certification_missing(session: Session, actor: Actor, *, person_id: int, track_id: int) -> list[str]:
    """What the person still needs for the track's certification, in words (empty once it is
    earned): a passed lab or exam is not a certification while a prerequisite is missing."""
    partner_service.get_person(session, actor, person_id=person_id)
    track = _track(session, track_id)
    held = ProgressRepository(session).certifications(person_id, track.id)
    if held and held[-1].status in COUNTING:
        return []  # certified: the progress since belongs to the next cycle
    prerequisite = TrackRepository(session).get_loaded(track.prerequisite_track_id) if track.prerequisite_track_id else None
    verdict = awards.evaluate(policy_of(track, prerequisite.name if prerequisite else None), _progress(session, person_id, track))
    return [] if verdict.earned else verdict.missing


def policy_of(track: CertificationTrack, prerequisite_name: str | None = None) -> awards.TrackPolicy:
    return awards.TrackPolicy(
        id=track.id,
        name=track.name,
        required_module_ids=frozenset(m.id for m in track.modules if m.required),
        exam_pass_mark=track.exam_pass_mark,
        exam_max_attempts=track.exam_max_attempts,
        exam_cooldown_days=track.exam_cooldown_days,
        has_lab=track.lab_grading is not None,
        validity_days=track.validity_days,
        prerequisite_id=track.prerequisite_track_id,
        prerequisite_name=prerequisite_name,
    )


def _progress(session: Session, person_id: int, track: CertificationTrack) -> awards.Progress:
    repository = ProgressRepository(session)
    track_ids = [track.id] + ([track.prerequisite_track_id] if track.prerequisite_track_id else [])
    return awards.Progress(
        completed=repository.completed_modules(person_id, track.id),
        attempts=[awards.Attempt(a.attempted_at, a.score, a.passed) for a in repository.attempts(person_id, track.id)],
        labs=[awards.LabResult(lab.submitted_at, LabStatus(lab.status), lab.graded_at) for lab in repository.labs(person_id, track.id)],
        held=[awards.Held(c.track_id, c.issued_on, c.status in COUNTING) for c in repository.held(person_id, track_ids)],
    )


def _track(session: Session, track_id: int) -> CertificationTrack:
    track = TrackRepository(session).get_loaded(track_id)
    if track is None:
        raise RuleViolation(f"Certification track {track_id} does not exist.", details=[{"field": "track_id", "message": "unknown track"}])
    return track


# --- reading -----------------------------------------------------------------------------------


def learning_actions(actor: Actor, track: CertificationTrack, *, modules_left: bool, lab_status: LabStatus | None) -> list[LearningAction]:
    """What `actor` may do next on a person's track: the rules record_module_completion,
    record_exam_attempt and submit_lab apply, asked before the form is shown."""
    actions = []
    if can(actor, Permission.LEARNING_RECORD):
        if modules_left:
            actions.append(LearningAction.COMPLETE_MODULE)
        actions.append(LearningAction.RECORD_EXAM)
    # One lab at a time, and none once passed (submit_lab refuses both with a Conflict).
    if can(actor, Permission.LABS_SUBMIT) and track.lab_grading == LabGrading.EVALUATOR and lab_status not in (LabStatus.PENDING, LabStatus.PASSED):
        actions.append(LearningAction.SUBMIT_LAB)
    return actions


def person_progress(session: Session, actor: Actor, *, person_id: int) -> tuple[Person, list[TrackProgressRead]]:
    """Where the person stands on every track they have started or that fits their delivery role."""
    person = partner_service.get_person(session, actor, person_id=person_id)
    repository = ProgressRepository(session)
    tracks = TrackRepository(session)
    touched = tracks.loaded_many(repository.tracks_touched(person.id))
    candidates = {t.id: t for t in [*touched, *tracks.for_role(person.delivery_role)]}
    names = {t.id: t.name for t in tracks.loaded_many({t.prerequisite_track_id for t in candidates.values() if t.prerequisite_track_id})}
    now = clock.now()
    found = []
    for track in sorted(candidates.values(), key=lambda t: (t.product_line, Level(t.level).rank, t.key)):
        policy = policy_of(track, names.get(track.prerequisite_track_id or 0))
        progress = _progress(session, person.id, track)
        certifications = repository.certifications(person.id, track.id)
        if certifications and certifications[-1].status in COUNTING:
            # Show the cycle that earned the certification the person holds, not the next one.
            current = certifications[-1]
            progress = replace(progress, held=[h for h in progress.held if not (h.track_id == track.id and h.issued_on >= current.issued_on)])
        verdict = awards.evaluate(policy, progress)
        attempts = awards.cycle_attempts(policy, progress)
        lab_status = awards.lab_state(policy, progress)
        found.append(
            TrackProgressRead(
                track_id=track.id,
                track_key=track.key,
                track_name=track.name,
                level=Level(track.level),
                modules_done=len(policy.required_module_ids & set(progress.completed)),
                modules_required=len(policy.required_module_ids),
                completed_module_ids=sorted(progress.completed),
                exam_attempts=len(attempts),
                exam_attempts_left=awards.attempts_left(policy, progress, now=now),
                exam_best_score=max((a.score for a in attempts), default=None),
                exam_passed=any(a.passed for a in attempts),
                next_attempt_at=awards.next_attempt_at(policy, progress, now=now),
                lab_required=policy.has_lab,
                lab_status=lab_status,
                earned=verdict.earned,
                missing=verdict.missing,
                certification=CertificationRead.model_validate(certifications[-1]) if certifications else None,
                actions=learning_actions(actor, track, modules_left=any(m.id not in progress.completed for m in track.modules), lab_status=lab_status),
            )
        )
    return person, found
