"""`alliance briefs list|render`: co-branded solution briefs from the command line, through the
same services as the console (render a partner's brief to a PDF file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from alliance.assets.briefs import service as brief_service
from alliance.assets.vocabulary import UsageAction
from alliance.cli.context import console, fail, operator, partner_named, print_rows, unit_of_work
from alliance.config import get_settings
from alliance.files.storage import store_for
from alliance.http import brief_document

app = typer.Typer(help="Co-branded solution briefs: list templates, render a partner's brief to PDF.", no_args_is_help=True)


@app.command("list")
def list_briefs() -> None:
    """Every brief template: its asset, whether partners see it, previews and downloads."""
    with unit_of_work("cli briefs list") as session:
        entries = brief_service.list_briefs(session, operator())
    rows = [(e.template.title, e.asset_title or "stand-alone", "yes" if e.template.is_active else "no", str(e.views), str(e.downloads)) for e in entries]
    print_rows("Co-branded briefs", ("Brief", "Asset", "Active", "Previews", "Downloads"), rows)
    if not entries:
        console.print("No brief templates yet.")


@app.command("render")
def render(
    brief: Annotated[str, typer.Argument(help="The brief template's title (or a unique part of it)")],
    partner: Annotated[str, typer.Option("--partner", help="The partner's name (or a unique part of it)")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, writable=True, help="The PDF file to write")],
) -> None:
    """Render BRIEF for a partner (its name, logo, certifications and contact merged in) to a PDF."""
    settings = get_settings()
    with unit_of_work("cli briefs render") as session:
        actor = operator()
        partner_id, partner_name = partner_named(session, actor, partner)
        template_id = _template_named(session, brief)
        content = brief_service.brief_content(
            session, actor, template_id=template_id, partner_id=partner_id, action=UsageAction.DOWNLOAD, store=store_for(settings)
        )
        html = brief_document.document_html(content, vendor_name=settings.vendor_name)
        title = content.template.title
    out.write_bytes(brief_document.pdf(html))
    console.print(f"“{title}” for {partner_name} written to {out}.", highlight=False)


def _template_named(session: Session, text: str) -> int:
    wanted = text.strip().lower()
    entries = brief_service.list_briefs(session, operator())
    exact = [e.template for e in entries if e.template.title.lower() == wanted]
    found = exact or [e.template for e in entries if wanted in e.template.title.lower()]
    if len(found) != 1:
        titles = ", ".join(f"“{t.title}”" for t in found[:10])
        fail(f"no brief template titled “{text}”" if not found else f"“{text}” names several brief templates: {titles}")
    return found[0].id
