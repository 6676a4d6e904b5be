"""single sign-on: an unproven domain claim no longer blocks the domain's owner

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-02 02:45:00

sso_domains.domain was unique across connections, so a partner admin who added a domain they do
not own (never to be verified) kept its real owner from adding it. Now a connection claims a domain
once (connection_id, domain), and only a verified domain is unique (a partial unique index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

VERIFIED = sa.text("verified_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.drop_constraint("uq_sso_domains_domain", type_="unique")
        batch_op.create_unique_constraint("uq_sso_domains_connection_id_domain", ["connection_id", "domain"])
    op.create_index("uq_sso_domains_verified_domain", "sso_domains", ["domain"], unique=True, sqlite_where=VERIFIED, postgresql_where=VERIFIED)


def downgrade() -> None:
    # Claims of a domain that another connection holds go first: the old rule allowed one row per domain.
    connection = op.get_bind()
    domains = sa.table("sso_domains", sa.column("id", sa.Integer), sa.column("domain", sa.String), sa.column("verified_at", sa.DateTime(timezone=True)))
    keep = sa.select(sa.func.min(domains.c.id)).group_by(domains.c.domain)
    connection.execute(domains.delete().where(domains.c.id.not_in(keep)))
    op.drop_index("uq_sso_domains_verified_domain", table_name="sso_domains")
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.drop_constraint("uq_sso_domains_connection_id_domain", type_="unique")
        batch_op.create_unique_constraint("uq_sso_domains_domain", ["domain"])
