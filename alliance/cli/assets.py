"""`alliance assets import DIR`: load a folder of library assets, one metadata file each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, BinaryIO

import typer
import yaml

from alliance.assets import importer
from alliance.cli.context import console, err_console, operator, unit_of_work
from alliance.config import get_settings
from alliance.errors import AllianceError
from alliance.files.storage import store_for

app = typer.Typer(help="The solution library: import assets.", no_args_is_help=True)


@app.command(
    "import", help="Import a folder of assets (each in its own transaction; titles already in the library are skipped).\n\n\b\n" + importer.FORMAT_HELP
)
def import_folder(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, readable=True, help="The folder to read (searched recursively)")],
) -> None:
    settings = get_settings()
    store = store_for(settings)
    created = skipped = refused = 0
    for metadata in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
        base = metadata.parent

        def inside(name: str, base: Path = base) -> Path:
            path = (base / name).resolve()
            if not path.is_relative_to(folder.resolve()):
                raise AllianceError(f"{name} is outside the imported folder")
            return path

        def open_file(name: str) -> BinaryIO:
            return inside(name).open("rb")

        try:
            item = importer.parse(yaml.safe_load(metadata.read_text(encoding="utf-8")), read_text=lambda name: inside(name).read_text(encoding="utf-8"))
            with unit_of_work("cli assets import") as session:
                found = importer.import_asset(session, operator(), item=item, open_file=open_file, store=store, max_bytes=settings.max_upload_bytes)
        except (AllianceError, OSError, yaml.YAMLError) as error:
            refused += 1
            err_console.print(f"[red]{metadata.relative_to(folder)}[/red]: {getattr(error, 'message', error)}", highlight=False)
            continue
        except typer.Exit:
            refused += 1
            continue
        if found is None:
            skipped += 1
        else:
            created += 1
    console.print(f"Assets: {created} imported, {skipped} already in the library, {refused} refused.")
    if refused:
        raise typer.Exit(1)
