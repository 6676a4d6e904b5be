"""Loading a vendor's existing library: one metadata file per asset (YAML), its files beside it.
The same records as the API (AssetInput, VersionInput); an asset whose title is already in the
library is skipped, so a folder can be imported again after fixing what was refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance.assets import service as asset_service
from alliance.assets.models import Asset
from alliance.assets.repository import AssetRepository
from alliance.assets.schemas import AssetInput, VersionInput
from alliance.assets.vocabulary import VersionAction
from alliance.errors import RuleViolation
from alliance.files.storage import BlobStore
from alliance.identity.scope import Actor
from alliance.kit.schemas import field_errors

FORMAT_HELP = """One YAML file per asset (*.yaml, *.yml), e.g. soc/asset.yaml:

  kind: reference_architecture        # solution_pattern, solution_accelerator, delivery_methodology, demo_guide, compliance_kit
  title: Security operations centre reference architecture
  summary: A SOC on Security Suite with SIEM integration.
  body_file: README.md                # or body: "Markdown text"
  product_lines: [security-suite]
  validated_versions: [{product_line: security-suite, version: "4.0"}]
  verticals: [financial services]
  technologies: [siem]
  tags: [soc]
  entitlement: {minimum_tier_rank: 3}
  version: {number: 1.0.0, release_notes: First release, files: [soc.pdf], publish: true}

Paths are relative to the metadata file."""


@dataclass
class ImportItem:
    asset: AssetInput
    version: VersionInput | None
    files: list[str] = field(default_factory=list)
    publish: bool = False


def parse(document: Any, *, read_text: Callable[[str], str]) -> ImportItem:
    """A metadata document as the API's records; RuleViolation naming the fields otherwise."""
    if not isinstance(document, dict):
        raise RuleViolation("The metadata file is not a mapping of fields.")
    values = dict(document)
    version = values.pop("version", None) or {}
    if "body_file" in values:
        values["body"] = read_text(str(values.pop("body_file")))
    try:
        asset = AssetInput.model_validate(values)
        files = [str(name) for name in version.get("files", [])] if isinstance(version, dict) else []
        number = version.get("number") if isinstance(version, dict) else None
        parsed = VersionInput(number=str(number), release_notes=str(version.get("release_notes", ""))) if number else None
    except ValidationError as error:
        problems = field_errors(error, default="metadata")
        raise RuleViolation("; ".join(f"{name}: {message}" for name, message in problems), details=[{"field": n, "message": m} for n, m in problems]) from None
    return ImportItem(asset=asset, version=parsed, files=files, publish=bool(isinstance(version, dict) and version.get("publish")))


def import_asset(session: Session, actor: Actor, *, item: ImportItem, open_file: Callable[[str], BinaryIO], store: BlobStore, max_bytes: int) -> Asset | None:
    """Create the asset (None when its title is already in the library), its version with its
    files, published when the metadata says so."""
    if AssetRepository(session).titled(item.asset.title) is not None:
        return None
    asset = asset_service.create_asset(session, actor, data=item.asset)
    if item.version is not None:
        uploads = [(open_file(name), name.rsplit("/", 1)[-1]) for name in item.files]
        version = asset_service.add_version_with_uploads(
            session,
            actor,
            asset_id=asset.id,
            number=item.version.number,
            release_notes=item.version.release_notes,
            uploads=uploads,
            store=store,
            max_bytes=max_bytes,
        )
        if item.publish:
            for action in (VersionAction.SUBMIT, VersionAction.PUBLISH):
                asset_service.transition_version(session, actor, version_id=version.id, action=action, reason=None)
    return asset
