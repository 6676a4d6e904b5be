"""business plan evidence: a file from the file store

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 21:50:00

business_plan_progress.evidence_file_id: a milestone completed with a file as its evidence (an
upload of purpose plan_evidence, owned by the plan's partner).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("business_plan_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evidence_file_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_business_plan_progress_evidence_file_id_stored_files"), "stored_files", ["evidence_file_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("business_plan_progress", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_business_plan_progress_evidence_file_id_stored_files"), type_="foreignkey")
        batch_op.drop_column("evidence_file_id")
