"""opportunities: the ACE-compatible API's link from an opportunity to its registration

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 18:40:00

One row per registration filed through /ace: its catalog, the client token of the create request
(unique per partner and catalog) with the request's digest, and the payload as the partner sent it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opportunities",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("catalog", sa.String(length=16), nullable=False),
        sa.Column("client_token", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_opportunities_partner_id_partners"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"], name=op.f("fk_opportunities_registration_id_registrations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_opportunities")),
        sa.UniqueConstraint("partner_id", "catalog", "client_token", name=op.f("uq_opportunities_partner_id_catalog_client_token")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunities_partner_id"), ["partner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunities_partner_id"))
    op.drop_table("opportunities")
