"""customer references: joint reference stories, customer-approved for external use (date and
approver) and approved by the vendor; the source of the tier metric customer_references

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 21:37:13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("vertical", sa.String(length=100), nullable=True),
        sa.Column("product_lines", sa.JSON(), nullable=False),
        sa.Column("product_versions", sa.String(length=200), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("customer_approved_on", sa.Date(), nullable=True),
        sa.Column("customer_approver", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name=op.f("ck_customer_references_status_known")),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_customer_references_created_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_customer_references_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_customer_references_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_references")),
    )
    with op.batch_alter_table("customer_references", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_references_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_customer_references_status_decided", ["status", "decided_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("customer_references", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_references_status_decided")
        batch_op.drop_index(batch_op.f("ix_customer_references_partner_id"))
    op.drop_table("customer_references")
