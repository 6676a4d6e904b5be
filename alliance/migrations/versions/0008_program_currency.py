"""program currency: each program names the ISO 4217 currency its amounts are in

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 10:00:00

Existing programs get USD, the currency the pages printed until now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=False, server_default='USD'))


def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('currency')
