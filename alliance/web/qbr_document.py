"""The QBR package as a document: the page's own HTML (templates/qbr/_package.html) with a cover
and print CSS (templates/qbr/print.html), made a PDF by WeasyPrint. Rendering HTML needs the
templates (this process); making the PDF needs only the HTML, so the CLI hands HTML strings to
worker processes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from alliance.charts import namespaced
from alliance.config import get_settings
from alliance.qbr import charts as qbr_charts
from alliance.qbr.service import QbrContent
from alliance.qbr.vocabulary import QBR_STATUS_LABELS, QbrStatus
from alliance.web.templating import templates


def shown_charts(content: QbrContent) -> dict[str, tuple[Markup, Any]]:
    """Name -> (the SVG as stored or drawn, the chart for its numbers table)."""
    # The SVGs are this application's own output (alliance.charts escapes every text it draws).
    return {name: (Markup(namespaced(content.svgs[name], name)), chart) for name, chart in qbr_charts.charts(content.figures).items() if name in content.svgs}


def status_line(status: QbrStatus, sha256: str | None) -> str:
    line = QBR_STATUS_LABELS[status]
    return f"{line} · SHA-256 {sha256}" if sha256 else f"{line} (figures may still change)"


def document_html(content: QbrContent, *, status: QbrStatus, sha256: str | None) -> str:
    context: Mapping[str, Any] = {
        "f": content.figures,
        "shown": shown_charts(content),
        "chart_base": None,
        "vendor_name": get_settings().vendor_name,
        "status_line": status_line(status, sha256),
    }
    return templates.env.get_template("qbr/print.html").render(context)


def quiet_weasyprint() -> None:
    """WeasyPrint warns about every SVG presentation property it reads as CSS ("Ignored `fill`"),
    hundreds a package, though it draws them all: formatting those lines cost more than a page."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def load_pdf_engine() -> Any:
    """WeasyPrint, imported on use: it loads Pango (seconds), which pages without a PDF never need."""
    import weasyprint

    quiet_weasyprint()
    return weasyprint


def pdf_from_html(html: str) -> bytes:
    """The PDF of a document's HTML (no network: every chart is inline SVG)."""
    return bytes(load_pdf_engine().HTML(string=html, base_url=None).write_pdf())


def write_pdf(figures: dict[str, Any], svgs: dict[str, str] | None, status: QbrStatus, sha256: str | None, path: str) -> int:
    """Write a package's PDF to `path`, drawing its charts when it has none stored yet (a worker
    process's job: plain arguments); the PDF's size."""
    content = QbrContent(figures=figures, svgs=svgs if svgs is not None else qbr_charts.svgs(figures))
    pdf = pdf_from_html(document_html(content, status=status, sha256=sha256))
    with open(path, "wb") as out:
        out.write(pdf)
    return len(pdf)
