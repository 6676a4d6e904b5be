"""password links and reset throttling

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:00:00

password_links: one row per invitation or password-reset link. The link carries a token signed
with the secret key; the row keeps only its SHA-256, whom it is for, when it expires, and when it
was used or replaced (single use; a new link replaces the old). password_reset_requests: every
"forgot my password" request, known address or not, counted per address and per client to throttle.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The vocabulary as of this revision (identity.password_links.LinkPurpose).
PURPOSES = ("invitation", "reset")


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in PURPOSES)
    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_links_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_links_token_hash")),
        sa.CheckConstraint(f"purpose IN ({allowed})", name=op.f("ck_password_links_purpose_known")),
    )
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.create_index("ix_password_links_user_purpose", ["user_id", "purpose"], unique=False)
    op.create_table(
        "password_reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_requests")),
    )
    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.create_index("ix_password_reset_requests_email_at", ["email", "requested_at"], unique=False)
        batch_op.create_index("ix_password_reset_requests_client_at", ["client", "requested_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_password_reset_requests_client_at")
        batch_op.drop_index("ix_password_reset_requests_email_at")
    op.drop_table("password_reset_requests")
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.drop_index("ix_password_links_user_purpose")
    op.drop_table("password_links")
