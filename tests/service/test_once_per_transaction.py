"""db.once_per_transaction: a lookup several steps of one change need is read once per
transaction, and read again once the transaction writes what it was read from, or ends."""

from __future__ import annotations

from sqlalchemy import func, select

from alliance.db import once_per_transaction
from alliance.identity.scope import PartnerScope
from alliance.webhooks.models import WebhookEndpoint
from alliance.webhooks.vocabulary import EndpointStatus

TABLES = frozenset({"webhook_endpoints"})


def test_read_once_then_again_after_a_write_of_its_table_or_the_transactions_end(db):
    reads = []

    def count(session):
        def read():
            reads.append(1)
            return session.scalar(select(func.count()).select_from(WebhookEndpoint))

        return lambda: once_per_transaction(session, "endpoints", read, tables=TABLES)

    with db.session_scope(PartnerScope.system(reason="test")) as session:
        endpoints = count(session)
        before = endpoints()
        assert endpoints() == before and len(reads) == 1  # the second step asks again: no statement
        session.add(WebhookEndpoint(url="https://hooks.example.com/a", secret="s" * 32, status=EndpointStatus.ACTIVE))
        assert endpoints() == before + 1 and len(reads) == 2  # pending, not yet flushed: seen
        assert endpoints() == before + 1 and len(reads) == 2
        session.rollback()
        assert endpoints() == before and len(reads) == 3  # another transaction: read again
