"""Engine, sessions, declarative base and the partner-isolation safety net.

Every ORM statement runs through `_scope_orm_statement`: in a partner scope it adds
`partner_id IN (scope)` to every partner-owned entity (SQLAlchemy's global-filter recipe), and a
session opened without a scope refuses to run anything. `_check_flush` refuses to write a
partner-owned row outside the scope. Repositories filter too; this is the layer that catches what
they forget.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, MetaData, create_engine, event, false
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
    with_loader_criteria,
)
from sqlalchemy.schema import CheckConstraint, Table
from sqlalchemy.types import TypeDecorator

from alliance.errors import PermissionDenied
from alliance.kit import clock
from alliance.kit.encryption import Keyring
from alliance.kit.tenancy import PartnerScope


def _constraint_name(constraint: CheckConstraint, _table: Table) -> str:
    # A CHECK that a column's type brings (an enum's allowed values) is named after its column,
    # so two columns of one enum in a table get distinct names; other CHECKs keep their own.
    if constraint._type_bound:
        return f"{next(iter(constraint.columns)).name}_known"
    return str(constraint.name)


NAMING_CONVENTION: dict[str, Any] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "constraint_name": _constraint_name,
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(clock.UTC) if dialect.name != "sqlite" else value.astimezone(clock.UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=clock.UTC) if value.tzinfo is None else value.astimezone(clock.UTC)


def enum_type(enum_class: type[enum.Enum], length: int | None = None, *, checked: bool = True) -> Enum:
    """A closed vocabulary column: stores the values (not the member names) as VARCHAR, reads back
    the enum, refuses anything else on write and, through a CHECK constraint, in the database.
    `checked=False` leaves the CHECK out, for a vocabulary that grows with every domain (event types):
    the ORM still refuses unknown values, and a new member needs no migration."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=checked,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        length=length,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        # An enum no models module registered still stores values with a CHECK (length: its longest value).
        enum.Enum: enum_type(enum.Enum),
    }


# Every enum a column holds, with its VARCHAR length: each models module registers the enums its
# columns use (the lengths they have had since they were strings; a longer value needs a migration
# anyway, as the CHECK lists the values). Registered here rather than imported, so db.py knows no domain.
ENUM_COLUMN_LENGTHS: dict[type[enum.Enum], int] = {}


def register_enum_columns(lengths: dict[type[enum.Enum], int]) -> None:
    """Map each enum to its column type before the models that use it are declared."""
    for enum_class, length in lengths.items():
        known = ENUM_COLUMN_LENGTHS.setdefault(enum_class, length)
        if known != length:
            raise ValueError(f"{enum_class.__name__} registered with lengths {known} and {length}")
    Base.registry.update_type_annotation_map({enum_class: enum_type(enum_class, length) for enum_class, length in lengths.items()})


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class PartnerOwned:
    """A row that belongs to exactly one partner; partner users only ever see their own."""

    @declared_attr
    def partner_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)


class Sandboxable:
    """A row that is either live data or a partner's sandbox (test data filed through the ACE API's
    Sandbox catalog). A session sees only the rows of its own catalog (PartnerScope.sandbox) —
    review queues, conflict checks, attribution, reports and sweeps run in live sessions and so
    never meet test data — and writes only those: a new row takes the session's flag."""

    is_sandbox: Mapped[bool] = mapped_column(default=False, server_default=false())


class PartnerRoot:
    """The partner row itself: visible to a partner user only when it is their own."""

    @declared_attr
    def id(cls) -> Mapped[int]:
        return mapped_column(primary_key=True)


class Aggregate:
    """An aggregate root: a row whose changes are decided by reading it first (a status, a
    protection window, a signature count). It is changed only after the repository loaded it for
    change in the same transaction (SELECT … FOR UPDATE: `Repository.get_for_change`), so of N
    concurrent conflicting requests one wins and the others wait, read its result and are refused
    by the same rule that refuses them one after another. `_check_locked` refuses a flush that
    changes one without the lock, so new code cannot forget it."""


class AggregatePart:
    """A row inside an aggregate (its history, its lines, its pending requests): inserted or
    changed only while its root is locked. `root_table`/`root_column` name the root."""

    root_table: ClassVar[str]
    root_column: ClassVar[str]


class UnlockedChange(RuntimeError):
    """An aggregate changed without its row lock: a programming error, never user input."""


def _locked(session: Session) -> set[tuple[str, Any]]:
    found: set[tuple[str, Any]] = session.info.setdefault("locked", set())
    return found


def _mark_locked(session: Session, row: Any) -> None:
    _locked(session).add((row.__tablename__, row.id))


