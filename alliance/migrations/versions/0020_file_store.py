"""file store: one row per upload

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 18:45:00

stored_files: who uploaded which content (its SHA-256 names the blob in ALLIANCE_FILE_STORE_DIR),
named how, for what, owned by which partner (none: the vendor's own).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The vocabulary as of this revision (files.vocabulary.FilePurpose).
PURPOSES = ("asset", "fund_claim", "plan_evidence", "other")


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in PURPOSES)
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_stored_files_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["users.id"], name=op.f("fk_stored_files_uploaded_by_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.CheckConstraint(f"purpose IN ({allowed})", name=op.f("ck_stored_files_purpose_known")),
    )
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_files_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_stored_files_sha256", ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_index("ix_stored_files_sha256")
        batch_op.drop_index(batch_op.f("ix_stored_files_partner_id"))
    op.drop_table("stored_files")
