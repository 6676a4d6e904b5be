"""An asset's Markdown body as HTML, safely: CommonMark without raw HTML (it is shown as text),
links only to http(s), mailto and relative targets (markdown-it's own link check refuses
javascript:, vbscript:, file: and data: other than images). Pure."""

from __future__ import annotations

from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def to_html(markdown: str) -> str:
    return str(_RENDERER.render(markdown or ""))
