"""asset library: assets, their facets, validated product versions, versions, files, reviews,
usage, "used in" and library visits; full-text search (SQLite FTS5 table kept by triggers,
PostgreSQL GIN index over a weighted tsvector)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 20:59:47.664076
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The searchable text, weighted: title (A), summary and keywords (B), body (C). The same
# expression is in alliance/assets/search_repository.py; the GIN index serves only queries spelling it alike.
PG_SEARCH_VECTOR = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'C')"
)
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE assets_fts USING fts5(title, summary, keywords, body, content='assets', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN"
    " INSERT INTO assets_fts(rowid, title, summary, keywords, body) VALUES (new.id, new.title, new.summary, new.keywords, new.body); END",
    "CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN"
    " INSERT INTO assets_fts(assets_fts, rowid, title, summary, keywords, body) VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body); END",
    "CREATE TRIGGER assets_fts_update AFTER UPDATE OF title, summary, keywords, body ON assets BEGIN"
    " INSERT INTO assets_fts(assets_fts, rowid, title, summary, keywords, body) VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body);"
    " INSERT INTO assets_fts(rowid, title, summary, keywords, body) VALUES (new.id, new.title, new.summary, new.keywords, new.body); END",
)

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_library_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("previous_visit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_visit_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_asset_library_visits_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_asset_library_visits")),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("deployment_pattern", sa.String(length=100), nullable=True),
        sa.Column("product_lines", sa.JSON(), nullable=False),
        sa.Column("verticals", sa.JSON(), nullable=False),
        sa.Column("technologies", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("partner_types", sa.JSON(), nullable=False),
        sa.Column("si_subtypes", sa.JSON(), nullable=False),
        sa.Column("minimum_tier_rank", sa.Integer(), nullable=True),
        sa.Column("required_track_id", sa.Integer(), nullable=True),
        sa.Column("certification_holder", sa.String(length=16), nullable=False),
        sa.Column("holders_needed", sa.Integer(), nullable=False),
        sa.Column("contributed_by_partner_id", sa.Integer(), nullable=True),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contributed_by_partner_id"], ["partners.id"], name=op.f("fk_assets_contributed_by_partner_id_partners"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["current_version_id"], ["asset_versions.id"], name=op.f("fk_assets_current_version_id_asset_versions"), ondelete="SET NULL", use_alter=True
        ),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"], name=op.f("fk_assets_owner_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["required_track_id"], ["certification_tracks.id"], name=op.f("fk_assets_required_track_id_certification_tracks"), ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "kind IN ('reference_architecture', 'solution_pattern', 'solution_accelerator', 'delivery_methodology', 'demo_guide', 'compliance_kit')",
            name=op.f("ck_assets_kind_known"),
        ),
        sa.CheckConstraint("certification_holder IN ('person', 'partner')", name=op.f("ck_assets_certification_holder_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
    )
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_contributed_by_partner_id"), ["contributed_by_partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_owner_user_id"), ["owner_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_published_at"), ["published_at"], unique=False)

    op.create_table(
        "asset_facets",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_facets_asset_id_assets"), ondelete="CASCADE"),
        sa.CheckConstraint("facet IN ('product_line', 'vertical', 'technology', 'tag')", name=op.f("ck_asset_facets_facet_known")),
        sa.PrimaryKeyConstraint("asset_id", "facet", "value", name=op.f("pk_asset_facets")),
    )
    with op.batch_alter_table("asset_facets", schema=None) as batch_op:
        batch_op.create_index("ix_asset_facets_lookup", ["facet", "value", "asset_id"], unique=False)

    op.create_table(
        "asset_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("product_line", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("version_rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_validations_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_line"], ["product_lines.key"], name=op.f("fk_asset_validations_product_line_product_lines")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_validations")),
        sa.UniqueConstraint("asset_id", "product_line", "version", name=op.f("uq_asset_validations_asset_id_product_line_version")),
    )
    op.create_table(
        "asset_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("release_notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_versions_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_asset_versions_created_by_user_id_users"), ondelete="SET NULL"),
        sa.CheckConstraint("status IN ('draft', 'in_review', 'published', 'deprecated', 'retired')", name=op.f("ck_asset_versions_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_versions")),
        sa.UniqueConstraint("asset_id", "number", name=op.f("uq_asset_versions_asset_id_number")),
    )
    with op.batch_alter_table("asset_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_versions_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "asset_project_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_project_uses_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_asset_project_uses_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_user_id"], ["users.id"], name=op.f("fk_asset_project_uses_recorded_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"], name=op.f("fk_asset_project_uses_registration_id_registrations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["version_id"], ["asset_versions.id"], name=op.f("fk_asset_project_uses_version_id_asset_versions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_project_uses")),
        sa.UniqueConstraint("asset_id", "registration_id", name=op.f("uq_asset_project_uses_asset_id_registration_id")),
    )
    with op.batch_alter_table("asset_project_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_project_uses_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_project_uses_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_project_uses_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "asset_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_reviews_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_user_id"], ["users.id"], name=op.f("fk_asset_reviews_author_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["asset_versions.id"], name=op.f("fk_asset_reviews_version_id_asset_versions"), ondelete="CASCADE"),
        sa.CheckConstraint("decision IN ('comment', 'request_changes', 'approve')", name=op.f("ck_asset_reviews_decision_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_reviews")),
    )
    with op.batch_alter_table("asset_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_reviews_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "asset_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_usage_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_asset_usage_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_asset_usage_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["asset_versions.id"], name=op.f("fk_asset_usage_version_id_asset_versions"), ondelete="SET NULL"),
        sa.CheckConstraint("action IN ('view', 'download')", name=op.f("ck_asset_usage_action_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_usage")),
    )
    with op.batch_alter_table("asset_usage", schema=None) as batch_op:
        batch_op.create_index("ix_asset_usage_asset_time", ["asset_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_usage_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "asset_version_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_asset_version_files_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_asset_version_files_file_id_stored_files"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["version_id"], ["asset_versions.id"], name=op.f("fk_asset_version_files_version_id_asset_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_version_files")),
        sa.UniqueConstraint("version_id", "file_id", name=op.f("uq_asset_version_files_version_id_file_id")),
    )
    with op.batch_alter_table("asset_version_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_version_files_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_version_files_version_id"), ["version_id"], unique=False)

    _search_index()


def _search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(f"CREATE INDEX ix_assets_search ON assets USING GIN (({PG_SEARCH_VECTOR}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("assets_fts_insert", "assets_fts_delete", "assets_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS assets_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_assets_search")
    with op.batch_alter_table("asset_version_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_version_files_version_id"))
        batch_op.drop_index(batch_op.f("ix_asset_version_files_file_id"))

    op.drop_table("asset_version_files")
    with op.batch_alter_table("asset_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_usage_partner_id"))
        batch_op.drop_index("ix_asset_usage_asset_time")

    op.drop_table("asset_usage")
    with op.batch_alter_table("asset_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_reviews_asset_id"))

    op.drop_table("asset_reviews")
    with op.batch_alter_table("asset_project_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_project_uses_registration_id"))
        batch_op.drop_index(batch_op.f("ix_asset_project_uses_partner_id"))
        batch_op.drop_index(batch_op.f("ix_asset_project_uses_asset_id"))

    op.drop_table("asset_project_uses")
    with op.batch_alter_table("asset_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_versions_asset_id"))

    op.drop_table("asset_versions")
    op.drop_table("asset_validations")
    with op.batch_alter_table("asset_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_asset_facets_lookup")

    op.drop_table("asset_facets")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_published_at"))
        batch_op.drop_index(batch_op.f("ix_assets_owner_user_id"))
        batch_op.drop_index(batch_op.f("ix_assets_kind"))
        batch_op.drop_index(batch_op.f("ix_assets_contributed_by_partner_id"))

    op.drop_table("assets")
    op.drop_table("asset_library_visits")
