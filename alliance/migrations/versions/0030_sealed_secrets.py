"""secrets at rest: OIDC client secrets and TOTP secrets encrypted

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 00:50:00

The columns widen to hold a Fernet token, and every stored plaintext is sealed under the key
derived from ALLIANCE_SECRET_KEY (alliance.kit.encryption). Downgrading opens them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

SEALED = (("sso_connections", "client_secret"), ("user_two_factor", "secret"))


def upgrade() -> None:
    from alliance.kit import encryption

    with op.batch_alter_table("sso_connections", schema=None) as batch_op:
        batch_op.alter_column("client_secret", existing_type=sa.String(length=500), type_=sa.Text(), existing_nullable=True)
    with op.batch_alter_table("user_two_factor", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=64), type_=sa.String(length=255), existing_nullable=False)
    for table, column in SEALED:
        encryption.reseal_column(op.get_bind(), table, column)


def downgrade() -> None:
    from alliance.kit import encryption

    connection = op.get_bind()
    keys = encryption.default_keyring()
    for table, column in SEALED:
        target = sa.table(table, sa.column("id"), sa.column(column))
        for row_id, value in connection.execute(sa.select(target.c.id, target.c[column]).where(target.c[column].is_not(None))).all():
            if encryption.is_sealed(value):
                connection.execute(sa.update(target).where(target.c.id == row_id).values({column: keys.open(value)}))
    with op.batch_alter_table("user_two_factor", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=255), type_=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table("sso_connections", schema=None) as batch_op:
        batch_op.alter_column("client_secret", existing_type=sa.Text(), type_=sa.String(length=500), existing_nullable=True)
