"""The database of the running app, and one session per request in the actor's scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.identity.scope import Actor, scope_for

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


# A route that opens its own sessions (public pages, sign-in, protocol endpoints) takes the app's database.
AppDatabase = Annotated[Database, Depends(get_database)]


def open_request_session(request: Request, actor: Actor, database: Database) -> Iterator[Session]:
    """One session per request in the actor's scope: committed on success, rolled back on error."""
    with database.session_scope(scope_for(actor), write=request.method not in READ_METHODS) as session:
        yield session
