"""program settings: the tier downgrade grace period per program; deciders on dispute ladder levels

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 23:20:00

Dispute ladder levels now name their deciding roles ("deciders"). Ladders saved before get the
rights the code enforced until now: CAM, PS lead or program admin at the first level, a program
admin above.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

FIRST_LEVEL = ["cam", "ps_lead", "program_admin"]
UPPER_LEVELS = ["program_admin"]
programs = sa.table("programs", sa.column("id", sa.Integer()), sa.column("dispute_ladder", sa.JSON()))

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('downgrade_grace_days', sa.Integer(), nullable=False, server_default=sa.text('90')))
    connection = op.get_bind()
    for program_id, ladder in connection.execute(sa.select(programs.c.id, programs.c.dispute_ladder)).all():
        steps = json.loads(ladder) if isinstance(ladder, str) else list(ladder or [])
        filled = [{**step, "deciders": step.get("deciders") or (FIRST_LEVEL if index == 0 else UPPER_LEVELS)} for index, step in enumerate(steps)]
        if filled != steps:
            connection.execute(programs.update().where(programs.c.id == program_id).values(dispute_ladder=filled))


def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('downgrade_grace_days')
