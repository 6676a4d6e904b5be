"""Import customers from a CRM export (CSV), streaming in batches, idempotent on external_id.

The file is read a chunk of lines at a time (alliance.customers.chunks: decoded, parsed, checked
and normalized, in worker processes for large files) and written a batch at a time: one query
finds which of the batch's external ids exist, then new customers are inserted, changed ones
updated and unchanged ones left alone, all set-based. A bad row is reported with its line number
and skipped; a file that cannot be read at all (no usable header, not UTF-8) raises
ImportFileError and imports nothing. The caller's transaction holds the whole import, with one
audit event summarising it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy.orm import Session

from alliance import audit
from alliance.customers.batches import BatchWriter
from alliance.customers.chunks import DOMAIN, EXTERNAL_ID, FIELD_AT, LINE, ChunkReader, Preparer, Rejection, Row, cyclic_gc_paused
from alliance.customers.records import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from alliance.customers.repository import CustomerRepository
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.csv_header import read_header
from alliance.kit.importing import MAX_REPORTED, Progress, check_batch_size, refusing_non_utf8
from alliance.kit.importing import ImportSummary as BaseSummary

__all__ = ["DEFAULT_BATCH_SIZE", "ImportFileError", "ImportSummary", "LikelyDuplicate", "Rejection", "import_customers"]

DEFAULT_BATCH_SIZE = 5_000


class ImportFileError(RuleViolation):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True)
class LikelyDuplicate:
    """A new customer from the file that is likely an existing one: imported, and flagged for merging."""

    line: int
    external_id: str
    name: str
    customer_id: int
    existing_id: int
    existing_external_id: str | None
    existing_name: str
    reason: str

    def __str__(self) -> str:
        existing = f"customer {self.existing_id}" + (f" ({self.existing_external_id})" if self.existing_external_id else "")
        return f"line {self.line}: {self.external_id} {self.name!r} is likely {existing} {self.existing_name!r}: {self.reason}"


@dataclass
class ImportSummary(BaseSummary[Rejection]):
    updated: int = 0
    duplicates: int = 0  # new customers flagged as likely duplicates of existing ones
    likely_duplicates: list[LikelyDuplicate] = field(default_factory=list)


def import_customers(
    session: Session,
    actor: Actor,
    *,
    source: BinaryIO,
    source_name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = 0,
    on_progress: Progress | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    on_duplicate: Callable[[LikelyDuplicate], None] | None = None,
) -> ImportSummary:
    """Import `source` (a CSV export, opened in binary). `workers` > 0 prepares rows in that many
    worker processes while this one writes: worth it for files of more than a few megabytes."""
    require(actor, Permission.CUSTOMERS_WRITE)
    check_batch_size(batch_size)
    summary = ImportSummary(source=source_name, on_reject=on_reject)
    reader = ChunkReader(source, lines=batch_size)
    repository = CustomerRepository(session)
    seen: set[str] = set()  # external ids so far: a later row with the same one is rejected
    with refusing_non_utf8(source_name, ImportFileError, "Save it as UTF-8 (CSV UTF-8) and try again."):
        columns, summary.ignored_columns = _read_header(reader.header())
        fields = [f for f in ("name", "website", "country", *OPTIONAL_COLUMNS) if f in columns]
        writer = BatchWriter(repository, fields, into_empty=repository.empty_for_this_writer())
        with repository.bulk_writes(), cyclic_gc_paused(), Preparer(columns, workers=workers) as preparer:
            for prepared in preparer.map(reader.chunks()):
                rows = []
                rejections = list(prepared.rejections)
                for row in prepared.rows:
                    external_id = row[EXTERNAL_ID]
                    if external_id in seen:
                        rejections.append(Rejection(row[LINE], external_id, "external_id", "appears earlier in this file; only the first row was imported"))
                    else:
                        seen.add(external_id)
                        rows.append(row)
                for rejection in sorted(rejections, key=lambda r: r.line):
                    summary.reject(rejection)
                summary.rows += len(rows)
                writer.write(rows)
                for duplicate in _flag_duplicates(repository, writer.inserted):
                    summary.duplicates += 1
                    if len(summary.likely_duplicates) < MAX_REPORTED:
                        summary.likely_duplicates.append(duplicate)
                    if on_duplicate:
                        on_duplicate(duplicate)
                if on_progress:
                    on_progress(reader.bytes_read, summary.rows + summary.rejected)
    summary.inserted, summary.updated, summary.unchanged = writer.counts.inserted, writer.counts.updated, writer.counts.unchanged
    summary.rows += summary.rejected
    if summary.inserted or summary.updated:
        CustomerRepository(session).refresh_statistics()
    if on_progress:
        on_progress(reader.bytes_read, summary.rows)
    summary.stop_clock()
    audit.record(
        session,
        actor,
        "customer.imported",
        entity_type="customer_import",
        entity_id=source_name[:64],
        after=summary.audited(updated=summary.updated, likely_duplicates=summary.duplicates),
    )
    return summary


def _flag_duplicates(repository: CustomerRepository, inserted: list[tuple[Row, int]]) -> list[LikelyDuplicate]:
    """New customers whose website domain an older customer already has (the strongest evidence
    matching knows, score >= 0.9): one query per batch, and a flag row for the console's merge list."""
    with_domain = [(row, customer_id) for row, customer_id in inserted if row[DOMAIN]]
    oldest = repository.oldest_by_domains(row[DOMAIN] for row, _ in with_domain)
    found, flags, now = [], [], clock.now()
    for row, customer_id in with_domain:
        existing = oldest.get(row[DOMAIN])
        if existing is None or existing[0] == customer_id:
            continue
        reason = f"same website domain ({row[DOMAIN]})"
        found.append(LikelyDuplicate(row[LINE], row[EXTERNAL_ID], row[FIELD_AT["name"]], customer_id, *existing, reason))
        flags.append({"customer_id": customer_id, "duplicate_of_id": existing[0], "reason": reason, "detected_at": now})
    repository.add_duplicate_flags(flags)
    return found


def _read_header(line: str | None) -> tuple[list[str], list[str]]:
    return read_header(line, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, error=ImportFileError)
