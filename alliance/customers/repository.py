"""Every customer query lives here: vendor lists, matching lookups by index, bulk import writes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from alliance.customers.matching import TypoProbe
from alliance.customers.models import Customer, CustomerDuplicateFlag, CustomerNameKey
from alliance.customers.vocabulary import Ownership
from alliance.kit.repository import Repository

# Declarative models map a Table; SQLAlchemy types `__table__` as the wider FromClause.
CUSTOMERS: Table = Customer.__table__  # type: ignore[assignment]
NAME_KEYS: Table = CustomerNameKey.__table__  # type: ignore[assignment]
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class CustomerFilters:
    q: str | None = None  # external id, website domain or the start of the normalized name
    q_domain: str | None = None
    q_compact: str | None = None
    country: str | None = None
    ownership: Ownership | None = None
    owning_partner_id: int | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """What matching reads of a customer: its identity and name keys, never its ownership."""

    id: int
    external_id: str | None
    name: str
    website: str | None
    country: str | None
    domain: str | None
    name_key: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A customer's importable fields as stored, to compare with an incoming row."""

    id: int
    values: tuple[Any, ...]  # in the order of the fields asked for
    name_key: str
    domain: str | None


def _next_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starts_with(column: Any, prefix: str) -> Any:
    return and_(column >= prefix, column < _next_prefix(prefix))


# Matching runs these on every keystroke of a portal form: they are built once, with parameters.
_C = CUSTOMERS.c
_IDENTITIES = select(_C.id, _C.external_id, _C.name, _C.website, _C.country, _C.domain, _C.name_key).where(_C.id.in_(bindparam("ids", expanding=True)))


def _typo_scan_parts(column: Any, prefix: str = "", *tagged: Any) -> list[Any]:
    """Six range reads, each (*tagged, id, compact), parameters named `prefix` + name: names of
    length :l1, :l2 or :l3 whose `column` starts with :start and has :inner at :inner_at or ends
    with :outer; for each length the :limit entries just after :pivot and the :limit just before
    it in index order (a sorted-neighbourhood read). `column` is the name or the reversed name, and
    :pivot the typed name the same way round, so the entries read first are those sharing the
    longest beginning (or ending) with what was typed: a name one edit away shares everything on
    one side of the edit."""

    def p(name: str, **kwargs: Any) -> Any:
        return bindparam(prefix + name, **kwargs)

    parts = []
    for length in ("l1", "l2", "l3"):
        for after in (True, False):
            part = select(*tagged, _C.id, column.label("compact")).where(
                _C.name_len == p(length),
                column >= p("start"),
                column < p("stop"),
                column >= p("pivot") if after else column < p("pivot"),
                or_(
                    func.substr(column, p("inner_at", type_=Integer), p("inner_len", type_=Integer)) == p("inner"),
                    # substr(x, length - k + 1): the last k characters, the same on SQLite and PostgreSQL.
                    func.substr(column, _C.name_len - p("outer_len", type_=Integer) + 1) == p("outer"),
                ),
            )
            part = part.order_by(column.asc() if after else column.desc()).limit(p("limit"))
            parts.append(part.subquery().select())
    return parts


# Where a candidate id came from, in the one statement that reads them all (_candidate_reads).
FROM_DOMAIN, FROM_NAME, FROM_HEAD, FROM_REAR, FROM_SPELLINGS, FROM_KEY = range(6)


