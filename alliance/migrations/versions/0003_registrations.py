"""registrations: deal/project/influence registrations with products, history, conflicts, extensions; the attribution ledger; product lines; program attribution settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 20:07:05.251946
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('product_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_lines')),
    sa.UniqueConstraint('key', name=op.f('uq_product_lines_key'))
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('registrant_user_id', sa.Integer(), nullable=True),
    sa.Column('customer_name', sa.String(length=200), nullable=False),
    sa.Column('customer_website', sa.String(length=300), nullable=True),
    sa.Column('customer_country', sa.String(length=2), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('transacting_partner_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewer_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('protected_until', sa.Date(), nullable=True),
    sa.Column('extensions_granted', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('booked_amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('deal', 'project', 'influence')", name=op.f('ck_registrations_kind_known')),
    sa.CheckConstraint('extensions_granted >= 0', name=op.f('ck_registrations_extensions_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_registrations_customer_id_customers')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_registrations_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registrant_user_id'], ['users.id'], name=op.f('fk_registrations_registrant_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_user_id'], ['users.id'], name=op.f('fk_registrations_reviewer_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['transacting_partner_id'], ['partners.id'], name=op.f('fk_registrations_transacting_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_customer_status', ['customer_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_registrations_partner_status', ['partner_id', 'status'], unique=False)
        batch_op.create_index('ix_registrations_status_protected', ['status', 'protected_until'], unique=False)
        batch_op.create_index('ix_registrations_status_submitted', ['status', 'submitted_at'], unique=False)
        batch_op.create_index('ix_registrations_transacting_partner', ['transacting_partner_id'], unique=False, postgresql_where=sa.text('transacting_partner_id IS NOT NULL'), sqlite_where=sa.text('transacting_partner_id IS NOT NULL'))

    op.create_table('attribution_entries',
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('closing_registration_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('credit_type', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('share_percent', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('reverses_entry_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(credit_type = 'vendor_direct') = (partner_id IS NULL)", name=op.f('ck_attribution_entries_partner_unless_vendor_direct')),
    sa.ForeignKeyConstraint(['closing_registration_id'], ['registrations.id'], name=op.f('fk_attribution_entries_closing_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_attribution_entries_customer_id_customers')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_attribution_entries_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_attribution_entries_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['attribution_entries.id'], name=op.f('fk_attribution_entries_reverses_entry_id_attribution_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribution_entries')),
    sa.UniqueConstraint('reverses_entry_id', name=op.f('uq_attribution_entries_reverses_entry_id'))
    )
    with op.batch_alter_table('attribution_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attribution_entries_closing_registration_id'), ['closing_registration_id'], unique=False)
        batch_op.create_index('ix_attribution_entries_effective', ['effective_on'], unique=False)
        batch_op.create_index('ix_attribution_entries_partner_effective', ['partner_id', 'effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_attribution_entries_registration_id'), ['registration_id'], unique=False)

    op.create_table('protection_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('previous_until', sa.Date(), nullable=True),
    sa.Column('new_until', sa.Date(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_protection_extensions_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_protection_extensions_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_protection_extensions_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_protection_extensions_requested_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_extensions'))
    )
    with op.batch_alter_table('protection_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protection_extensions_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_protection_extensions_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('ix_protection_extensions_status', ['status', 'requested_at'], unique=False)

    op.create_table('registration_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('other_registration_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('step', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('partner_message', sa.Text(), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['other_registration_id'], ['registrations.id'], name=op.f('fk_registration_conflicts_other_registration_id_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_registration_conflicts_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_conflicts_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_conflicts'))
    )
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_conflicts_other_registration_id'), ['other_registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_conflicts_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_registration_conflicts_registration_current', ['registration_id', 'is_current'], unique=False)

    op.create_table('registration_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('actor_side', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_registration_events_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_events_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_events'))
    )
    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_events_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_events_registration_id'), ['registration_id'], unique=False)

    op.create_table('registration_products',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('product_line', sa.String(length=60), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_registration_products_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_products_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'product_line', name=op.f('pk_registration_products'))
    )
    with op.batch_alter_table('registration_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_products_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('influence_credit_percent', sa.Numeric(precision=5, scale=2), server_default='100', nullable=False))
        batch_op.add_column(sa.Column('influence_credit_split', sa.String(length=8), server_default='full', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('influence_credit_split')
        batch_op.drop_column('influence_credit_percent')

    with op.batch_alter_table('registration_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_products_partner_id'))

    op.drop_table('registration_products')
    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_events_registration_id'))
        batch_op.drop_index(batch_op.f('ix_registration_events_partner_id'))

    op.drop_table('registration_events')
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_conflicts_registration_current')
        batch_op.drop_index(batch_op.f('ix_registration_conflicts_partner_id'))
        batch_op.drop_index(batch_op.f('ix_registration_conflicts_other_registration_id'))

    op.drop_table('registration_conflicts')
    with op.batch_alter_table('protection_extensions', schema=None) as batch_op:
        batch_op.drop_index('ix_protection_extensions_status')
        batch_op.drop_index(batch_op.f('ix_protection_extensions_registration_id'))
        batch_op.drop_index(batch_op.f('ix_protection_extensions_partner_id'))

    op.drop_table('protection_extensions')
    with op.batch_alter_table('attribution_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attribution_entries_registration_id'))
        batch_op.drop_index('ix_attribution_entries_partner_effective')
        batch_op.drop_index('ix_attribution_entries_effective')
        batch_op.drop_index(batch_op.f('ix_attribution_entries_closing_registration_id'))

    op.drop_table('attribution_entries')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_transacting_partner', postgresql_where=sa.text('transacting_partner_id IS NOT NULL'), sqlite_where=sa.text('transacting_partner_id IS NOT NULL'))
        batch_op.drop_index('ix_registrations_status_submitted')
        batch_op.drop_index('ix_registrations_status_protected')
        batch_op.drop_index('ix_registrations_partner_status')
        batch_op.drop_index(batch_op.f('ix_registrations_partner_id'))
        batch_op.drop_index('ix_registrations_customer_status')

    op.drop_table('registrations')
    op.drop_table('product_lines')
