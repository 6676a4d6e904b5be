"""enterprise sign-in: TOTP two-factor, the sign-in policy, single sign-on connections

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 21:00:00

user_two_factor and two_factor_recovery_codes: a user's authenticator (TOTP secret, confirmed or
not, last accepted time step) and its one-time recovery codes as argon2 hashes. sign_in_settings:
one row, whether vendor roles must use two-factor. user_sessions.sign_in_method: how a session
was signed in. sso_connections, sso_domains, sso_identities: identity providers of the vendor and
of partners, the e-mail domains each answers for, and which user an IdP subject is;
saml_assertions_seen: SAML assertion ids already accepted (replay protection).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("require_vendor_two_factor", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_settings")),
    )
    op.create_table(
        "sso_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("protocol", sa.Enum("oidc", "saml", name="ssoprotocol", native_enum=False, create_constraint=True, length=8), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("sso_required", sa.Boolean(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=True),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("client_secret", sa.String(length=500), nullable=True),
        sa.Column("idp_metadata", sa.Text(), nullable=True),
        sa.Column("role_mapping", sa.JSON(), nullable=False),
        sa.Column(
            "default_role",
            sa.Enum(
                "program_admin",
                "cam",
                "ps_lead",
                "cosell_resource",
                "executive",
                "auditor",
                "partner_admin",
                "partner_user",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("scim_token_hash", sa.String(length=64), nullable=True),
        sa.Column("scim_token_prefix", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_sso_connections_partner_id_partners"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_connections")),
        sa.UniqueConstraint("scim_token_hash", name=op.f("uq_sso_connections_scim_token_hash")),
    )
    with op.batch_alter_table("sso_connections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_connections_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "sso_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["sso_connections.id"], name=op.f("fk_sso_domains_connection_id_sso_connections"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_sso_domains_domain")),
    )
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_domains_connection_id"), ["connection_id"], unique=False)

    op.create_table(
        "saml_assertions_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assertion_id", sa.String(length=255), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("keep_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["connection_id"], ["sso_connections.id"], name=op.f("fk_saml_assertions_seen_connection_id_sso_connections"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saml_assertions_seen")),
        sa.UniqueConstraint("assertion_id", name=op.f("uq_saml_assertions_seen_assertion_id")),
    )
    with op.batch_alter_table("saml_assertions_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saml_assertions_seen_connection_id"), ["connection_id"], unique=False)

    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["sso_connections.id"], name=op.f("fk_sso_identities_connection_id_sso_connections"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sso_identities_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("connection_id", "subject", name=op.f("uq_sso_identities_connection_id_subject")),
    )
    with op.batch_alter_table("sso_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_two_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_two_factor_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_two_factor")),
        sa.UniqueConstraint("user_id", name=op.f("uq_user_two_factor_user_id")),
    )
    op.create_table(
        "two_factor_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("two_factor_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["two_factor_id"], ["user_two_factor.id"], name=op.f("fk_two_factor_recovery_codes_two_factor_id_user_two_factor"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_recovery_codes")),
    )
    with op.batch_alter_table("two_factor_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_two_factor_recovery_codes_two_factor_id"), ["two_factor_id"], unique=False)

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_in_method", sa.String(length=16), server_default="password", nullable=False))
        batch_op.create_check_constraint("sign_in_method_known", "sign_in_method IN ('password', 'two_factor', 'sso')")

    settings = sa.table(
        "sign_in_settings",
        sa.column("id", sa.Integer()),
        sa.column("require_vendor_two_factor", sa.Boolean()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(settings, [{"id": 1, "require_vendor_two_factor": False, "updated_at": datetime.now(UTC)}])


def downgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("sign_in_method_known", type_="check")
        batch_op.drop_column("sign_in_method")

    with op.batch_alter_table("two_factor_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_two_factor_recovery_codes_two_factor_id"))

    op.drop_table("two_factor_recovery_codes")
    op.drop_table("user_two_factor")
    with op.batch_alter_table("saml_assertions_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_assertions_seen_connection_id"))

    op.drop_table("saml_assertions_seen")
    with op.batch_alter_table("sso_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_identities_user_id"))

    op.drop_table("sso_identities")
    with op.batch_alter_table("sso_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_domains_connection_id"))

    op.drop_table("sso_domains")
    with op.batch_alter_table("sso_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_connections_partner_id"))

    op.drop_table("sso_connections")
    op.drop_table("sign_in_settings")
