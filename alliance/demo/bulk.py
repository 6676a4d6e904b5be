"""Set-based inserts for seeding: one Core INSERT per batch of rows, no ORM objects.

The ORM path (add, flush, audit per row) is right for real changes; for millions of synthetic rows
it spends its time building objects and tracking identity. Core executemany hands the rows to the
driver as they are (pysqlite executemany; "insertmanyvalues" multi-row VALUES when ids come back).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from alliance.assets.models import AssetUsage
from alliance.partners.models import Partner, PartnerAttribute, Person

# Declarative models map a Table; SQLAlchemy types `__table__` as the wider FromClause.
PARTNERS: Table = Partner.__table__  # type: ignore[assignment]
PARTNER_ATTRIBUTES: Table = PartnerAttribute.__table__  # type: ignore[assignment]
PEOPLE: Table = Person.__table__  # type: ignore[assignment]
ASSET_USAGE: Table = AssetUsage.__table__  # type: ignore[assignment]


def insert_returning_ids(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their new ids in the same order as the rows."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    session.execute(insert(table), rows)
    return len(rows)
