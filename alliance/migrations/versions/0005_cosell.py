"""cosell: business calendars, team queues, routing rules, resource requests; co-delivery plans with versions and activities; consents, PS engagements, rule-of-engagement violations; scope disputes; program dispute ladders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 21:34:10.799386
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

# Existing programs get the default escalation ladder (alliance.partners.models.DEFAULT_DISPUTE_LADDER).
DEFAULT_DISPUTE_LADDER = json.dumps([{"name": "CAM and PS lead", "days": 5}, {"name": "Channel director", "days": 5}, {"name": "VP channel", "days": 10}])

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('business_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('work_days', sa.JSON(), nullable=False),
    sa.Column('day_starts', sa.Time(), nullable=False),
    sa.Column('day_ends', sa.Time(), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendars')),
    sa.UniqueConstraint('key', name=op.f('uq_business_calendars_key'))
    )
    op.create_table('cosell_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendars.id'], name=op.f('fk_cosell_teams_calendar_id_business_calendars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cosell_teams')),
    sa.UniqueConstraint('key', name=op.f('uq_cosell_teams_key'))
    )
    op.create_table('routing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('request_type', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=60), nullable=True),
    sa.Column('territory', sa.String(length=60), nullable=True),
    sa.Column('vertical', sa.String(length=60), nullable=True),
    sa.Column('product_line', sa.String(length=60), nullable=True),
    sa.Column('tier_key', sa.String(length=60), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('first_response_hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('priority_hours', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['cosell_teams.id'], name=op.f('fk_routing_rules_team_id_cosell_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules'))
    )
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.create_index('ix_routing_rules_active_position', ['is_active', 'position'], unique=False)

    op.create_table('engagement_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=24), nullable=True),
    sa.Column('given_by_user_id', sa.Integer(), nullable=True),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_engagement_consents_customer_id_customers')),
    sa.ForeignKeyConstraint(['given_by_user_id'], ['users.id'], name=op.f('fk_engagement_consents_given_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_engagement_consents_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_user_id'], ['users.id'], name=op.f('fk_engagement_consents_revoked_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_consents'))
    )
    with op.batch_alter_table('engagement_consents', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_consents_customer', ['customer_id', 'partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_consents_partner_id'), ['partner_id'], unique=False)

    op.create_table('codelivery_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('agreed_version_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreed_version_id'], ['plan_versions.id'], name=op.f('fk_codelivery_plans_agreed_version_id_plan_versions'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_codelivery_plans_customer_id_customers')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_codelivery_plans_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_codelivery_plans_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codelivery_plans')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_codelivery_plans_registration_id'))
    )
    with op.batch_alter_table('codelivery_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codelivery_plans_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_codelivery_plans_partner_id'), ['partner_id'], unique=False)

    op.create_table('ps_engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('staffed_user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('protecting_partner_id', sa.Integer(), nullable=True),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['engagement_consents.id'], name=op.f('fk_ps_engagements_consent_id_engagement_consents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'], name=op.f('fk_ps_engagements_created_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_ps_engagements_customer_id_customers')),
    sa.ForeignKeyConstraint(['protecting_partner_id'], ['partners.id'], name=op.f('fk_ps_engagements_protecting_partner_id_partners')),
    sa.ForeignKeyConstraint(['staffed_user_id'], ['users.id'], name=op.f('fk_ps_engagements_staffed_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ps_engagements'))
    )
    with op.batch_alter_table('ps_engagements', schema=None) as batch_op:
        batch_op.create_index('ix_ps_engagements_customer', ['customer_id', 'activity'], unique=False)

    op.create_table('resource_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('request_type', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('customer_context', sa.Text(), nullable=True),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('breached', sa.Boolean(), nullable=False),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('declined_reason', sa.Text(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_rating', sa.Integer(), nullable=True),
    sa.Column('outcome_notes', sa.Text(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('outcome_rating IS NULL OR outcome_rating BETWEEN 1 AND 5', name=op.f('ck_resource_requests_rating_range')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['users.id'], name=op.f('fk_resource_requests_assignee_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_resource_requests_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_resource_requests_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_resource_requests_requested_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['routing_rules.id'], name=op.f('fk_resource_requests_rule_id_routing_rules'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['cosell_teams.id'], name=op.f('fk_resource_requests_team_id_cosell_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_requests'))
    )
    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.create_index('ix_resource_requests_assignee_status', ['assignee_user_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_requests_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_resource_requests_registration', ['registration_id'], unique=False)
        batch_op.create_index('ix_resource_requests_status_due', ['status', 'first_response_due_at'], unique=False)
        batch_op.create_index('ix_resource_requests_team_status', ['team_id', 'status'], unique=False)

    op.create_table('plan_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_side', sa.String(length=8), nullable=False),
    sa.Column('proposed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('partner_signed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('partner_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('vendor_signed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('vendor_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_plan_versions_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_signed_by_user_id'], ['users.id'], name=op.f('fk_plan_versions_partner_signed_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['codelivery_plans.id'], name=op.f('fk_plan_versions_plan_id_codelivery_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_user_id'], ['users.id'], name=op.f('fk_plan_versions_proposed_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_signed_by_user_id'], ['users.id'], name=op.f('fk_plan_versions_vendor_signed_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_versions')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_plan_versions_plan_id_number'))
    )
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_versions_partner_id'), ['partner_id'], unique=False)

    op.create_table('roe_violations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=24), nullable=False),
    sa.Column('rule', sa.Text(), nullable=False),
    sa.Column('overridden_by_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_roe_violations_customer_id_customers')),
    sa.ForeignKeyConstraint(['engagement_id'], ['ps_engagements.id'], name=op.f('fk_roe_violations_engagement_id_ps_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['overridden_by_user_id'], ['users.id'], name=op.f('fk_roe_violations_overridden_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_roe_violations_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roe_violations'))
    )
    with op.batch_alter_table('roe_violations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roe_violations_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roe_violations_partner_id'), ['partner_id'], unique=False)

    op.create_table('plan_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=24), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('lead', sa.String(length=10), nullable=False),
    sa.Column('effort_days', sa.Numeric(precision=8, scale=1), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_plan_activities_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['plan_versions.id'], name=op.f('fk_plan_activities_version_id_plan_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_activities')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_plan_activities_version_id_position'))
    )
    with op.batch_alter_table('plan_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_activities_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_activities_version_id'), ['version_id'], unique=False)

    op.create_table('scope_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('opened_by_side', sa.String(length=8), nullable=False),
    sa.Column('opened_by_user_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('level_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalations', sa.JSON(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decision_lead', sa.String(length=10), nullable=True),
    sa.Column('decision_split', sa.Text(), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('resulting_version_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['plan_activities.id'], name=op.f('fk_scope_disputes_activity_id_plan_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_scope_disputes_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['engagement_id'], ['ps_engagements.id'], name=op.f('fk_scope_disputes_engagement_id_ps_engagements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by_user_id'], ['users.id'], name=op.f('fk_scope_disputes_opened_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_scope_disputes_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['codelivery_plans.id'], name=op.f('fk_scope_disputes_plan_id_codelivery_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resulting_version_id'], ['plan_versions.id'], name=op.f('fk_scope_disputes_resulting_version_id_plan_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scope_disputes'))
    )
    with op.batch_alter_table('scope_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scope_disputes_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scope_disputes_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_scope_disputes_status_deadline', ['status', 'level_deadline_at'], unique=False)

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dispute_ladder', sa.JSON(), nullable=False, server_default=sa.text(f"'{DEFAULT_DISPUTE_LADDER}'")))



def downgrade() -> None:
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('dispute_ladder')

    with op.batch_alter_table('scope_disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_scope_disputes_status_deadline')
        batch_op.drop_index(batch_op.f('ix_scope_disputes_plan_id'))
        batch_op.drop_index(batch_op.f('ix_scope_disputes_partner_id'))

    op.drop_table('scope_disputes')
    with op.batch_alter_table('plan_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_activities_version_id'))
        batch_op.drop_index(batch_op.f('ix_plan_activities_partner_id'))

    op.drop_table('plan_activities')
    with op.batch_alter_table('roe_violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roe_violations_partner_id'))
        batch_op.drop_index(batch_op.f('ix_roe_violations_engagement_id'))

    op.drop_table('roe_violations')
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_versions_partner_id'))

    op.drop_table('plan_versions')
    with op.batch_alter_table('resource_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_requests_team_status')
        batch_op.drop_index('ix_resource_requests_status_due')
        batch_op.drop_index('ix_resource_requests_registration')
        batch_op.drop_index(batch_op.f('ix_resource_requests_partner_id'))
        batch_op.drop_index('ix_resource_requests_assignee_status')

    op.drop_table('resource_requests')
    with op.batch_alter_table('ps_engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_ps_engagements_customer')

    op.drop_table('ps_engagements')
    with op.batch_alter_table('codelivery_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codelivery_plans_partner_id'))
        batch_op.drop_index(batch_op.f('ix_codelivery_plans_customer_id'))

    op.drop_table('codelivery_plans')
    with op.batch_alter_table('engagement_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_consents_partner_id'))
        batch_op.drop_index('ix_engagement_consents_customer')

    op.drop_table('engagement_consents')
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_routing_rules_active_position')

    op.drop_table('routing_rules')
    op.drop_table('cosell_teams')
    op.drop_table('business_calendars')
