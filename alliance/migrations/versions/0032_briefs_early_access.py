"""co-branded solution briefs and early-access programs

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 01:00:00

brief_templates (the vendor's HTML brief templates), partner_logos (one stored image per partner),
brief_usage (previews and downloads); early_access_programs (per product release: terms and
eligibility), early_access_applications (terms accepted by whom and when, the vendor's decision),
early_access_feedback; assets.early_access_program_id gates a pre-release asset to a program;
stored_files.purpose gains "logo".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

PURPOSES_BEFORE = ("asset", "fund_claim", "plan_evidence", "other")
PURPOSES_AFTER = ("asset", "fund_claim", "plan_evidence", "logo", "other")


# The full-text triggers on `assets` (migration 0023's SQLITE_FTS, after its CREATE VIRTUAL TABLE).
SQLITE_FTS = (
    "",
    "CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN"
    " INSERT INTO assets_fts(rowid, title, summary, keywords, body) VALUES (new.id, new.title, new.summary, new.keywords, new.body); END",
    "CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN"
    " INSERT INTO assets_fts(assets_fts, rowid, title, summary, keywords, body) VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body); END",
    "CREATE TRIGGER assets_fts_update AFTER UPDATE OF title, summary, keywords, body ON assets BEGIN"
    " INSERT INTO assets_fts(assets_fts, rowid, title, summary, keywords, body) VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body);"
    " INSERT INTO assets_fts(rowid, title, summary, keywords, body) VALUES (new.id, new.title, new.summary, new.keywords, new.body); END",
)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    op.create_table(
        "brief_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("partner_types", sa.JSON(), nullable=False),
        sa.Column("si_subtypes", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_brief_templates_asset_id_assets"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_brief_templates_created_by_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_templates")),
    )
    with op.batch_alter_table("brief_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_templates_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "partner_logos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_partner_logos_file_id_stored_files"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["users.id"], name=op.f("fk_partner_logos_uploaded_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_partner_logos_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_logos")),
    )
    with op.batch_alter_table("partner_logos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_logos_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("uq_partner_logos_partner_id", ["partner_id"], unique=True)

    op.create_table(
        "brief_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("action IN ('view', 'download')", name=op.f("ck_brief_usage_action_known")),
        sa.ForeignKeyConstraint(["template_id"], ["brief_templates.id"], name=op.f("fk_brief_usage_template_id_brief_templates"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_brief_usage_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_brief_usage_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_usage")),
    )
    with op.batch_alter_table("brief_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_usage_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_brief_usage_template_partner", ["template_id", "partner_id"], unique=False)

    op.create_table(
        "early_access_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_line", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("minimum_tier_rank", sa.Integer(), nullable=True),
        sa.Column("required_track_id", sa.Integer(), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_line"], ["product_lines.key"], name=op.f("fk_early_access_programs_product_line_product_lines")),
        sa.ForeignKeyConstraint(
            ["required_track_id"], ["certification_tracks.id"], name=op.f("fk_early_access_programs_required_track_id_certification_tracks"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_early_access_programs_created_by_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_access_programs")),
        sa.UniqueConstraint("product_line", "version", name=op.f("uq_early_access_programs_product_line_version")),
    )

    op.create_table(
        "early_access_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("terms_sha256", sa.String(length=64), nullable=False),
        sa.Column("terms_accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terms_accepted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')", name=op.f("ck_early_access_applications_status_known")),
        sa.ForeignKeyConstraint(
            ["program_id"], ["early_access_programs.id"], name=op.f("fk_early_access_applications_program_id_early_access_programs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["terms_accepted_by_user_id"], ["users.id"], name=op.f("fk_early_access_applications_terms_accepted_by_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_early_access_applications_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_early_access_applications_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_access_applications")),
        sa.UniqueConstraint("program_id", "partner_id", name=op.f("uq_early_access_applications_program_id_partner_id")),
    )
    with op.batch_alter_table("early_access_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_early_access_applications_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_early_access_applications_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_early_access_applications_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "early_access_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["early_access_programs.id"], name=op.f("fk_early_access_feedback_program_id_early_access_programs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_early_access_feedback_asset_id_assets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_early_access_feedback_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_early_access_feedback_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_access_feedback")),
    )
    with op.batch_alter_table("early_access_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_early_access_feedback_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_early_access_feedback_partner_id"), ["partner_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode: recreating `assets` would drop its full-text triggers (migration 0023).
        op.execute(
            "ALTER TABLE assets ADD COLUMN early_access_program_id INTEGER"
            " CONSTRAINT fk_assets_early_access_program_id_early_access_programs REFERENCES early_access_programs (id) ON DELETE SET NULL"
        )
    else:
        with op.batch_alter_table("assets", schema=None) as batch_op:
            batch_op.add_column(sa.Column("early_access_program_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_assets_early_access_program_id_early_access_programs"),
                "early_access_programs",
                ["early_access_program_id"],
                ["id"],
                ondelete="SET NULL",
            )
    op.create_index(op.f("ix_assets_early_access_program_id"), "assets", ["early_access_program_id"], unique=False)

    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_stored_files_purpose_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_stored_files_purpose_known"), f"purpose IN ({_in(PURPOSES_AFTER)})")


def downgrade() -> None:
    op.execute("DELETE FROM partner_logos")
    op.execute("DELETE FROM stored_files WHERE purpose = 'logo'")
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_stored_files_purpose_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_stored_files_purpose_known"), f"purpose IN ({_in(PURPOSES_BEFORE)})")
    op.drop_index(op.f("ix_assets_early_access_program_id"), table_name="assets")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("assets", schema=None) as batch_op:
        if not sqlite:  # SQLite reflects no name for a constraint added with the column; dropping the column drops it
            batch_op.drop_constraint(batch_op.f("fk_assets_early_access_program_id_early_access_programs"), type_="foreignkey")
        batch_op.drop_column("early_access_program_id")
    if sqlite:
        # Batch mode recreated `assets` without its full-text triggers: put them back and reindex.
        for statement in SQLITE_FTS[1:]:
            op.execute(statement)
        op.execute("INSERT INTO assets_fts(assets_fts) VALUES ('rebuild')")
    op.drop_table("early_access_feedback")
    op.drop_table("early_access_applications")
    op.drop_table("early_access_programs")
    op.drop_table("brief_usage")
    op.drop_table("partner_logos")
    op.drop_table("brief_templates")
