"""Writing import batches: one lookup by external id, then set-based inserts and updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from alliance.customers.chunks import DOMAIN, EXTERNAL_ID, FIELD_AT, KEYS, NAME_KEY, STORED, Row
from alliance.customers.records import keys_of_stored
from alliance.customers.repository import CustomerRepository
from alliance.customers.vocabulary import Ownership
from alliance.kit import clock

INSERT_COLUMNS = (
    "id",
    "external_id",
    "name",
    "website",
    "country",
    "industry",
    "employee_band",
    "name_key",
    "name_compact",
    "name_reversed",
    "name_len",
    "domain",
)


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class BatchWriter:
    """Compares each row with the stored customer of the same external id and writes the difference."""

    def __init__(self, repository: CustomerRepository, fields: Sequence[str], *, into_empty: bool = False) -> None:
        self.repository = repository
        # Loading into an empty table that nobody else can write to: every row is new (the importer
        # rejects repeated external ids), so the lookups can be skipped.
        self.into_empty = into_empty
        self.fields = list(fields)  # the importable fields the file has; others are left alone on update
        self.incoming = itemgetter(*(FIELD_AT[f] for f in self.fields))
        # A file without industry / employee_band leaves them empty on insert.
        self.blank = [FIELD_AT[f] for f in ("industry", "employee_band") if f not in self.fields]
        self.counts = Counts()
        self.inserted: list[tuple[Row, int]] = []  # the last batch's new customers with their ids

    def write(self, batch: Sequence[Row]) -> None:
        self.inserted = []
        if not batch:
            return
        stored = {} if self.into_empty else self.repository.stored_by_external_ids([row[EXTERNAL_ID] for row in batch], self.fields)
        inserts: list[Row] = []
        updates: list[dict[str, Any]] = []
        removed_keys: list[tuple[str, int]] = []
        added_keys: list[tuple[str, int]] = []
        now = clock.now()
        for row in batch:
            existing = stored.get(row[EXTERNAL_ID])
            if existing is None:
                inserts.append(row)
                continue
            if self.incoming(row) == existing.values and existing.name_key == row[NAME_KEY] and existing.domain == row[DOMAIN]:
                self.counts.unchanged += 1
                continue
            updates.append({"id": existing.id, **dict(zip(INSERT_COLUMNS[1:], row[STORED], strict=True)), "updated_at": now})
            for blank in self.blank:
                updates[-1].pop(INSERT_COLUMNS[blank], None)
            if existing.name_key != row[NAME_KEY]:
                old, new = keys_of_stored(existing.name_key), row[KEYS]
                removed_keys.extend((key, existing.id) for key in old if key not in new)
                added_keys.extend((key, existing.id) for key in new if key not in old)
        ids = self.repository.reserve_ids(len(inserts))
        self.inserted = list(zip(inserts, ids, strict=True))
        rows = []
        for row, customer_id in zip(inserts, ids, strict=True):
            values = [customer_id, *row[STORED]]
            for blank in self.blank:
                values[blank] = None
            rows.append(values)
            added_keys.extend((key, customer_id) for key in row[KEYS])
        self.repository.insert_many(INSERT_COLUMNS, rows, same_for_all={"ownership": Ownership.OPEN.value, "created_at": now, "updated_at": now})
        self.repository.update_many(updates)
        self.repository.remove_keys(removed_keys)
        self.repository.add_keys(added_keys)
        self.counts.inserted += len(inserts)
        self.counts.updated += len(updates)
