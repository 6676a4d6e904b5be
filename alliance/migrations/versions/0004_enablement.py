"""enablement: certification tracks with modules, product releases, learning progress, exam attempts, lab submissions, certifications; tier recommendations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 20:54:25.826259
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certification_tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('delivery_role', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('product_line', sa.String(length=60), nullable=False),
    sa.Column('product_version', sa.String(length=20), nullable=False),
    sa.Column('vertical', sa.String(length=60), nullable=True),
    sa.Column('prerequisite_track_id', sa.Integer(), nullable=True),
    sa.Column('validity_days', sa.Integer(), nullable=False),
    sa.Column('exam_pass_mark', sa.Integer(), nullable=False),
    sa.Column('exam_max_attempts', sa.Integer(), nullable=False),
    sa.Column('exam_cooldown_days', sa.Integer(), nullable=False),
    sa.Column('lab_grading', sa.String(length=12), nullable=True),
    sa.Column('lab_rubric', sa.JSON(), nullable=False),
    sa.Column('lab_pass_mark', sa.Integer(), nullable=True),
    sa.Column('lab_secret', sa.String(length=128), nullable=True),
    sa.Column('recert_versions_behind', sa.Integer(), nullable=True),
    sa.Column('recert_within_days', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("lab_grading IS NULL OR lab_grading IN ('evaluator', 'environment')", name=op.f('ck_certification_tracks_lab_grading_known')),
    sa.CheckConstraint("level IN ('associate', 'professional', 'expert')", name=op.f('ck_certification_tracks_level_known')),
    sa.CheckConstraint('exam_max_attempts >= 1', name=op.f('ck_certification_tracks_attempts_positive')),
    sa.CheckConstraint('exam_pass_mark BETWEEN 0 AND 100', name=op.f('ck_certification_tracks_pass_mark_percent')),
    sa.ForeignKeyConstraint(['prerequisite_track_id'], ['certification_tracks.id'], name=op.f('fk_certification_tracks_prerequisite_track_id_certification_tracks')),
    sa.ForeignKeyConstraint(['product_line'], ['product_lines.key'], name=op.f('fk_certification_tracks_product_line_product_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_tracks')),
    sa.UniqueConstraint('key', name=op.f('uq_certification_tracks_key'))
    )
    with op.batch_alter_table('certification_tracks', schema=None) as batch_op:
        batch_op.create_index('ix_certification_tracks_role_level', ['delivery_role', 'level'], unique=False)

    op.create_table('product_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_line', sa.String(length=60), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_line'], ['product_lines.key'], name=op.f('fk_product_releases_product_line_product_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_releases')),
    sa.UniqueConstraint('product_line', 'version', name=op.f('uq_product_releases_product_line_version'))
    )
    with op.batch_alter_table('product_releases', schema=None) as batch_op:
        batch_op.create_index('ix_product_releases_line_major', ['product_line', 'major'], unique=False)

    op.create_table('track_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['certification_tracks.id'], name=op.f('fk_track_modules_track_id_certification_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_modules')),
    sa.UniqueConstraint('track_id', 'key', name=op.f('uq_track_modules_track_id_key')),
    sa.UniqueConstraint('track_id', 'position', name=op.f('uq_track_modules_track_id_position'))
    )
    with op.batch_alter_table('track_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_track_modules_track_id'), ['track_id'], unique=False)

    op.create_table('certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('recert_due_on', sa.Date(), nullable=True),
    sa.Column('recert_release_id', sa.Integer(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_certifications_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_certifications_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recert_release_id'], ['product_releases.id'], name=op.f('fk_certifications_recert_release_id_product_releases')),
    sa.ForeignKeyConstraint(['track_id'], ['certification_tracks.id'], name=op.f('fk_certifications_track_id_certification_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certifications')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_certifications_external_ref'))
    )
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.create_index('ix_certifications_expires', ['status', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_certifications_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_certifications_partner_status', ['partner_id', 'status'], unique=False)
        batch_op.create_index('ix_certifications_person_track', ['person_id', 'track_id'], unique=False)
        batch_op.create_index('ix_certifications_recert_due', ['status', 'recert_due_on'], unique=False)
        batch_op.create_index('ix_certifications_track_status', ['track_id', 'status'], unique=False)

    op.create_table('exam_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_exam_attempts_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_exam_attempts_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['certification_tracks.id'], name=op.f('fk_exam_attempts_track_id_certification_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_attempts')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_exam_attempts_external_ref'))
    )
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_attempts_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_exam_attempts_person_track', ['person_id', 'track_id', 'attempted_at'], unique=False)

    op.create_table('lab_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('grader_user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('rubric_scores', sa.JSON(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('nonce', sa.String(length=100), nullable=True),
    sa.Column('external_ref', sa.String(length=100), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grader_user_id'], ['users.id'], name=op.f('fk_lab_submissions_grader_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_lab_submissions_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_lab_submissions_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['certification_tracks.id'], name=op.f('fk_lab_submissions_track_id_certification_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lab_submissions')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_lab_submissions_external_ref')),
    sa.UniqueConstraint('nonce', name=op.f('uq_lab_submissions_nonce'))
    )
    with op.batch_alter_table('lab_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lab_submissions_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_lab_submissions_person_track', ['person_id', 'track_id'], unique=False)
        batch_op.create_index('ix_lab_submissions_status', ['status', 'submitted_at'], unique=False)

    op.create_table('module_completions',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['track_modules.id'], name=op.f('fk_module_completions_module_id_track_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_module_completions_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_module_completions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'module_id', name=op.f('pk_module_completions'))
    )
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_completions_partner_id'), ['partner_id'], unique=False)

    op.create_table('tier_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('current_tier_id', sa.Integer(), nullable=True),
    sa.Column('qualifying_tier_id', sa.Integer(), nullable=True),
    sa.Column('recommended_tier_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('grace_until', sa.Date(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['current_tier_id'], ['tiers.id'], name=op.f('fk_tier_recommendations_current_tier_id_tiers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_tier_recommendations_decided_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_tier_recommendations_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_tier_recommendations_program_id_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['qualifying_tier_id'], ['tiers.id'], name=op.f('fk_tier_recommendations_qualifying_tier_id_tiers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommended_tier_id'], ['tiers.id'], name=op.f('fk_tier_recommendations_recommended_tier_id_tiers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_recommendations'))
    )
    with op.batch_alter_table('tier_recommendations', schema=None) as batch_op:
        batch_op.create_index('ix_tier_recommendations_partner', ['partner_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tier_recommendations_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_tier_recommendations_status', ['status', 'evaluated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tier_recommendations', schema=None) as batch_op:
        batch_op.drop_index('ix_tier_recommendations_status')
        batch_op.drop_index(batch_op.f('ix_tier_recommendations_partner_id'))
        batch_op.drop_index('ix_tier_recommendations_partner')

    op.drop_table('tier_recommendations')
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_completions_partner_id'))

    op.drop_table('module_completions')
    with op.batch_alter_table('lab_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_lab_submissions_status')
        batch_op.drop_index('ix_lab_submissions_person_track')
        batch_op.drop_index(batch_op.f('ix_lab_submissions_partner_id'))

    op.drop_table('lab_submissions')
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_attempts_person_track')
        batch_op.drop_index(batch_op.f('ix_exam_attempts_partner_id'))

    op.drop_table('exam_attempts')
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index('ix_certifications_track_status')
        batch_op.drop_index('ix_certifications_recert_due')
        batch_op.drop_index('ix_certifications_person_track')
        batch_op.drop_index('ix_certifications_partner_status')
        batch_op.drop_index(batch_op.f('ix_certifications_partner_id'))
        batch_op.drop_index('ix_certifications_expires')

    op.drop_table('certifications')
    with op.batch_alter_table('track_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_track_modules_track_id'))

    op.drop_table('track_modules')
    with op.batch_alter_table('product_releases', schema=None) as batch_op:
        batch_op.drop_index('ix_product_releases_line_major')

    op.drop_table('product_releases')
    with op.batch_alter_table('certification_tracks', schema=None) as batch_op:
        batch_op.drop_index('ix_certification_tracks_role_level')

    op.drop_table('certification_tracks')
