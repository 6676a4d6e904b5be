"""Queries of the certification import: one lookup per batch and kind, set-based inserts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session

from alliance.enablement.models import (
    Certification,
    CertificationTrack,
    ExamAttempt,
    LabSubmission,
    ModuleCompletion,
    TrackModule,
)
from alliance.enablement.vocabulary import COUNTING, CertificationStatus
from alliance.kit.statements import rowcount
from alliance.partners.models import Person

REF_TABLES: dict[str, Any] = {"exam": ExamAttempt, "lab": LabSubmission, "certification": Certification}


@dataclass(frozen=True)
class TrackRef:
    id: int
    key: str
    validity_days: int
    exam_pass_mark: int
    has_lab: bool
    modules: dict[str, int]  # module key -> id


@dataclass(frozen=True)
class PersonRef:
    id: int
    partner_id: int


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def tracks(self) -> dict[str, TrackRef]:
        """The whole catalog by key (a few hundred rows at most), read once per import."""
        modules: dict[int, dict[str, int]] = defaultdict(dict)
        for module in self.session.execute(select(TrackModule.track_id, TrackModule.key, TrackModule.id)):
            modules[module.track_id][module.key] = module.id
        rows = self.session.execute(
            select(
                CertificationTrack.id,
                CertificationTrack.key,
                CertificationTrack.validity_days,
                CertificationTrack.exam_pass_mark,
                CertificationTrack.lab_grading,
            )
        )
        return {r.key: TrackRef(r.id, r.key, r.validity_days, r.exam_pass_mark, r.lab_grading is not None, modules[r.id]) for r in rows}

    def people_by_email(self, emails: Iterable[str]) -> dict[str, list[PersonRef]]:
        """Everyone with one of these (lower-case) emails, on the people.email index."""
        found: dict[str, list[PersonRef]] = defaultdict(list)
        wanted = sorted(set(emails))
        if wanted:
            for row in self.session.execute(select(Person.email, Person.id, Person.partner_id).where(Person.email.in_(wanted))):
                found[row.email].append(PersonRef(row.id, row.partner_id))
        return found

    def known_refs(self, kind: str, refs: Sequence[str]) -> set[str]:
        if not refs:
            return set()
        model = REF_TABLES[kind]
        return set(self.session.scalars(select(model.external_ref).where(model.external_ref.in_(refs))))

    def completed(self, pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
        """Which (person_id, module_id) pairs already have a completion."""
        if not pairs:
            return set()
        statement = select(ModuleCompletion.person_id, ModuleCompletion.module_id).where(
            tuple_(ModuleCompletion.person_id, ModuleCompletion.module_id).in_(pairs)
        )
        return {(r.person_id, r.module_id) for r in self.session.execute(statement)}

    def insert(self, kind: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            model = ModuleCompletion if kind == "module" else REF_TABLES[kind]
            self.session.execute(insert(model), rows)

    def renew_older(self, issued: list[dict[str, Any]]) -> int:
        """Counting certifications older than an imported one on the same person and track are
        renewed by it: they stop counting the day it was issued."""
        if not issued:
            return 0
        statement = (
            update(Certification)
            .where(
                Certification.person_id == bindparam("p_person"),
                Certification.track_id == bindparam("p_track"),
                Certification.issued_on < bindparam("p_issued"),
                Certification.status.in_(sorted(s.value for s in COUNTING)),
            )
            .values(status=CertificationStatus.RENEWED.value, ended_on=bindparam("p_issued"))
            .execution_options(synchronize_session=False)
        )
        # One UPDATE per imported certification: they are few next to the rows that earn them.
        renewed = 0
        for row in issued:
            params = {"p_person": row["person_id"], "p_track": row["track_id"], "p_issued": row["issued_on"]}
            renewed += rowcount(self.session.execute(statement, params))
        return renewed
