"""Full-text search over the library with the database's own index: SQLite's FTS5 table
`assets_fts` (kept by triggers, ranked by bm25) or PostgreSQL's GIN index over a stored weighted
tsvector column (ranked by ts_rank). Both give (asset_id, score) rows to join; a higher score is better.
Never a scan: each dialect's statement is answered from its index (bench/assets_search.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnClause, Subquery, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from alliance.kit.statements import AnySelect

# PostgreSQL: migration 0036's stored generated column (title A, summary and keywords B, body C)
# with its GIN index. ts_rank reads the stored vector: nothing is parsed again per match.
PG_VECTOR = "assets.search_vector"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


def words(query: str) -> list[str]:
    """The words of a search box's text (punctuation and FTS operators dropped)."""
    return WORD.findall(query.lower())[:MAX_WORDS]


def fts5_query(query: str) -> str:
    """Every word must match; the last one as a prefix (search as you type). Quoted, so nothing
    the reader types is an FTS5 operator."""
    found = words(query)
    return " ".join(f'"{word}"' + ("*" if index == len(found) - 1 else "") for index, word in enumerate(found))


def matches(session: Session, query: str) -> Subquery:
    """(asset_id, score) of every asset matching `query`, from the dialect's full-text index."""
    if session.get_bind().dialect.name == "sqlite":
        fts = table("assets_fts", column("rowid"))
        statement: AnySelect = (
            select(literal_column("assets_fts.rowid").label("asset_id"), (-literal_column("bm25(assets_fts, 10.0, 4.0, 4.0, 1.0)")).label("score"))
            .select_from(fts)
            .where(text("assets_fts MATCH :fts_query").bindparams(fts_query=fts5_query(query)))
        )
        return statement.subquery("matched")
    tsquery = func.plainto_tsquery("english", " ".join(words(query)))
    vector: ColumnClause[Any] = literal_column(PG_VECTOR)
    pg_statement: AnySelect = (
        select(literal_column("assets.id").label("asset_id"), func.ts_rank(vector, tsquery).label("score"))
        .select_from(table("assets"))
        .where(vector.op("@@")(tsquery))
    )
    return pg_statement.subquery("matched")


@contextmanager
def through_the_index(session: Session) -> Iterator[None]:
    """PostgreSQL: statements inside answer a full-text match from the GIN index. The planner
    prices a sequential scan's `@@` as cheap, not seeing that every row's stored vector is then
    detoasted (a common word on 10,000 assets: 120 ms scanned, 16 ms through the index,
    bench/assets_search.py); switched back for the rest of the transaction afterwards."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))


def ranked(session: Session, query: str, *, hidden: AnySelect | None, limit: int, offset: int) -> tuple[int, list[tuple[int, float]]]:
    """(how many assets match, [(asset id, score)] of one page, best first) straight from the
    dialect's index, leaving out the ids `hidden` selects; no asset row is read per match
    (FTS5: its own table; PostgreSQL: the stored vector found by GIN)."""
    if session.get_bind().dialect.name == "sqlite":
        rowid: ColumnClause[Any] = literal_column("assets_fts.rowid")
        rank: ColumnClause[Any] = literal_column("bm25(assets_fts, 10.0, 4.0, 4.0, 1.0)")
        where: list[Any] = [text("assets_fts MATCH :fts_query").bindparams(fts_query=fts5_query(query))]
        source: Any = table("assets_fts", column("rowid"))
        if hidden is not None:
            where.append(rowid.not_in(hidden.scalar_subquery()))
        total = session.scalar(select(func.count()).select_from(source).where(*where)) or 0
        rows = session.execute(select(rowid, -rank).select_from(source).where(*where).order_by(rank, rowid.desc()).limit(limit).offset(offset)).all()
        return total, [(int(asset_id), float(value)) for asset_id, value in rows]
    # PostgreSQL: one pass over the matches ranks them and counts them (a window count before the
    # limit), instead of a second statement reading every match again to count it.
    tsquery = func.plainto_tsquery("english", " ".join(words(query)))
    asset_id: ColumnClause[Any] = literal_column("assets.id")
    vector: ColumnClause[Any] = literal_column(PG_VECTOR)
    score = func.ts_rank(vector, tsquery)
    statement = select(asset_id, score, func.count().over()).select_from(table("assets")).where(vector.op("@@")(tsquery))
    if hidden is not None:
        statement = statement.where(asset_id.not_in(hidden.scalar_subquery()))
    with through_the_index(session):
        found = session.execute(statement.order_by(score.desc(), asset_id.desc()).limit(limit).offset(offset)).all()
        if found:
            total = int(found[0][2])
        else:  # a page past the last match: count them on their own
            total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    return total, [(int(row[0]), float(row[1])) for row in found]
