"""Import learning records from an external learning system's export (CSV): module completions,
exam attempts, lab results and certifications issued there.

One file, one `record_type` column. The file is read a chunk of lines at a time (the customer
import's ChunkReader: bounded memory, a chunk never ends inside a quoted field) and written a
batch at a time: one query resolves the batch's people by email, one per record type finds the
external refs (module rows: the person-module pairs) already stored, and the new rows are inserted
set-based. Re-importing the same export changes nothing. A bad row is reported with its line
number and skipped; a file without the required header columns raises ImportFileError and imports
nothing. After each batch the (person, track) pairs it touched are evaluated for an award. The
caller's transaction holds the whole import, with one audit event summarising it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO, get_args

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance import audit
from alliance.customers.chunks import Chunk, ChunkReader, cyclic_gc_paused
from alliance.enablement import progress_service
from alliance.enablement.import_repository import ImportRepository, PersonRef, TrackRef
from alliance.enablement.progress_schemas import MAX_EXTERNAL_REF, LearningRecordRow, RecordType
from alliance.enablement.vocabulary import CertificationStatus, LabStatus, Source
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.csv_header import read_header
from alliance.kit.importing import ImportSummary as BaseSummary
from alliance.kit.importing import NotUtf8, Progress, check_batch_size, refusing_non_utf8
from alliance.kit.schemas import field_errors

DEFAULT_BATCH_SIZE = 2_000
RECORD_TYPES: tuple[RecordType, ...] = get_args(RecordType)
REQUIRED_COLUMNS = ("record_type", "person_email", "track_key")
OPTIONAL_COLUMNS = (
    "external_ref",
    "partner_id",
    "module_key",
    "completed_on",
    "attempted_at",
    "submitted_at",
    "score",
    "passed",
    "issued_on",
    "expires_on",
)
# What each record type needs besides the required columns.
NEEDS = {
    "module": ("module_key", "completed_on"),
    "exam": ("external_ref", "attempted_at", "score"),
    "lab": ("external_ref", "submitted_at"),
    "certification": ("external_ref", "issued_on"),
}
COLUMNS = frozenset((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))

FORMAT_HELP = """\
CSV, UTF-8, header row first. Columns (any order; unknown columns are ignored and listed):
  record_type     module | exam | lab | certification (required)
  person_email    the person's email in Alliance (required)
  track_key       the certification track's key (required)
  partner_id      optional: the person's partner, when one email is used at several partners
  external_ref    the learning system's id of the record (required for exam, lab, certification;
                  re-importing the same id changes nothing)
  module_key      module rows: the learning-path module's key
  completed_on    module rows: YYYY-MM-DD
  attempted_at    exam rows: ISO date-time (UTC when no offset is given)
  score           exam rows (required) and lab rows (optional): 0-100
  passed          exam rows: true/false (default: score >= the track's pass mark);
                  lab rows: true/false, empty = pending evaluation
  submitted_at    lab rows: ISO date-time
  issued_on       certification rows: YYYY-MM-DD
  expires_on      certification rows, optional: YYYY-MM-DD (default: issued_on + the track's validity)
Module rows are idempotent on (person, module). After each batch, people whose modules, exams or
labs were imported are awarded the certifications they have now earned."""


class ImportFileError(RuleViolation):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    external_ref: str | None
    field: str
    message: str

    def __str__(self) -> str:
        ref = f" (external_ref {self.external_ref})" if self.external_ref else ""
        return f"line {self.line}{ref}: {self.field}: {self.message}"


class RowError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ImportSummary(BaseSummary[Rejection]):
    awarded: int = 0  # certifications issued because imported records completed a track
    renewed: int = 0  # older certifications replaced by imported ones
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_TYPES, 0))  # inserted per record type
    batches: int = 0
    largest_batch: int = 0


@dataclass(frozen=True, slots=True)
class Parsed:
    """A checked row before people are resolved."""

    line: int
    kind: str
    ref: str | None
    email: str
    partner_id: int | None
    track: TrackRef
    values: dict[str, Any]
    module_id: int | None = None


# Awarding is E1's rule (progress_service.evaluate_award); the hook is a parameter for tests.
Award = Callable[[Session, Actor, int, int], bool]


def award_earned(session: Session, actor: Actor, person_id: int, track_id: int) -> bool:
    return progress_service.evaluate_award(session, actor, person_id=person_id, track_id=track_id, source=Source.IMPORT) is not None


def import_certifications(
    session: Session,
    actor: Actor,
    *,
    source: BinaryIO,
    source_name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Progress | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    award: Award | None = award_earned,
) -> ImportSummary:
    """Import `source` (opened in binary). Program admins (and the operator's CLI) only."""
    require(actor, Permission.LEARNING_IMPORT)
    check_batch_size(batch_size)
    summary = ImportSummary(source=source_name, on_reject=on_reject)
    reader = ChunkReader(source, lines=batch_size)
    repository = ImportRepository(session)
    writer = _BatchWriter(session, actor, repository, summary, award)
    with refusing_non_utf8(source_name, ImportFileError):
        columns, summary.ignored_columns = _read_header(reader.header())
        tracks = repository.tracks()
        with cyclic_gc_paused():
            for chunk in reader.chunks():
                parsed, rejections = _parse_chunk(chunk, columns, tracks)
                rejections.extend(writer.write(parsed))
                for rejection in sorted(rejections, key=lambda r: r.line):
                    summary.reject(rejection)
                summary.batches += 1
                summary.largest_batch = max(summary.largest_batch, len(parsed) + len(rejections))
                summary.rows = summary.inserted + summary.unchanged + summary.rejected
                if on_progress:
                    on_progress(reader.bytes_read, summary.rows)
    summary.stop_clock()
    audit.record(
        session,
        actor,
        "certification.imported",
        entity_type="certification_import",
        entity_id=source_name[:64],
        after=summary.audited(awarded=summary.awarded, renewed=summary.renewed, by_type=summary.by_type),
    )
    return summary


class _BatchWriter:
    """Resolves people, skips what is stored, inserts the rest and evaluates awards, per batch."""

    def __init__(self, session: Session, actor: Actor, repository: ImportRepository, summary: ImportSummary, award: Award | None) -> None:
        self.session, self.actor, self.repository, self.summary, self.award = session, actor, repository, summary, award
        self.seen: set[tuple[str, str]] = set()  # (kind, external ref) so far: a repeat in the file is rejected

    def write(self, batch: list[Parsed]) -> list[Rejection]:
        rejections: list[Rejection] = []
        people = self.repository.people_by_email(row.email for row in batch)
        resolved: list[tuple[Parsed, PersonRef]] = []
        for row in batch:
            try:
                person = _person_for(row, people.get(row.email, []))
            except RowError as exc:
                rejections.append(Rejection(row.line, row.ref, exc.field, exc.message))
                continue
            if row.ref is not None:
                key = (row.kind, row.ref)
                if key in self.seen:
                    rejections.append(Rejection(row.line, row.ref, "external_ref", "appears earlier in this file; only the first row was imported"))
                    continue
                self.seen.add(key)
            resolved.append((row, person))
        known = {kind: self.repository.known_refs(kind, [r.ref for r, _ in resolved if r.kind == kind and r.ref]) for kind in ("exam", "lab", "certification")}
        completed = self.repository.completed([(p.id, r.module_id) for r, p in resolved if r.kind == "module" and r.module_id is not None])
        inserts: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RECORD_TYPES}
        touched: set[tuple[int, int]] = set()
        now = clock.now()
        for row, person in resolved:
            if row.kind == "module":
                pair = (person.id, row.module_id or 0)
                if pair in completed:
                    self.summary.unchanged += 1
                    continue
                completed.add(pair)  # a repeated module row in the same file is unchanged, not inserted twice
            elif row.ref in known[row.kind]:
                self.summary.unchanged += 1
                continue
            inserts[row.kind].append(_stored(row, person, now))
            if row.kind != "certification":
                touched.add((person.id, row.track.id))
        for kind, rows in inserts.items():
            self.repository.insert(kind, rows)
            self.summary.inserted += len(rows)
            self.summary.by_type[kind] += len(rows)
        self.summary.renewed += self.repository.renew_older(inserts["certification"])
        if self.award is not None:
            for person_id, track_id in sorted(touched):
                self.summary.awarded += int(self.award(self.session, self.actor, person_id, track_id))
        return rejections


def _person_for(row: Parsed, candidates: list[PersonRef]) -> PersonRef:
    if row.partner_id is not None:
        candidates = [p for p in candidates if p.partner_id == row.partner_id]
        if not candidates:
            raise RowError("person_email", f"no person with email {row.email} at partner {row.partner_id}")
    if not candidates:
        raise RowError("person_email", f"no person with email {row.email}")
    if len(candidates) > 1:
        raise RowError("person_email", f"{len(candidates)} people at different partners have email {row.email}; add a partner_id column")
    return candidates[0]


def _stored(row: Parsed, person: PersonRef, now: datetime) -> dict[str, Any]:
    common = {"partner_id": person.partner_id, "person_id": person.id, "source": Source.IMPORT.value}
    if row.kind == "module":
        return {**common, "module_id": row.module_id, **row.values}
    stamps = {"created_at": now, "updated_at": now} if row.kind in ("lab", "certification") else {}
    return {**common, "track_id": row.track.id, "external_ref": row.ref, **stamps, **row.values}


def _read_header(line: str | None) -> tuple[list[str], list[str]]:
    return read_header(line, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, error=ImportFileError)


def _parse_chunk(chunk: Chunk, columns: list[str], tracks: dict[str, TrackRef]) -> tuple[list[Parsed], list[Rejection]]:
    try:
        text = chunk.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(chunk.first_line + chunk.data.count(b"\n", 0, exc.start)) from None
    parsed: list[Parsed] = []
    rejections: list[Rejection] = []
    for line, fields in _records(text, chunk.first_line, rejections):
        if len(fields) != len(columns):
            rejections.append(Rejection(line, None, "row", f"has {len(fields)} fields; the header has {len(columns)}"))
            continue
        raw = {name: value.strip() for name, value in zip(columns, fields, strict=True) if name}
        ref = raw.get("external_ref") or None
        try:
            parsed.append(_parse_row(line, raw, tracks))
        except RowError as exc:
            rejections.append(Rejection(line, ref[:MAX_EXTERNAL_REF] if ref else None, exc.field, exc.message))
    return parsed, rejections


def _records(text: str, first_line: int, rejections: list[Rejection]) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    offset = first_line - 1
    while True:
        line = reader.line_num + 1 + offset
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rejections.append(Rejection(line, None, "row", f"cannot be read as CSV ({exc})"))
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if any("\x00" in value for value in fields):
            rejections.append(Rejection(line, None, "row", "contains a NUL character"))
            continue
        yield line, fields


def _parse_row(line: int, raw: dict[str, str], tracks: dict[str, TrackRef]) -> Parsed:
    """Checked by the API's field types (LearningRecordRow), so a bad value is named and worded as
    the API names it; then what the record type needs and what the catalog knows."""
    try:
        row = LearningRecordRow.model_validate({name: value for name, value in raw.items() if name in COLUMNS and value})
    except ValidationError as exc:
        field, message = field_errors(exc)[0]
        raise RowError(field, message) from None
    kind = row.record_type
    for name in NEEDS[kind]:
        if getattr(row, name) is None:
            raise RowError(name, f"is required for {kind} rows")
    track = tracks.get(row.track_key)
    if track is None:
        raise RowError("track_key", f"no track with key '{row.track_key}'")

    def parsed(values: dict[str, Any], module_id: int | None = None) -> Parsed:
        return Parsed(line, kind, row.external_ref, row.person_email, row.partner_id, track, values, module_id)

    if kind == "module":
        module_id = track.modules.get(row.module_key or "")
        if module_id is None:
            raise RowError("module_key", f"track {track.key} has no module '{row.module_key}'")
        return parsed({"completed_on": row.completed_on}, module_id)
    if kind == "exam":
        assert row.score is not None  # NEEDS
        passed = row.score >= track.exam_pass_mark if row.passed is None else row.passed
        return parsed({"attempted_at": row.attempted_at, "score": row.score, "passed": passed})
    if kind == "lab":
        if not track.has_lab:
            raise RowError("track_key", f"track {track.key} has no lab")
        status = LabStatus.PENDING if row.passed is None else (LabStatus.PASSED if row.passed else LabStatus.FAILED)
        graded_at = None if row.passed is None else row.submitted_at
        return parsed({"submitted_at": row.submitted_at, "status": status.value, "graded_at": graded_at, "score": row.score})
    assert row.issued_on is not None  # NEEDS
    expires = row.expires_on or row.issued_on + timedelta(days=track.validity_days)
    if expires <= row.issued_on:
        raise RowError("expires_on", "must be after issued_on")
    return parsed({"issued_on": row.issued_on, "expires_on": expires, "status": CertificationStatus.ACTIVE.value})
