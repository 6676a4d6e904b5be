"""server-side web sessions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:25:00

user_sessions: one row per web login. The session cookie carries a random token; the row keeps its
SHA-256, who it is for, when it started, was last seen and expires, and when and why it was
revoked (logout, password change, deactivation, sign-out everywhere). Cookies signed before this
revision carry no token and are refused: everyone logs in again once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The vocabulary as of this revision (identity.user_sessions.SessionEnd), written out so the
# revision keeps its meaning when the enum changes.
SESSION_ENDS = ("logged_out", "signed_out", "signed_out_everywhere", "password_changed", "role_changed", "deactivated", "idle", "expired")


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in SESSION_ENDS)
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=32), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
        sa.CheckConstraint(f"revoked_reason IN ({allowed})", name=op.f("ck_user_sessions_revoked_reason_known")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_user_sessions_user_live", ["user_id", "revoked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_user_sessions_user_live")
    op.drop_table("user_sessions")
