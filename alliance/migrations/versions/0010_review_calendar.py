"""review calendar: the business calendar a program's registration review SLA counts in; public holidays of a country on calendars

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 10:00:00

Programs without a calendar keep today's clock only when no calendar exists (Monday to Friday,
UTC); otherwise the first calendar applies until a program admin picks one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('business_calendars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holiday_country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('holiday_subdivision', sa.String(length=10), nullable=True))
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_calendar_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_programs_review_calendar_id_business_calendars'), 'business_calendars', ['review_calendar_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programs_review_calendar_id_business_calendars'), type_='foreignkey')
        batch_op.drop_column('review_calendar_id')
    with op.batch_alter_table('business_calendars', schema=None) as batch_op:
        batch_op.drop_column('holiday_subdivision')
        batch_op.drop_column('holiday_country')
