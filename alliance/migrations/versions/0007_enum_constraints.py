"""enum constraints: every closed-vocabulary column refuses values outside its vocabulary

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:00:00

The models map each enum-like column through `sa.Enum(..., native_enum=False, create_constraint=True)`:
the column stays a VARCHAR of the same length and gains a CHECK named `ck_<table>_<column>_known`.
Four columns had such a CHECK already (registrations.kind, customers.ownership,
certification_tracks.level and lab_grading) under the same names. The value lists are written out
here, not imported, so this revision keeps its meaning when the enums change later.
"""

from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ACTIVITIES = ('architecture_design', 'implementation', 'integration', 'data_migration', 'project_management', 'training', 'managed_operations', 'custom')
DELIVERY_ROLES = ('solution_architect', 'implementation_engineer', 'integration_specialist', 'project_manager', 'sales', 'practice_lead')
LEADS = ('si', 'vendor_ps', 'joint')
PARTNER_TYPES = ('systems_integrator', 'reseller', 'msp', 'distributor')
REGISTRATION_STATUSES = ('draft', 'submitted', 'in_review', 'info_requested', 'approved', 'rejected', 'won', 'lost', 'expired', 'withdrawn')
REQUEST_TYPES = ('solution_architect', 'technical_specialist', 'professional_services', 'executive_sponsor', 'architecture_validation', 'poc_support')
SI_SUBTYPES = ('gsi', 'regional', 'vertical', 'technology')
SIDES = ('partner', 'vendor')
SOURCES = ('portal', 'import', 'lab_environment', 'evaluator')

CHECKS: dict[str, dict[str, tuple[str, ...]]] = {
    'attribution_entries': {'credit_type': ('direct', 'influence', 'services', 'vendor_direct')},
    'certification_tracks': {'delivery_role': DELIVERY_ROLES},
    'certifications': {
        'status': ('active', 'recert_required', 'lapsed', 'expired', 'renewed', 'revoked'),
        'source': SOURCES,
    },
    'customers': {'employee_band': ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+')},
    'engagement_consents': {'activity': ACTIVITIES},
    'exam_attempts': {'source': SOURCES},
    'lab_submissions': {'status': ('pending', 'passed', 'failed'), 'source': SOURCES},
    'module_completions': {'source': SOURCES},
    'partner_attributes': {'kind': ('region', 'territory', 'vertical', 'specialty')},
    'partners': {
        'partner_type': PARTNER_TYPES,
        'si_subtype': SI_SUBTYPES,
        'status': ('prospect', 'active', 'suspended', 'terminated'),
    },
    'people': {'delivery_role': DELIVERY_ROLES},
    'plan_activities': {'activity': ACTIVITIES, 'lead': LEADS},
    'plan_versions': {'status': ('proposed', 'agreed', 'superseded'), 'proposed_by_side': SIDES},
    'programs': {'partner_type': PARTNER_TYPES, 'si_subtype': SI_SUBTYPES, 'influence_credit_split': ('full', 'equal')},
    'protection_extensions': {'status': ('pending', 'approved', 'rejected')},
    'ps_engagements': {'activity': ACTIVITIES, 'outcome': ('allowed', 'consented', 'overridden')},
    'registration_conflicts': {
        'kind': ('same_kind_overlap', 'influence_holds', 'cross_kind_overlap', 'vendor_direct', 'si_protected'),
        'step': ('submit', 'review'),
    },
    'registration_events': {
        'from_status': REGISTRATION_STATUSES,
        'to_status': REGISTRATION_STATUSES,
        'actor_side': (*SIDES, 'system'),
    },
    'registrations': {'status': REGISTRATION_STATUSES},
    'resource_requests': {'request_type': REQUEST_TYPES, 'status': ('new', 'accepted', 'in_progress', 'completed', 'declined')},
    'roe_violations': {'activity': ACTIVITIES},
    'routing_rules': {'request_type': REQUEST_TYPES},
    'scope_disputes': {'opened_by_side': SIDES, 'status': ('open', 'resolved'), 'decision_lead': LEADS},
    'sponsors': {'side': SIDES},
    'tier_criteria': {'comparison': ('>=', '>', '==', '<=', '<')},
    'tier_recommendations': {'action': ('upgrade', 'downgrade', 'hold'), 'status': ('pending', 'accepted', 'rejected', 'superseded')},
    'tiers': {'criteria_mode': ('all', 'any'), 'asset_access_level': ('public', 'standard', 'advanced', 'strategic')},
    'users': {'role': ('program_admin', 'cam', 'ps_lead', 'cosell_resource', 'executive', 'auditor', 'partner_admin', 'partner_user')},
}


def _condition(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join("'" + value + "'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    # On SQLite each batch rebuilds its table once, with every new CHECK (env.py turns foreign keys off).
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(f'{column}_known', _condition(column, values))


def downgrade() -> None:
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(f'{column}_known', type_='check')
