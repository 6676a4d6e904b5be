"""QBR packages: one per partner per fiscal quarter, frozen when published, and their commitments;
sponsor governance: the executive meeting cadence per partner and the meetings held

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qbrs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("charts", sa.JSON(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_user_id", sa.Integer(), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shared_by_user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["generated_by_user_id"], ["users.id"], name=op.f("fk_qbrs_generated_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["published_by_user_id"], ["users.id"], name=op.f("fk_qbrs_published_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["shared_by_user_id"], ["users.id"], name=op.f("fk_qbrs_shared_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_qbrs_partner_id_partners"), ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('draft', 'published', 'shared')", name=op.f("ck_qbrs_status_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qbrs")),
        sa.UniqueConstraint("partner_id", "period_key", name=op.f("uq_qbrs_partner_id_period_key")),
    )
    with op.batch_alter_table("qbrs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qbrs_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "qbr_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("qbr_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["qbr_id"], ["qbrs.id"], name=op.f("fk_qbr_commitments_qbr_id_qbrs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["carried_from_id"], ["qbr_commitments.id"], name=op.f("fk_qbr_commitments_carried_from_id_qbr_commitments"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_qbr_commitments_partner_id_partners"), ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('open', 'done', 'late', 'dropped')", name=op.f("ck_qbr_commitments_status_known")),
        sa.CheckConstraint("side IN ('vendor', 'partner', 'joint')", name=op.f("ck_qbr_commitments_side_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qbr_commitments")),
        sa.UniqueConstraint("qbr_id", "position", name=op.f("uq_qbr_commitments_qbr_id_position")),
    )
    with op.batch_alter_table("qbr_commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qbr_commitments_qbr_id"), ["qbr_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_qbr_commitments_partner_id"), ["partner_id"], unique=False)


    op.create_table(
        "sponsor_cadences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_sponsor_cadences_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_cadences")),
        sa.UniqueConstraint("partner_id", name=op.f("uq_sponsor_cadences_partner_id")),
    )
    with op.batch_alter_table("sponsor_cadences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sponsor_cadences_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "sponsor_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("commitments", sa.Text(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_user_id"], ["users.id"], name=op.f("fk_sponsor_meetings_recorded_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_sponsor_meetings_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_meetings")),
    )
    with op.batch_alter_table("sponsor_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sponsor_meetings_partner_id"), ["partner_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sponsor_meetings")
    op.drop_table("sponsor_cadences")
    op.drop_table("qbr_commitments")
    op.drop_table("qbrs")
