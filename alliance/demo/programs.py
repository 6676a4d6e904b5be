"""The default programs a demo or a seed starts from when the database has none."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from alliance.identity.scope import Actor
from alliance.partners import program_service
from alliance.partners.program_file import parse_programs

DEFAULT_PROGRAMS = Path(program_service.__file__).with_name("default_programs.yaml")


def load_default_programs(session: Session, actor: Actor) -> program_service.LoadSummary:
    document = parse_programs(DEFAULT_PROGRAMS.read_text(encoding="utf-8"))
    return program_service.load_programs(session, actor, document=document)
