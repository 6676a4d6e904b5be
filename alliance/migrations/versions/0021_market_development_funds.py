"""market development funds: budgets, allocations, requests, claims, the ledger; program MDF settings; registrations' campaign

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 21:00:00

fund_budgets per program and fiscal period; fund_allocations per partner and budget (the lock every
money movement takes); fund_requests, fund_claims (cost lines, proof-of-performance files) and the
append-only fund_ledger_entries. Programs get the claim deadline (days after the activity, default
45) and the reimbursement percentage (default 100); registrations the fund request they came from.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fund_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], name=op.f("fk_fund_budgets_created_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"], name=op.f("fk_fund_budgets_program_id_programs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_budgets")),
        sa.UniqueConstraint("program_id", "period_key", name=op.f("uq_fund_budgets_program_id_period_key")),
    )
    with op.batch_alter_table("fund_budgets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_budgets_program_id"), ["program_id"], unique=False)

    op.create_table(
        "fund_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("from_tier_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["budget_id"], ["fund_budgets.id"], name=op.f("fk_fund_allocations_budget_id_fund_budgets"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["from_tier_id"], ["tiers.id"], name=op.f("fk_fund_allocations_from_tier_id_tiers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_allocations_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_allocations")),
        sa.UniqueConstraint("partner_id", "budget_id", name=op.f("uq_fund_allocations_partner_id_budget_id")),
    )
    with op.batch_alter_table("fund_allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_allocations_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_allocations_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "fund_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("activity_type", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("requested_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("expected_leads", sa.Integer(), nullable=False),
        sa.Column("expected_registrations", sa.Integer(), nullable=False),
        sa.Column("expected_pipeline", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("claim_deadline", sa.Date(), nullable=True),
        sa.Column("reimbursement_percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["allocation_id"], ["fund_allocations.id"], name=op.f("fk_fund_requests_allocation_id_fund_allocations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_fund_requests_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_requests_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["plan_item_id"], ["business_plan_items.id"], name=op.f("fk_fund_requests_plan_item_id_business_plan_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["submitted_by_user_id"], ["users.id"], name=op.f("fk_fund_requests_submitted_by_user_id_users"), ondelete="SET NULL"),
        sa.CheckConstraint(
            "activity_type IN ('event', 'campaign', 'training', 'demo_environment', 'co_marketing')", name=op.f("ck_fund_requests_activity_type_known")
        ),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected', 'withdrawn', 'closed')", name=op.f("ck_fund_requests_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_requests")),
    )
    with op.batch_alter_table("fund_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_requests_allocation_id"), ["allocation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_requests_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_fund_requests_status_submitted", ["status", "submitted_at"], unique=False)

    op.create_table(
        "fund_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claimed_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("reimbursable_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_by_user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["allocation_id"], ["fund_allocations.id"], name=op.f("fk_fund_claims_allocation_id_fund_allocations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["users.id"], name=op.f("fk_fund_claims_decided_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["paid_by_user_id"], ["users.id"], name=op.f("fk_fund_claims_paid_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_claims_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["fund_requests.id"], name=op.f("fk_fund_claims_request_id_fund_requests"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_user_id"], ["users.id"], name=op.f("fk_fund_claims_submitted_by_user_id_users"), ondelete="SET NULL"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected', 'paid')", name=op.f("ck_fund_claims_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_claims")),
    )
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_claims_allocation_id"), ["allocation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_claims_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_claims_request_id"), ["request_id"], unique=False)
        batch_op.create_index("ix_fund_claims_status_submitted", ["status", "submitted_at"], unique=False)

    op.create_table(
        "fund_claim_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["fund_allocations.id"], name=op.f("fk_fund_claim_files_allocation_id_fund_allocations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["fund_claims.id"], name=op.f("fk_fund_claim_files_claim_id_fund_claims"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_fund_claim_files_file_id_stored_files"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_claim_files_partner_id_partners"), ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('invoice', 'photo', 'attendee_list', 'other')", name=op.f("ck_fund_claim_files_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_claim_files")),
        sa.UniqueConstraint("claim_id", "file_id", name=op.f("uq_fund_claim_files_claim_id_file_id")),
    )
    with op.batch_alter_table("fund_claim_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_claim_files_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_claim_files_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "fund_claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["fund_allocations.id"], name=op.f("fk_fund_claim_lines_allocation_id_fund_allocations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["fund_claims.id"], name=op.f("fk_fund_claim_lines_claim_id_fund_claims"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_claim_lines_partner_id_partners"), ondelete="CASCADE"),
        sa.CheckConstraint(
            "category IN ('venue', 'catering', 'media', 'agency', 'travel', 'software', 'print', 'other')", name=op.f("ck_fund_claim_lines_category_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_claim_lines")),
    )
    with op.batch_alter_table("fund_claim_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_claim_lines_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_claim_lines_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "fund_ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["fund_allocations.id"], name=op.f("fk_fund_ledger_entries_allocation_id_fund_allocations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["fund_claims.id"], name=op.f("fk_fund_ledger_entries_claim_id_fund_claims"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_fund_ledger_entries_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["fund_requests.id"], name=op.f("fk_fund_ledger_entries_request_id_fund_requests"), ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('allocated', 'committed', 'claimed', 'approved', 'paid', 'expired')", name=op.f("ck_fund_ledger_entries_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_ledger_entries")),
    )
    with op.batch_alter_table("fund_ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_ledger_entries_allocation_id"), ["allocation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_ledger_entries_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index("ix_fund_ledger_entries_partner_kind", ["partner_id", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_ledger_entries_request_id"), ["request_id"], unique=False)

    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mdf_claim_deadline_days", sa.Integer(), server_default="45", nullable=False))
        batch_op.add_column(sa.Column("mdf_reimbursement_percent", sa.Numeric(precision=5, scale=2), server_default="100", nullable=False))

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fund_request_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_registrations_fund_request_id"), ["fund_request_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_fund_request_id_fund_requests"), "fund_requests", ["fund_request_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_registrations_fund_request_id_fund_requests"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_registrations_fund_request_id"))
        batch_op.drop_column("fund_request_id")

    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("mdf_reimbursement_percent")
        batch_op.drop_column("mdf_claim_deadline_days")

    with op.batch_alter_table("fund_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_ledger_entries_request_id"))
        batch_op.drop_index("ix_fund_ledger_entries_partner_kind")
        batch_op.drop_index(batch_op.f("ix_fund_ledger_entries_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_ledger_entries_allocation_id"))

    op.drop_table("fund_ledger_entries")
    with op.batch_alter_table("fund_claim_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_claim_lines_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_claim_lines_claim_id"))

    op.drop_table("fund_claim_lines")
    with op.batch_alter_table("fund_claim_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_claim_files_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_claim_files_claim_id"))

    op.drop_table("fund_claim_files")
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_claims_status_submitted")
        batch_op.drop_index(batch_op.f("ix_fund_claims_request_id"))
        batch_op.drop_index(batch_op.f("ix_fund_claims_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_claims_allocation_id"))

    op.drop_table("fund_claims")
    with op.batch_alter_table("fund_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_requests_status_submitted")
        batch_op.drop_index(batch_op.f("ix_fund_requests_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_requests_allocation_id"))

    op.drop_table("fund_requests")
    with op.batch_alter_table("fund_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_allocations_partner_id"))
        batch_op.drop_index(batch_op.f("ix_fund_allocations_budget_id"))

    op.drop_table("fund_allocations")
    with op.batch_alter_table("fund_budgets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_budgets_program_id"))

    op.drop_table("fund_budgets")
