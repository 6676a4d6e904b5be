"""A co-branded brief as a document: the vendor's template HTML rendered in a sandboxed Jinja2
environment (autoescaped: a partner's name is text, never markup; no attribute or method of
Python objects beyond the plain values handed in), then a PDF by WeasyPrint, which fetches nothing
but inline data (the logo is a data: URI). Shared by the API and the portal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from alliance.assets.briefs.service import BriefContent

# The placeholders a template may use (documented in the console's template form and the README).
PLACEHOLDERS = {
    "partner.name": "the partner's display name",
    "partner.legal_name": "its legal name",
    "partner.website": "its website",
    "partner.tier": "its tier (Gold ...)",
    "partner.type / partner.subtype": "partner type and SI subtype, in words",
    "partner.logo": 'its logo as an image source (empty when it has none): <img src="{{ partner.logo }}">',
    "certifications": "a list of {role, product, count}: certified people by delivery role and product version",
    "certified_people": "how many of its people hold a current certification",
    "contact.name / contact.email / contact.title": "the partner's contact (the person downloading)",
    "vendor_name": "the vendor's name",
    "generated_on": "the date the brief was made (YYYY-MM-DD)",
}
SAMPLE: Mapping[str, Any] = {
    "partner": {"name": "Sample Partner", "legal_name": "Sample Partner Ltd", "website": "", "tier": "Gold", "type": "", "subtype": "", "logo": ""},
    "certifications": [{"role": "Solution architect", "product": "Data Platform 9.0", "count": 2}],
    "certified_people": 2,
    "contact": {"name": "Pat Partner", "email": "pat@example.com", "title": ""},
    "vendor_name": "Vendor",
    "generated_on": "2026-01-01",
}
PRINT_CSS = """@page { size: A4; margin: 18mm 16mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #1b2430; }
img.logo { max-height: 22mm; max-width: 60mm; }"""

_environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def template_problem(body_html: str) -> str | None:
    """What keeps the template from rendering (syntax, an unknown placeholder, an unsafe construct), or None."""
    try:
        _environment.from_string(body_html).render(SAMPLE)
    except TemplateError as error:  # SecurityError and UndefinedError are TemplateErrors
        line = getattr(error, "lineno", None)
        return f"{error.message or type(error).__name__}" + (f" (line {line})" if line else "")
    return None


def context(content: BriefContent, *, vendor_name: str) -> dict[str, Any]:
    return {
        "partner": dict(content.partner),
        "certifications": [asdict(c) for c in content.certifications],
        "certified_people": content.certified_people,
        "contact": dict(content.contact),
        "vendor_name": vendor_name,
        "generated_on": content.generated_on,
    }


def document_html(content: BriefContent, *, vendor_name: str) -> str:
    """The brief as one HTML document (the template's own, or wrapped with the print CSS)."""
    body = _environment.from_string(content.template.body_html).render(context(content, vendor_name=vendor_name))
    if "<html" in body[:500].lower():
        return body
    title = _environment.from_string("{{ t }}").render(t=content.template.title)
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{PRINT_CSS}</style></head><body>{body}</body></html>'


def pdf(html: str) -> bytes:
    import weasyprint  # imported on use: it loads Pango, which requests without a PDF never need

    return bytes(weasyprint.HTML(string=html, base_url=None, url_fetcher=_inline_only).write_pdf())


def _inline_only(url: str, *args: Any, **kwargs: Any) -> Any:
    """A template's links to the network or the disk are not followed (no SSRF, no local files)."""
    import weasyprint

    if not url.startswith("data:"):
        raise ValueError(f"briefs fetch nothing: {url[:60]}")
    return weasyprint.default_url_fetcher(url, *args, **kwargs)
