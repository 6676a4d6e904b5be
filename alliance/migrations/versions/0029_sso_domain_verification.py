"""single sign-on administration: e-mail domains verified by a DNS TXT record

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 01:00:00

sso_domains.verified_at may now be empty (a domain added but not yet proven); each domain gets a
verification_token (the TXT record's value) and verified_by (dns or manual). Domains that exist
already were set up by a program admin before proofs existed: they stay verified, as "manual".
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.alter_column("verified_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(sa.Column("verification_token", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("verified_by", sa.Enum("dns", "manual", name="domainproof", native_enum=False, create_constraint=True, length=8), nullable=True)
        )
    connection = op.get_bind()
    domains = sa.table("sso_domains", sa.column("id", sa.Integer), sa.column("verification_token", sa.String), sa.column("verified_by", sa.String))
    for (domain_id,) in connection.execute(sa.select(domains.c.id)).all():
        connection.execute(domains.update().where(domains.c.id == domain_id).values(verification_token=secrets.token_urlsafe(24), verified_by="manual"))
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.alter_column("verification_token", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    connection = op.get_bind()
    domains = sa.table("sso_domains", sa.column("verified_at", sa.DateTime(timezone=True)))
    connection.execute(domains.delete().where(domains.c.verified_at.is_(None)))
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.drop_constraint("verified_by_known", type_="check")
        batch_op.drop_column("verified_by")
        batch_op.drop_column("verification_token")
        batch_op.alter_column("verified_at", existing_type=sa.DateTime(timezone=True), nullable=False)
