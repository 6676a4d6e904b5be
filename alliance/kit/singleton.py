"""One holder at a time across processes and machines: a PostgreSQL session-level advisory lock.

`SingletonLock.acquire()` tries `pg_try_advisory_lock(key)` on a connection of its own and keeps
that connection open while it holds the lock. The lock belongs to the database session, so when the
holder dies (even kill -9) PostgreSQL ends the session and frees the lock, and the next process
that tries takes it. `still_held()` pings the connection: a holder whose connection dropped has
lost the lock and must stop acting as the one. On SQLite (one machine, one file) there is nothing
to share: every process holds it.
"""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

# Fixed keys (signed 64-bit) for each singleton job; distinct from the customer-name lock ids,
# which are taken with pg_advisory_xact_lock and hashed from names.
SWEEP_SCHEDULER_KEY = 0x616C6C5357454550  # "allSWEEP"


class SingletonLock:
    def __init__(self, url: str, key: int) -> None:
        self.url = url
        self.key = key
        self._engine: Engine | None = None if url.startswith("sqlite") else create_engine(url, poolclass=NullPool)
        self._connection: Connection | None = None

    @property
    def shared(self) -> bool:
        """True when the lock is really shared between processes (PostgreSQL)."""
        return self._engine is not None

    @property
    def held(self) -> bool:
        return self._engine is None or self._connection is not None

    def acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it (now or already)."""
        if self.held:
            return True
        assert self._engine is not None
        connection = self._engine.connect()
        try:
            taken = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar_one())
            connection.commit()  # end the implicit transaction; the session-level lock stays
        except Exception:
            connection.close()
            raise
        if taken:
            self._connection = connection
        else:
            connection.close()
        return taken

    def still_held(self) -> bool:
        """Whether the lock is still ours (its connection alive); drops it when not."""
        if self._engine is None:
            return True
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1")).scalar_one()
            self._connection.commit()
            return True
        except Exception:
            self._drop()
            return False

    def release(self) -> None:
        if self._connection is not None:
            with suppress(Exception):  # closing the session frees the lock anyway
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            self._drop()

    def close(self) -> None:
        self.release()
        if self._engine is not None:
            self._engine.dispose()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # a dead connection: nothing more to free
                connection.close()
