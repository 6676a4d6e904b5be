"""daily digests: a time zone per user, and the digested message status

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 18:30:00

users.time_zone: the IANA zone a person's daily digest follows (NULL: the deployment's
ALLIANCE_TIME_ZONE). outbox_messages.status gains 'digested': a held message that went out inside
a digest (the digest is a message of its own).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The vocabulary as of this revision (notifications.vocabulary.OutboxStatus), written out so the
# revision keeps its meaning when the enum changes.
BEFORE = ("queued", "sending", "sent", "logged", "retrying", "dead", "held", "skipped")
AFTER = (*BEFORE, "digested")


def _status_check(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_messages_status_known"), _status_check(AFTER))


def downgrade() -> None:
    op.execute("UPDATE outbox_messages SET status = 'sent' WHERE status = 'digested'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_messages_status_known"), _status_check(BEFORE))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
