"""Closed vocabularies are enums end to end: the ORM reads back the enum, the database refuses
anything else (a CHECK per column, migration 0007), and the schema matches the models."""

from __future__ import annotations

import enum
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from alliance import migrate
from alliance.db import ENUM_COLUMN_LENGTHS, Base, Database, make_engine
from alliance.identity.models import User
from alliance.identity.scope import PartnerScope, Role
from alliance.models import import_all_models
from alliance.partners.models import Partner, Program, Tier
from alliance.partners.vocabulary import CreditSplit, CriteriaMode, PartnerStatus, PartnerType

import_all_models()

# Column names that say "one of a fixed set of values".
ENUM_LIKE = (
    "status",
    "kind",
    "type",
    "role",
    "level",
    "side",
    "mode",
    "split",
    "source",
    "outcome",
    "lead",
    "step",
    "action",
    "comparison",
    "band",
    "grading",
    "activity",
    "ownership",
    "stage",
)
# Enum-like by name, deliberately plain strings, each with its reason.
ALLOWED_STRINGS = {
    ("registration_events", "action"): "lifecycle action names: the registration lifecycle's Action enum owns them",
    ("audit_events", "action"): "open vocabulary of dotted event names across every domain (registration.approved, ...)",
    ("audit_events", "entity_type"): "the name of the audited table's entity, open as new domains arrive",
    ("outbox_messages", "entity_type"): "what a message is about, named as the audit trail names entities (open as new domains arrive)",
    ("webhook_deliveries", "entity_type"): "what an event is about, as the outbox names it (open as new domains arrive)",
    ("webhook_deliveries", "response_status"): "an integer: the HTTP status code of the last answer",
    ("webhook_attempts", "response_status"): "an integer: the HTTP status code of the answer",
    ("scope_disputes", "level"): "an integer: the index into the program's escalation ladder",
    ("scope_disputes", "decision_split"): "free text: how the decision splits the activity, in words",
    ("user_two_factor", "last_used_step"): "an integer: the TOTP time step of the last accepted code (no replay)",
    ("stored_files", "content_type"): "a MIME type decided from the file's content (files.kinds owns the accepted ones)",
    ("customer_references", "outcome"): "free text: the customer's outcome with figures, in words",
}

# Enum columns without a CHECK, each with its reason: the ORM refuses unknown values all the same.
UNCHECKED = {
    ("outbox_messages", "event_type"): "every domain adds the events it tells people of; a CHECK would make each one a migration",
    ("notification_preferences", "event_type"): "the same event types",
    ("webhook_deliveries", "event_type"): "the same event types",
}


def _columns() -> Iterator[tuple[sa.Table, sa.Column[object]]]:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            yield table, column


def test_every_enum_like_column_is_an_enum() -> None:
    strings = [
        (table.name, column.name)
        for table, column in _columns()
        if column.name.endswith(ENUM_LIKE) and not isinstance(column.type, sa.Enum) and (table.name, column.name) not in ALLOWED_STRINGS
    ]
    assert strings == []


def test_enum_columns_store_values_with_a_check() -> None:
    enum_columns = [(table, column) for table, column in _columns() if isinstance(column.type, sa.Enum)]
    assert len(enum_columns) >= 45
    for table, column in enum_columns:
        enum_type = column.type
        assert isinstance(enum_type, sa.Enum)
        enum_class = enum_type.enum_class
        where = f"{table.name}.{column.name}"
        assert enum_class is not None and issubclass(enum_class, enum.StrEnum), where
        assert enum_class in ENUM_COLUMN_LENGTHS, f"{where}: {enum_class.__name__} has no length in db.ENUM_COLUMN_LENGTHS"
        assert enum_type.enums == [member.value for member in enum_class], f"{where} would store member names"
        assert not enum_type.native_enum and enum_type.validate_strings, where
        assert enum_type.length == ENUM_COLUMN_LENGTHS[enum_class], where
        if (table.name, column.name) in UNCHECKED:
            assert not enum_type.create_constraint, where
            continue
        assert enum_type.create_constraint, where
        checks = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        assert f"ck_{table.name}_{column.name}_known" in checks, where


def test_one_definition_per_vocabulary() -> None:
    by_name: dict[str, set[type[enum.Enum]]] = {}
    for enum_class in ENUM_COLUMN_LENGTHS:
        by_name.setdefault(enum_class.__name__, set()).add(enum_class)
    values = {}
    for enum_class in ENUM_COLUMN_LENGTHS:
        values.setdefault(tuple(sorted(m.value for m in enum_class)), []).append(f"{enum_class.__module__}.{enum_class.__qualname__}")
    # Two classes with the same values are two definitions of one vocabulary (sides with and without
    # "system", vendor/partner sponsor sides and the sides of a two-sided agreement are the known, distinct pairs).
    duplicates = {key: names for key, names in values.items() if len(names) > 1}
    assert set(duplicates) <= {("partner", "vendor")}
    assert sorted(duplicates.get(("partner", "vendor"), [])) == ["alliance.agreements.signoff.Side", "alliance.partners.vocabulary.SponsorSide"]


