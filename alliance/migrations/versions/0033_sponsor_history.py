"""sponsor history: each executive sponsor's first and last day

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 01:00:00

A sponsor is no longer deleted when replaced: `ended_on` (the first day they are no longer the
sponsor) is set instead, so a QBR shows the sponsors of its as-of date. Existing sponsors get
`started_on` = the day their partner was created (when they really started is not known; the
partner's first day is the earliest they can have been its sponsor).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sponsors") as batch:
        batch.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    sponsors = sa.table("sponsors", sa.column("partner_id", sa.Integer), sa.column("started_on", sa.Date), sa.column("created_at", sa.DateTime))
    partners = sa.table("partners", sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime))
    joined = sa.select(sa.func.date(partners.c.created_at)).where(partners.c.id == sponsors.c.partner_id).scalar_subquery()
    if op.get_bind().dialect.name == "postgresql":
        joined = sa.select(sa.cast(partners.c.created_at, sa.Date)).where(partners.c.id == sponsors.c.partner_id).scalar_subquery()
    op.execute(sponsors.update().values(started_on=joined))
    with op.batch_alter_table("sponsors") as batch:
        batch.alter_column("started_on", existing_type=sa.Date(), nullable=False)
        batch.create_index("ix_sponsors_partner_id_ended_on", ["partner_id", "ended_on"])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM sponsors WHERE ended_on IS NOT NULL"))
    with op.batch_alter_table("sponsors") as batch:
        batch.drop_index("ix_sponsors_partner_id_ended_on")
        batch.drop_column("ended_on")
        batch.drop_column("started_on")