def _note_lock(target: Any, context: Any, *_attrs: Any) -> None:
    """A row loaded by SELECT … FOR UPDATE is this transaction's to change until it ends."""
    if context.compile_state is None:
        return
    if getattr(context.compile_state.select_statement, "_for_update_arg", None) is not None:
        _mark_locked(context.session, target)


def _check_locked(session: Session, _context: Any, _instances: Any) -> None:
    locked = _locked(session)
    for obj in session.dirty:
        if isinstance(obj, Aggregate) and session.is_modified(obj, include_collections=False) and (obj.__tablename__, obj.id) not in locked:  # type: ignore[attr-defined]
            raise UnlockedChange(f"{type(obj).__name__} {obj.id} changed without get_for_change (no row lock)")  # type: ignore[attr-defined]
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AggregatePart):
            root_id = getattr(obj, obj.root_column)
            # No root id yet: the root is being created in this transaction, which nobody else sees.
            if root_id is not None and (obj.root_table, root_id) not in locked:
                raise UnlockedChange(f"{type(obj).__name__} written without its {obj.root_table} row {root_id} locked")
    for obj in session.deleted:
        if isinstance(obj, Aggregate) and (obj.__tablename__, obj.id) not in locked:  # type: ignore[attr-defined]
            raise UnlockedChange(f"{type(obj).__name__} {obj.id} deleted without get_for_change (no row lock)")  # type: ignore[attr-defined]


def _own_new_aggregates(session: Session, _context: Any) -> None:
    # Rows this transaction inserted are invisible to every other one until commit: ours to change.
    roots = _root_tables()
    for obj in session.new:
        if isinstance(obj, Aggregate) or getattr(obj, "__tablename__", None) in roots:
            _mark_locked(session, obj)


def _root_tables() -> set[str]:
    """Tables whose rows are roots of some AggregatePart (a person for its certifications)."""
    found, pending = set(), list(AggregatePart.__subclasses__())
    while pending:
        part = pending.pop()
        pending.extend(part.__subclasses__())
        if hasattr(part, "root_table"):
            found.add(part.root_table)
    return found


def _forget_locks(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop("locked", None)
        session.info.pop(_ONCE, None)


# --- lookups made once per transaction -----------------------------------------------------------

_ONCE = "once_per_transaction"  # session.info: (transaction, {key: (tables, value)})
T = TypeVar("T")


def once_per_transaction(session: Session, key: Hashable, compute: Callable[[], T], *, tables: frozenset[str]) -> T:
    """`compute()` the first time `key` is asked for in the session's current transaction, the
    same answer after: for a lookup several steps of one change need (who is told of a submitted
    registration, and again of its conflicts). `tables` are those the answer is read from: a row of
    one of them written through the ORM (pending or flushed) drops the answer, so the transaction's
    own changes are seen; the answer is forgotten when the transaction ends."""
    held = session.info.get(_ONCE)
    if held is not None and held[0] is session.get_transaction() and key in held[1] and not tables & _pending_tables(session):
        found: T = held[1][key][1]
        return found
    value = compute()
    transaction = session.get_transaction()  # after compute: its first statement may have begun it
    held = session.info.get(_ONCE)
    if held is None or held[0] is not transaction:
        entries: dict[Hashable, tuple[frozenset[str], Any]] = {}
        session.info[_ONCE] = (transaction, entries)
    else:
        entries = held[1]
    entries[key] = (tables, value)
    return value


def _pending_tables(session: Session) -> set[str]:
    """Tables of the rows the session will write at its next flush."""
    return {getattr(obj, "__tablename__", "") for obj in (*session.new, *session.dirty, *session.deleted)}


def _forget_changed_lookups(session: Session, _context: Any, _instances: Any) -> None:
    held = session.info.get(_ONCE)
    if not held or not held[1]:
        return
    changed = _pending_tables(session)
    for key in [key for key, (tables, _) in held[1].items() if tables & changed]:
        del held[1][key]


class ScopeMissing(RuntimeError):
    """A session was used without a PartnerScope: a programming error, never user input."""


def _scope_orm_statement(state: ORMExecuteState) -> None:
    scope: PartnerScope | None = state.session.info.get("scope")
    if scope is None:
        raise ScopeMissing("ORM statement on a session without a PartnerScope")
    if not (state.is_select or state.is_update or state.is_delete):
        return
    # Live and sandbox data never meet, whatever the partner scope (no bypass lifts this).
    state.statement = state.statement.options(_catalog_criteria(scope.sandbox))
    if scope.is_internal:
        return
    # The one narrow bypass: a repository method that must see across partners (e.g. a global
    # uniqueness check) names its reason. tests/tenancy checks it is only used in repositories.
    if state.execution_options.get("bypass_partner_scope"):
        return
    state.statement = state.statement.options(*_partner_criteria(tuple(sorted(scope.partner_ids or ()))))


# The criteria options are built once per catalog and per set of partners, not per statement:
# building one analyses its lambda (a tenth of a library page's CPU, bench/assets_search.py
# --profile). They are immutable; their cache key is the lambda's code and the captured ids.
@functools.lru_cache(maxsize=2)
def _catalog_criteria(sandbox: bool) -> Any:
    return with_loader_criteria(Sandboxable, lambda cls: cls.is_sandbox == sandbox, include_aliases=True)


@functools.lru_cache(maxsize=4096)
def _partner_criteria(ids: tuple[int, ...]) -> tuple[Any, Any]:
    return (
        with_loader_criteria(PartnerOwned, lambda cls: cls.partner_id.in_(ids), include_aliases=True),
        with_loader_criteria(PartnerRoot, lambda cls: cls.id.in_(ids), include_aliases=True),
    )


def _check_flush(session: Session, _context: Any, _instances: Any) -> None:
    scope: PartnerScope | None = session.info.get("scope")
    if scope is None:
        raise ScopeMissing("flush on a session without a PartnerScope")
    _check_catalog(session, scope)
    if scope.is_internal:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PartnerOwned) and not scope.allows(obj.partner_id):
            raise PermissionDenied("This record belongs to another partner.")
        if isinstance(obj, PartnerRoot) and (obj in session.new or not scope.allows(obj.id)):
            raise PermissionDenied("Partner users cannot create or change other partners.")


