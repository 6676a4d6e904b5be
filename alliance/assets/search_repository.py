"""Full-text search over the library with the database's own index: SQLite's FTS5 table
`assets_fts` (kept by triggers, ranked by bm25) or PostgreSQL's GIN index over a weighted
tsvector (ranked by ts_rank). Both give (asset_id, score) rows to join; a higher score is better.
Never a scan: each dialect's statement is answered from its index (bench/assets_search.py)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnClause, Subquery, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from alliance.kit.statements import AnySelect

# The same expression as migration 0023's GIN index (the index serves only this spelling).
PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('english', coalesce(assets.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(assets.summary, '') || ' ' || coalesce(assets.keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(assets.body, '')), 'C')"
)
# What PostgreSQL ranks by: the title (A) and summary + keywords (B), short texts. The body is
# matched (PG_SEARCH_VECTOR, from the GIN index) but not ranked: ts_rank over the whole vector
# recomputed to_tsvector of every matching body and made a common word's page cost more than a
# scan (bench/assets_search.py, docs/assets.md).
PG_RANK_VECTOR = (
    "setweight(to_tsvector('english', coalesce(assets.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(assets.summary, '') || ' ' || coalesce(assets.keywords, '')), 'B')"
)
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
    vector: ColumnClause[Any] = literal_column(f"({PG_SEARCH_VECTOR})")
    pg_statement: AnySelect = (
        select(literal_column("assets.id").label("asset_id"), func.ts_rank(literal_column(f"({PG_RANK_VECTOR})"), tsquery).label("score"))
        .select_from(table("assets"))
        .where(vector.op("@@")(tsquery))
    )
    return pg_statement.subquery("matched")