class TestReadBack:
    def test_columns_read_back_as_their_enum(self, db: Database, world) -> None:  # type: ignore[no-untyped-def]
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            partner = session.scalars(select(Partner).where(Partner.id == world.a.id)).one()
            program = session.scalars(select(Program).limit(1)).one()
            tier = session.scalars(select(Tier).limit(1)).one()
            user = session.scalars(select(User).where(User.partner_id.is_not(None)).limit(1)).one()
            assert type(partner.status) is PartnerStatus and type(partner.partner_type) is PartnerType
            assert type(program.influence_credit_split) is CreditSplit
            assert type(tier.criteria_mode) is CriteriaMode
            assert type(user.role) is Role

    def test_every_stored_enum_value_reads_back_as_the_enum(self, db: Database, world) -> None:  # type: ignore[no-untyped-def]
        checked = 0
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            for mapper in Base.registry.mappers:
                enum_attrs = [(attr.key, column.type.enum_class) for attr in mapper.column_attrs for column in attr.columns if isinstance(column.type, sa.Enum)]
                if not enum_attrs:
                    continue
                for row in session.scalars(select(mapper.class_).limit(5)):
                    for key, enum_class in enum_attrs:
                        value = getattr(row, key)
                        assert value is None or type(value) is enum_class, f"{mapper.class_.__name__}.{key} = {value!r}"
                        checked += value is not None
        assert checked > 20


class TestDatabaseRefuses:
    def test_a_value_outside_the_vocabulary(self, db: Database, world) -> None:  # type: ignore[no-untyped-def]
        with db.engine.connect() as connection, pytest.raises(IntegrityError, match="ck_partners_status_known"):
            connection.execute(text("UPDATE partners SET status = 'dormant' WHERE id = :id"), {"id": world.a.id})

    def test_a_member_name_instead_of_its_value(self, db: Database, world) -> None:  # type: ignore[no-untyped-def]
        with db.engine.connect() as connection, pytest.raises(IntegrityError, match="ck_users_role_known"):
            connection.execute(text("UPDATE users SET role = 'PARTNER_ADMIN' WHERE partner_id = :id"), {"id": world.a.id})

    def test_the_orm_refuses_before_the_database(self, db: Database, world) -> None:  # type: ignore[no-untyped-def]
        session = db.open_session(PartnerScope.system(reason="test"))
        try:
            partner = session.get_one(Partner, world.a.id, with_for_update=True)
            partner.status = "dormant"  # type: ignore[assignment]
            with pytest.raises(StatementError, match="dormant"):
                session.flush()
        finally:
            session.rollback()
            session.close()


def test_no_column_type_differs_between_models_and_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    # SQLite's full-text index of the library (FTS5 table and its shadow tables) has no model.
    flat = [d for d in flat if not (d[0] == "remove_table" and d[1].name.startswith("assets_fts"))]
    # PostgreSQL's is a stored generated tsvector column (migration 0036): the ORM never reads it.
    flat = [d for d in flat if not (d[0] == "remove_column" and d[2] == "assets" and d[3].name == "search_vector")]
    assert [d for d in flat if d[0] in ("modify_type", "add_column", "remove_column", "add_table", "remove_table")] == []


def test_migration_0007_up_and_down_keeps_rows(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url, "0006")
    database = Database(fresh_database_url)
    try:
        insert_partner = text(
            "INSERT INTO partners (legal_name, display_name, partner_type, hq_country, consultant_headcount, status, created_at, updated_at)"
            " VALUES (:name, :name, 'reseller', 'DE', 0, :status, '2026-01-01', '2026-01-01')"
        )
        insert_person = text(
            "INSERT INTO people (partner_id, name, email, delivery_role, is_active, created_at, updated_at)"
            " SELECT id, 'Ada', 'ada@example.com', 'sales', true, '2026-01-01', '2026-01-01' FROM partners"
        )
        with database.engine.begin() as connection:
            connection.execute(insert_partner, {"name": "Old", "status": "active"})
            connection.execute(insert_person)

        migrate.upgrade(fresh_database_url)
        with database.engine.connect() as connection:
            # A batch rebuild of `partners` on SQLite must not cascade its drop to the people.
            assert connection.execute(text("SELECT count(*) FROM people")).scalar_one() == 1
            with pytest.raises(IntegrityError):
                connection.execute(insert_partner, {"name": "New", "status": "dormant"})

        command.downgrade(migrate.alembic_config(fresh_database_url), "0006")
        with database.engine.begin() as connection:
            connection.execute(insert_partner, {"name": "Free", "status": "dormant"})
            assert connection.execute(text("SELECT count(*) FROM people")).scalar_one() == 1
            connection.execute(text("DELETE FROM partners WHERE status = 'dormant'"))
        migrate.upgrade(fresh_database_url)
    finally:
        database.dispose()
