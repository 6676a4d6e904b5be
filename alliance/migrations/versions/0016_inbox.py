"""inbox: each outbox message is also its recipient's in-app inbox item

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01 18:00:00

outbox_messages gains read_at (None: unread) and an index on (recipient_user_id, read_at, channel) for the
unread count every page shows; status gains 'skipped': the recipient turned the e-mail off, so the
row is only their inbox item and no worker claims it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

# The vocabulary before and after this revision (notifications.vocabulary.OutboxStatus), written
# out so the revision keeps its meaning when the enum changes.
BEFORE = ("queued", "sending", "sent", "logged", "retrying", "dead", "held")
AFTER = (*BEFORE, "skipped")


def _status_check(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint("status_known", type_="check")
        batch_op.create_check_constraint("status_known", _status_check(AFTER))
        batch_op.create_index("ix_outbox_messages_inbox", ["recipient_user_id", "read_at", "channel"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE status = 'skipped'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_inbox")
        batch_op.drop_constraint("status_known", type_="check")
        batch_op.create_check_constraint("status_known", _status_check(BEFORE))
        batch_op.drop_column("read_at")
