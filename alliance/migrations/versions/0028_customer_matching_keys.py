"""customer matching: re-derive every customer's normalized name and blocking keys

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 21:40:00

Normalization now sets aside qualifiers ("– EMEA", "(UK)", "Finance Dept"), expands more
abbreviations in several languages, and the blocking keys are built from spelling skeletons
(Müller/Mueller) with two new kinds ('s:' distinctive words end to end, 'q:' first letters of
neighbouring words). Stored names and keys are re-derived with the matcher of this revision, in
batches; no schema change. Downgrading keeps the new keys (the old matcher finds fewer of them,
never wrong ones: every candidate is scored).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    from alliance.customers.records import RecordError, derive, keys_of_stored  # the matcher as of this revision

    connection = op.get_bind()
    customers = sa.table(
        "customers",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("website", sa.String),
        sa.column("name_key", sa.String),
        sa.column("name_compact", sa.String),
        sa.column("name_reversed", sa.String),
        sa.column("name_len", sa.SmallInteger),
        sa.column("domain", sa.String),
    )
    keys = sa.table("customer_name_keys", sa.column("key", sa.String), sa.column("customer_id", sa.Integer))
    update = (
        customers.update()
        .where(customers.c.id == sa.bindparam("b_id"))
        .values(
            name_key=sa.bindparam("b_key"),
            name_compact=sa.bindparam("b_compact"),
            name_reversed=sa.bindparam("b_reversed"),
            name_len=sa.bindparam("b_len"),
            domain=sa.bindparam("b_domain"),
        )
    )
    connection.execute(keys.delete())  # all at once: the table's only index leads with the key
    last = 0
    while True:
        rows = connection.execute(
            sa.select(customers.c.id, customers.c.name, customers.c.website, customers.c.name_key).where(customers.c.id > last).order_by(customers.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        updates, new_keys = [], []
        for customer_id, name, website, stored_key in rows:
            try:
                derived = derive(name, website)
            except RecordError:  # a name without letters or digits: its old keys, from its stored name
                new_keys += [{"key": key, "customer_id": customer_id} for key in keys_of_stored(stored_key)]
                continue
            updates.append(
                {
                    "b_id": customer_id,
                    "b_key": derived.name_key,
                    "b_compact": derived.name_compact,
                    "b_reversed": derived.name_reversed,
                    "b_len": derived.name_len,
                    "b_domain": derived.domain,
                }
            )
            new_keys += [{"key": key, "customer_id": customer_id} for key in derived.keys]
        if updates:
            connection.execute(update, updates)
            connection.execute(keys.insert(), new_keys)


def downgrade() -> None:
    pass
