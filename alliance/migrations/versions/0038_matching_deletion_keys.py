"""customer matching: typo keys, each distinctive word with one letter left out

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02 04:10:00

Matching now finds a name with a typo in each of two words (and a typo in a four-letter word)
by index: every customer's distinctive words of four letters or more are stored with one letter
left out ('d:' keys in customer_name_keys, see matching.blocking_keys), and a query looks up its
own words' deletions among them. No schema change: the keys are added for existing customers,
from their stored normalized names, streamed in batches by id (bounded memory, one INSERT per
batch). Downgrading removes them (one range delete on the key index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

BATCH = 5_000
PREFIX = "d:"


def upgrade() -> None:
    from alliance.customers.matching import DELETION, blocking_keys  # the matcher as of this revision
    from alliance.customers.names import NormalizedName

    assert DELETION == PREFIX
    connection = op.get_bind()
    customers = sa.table("customers", sa.column("id", sa.Integer), sa.column("name_key", sa.String))
    keys = sa.table("customer_name_keys", sa.column("key", sa.String), sa.column("customer_id", sa.Integer))
    insert = keys.insert().values(key=sa.bindparam("b_key"), customer_id=sa.bindparam("b_customer_id"))
    last = 0
    while True:
        rows = connection.execute(sa.select(customers.c.id, customers.c.name_key).where(customers.c.id > last).order_by(customers.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        new_keys = [
            {"b_key": key, "b_customer_id": customer_id}
            for customer_id, name_key in rows
            for key in blocking_keys(NormalizedName.from_key(name_key))
            if key.startswith(PREFIX)
        ]
        if new_keys:
            connection.execute(insert, new_keys)


def downgrade() -> None:
    keys = sa.table("customer_name_keys", sa.column("key", sa.String))
    op.get_bind().execute(keys.delete().where(keys.c.key >= PREFIX, keys.c.key < "d;"))  # every key starting "d:"
