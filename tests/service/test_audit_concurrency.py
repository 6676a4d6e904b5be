"""Concurrent writers never fork or break the audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from alliance.audit import service as audit_service
from alliance.audit.repository import AuditFilters
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.schemas import PersonUpdate


def test_parallel_updates_keep_one_chain(db, world):
    writers = [
        (Actor(user_id=world.users["a_admin"], role=Role.PARTNER_ADMIN, partner_id=world.a.id, label="a"), world.a.person_ids[0], world.a.id),
        (Actor(user_id=world.users["b_admin"], role=Role.PARTNER_ADMIN, partner_id=world.b.id, label="b"), world.b.person_ids[0], world.b.id),
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(writers))

    def work(actor: Actor, person_id: int, partner_id: int) -> None:
        try:
            barrier.wait()
            for n in range(15):
                with db.session_scope(PartnerScope(partner_ids=frozenset({partner_id}), reason="test")) as session:
                    partner_service.update_person(session, actor, person_id=person_id, data=PersonUpdate(title=f"Title {n}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=writer) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with db.session_scope(PartnerScope.system(reason="verify")) as session:
        verdict = audit_service.verify_chain(session, Actor.system())
        updates = audit_service.list_events(session, Actor.system(), filters=AuditFilters(action="person.updated"), page=PageRequest(limit=100))
    assert verdict.ok, verdict.first_break
    assert updates.total == 30
