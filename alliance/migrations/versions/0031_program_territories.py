"""programs: sales territories as sets of customer countries

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 01:00:00

A program names its sales territories, each a set of customer countries (ISO 3166 alpha-2, each
country in at most one territory of the program). Plan-vs-actual splits a partner's attributed
revenue by the territory of the won customer's country. Existing programs start with none (every
revenue target then measures all of the partner's credit, as before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("territories", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("territories")
