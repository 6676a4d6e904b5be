"""E-mails from templates: one template per event type (`templates/email/<event>.j2`) with the
blocks subject, body, action and path, rendered into a plain-text and an HTML layout that add the
greeting, the link back into the console or portal, and the footer saying why the person got it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from alliance.notifications.schemas import ClaimedMessage

TEMPLATES_DIR = Path(__file__).parent / "templates"
PREFERENCES_PATHS = {"vendor": "/console/notifications", "partner": "/portal/notifications"}
_BLANK_LINES = re.compile(r"\n\s*\n")


def _paragraphs(text: Markup) -> Markup:
    """A block's paragraphs (blank-line separated) as <p> elements; its text is already escaped."""
    return Markup("\n").join(Markup("<p>{}</p>").format(Markup(part.strip())) for part in _BLANK_LINES.split(text.strip()) if part.strip())


def _environment(*, html: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=html, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["paragraphs"] = _paragraphs
    return env


@dataclass(frozen=True)
class RenderedEmail:
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str
    link: str
    headers: dict[str, str] = field(default_factory=dict)


def message_id(idempotency_key: str, domain: str) -> str:
    """The same message always has the same Message-ID: a copy sent twice is recognisably a copy."""
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


class Renderer:
    def __init__(self, *, public_base_url: str, sender: str) -> None:
        self.base_url = public_base_url.rstrip("/")
        self.sender = sender
        address = parseaddr(sender)[1]
        self.domain = address.rpartition("@")[2] or "alliance.invalid"
        self._text = _environment(html=False)
        self._html = _environment(html=True)

    def render(self, message: ClaimedMessage) -> RenderedEmail:
        side = "vendor" if message.recipient.partner_id is None else "partner"
        preferences_url = self.base_url + PREFERENCES_PATHS[side]
        name = f"email/{message.event_type.value}.j2"
        context: dict[str, Any] = {
            "recipient": message.recipient,
            "facts": message.payload.get("facts", {}),
            "why": message.payload.get("why", "you have an account on Alliance"),
            "entity_type": message.entity_type,
            "entity_id": message.entity_id,
            "base_url": self.base_url,
            "preferences_url": preferences_url,
            "event_label": message.event_type.label,
        }
        text_template = self._text.get_template(name)
        subject = " ".join(_block(text_template, "subject", context).split())
        link = self.base_url + _block(text_template, "path", context).strip()
        context |= {"subject": subject, "link": link}
        return RenderedEmail(
            to_name=message.recipient.name,
            to_address=message.recipient.email,
            subject=subject,
            text=text_template.render(context | {"layout": "email/_layout.txt"}).strip() + "\n",
            html=self._html.get_template(name).render(context | {"layout": "email/_layout.html"}),
            link=link,
            headers={
                "Message-ID": message_id(message.idempotency_key, self.domain),
                "Date": format_datetime(message.created_at),
                "List-Unsubscribe": f"<{preferences_url}>",
                "Auto-Submitted": "auto-generated",
                "X-Alliance-Event": message.event_type.value,
            },
        )

    def mime(self, rendered: RenderedEmail) -> EmailMessage:
        """The message as sent: plain text first, the HTML alternative second."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = Address(display_name=rendered.to_name, addr_spec=rendered.to_address)
        mail["Subject"] = rendered.subject
        for header, value in rendered.headers.items():
            mail[header] = value
        mail.set_content(rendered.text)
        mail.add_alternative(rendered.html, subtype="html")
        return mail


def _block(template: Template, block: str, context: dict[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(context)))