def in_sandbox(session: Session) -> bool:
    """Whether the session works in a partner's sandbox (PartnerScope.sandbox)."""
    scope: PartnerScope | None = session.info.get("scope")
    return scope is not None and scope.sandbox


def _check_catalog(session: Session, scope: PartnerScope) -> None:
    """New Sandboxable rows take the session's catalog; a row of the other one is never written."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Sandboxable):
            continue
        if obj in session.new and obj.is_sandbox is None:
            obj.is_sandbox = scope.sandbox
        if bool(obj.is_sandbox) != scope.sandbox:
            raise PermissionDenied("Live data and sandbox data never mix: this record belongs to the other catalog.")


event.listen(Session, "do_orm_execute", _scope_orm_statement)
event.listen(Session, "before_flush", _check_flush)
event.listen(Session, "before_flush", _check_locked)
event.listen(Session, "before_flush", _forget_changed_lookups)
event.listen(Session, "after_flush", _own_new_aggregates)
event.listen(Session, "after_transaction_end", _forget_locks)
event.listen(Base, "load", _note_lock, propagate=True)
event.listen(Base, "refresh", _note_lock, propagate=True)


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 15_000, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": sqlite_busy_timeout_ms / 1000})
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over
    # (SQLAlchemy pysqlite dialect docs, "Serializable isolation / Savepoints / Transactional DDL").
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={busy_timeout_ms}", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front, so two writers queue on busy_timeout instead of
        # one failing with SQLITE_BUSY when it upgrades a read lock.
        immediate = conn.get_execution_options().get("alliance_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Owns the engine and hands out sessions bound to a PartnerScope."""

    def __init__(self, url: str, *, sqlite_busy_timeout_ms: int = 15_000, engine: Engine | None = None, keyring: Keyring | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url, sqlite_busy_timeout_ms=sqlite_busy_timeout_ms)
        # The keys that seal and open its stored secrets (kit/encryption.py); None: the environment's.
        self.keyring = keyring
        self._write_engine = self.engine.execution_options(alliance_write=True)
        self._factory = sessionmaker(expire_on_commit=False, autoflush=True)

    def with_keyring(self, keyring: Keyring) -> Database:
        """The same database (one engine, one pool) whose sessions seal and open secrets with these
        keys: an app handed a database uses its own settings' keys, whatever other apps use."""
        return Database(self.url, engine=self.engine, keyring=keyring)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def open_session(self, scope: PartnerScope, *, write: bool = True) -> Session:
        info: dict[str, Any] = {"scope": scope}
        if self.keyring is not None:
            info["keyring"] = self.keyring
        return self._factory(bind=self._write_engine if write else self.engine, info=info)

    @contextmanager
    def session_scope(self, scope: PartnerScope, *, write: bool = True) -> Iterator[Session]:
        """A unit of work for the CLI and jobs: commits on success, rolls back on error."""
        session = self.open_session(scope, write=write)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