@lru_cache(maxsize=32)
def _candidate_reads(domain: bool, probe: bool, spellings: bool, dialect: str) -> Any:
    """Every index read of one match in one statement (one round trip): rows (source, key
    position, id, compact name), each part bounded by its own limit.

    The name keys come as one parameter (a PostgreSQL array, a JSON array on SQLite), each
    looked up by its own index read with its own limit and answered as one row: its customer ids
    joined by commas in the compact column (id NULL). So the statement has one of eight shapes
    whatever the number of keys (10 to 60): prepared and planned once per connection on
    PostgreSQL (a 60-part union cost ~7 ms to plan each time), compiled once in-process, and a
    key's postings come back as one row instead of up to KEY_POSTINGS + 1."""
    nothing = literal(None, type_=String).label("compact")

    def tag(source: int, position: int = 0) -> tuple[Any, Any]:
        return literal(source).label("source"), literal(position).label("position")

    parts: list[Any] = []
    if domain:
        parts.append(select(*tag(FROM_DOMAIN), _C.id, nothing).where(_C.domain == bindparam("domain")).limit(bindparam("domain_limit")))
    parts.append(
        select(*tag(FROM_NAME), _C.id, nothing)
        .where(_C.name_len == bindparam("length"), _C.name_compact == bindparam("compact"))
        .limit(bindparam("name_limit"))
    )
    if probe:
        parts += _typo_scan_parts(_C.name_compact, "h_", *tag(FROM_HEAD))
        parts += _typo_scan_parts(_C.name_reversed, "r_", *tag(FROM_REAR))
    if spellings:
        by_length = or_(*(and_(_C.name_len == bindparam(f"s_l{i}"), _C.name_compact.in_(bindparam(f"s_c{i}", expanding=True))) for i in range(3)))
        parts.append(select(*tag(FROM_SPELLINGS), _C.id, _C.name_compact.label("compact")).where(by_length).limit(bindparam("s_limit")))
    parts.append(_postings_per_key(dialect))
    return union_all(*(part.subquery().select() for part in parts))


def _postings_per_key(dialect: str) -> Any:
    """(FROM_KEY, position, NULL, 'id,id,...') for each of the :keys, at most :k_limit ids each."""
    k = NAME_KEYS.c
    if dialect == "postgresql":
        looked_up = func.unnest(bindparam("keys", type_=ARRAY(String))).table_valued("key", with_ordinality="position").render_derived(name="looked_up")
        key, position = looked_up.c.key, looked_up.c.position - 1
        ids = func.string_agg(cast(literal_column("postings.customer_id"), Text), ",")
    else:
        looked_up = func.json_each(bindparam("keys")).table_valued("key", "value").alias("looked_up")
        key, position = looked_up.c.value, looked_up.c.key
        ids = func.group_concat(literal_column("postings.customer_id"))
    postings = select(k.customer_id).where(k.key == key).correlate(looked_up).limit(bindparam("k_limit")).subquery("postings")
    joined = select(ids).select_from(postings).correlate(looked_up).scalar_subquery()
    return select(literal(FROM_KEY).label("source"), position.label("position"), literal(None, type_=Integer).label("id"), joined.label("compact")).select_from(
        looked_up
    )


@dataclass(frozen=True, slots=True)
class CandidateReads:
    """What the indexes gave one match (CustomerRepository.candidate_reads)."""

    by_domain: list[int]
    by_name: list[int]
    near_names: list[tuple[int, str]]  # (id, compact name) from the typo range reads
    by_spellings: list[tuple[int, str]]
    by_key: dict[str, list[int]]


@lru_cache(maxsize=8)
def _stored_by_external_ids(fields: tuple[str, ...]) -> Select[Any]:
    return select(_C.id, _C.external_id, _C.name_key, _C.domain, *(_C[f] for f in fields)).where(_C.external_id.in_(bindparam("ids", expanding=True)))


