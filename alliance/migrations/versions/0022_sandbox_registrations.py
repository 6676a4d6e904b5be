"""sandbox registrations: the flag that keeps a partner's ACE Sandbox test data out of the live program

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 21:10:00

`registrations.is_sandbox`: filed through the ACE API's Sandbox catalog. Sessions see only the rows
of their own catalog (alliance.db, Sandboxable), so review queues, conflict checks, attribution,
reports and sweeps never meet them. Every existing registration is live.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_sandbox", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("is_sandbox")
