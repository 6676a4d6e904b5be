"""joint business plans: plans per partner per fiscal period, their signed versions, items and
progress

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 18:19:51.999176
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "business_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("agreed_version_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("scorecard", sa.JSON(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreed_version_id"],
            ["business_plan_versions.id"],
            name=op.f("fk_business_plans_agreed_version_id_business_plan_versions"),
            ondelete="SET NULL",
            use_alter=True,
        ),
        sa.ForeignKeyConstraint(["closed_by_user_id"], ["users.id"], name=op.f("fk_business_plans_closed_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_business_plans_created_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_business_plans_partner_id_partners"), ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('draft', 'proposed', 'agreed', 'active', 'closed')", name=op.f("ck_business_plans_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_plans")),
        sa.UniqueConstraint("partner_id", "period_key", name=op.f("uq_business_plans_partner_id_period_key")),
    )
    with op.batch_alter_table("business_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_plans_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "business_plan_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("evidence_note", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("evidence_registration_id", sa.Integer(), nullable=True),
        sa.Column("completed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["completed_by_user_id"], ["users.id"], name=op.f("fk_business_plan_progress_completed_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["confirmed_by_user_id"], ["users.id"], name=op.f("fk_business_plan_progress_confirmed_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["evidence_registration_id"],
            ["registrations.id"],
            name=op.f("fk_business_plan_progress_evidence_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_business_plan_progress_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["business_plans.id"], name=op.f("fk_business_plan_progress_plan_id_business_plans"), ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'completed', 'confirmed')", name=op.f("ck_business_plan_progress_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_plan_progress")),
        sa.UniqueConstraint("plan_id", "ref", name=op.f("uq_business_plan_progress_plan_id_ref")),
    )
    with op.batch_alter_table("business_plan_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_plan_progress_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "business_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by_side", sa.String(length=8), nullable=True),
        sa.Column("proposed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("partner_signed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("partner_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vendor_signed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("vendor_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_business_plan_versions_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["partner_signed_by_user_id"], ["users.id"], name=op.f("fk_business_plan_versions_partner_signed_by_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["business_plans.id"], name=op.f("fk_business_plan_versions_plan_id_business_plans"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposed_by_user_id"], ["users.id"], name=op.f("fk_business_plan_versions_proposed_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["vendor_signed_by_user_id"], ["users.id"], name=op.f("fk_business_plan_versions_vendor_signed_by_user_id_users"), ondelete="SET NULL"
        ),
        sa.CheckConstraint("status IN ('draft', 'proposed', 'agreed', 'superseded')", name=op.f("ck_business_plan_versions_status_known")),
        sa.CheckConstraint("proposed_by_side IN ('partner', 'vendor')", name=op.f("ck_business_plan_versions_proposed_by_side_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_plan_versions")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_business_plan_versions_plan_id_number")),
    )
    with op.batch_alter_table("business_plan_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_plan_versions_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "business_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=True),
        sa.Column("revenue_kind", sa.String(length=12), nullable=True),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("delivery_role", sa.String(length=32), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("target_count", sa.Integer(), nullable=True),
        sa.Column("investment_kind", sa.String(length=32), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"], name=op.f("fk_business_plan_items_owner_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_business_plan_items_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["business_plans.id"], name=op.f("fk_business_plan_items_plan_id_business_plans"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["business_plan_versions.id"], name=op.f("fk_business_plan_items_version_id_business_plan_versions"), ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "kind IN ('revenue_target', 'certification_target', 'solution_milestone', 'demo_environment', 'vertical_milestone', 'co_investment')",
            name=op.f("ck_business_plan_items_kind_known"),
        ),
        sa.CheckConstraint("revenue_kind IN ('direct', 'influenced', 'services')", name=op.f("ck_business_plan_items_revenue_kind_known")),
        sa.CheckConstraint(
            "delivery_role IN ('solution_architect', 'implementation_engineer', 'integration_specialist', 'project_manager', 'sales', 'practice_lead')",
            name=op.f("ck_business_plan_items_delivery_role_known"),
        ),
        sa.CheckConstraint("level IN ('associate', 'professional', 'expert')", name=op.f("ck_business_plan_items_level_known")),
        sa.CheckConstraint(
            "investment_kind IN ('certification_seats', 'certification_funding', 'mdf', 'se_hours', 'architect_hours', 'executive_sponsor_hours')",
            name=op.f("ck_business_plan_items_investment_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_plan_items")),
        sa.UniqueConstraint("version_id", "position", name=op.f("uq_business_plan_items_version_id_position")),
        sa.UniqueConstraint("version_id", "ref", name=op.f("uq_business_plan_items_version_id_ref")),
    )
    with op.batch_alter_table("business_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_plan_items_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_business_plan_items_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_business_plan_items_version_id"), ["version_id"], unique=False)

    op.create_table(
        'business_plan_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_business_plan_templates_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_business_plan_templates')),
        sa.UniqueConstraint('program_id', 'name', name=op.f('uq_business_plan_templates_program_id_name')),
    )
    with op.batch_alter_table('business_plan_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_plan_templates_program_id'), ['program_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('business_plan_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_plan_templates_program_id'))

    op.drop_table('business_plan_templates')
    with op.batch_alter_table("business_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_plan_items_version_id"))
        batch_op.drop_index(batch_op.f("ix_business_plan_items_plan_id"))
        batch_op.drop_index(batch_op.f("ix_business_plan_items_partner_id"))

    op.drop_table("business_plan_items")
    with op.batch_alter_table("business_plan_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_plan_versions_partner_id"))

    op.drop_table("business_plan_versions")
    with op.batch_alter_table("business_plan_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_plan_progress_partner_id"))

    op.drop_table("business_plan_progress")
    with op.batch_alter_table("business_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_plans_partner_id"))

    op.drop_table("business_plans")
