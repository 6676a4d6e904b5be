"""asset library search on PostgreSQL: a stored tsvector column with its GIN index

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-02 04:30:00

Search ranked each match with ts_rank over a tsvector recomputed from the text (to_tsvector of
title, summary and keywords for every matching row, after the expression GIN index found them):
the ranked page cost a parse per match. The vector is now a stored generated column (title A,
summary and keywords B, body C — the same expression as 0023's index), its GIN index finds the
matches and ts_rank reads it as stored. SQLite is unchanged (FTS5, migration 0023); on SQLite this
revision does nothing.
"""

from __future__ import annotations

from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

# Migration 0023's expression, frozen here (a migration never imports application code).
PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')"
)
PG_SEARCH_VECTOR_0023 = (
    "setweight(to_tsvector('english', coalesce(assets.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(assets.summary, '') || ' ' || coalesce(assets.keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(assets.body, '')), 'C')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"ALTER TABLE assets ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_SEARCH_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_assets_search_vector ON assets USING GIN (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_assets_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"CREATE INDEX ix_assets_search ON assets USING GIN (({PG_SEARCH_VECTOR_0023}))")
    op.execute("DROP INDEX IF EXISTS ix_assets_search_vector")
    op.execute("ALTER TABLE assets DROP COLUMN search_vector")