class CustomerRepository(Repository[Customer]):
    model = Customer

    # --- vendor lists -------------------------------------------------------------------------

    def filtered(self, filters: CustomerFilters) -> Select[Customer]:
        statement = self.readable()
        if filters.q:
            matches = [Customer.external_id == filters.q]
            if filters.q_domain:
                matches.append(Customer.domain == filters.q_domain)
            if filters.q_compact:
                # The (name_len, name_compact) index serves a prefix once the lengths are listed.
                lengths = list(range(len(filters.q_compact), MAX_NAME_LENGTH + 1))
                matches.append(and_(Customer.name_len.in_(lengths), _starts_with(Customer.name_compact, filters.q_compact)))
            statement = statement.where(or_(*matches))
        if filters.country:
            statement = statement.where(Customer.country == filters.country)
        if filters.ownership:
            statement = statement.where(Customer.ownership == filters.ownership)
        if filters.owning_partner_id:
            statement = statement.where(Customer.owning_partner_id == filters.owning_partner_id)
        return statement

    def empty_for_this_writer(self) -> bool:
        """No customers, and none can appear but ours: on SQLite a writing transaction holds the
        database write lock (BEGIN IMMEDIATE) until it ends. Never true on PostgreSQL, where
        other transactions may insert concurrently."""
        if self.session.get_bind().dialect.name != "sqlite":
            return False
        return self.session.scalar(select(_C.id).limit(1)) is None

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(CUSTOMERS)) or 0

    def external_id_taken(self, external_id: str, *, excluding: int | None = None) -> bool:
        statement = select(Customer.id).where(Customer.external_id == external_id)
        if excluding is not None:
            statement = statement.where(Customer.id != excluding)
        return self.session.scalar(statement.limit(1)) is not None

    # --- matching: candidate ids by index, then identities ------------------------------------

    def candidate_reads(
        self,
        *,
        domain: str | None,
        compact: str,
        probe: TypoProbe | None,
        spellings: Sequence[str],
        keys: Sequence[str],
        limits: Mapping[str, int],
    ) -> CandidateReads:
        """Every index read of one match, as one statement (one round trip): the same domain, the
        same compact name, names one edit away (typo probe range reads, or the one-edit spellings
        of a short name), and each name key's customers. `limits` bounds each: "domain", "name",
        "typo" (per range read), "spellings" and "key" (per key; + 1 is read so that a too-common
        key shows)."""
        parameters: dict[str, Any] = {"length": len(compact), "compact": compact, "name_limit": limits["name"]}
        if domain:
            parameters |= {"domain": domain, "domain_limit": limits["domain"]}
        if probe is not None:
            by_head, by_rear = _probe_parameters(probe, limits["typo"])
            parameters |= {f"h_{name}": value for name, value in by_head.items()}
            parameters |= {f"r_{name}": value for name, value in by_rear.items()}
        if spellings:
            parameters |= {f"s_{name}": value for name, value in _spelling_parameters(spellings, limits["spellings"]).items()}
        dialect = self.session.get_bind().dialect.name
        parameters["keys"] = list(keys) if dialect == "postgresql" else json.dumps(list(keys))
        parameters["k_limit"] = limits["key"] + 1
        found = CandidateReads([], [], [], [], {key: [] for key in keys})
        statement = _candidate_reads(bool(domain), probe is not None, bool(spellings), dialect)
        for source, position, customer_id, name in self.session.execute(statement, parameters):
            if source == FROM_KEY:
                if name:
                    found.by_key[keys[position]] = [int(posting) for posting in name.split(",")]
            elif source == FROM_NAME:
                found.by_name.append(customer_id)
            elif source == FROM_DOMAIN:
                found.by_domain.append(customer_id)
            elif source == FROM_SPELLINGS:
                found.by_spellings.append((customer_id, name))
            else:
                found.near_names.append((customer_id, name if source == FROM_HEAD else name[::-1]))
        return found

    def identities(self, ids: Iterable[int]) -> list[Identity]:
        ids = list(ids)
        if not ids:
            return []
        return [Identity(*row) for row in self.session.execute(_IDENTITIES, {"ids": ids})]

    # --- name keys ----------------------------------------------------------------------------

    def add_keys(self, pairs: Sequence[tuple[str, int]]) -> None:
        _executemany_insert(self.session, NAME_KEYS, ("key", "customer_id"), pairs, {})

    def remove_keys(self, pairs: Sequence[tuple[str, int]]) -> None:
        if pairs:
            k = NAME_KEYS.c
            statement = delete(NAME_KEYS).where(k.key == bindparam("b_key"), k.customer_id == bindparam("b_customer_id"))
            self.session.execute(statement, [{"b_key": key, "b_customer_id": cid} for key, cid in pairs])

    # --- likely duplicates ------------------------------------------------------------------------

    def oldest_by_domains(self, domains: Iterable[str]) -> dict[str, tuple[int, str | None, str]]:
        """domain → (id, external id, name) of the oldest customer with that website domain, in one query."""
        wanted = sorted(set(domains))
        if not wanted:
            return {}
        oldest = select(Customer.domain, func.min(Customer.id).label("id")).where(Customer.domain.in_(wanted)).group_by(Customer.domain).subquery()
        rows = self.session.execute(select(Customer.domain, Customer.id, Customer.external_id, Customer.name).join(oldest, oldest.c.id == Customer.id))
        return {str(domain): (customer_id, external_id, name) for domain, customer_id, external_id, name in rows}

    def add_duplicate_flags(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(CustomerDuplicateFlag), list(rows))

    def open_duplicate_flags(self) -> Select[Any]:
        """Unresolved flags with both customers' identities, newest first."""
        new, old = aliased(Customer), aliased(Customer)
        columns: list[Any] = [CustomerDuplicateFlag.id, CustomerDuplicateFlag.reason, CustomerDuplicateFlag.detected_at]
        columns += [new.id, new.external_id, new.name, old.id, old.external_id, old.name]
        statement: Select[Any] = (
            select(*columns)
            .join(new, new.id == CustomerDuplicateFlag.customer_id)
            .join(old, old.id == CustomerDuplicateFlag.duplicate_of_id)
            .where(CustomerDuplicateFlag.resolved_at.is_(None))
            .order_by(CustomerDuplicateFlag.id.desc())
        )
        return statement

    # --- bulk import ----------------------------------------------------------------------------

    def stored_by_external_ids(self, external_ids: Sequence[str], fields: Sequence[str]) -> dict[str, Stored]:
        """The stored values of `fields` for the customers with these CRM ids, in one query."""
        if not external_ids:
            return {}
        rows = self.session.execute(_stored_by_external_ids(tuple(fields)), {"ids": list(external_ids)}).all()
        return {row[1]: Stored(row[0], tuple(row[4:]), row[2], row[3]) for row in rows}

    @contextmanager
    def bulk_writes(self, *, cache_mb: int = 192) -> Iterator[None]:
        """Around a large import or seed: on SQLite, a page cache big enough to hold the hot parts
        of the customer indexes (the default 2 MB makes each insert wait on page reads)."""
        if self.session.get_bind().dialect.name != "sqlite":
            yield
            return
        previous = self.session.execute(text("PRAGMA cache_size")).scalar()
        self.session.execute(text(f"PRAGMA cache_size = -{int(cache_mb) * 1024}"))
        try:
            yield
        finally:
            self.session.execute(text(f"PRAGMA cache_size = {int(previous or -2000)}"))

    def refresh_statistics(self) -> None:
        """After a bulk load on PostgreSQL: the planner's row estimates for the customer indexes,
        which autovacuum would only gather later (meanwhile lookups may pick poor plans)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE customers"))
            self.session.execute(text("ANALYZE customer_name_keys"))

    def reserve_ids(self, count: int) -> list[int]:
        """`count` new customer ids for set-based inserts with explicit ids. PostgreSQL draws
        them from the id sequence; SQLite takes the ones after the largest id, which is safe
        because a writing session holds the database write lock (BEGIN IMMEDIATE)."""
        if count <= 0:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            sequence = text("SELECT nextval(pg_get_serial_sequence('customers', 'id')) FROM generate_series(1, :n)")
            return [row[0] for row in self.session.execute(sequence, {"n": count})]
        last = self.session.scalar(select(func.max(CUSTOMERS.c.id))) or 0
        return list(range(last + 1, last + count + 1))

    def insert_many(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, same_for_all: Mapping[str, Any] | None = None) -> None:
        """Insert customers given as tuples in `columns` order (ids included, see reserve_ids);
        `same_for_all` holds the values every row shares (timestamps, ownership)."""
        _executemany_insert(self.session, CUSTOMERS, columns, rows, same_for_all or {})

    def update_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update customers by id; every row has "id" and the same set of columns to set."""
        if not rows:
            return
        columns = [name for name in rows[0] if name != "id"]
        statement = update(CUSTOMERS).where(CUSTOMERS.c.id == bindparam("b_id")).values({name: bindparam(f"v_{name}") for name in columns})
        self.session.execute(statement, [{"b_id": row["id"], **{f"v_{name}": row[name] for name in columns}} for row in rows])


