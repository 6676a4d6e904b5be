"""reported metrics and likely duplicate customers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:14:28

reported_figures: figures a partner reports per month (managed customers, sub-resellers), confirmed
by the vendor; the tier engine counts the latest confirmed figure per partner and metric.
customer_duplicate_flags: customers an import added although an older customer has the same
website domain, listed on the console for merging.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_duplicate_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_customer_duplicate_flags_customer_id_customers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["customers.id"], name=op.f("fk_customer_duplicate_flags_duplicate_of_id_customers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_duplicate_flags")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_customer_duplicate_flags_customer_id")),
    )
    with op.batch_alter_table("customer_duplicate_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_duplicate_flags_duplicate_of_id"), ["duplicate_of_id"], unique=False)
        batch_op.create_index("ix_customer_duplicate_flags_open", ["resolved_at", "id"], unique=False)

    op.create_table(
        "reported_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reported_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_reported_figures_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_reported_figures_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reported_by_user_id"], ["users.id"], name=op.f("fk_reported_figures_reported_by_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_figures")),
        sa.UniqueConstraint("partner_id", "metric", "period", name="uq_reported_figures_partner_metric_period"),
        sa.CheckConstraint("status IN ('reported', 'confirmed', 'rejected')", name=op.f("ck_reported_figures_status_known")),
    )
    with op.batch_alter_table("reported_figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reported_figures_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_reported_figures_status", ["status", "reported_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reported_figures", schema=None) as batch_op:
        batch_op.drop_index("ix_reported_figures_status")
        batch_op.drop_index(batch_op.f("ix_reported_figures_partner_id"))

    op.drop_table("reported_figures")
    with op.batch_alter_table("customer_duplicate_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_duplicate_flags_open")
        batch_op.drop_index(batch_op.f("ix_customer_duplicate_flags_duplicate_of_id"))

    op.drop_table("customer_duplicate_flags")
