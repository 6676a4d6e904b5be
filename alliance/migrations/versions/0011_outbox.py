"""outbox: the messages people are owed, written in the transaction of the change that causes them; each person's choice per event type

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:00:00

outbox_messages: one row per message and recipient, delivered by `alliance worker` (claimed
through the partial index of rows still to deliver). event_type has no CHECK: every domain adds
its events without a migration (the models refuse unknown values). notification_preferences: no
row means "immediately".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TO_DELIVER = "status IN ('queued', 'retrying', 'sending')"


def upgrade() -> None:
    op.create_table(
        'notification_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('cadence', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
        sa.UniqueConstraint('user_id', 'event_type', name=op.f('uq_notification_preferences_user_id_event_type')),
        sa.CheckConstraint("cadence IN ('immediately', 'daily_digest', 'off')", name=op.f('ck_notification_preferences_cadence_known')),
    )
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('recipient_user_id', sa.Integer(), nullable=False),
        sa.Column('entity_type', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_by', sa.String(length=80), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('to_address', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_outbox_messages_recipient_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key')),
        sa.CheckConstraint("channel IN ('email')", name=op.f('ck_outbox_messages_channel_known')),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'logged', 'retrying', 'dead', 'held')", name=op.f('ck_outbox_messages_status_known')
        ),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(
            'ix_outbox_messages_due', ['next_attempt_at', 'id'], unique=False, postgresql_where=sa.text(TO_DELIVER), sqlite_where=sa.text(TO_DELIVER)
        )
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient_user_id'), ['recipient_user_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status', ['status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_recipient_user_id'))
        batch_op.drop_index('ix_outbox_messages_due')
    op.drop_table('outbox_messages')
    op.drop_table('notification_preferences')