def _probe_parameters(probe: TypoProbe, limit: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters of _typo_scan for the typed name's start, and for its end (reversed)."""
    lengths = {"l1": probe.length - 1, "l2": probe.length, "l3": probe.length + 1, "limit": limit}
    by_head = {
        **lengths,
        "start": probe.head,
        "stop": _next_prefix(probe.head),
        "pivot": probe.typed,
        "inner_at": len(probe.head) + 1,
        "inner_len": len(probe.rest_start),
        "inner": probe.rest_start,
        "outer_len": len(probe.rest_end),
        "outer": probe.rest_end,
    }
    # The same from the other end, on the reversed name: it starts with the reversed rear.
    rear, front_start, front_end = probe.rear[::-1], probe.front_start[::-1], probe.front_end[::-1]
    by_rear = {
        **lengths,
        "start": rear,
        "stop": _next_prefix(rear),
        "pivot": probe.typed[::-1],
        "inner_at": len(rear) + 1,
        "inner_len": len(front_end),
        "inner": front_end,
        "outer_len": len(front_start),
        "outer": front_start,
    }
    return by_head, by_rear


def _spelling_parameters(spellings: Sequence[str], limit: int) -> dict[str, Any]:
    """The parameters of _BY_SPELLINGS: spellings of at most three lengths, grouped by length."""
    by_length: dict[int, list[str]] = {}
    for spelling in spellings:
        by_length.setdefault(len(spelling), []).append(spelling)
    if not by_length or len(by_length) > 3:
        raise ValueError("spellings of one to three lengths expected")
    groups = list(by_length.items()) + [(0, [])] * (3 - len(by_length))
    parameters: dict[str, Any] = {"limit": limit}
    for i, (length, group) in enumerate(groups):
        parameters[f"l{i}"], parameters[f"c{i}"] = length, group
    return parameters


def _executemany_insert(session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]], same_for_all: Mapping[str, Any]) -> None:
    """INSERT many rows through the driver's executemany (COPY on PostgreSQL).

    For a million imported rows SQLAlchemy's per-row parameter handling costs more than the
    database does; here rows stay tuples in `columns` order. Bind processors (timestamps, dates
    on SQLite) run once for the shared values and per row only for the columns that have one."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    names = [*columns, *same_for_all]
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"  # psycopg takes %s with tuples
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({', '.join([marker] * len(names))})"
    # _cached_bind_processor is what SQLAlchemy's own compiler applies: the TypeDecorator step and the dialect's.
    processors = {name: p for name in names if (p := table.c[name].type._cached_bind_processor(dialect)) is not None}
    shared = tuple(processors[n](v) if n in processors else v for n, v in same_for_all.items())
    per_row = [(i, processors[n]) for i, n in enumerate(columns) if n in processors]
    if per_row:
        rows = [_processed(row, per_row) for row in rows]
    parameters = [(*row, *shared) for row in rows] if shared else [tuple(row) for row in rows]
    if dialect.name == "postgresql":
        # COPY: psycopg's executemany still sends one INSERT per row; COPY streams them all.
        import psycopg  # the `postgres` extra: only this branch needs the driver's own API

        raw = session.connection().connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN") as copy:
            for row in parameters:
                copy.write_row(row)
        return
    session.connection().exec_driver_sql(sql, parameters)


def _processed(row: Sequence[Any], per_row: list[tuple[int, Any]]) -> tuple[Any, ...]:
    values = list(row)
    for index, processor in per_row:
        values[index] = processor(values[index])
    return tuple(values)
