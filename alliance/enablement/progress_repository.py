"""Queries on people's learning, exams, labs and certifications (partner-owned: every read starts
from the session's scope)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select

from alliance.enablement.models import Certification, CertificationTrack, ExamAttempt, LabSubmission, ModuleCompletion, TrackModule
from alliance.enablement.vocabulary import LabStatus
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import Repository
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Person

R = TypeVar("R", ModuleCompletion, ExamAttempt, LabSubmission, Certification)


class ProgressRepository(Repository[ModuleCompletion]):
    model = ModuleCompletion

    def put(self, row: R) -> R:
        self.session.add(row)
        self.session.flush()
        return row

    def completion(self, person_id: int, module_id: int) -> ModuleCompletion | None:
        statement = self.readable().where(ModuleCompletion.person_id == person_id, ModuleCompletion.module_id == module_id)
        return self.session.scalars(statement).first()

    def completed_modules(self, person_id: int, track_id: int) -> dict[int, date]:
        statement = (
            select(ModuleCompletion.module_id, ModuleCompletion.completed_on)
            .join(TrackModule, TrackModule.id == ModuleCompletion.module_id)
            .where(ModuleCompletion.person_id == person_id, TrackModule.track_id == track_id)
        )
        return {row[0]: row[1] for row in self.session.execute(statement)}

    def attempts(self, person_id: int, track_id: int) -> list[ExamAttempt]:
        statement = select(ExamAttempt).where(ExamAttempt.person_id == person_id, ExamAttempt.track_id == track_id)
        return list(self.session.scalars(statement.order_by(ExamAttempt.attempted_at, ExamAttempt.id)))

    def attempt_by_ref(self, external_ref: str) -> ExamAttempt | None:
        return self.session.scalars(select(ExamAttempt).where(ExamAttempt.external_ref == external_ref)).first()

    def labs(self, person_id: int, track_id: int) -> list[LabSubmission]:
        statement = select(LabSubmission).where(LabSubmission.person_id == person_id, LabSubmission.track_id == track_id)
        return list(self.session.scalars(statement.order_by(LabSubmission.submitted_at, LabSubmission.id)))

    def lab(self, submission_id: int, *, for_change: bool = False) -> LabSubmission | None:
        statement = select(LabSubmission).where(LabSubmission.id == submission_id)
        return self.lock_first(statement) if for_change else self.session.scalars(statement).first()

    def nonce_used(self, nonce: str) -> bool:
        return self.session.scalar(select(LabSubmission.id).where(LabSubmission.nonce == nonce)) is not None

    def lab_ref_used(self, external_ref: str) -> bool:
        return self.session.scalar(select(LabSubmission.id).where(LabSubmission.external_ref == external_ref)) is not None

    def certifications(self, person_id: int, track_id: int) -> list[Certification]:
        statement = select(Certification).where(Certification.person_id == person_id, Certification.track_id == track_id)
        return list(self.session.scalars(statement.order_by(Certification.issued_on, Certification.id)))

    def held(self, person_id: int, track_ids: list[int]) -> list[Certification]:
        statement = select(Certification).where(Certification.person_id == person_id, Certification.track_id.in_(track_ids))
        return list(self.session.scalars(statement.order_by(Certification.issued_on, Certification.id)))

    def tracks_touched(self, person_id: int) -> set[int]:
        """Tracks the person has any learning, exam, lab or certification on."""
        statements = [
            select(TrackModule.track_id).join(ModuleCompletion, ModuleCompletion.module_id == TrackModule.id).where(ModuleCompletion.person_id == person_id),
            select(ExamAttempt.track_id).where(ExamAttempt.person_id == person_id),
            select(LabSubmission.track_id).where(LabSubmission.person_id == person_id),
            select(Certification.track_id).where(Certification.person_id == person_id),
        ]
        return {track_id for statement in statements for track_id in self.session.scalars(statement.distinct())}

    def people_by_email(self, email: str, partner_id: int | None) -> list[Person]:
        statement = select(Person).where(func.lower(Person.email) == email.lower())
        if partner_id is not None:
            statement = statement.where(Person.partner_id == partner_id)
        return list(self.session.scalars(statement.order_by(Person.id).limit(2)))

    def person(self, person_id: int, *, for_change: bool = False) -> Person | None:
        """`for_change`: locked until commit, as every change to the person's certifications needs."""
        statement = select(Person).where(Person.id == person_id)
        return self.lock_first(statement) if for_change else self.session.scalars(statement).first()

    def lab_queue(self, status: LabStatus | None) -> AnySelect:
        """Submissions with the person's, partner's and track's names, oldest first."""
        statement = (
            select(
                LabSubmission.id,
                LabSubmission.person_id,
                Person.name.label("person_name"),
                LabSubmission.partner_id,
                Partner.display_name.label("partner_name"),
                LabSubmission.track_id,
                CertificationTrack.name.label("track_name"),
                LabSubmission.submitted_at,
                LabSubmission.status,
                LabSubmission.evidence,
                LabSubmission.score,
            )
            .join(Person, Person.id == LabSubmission.person_id)
            .join(Partner, Partner.id == LabSubmission.partner_id)
            .join(CertificationTrack, CertificationTrack.id == LabSubmission.track_id)
        )
        if status is not None:
            statement = statement.where(LabSubmission.status == status)
        return statement.order_by(LabSubmission.submitted_at, LabSubmission.id)

    def rows(self, statement: AnySelect, *, limit: int, offset: int) -> tuple[list[Any], int]:
        found = paginate(self.session, statement, PageRequest(limit=limit, offset=offset), rows=True)
        return list(found.items), found.total
