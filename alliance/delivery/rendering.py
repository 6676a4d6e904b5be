"""E-mails from templates: one template per event type (`templates/email/<event>.j2`) with the
blocks subject, body, action and path, rendered into a plain-text and an HTML layout that add the
greeting, the link back into the console or portal, and the footer saying why the person got it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from alliance.identity.password_links import LinkPurpose, link_path
from alliance.notifications.schemas import ClaimedMessage

TEMPLATES_DIR = Path(__file__).parent / "templates"
PREFERENCES_PATHS = {"vendor": "/console/notifications", "partner": "/portal/notifications"}
_BLANK_LINES = re.compile(r"\n\s*\n")
# Bodies in quoted-printable: readable in any mail source view, unlike base64.
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_WIRE = compat32.clone(linesep="\r\n")


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
    def __init__(self, *, public_base_url: str, sender: str, link_key: str | None = None) -> None:
        """`link_key` (the secret key) signs the links of invitations and password resets; without
        it (the mail log's preview) those links are withheld."""
        self.base_url = public_base_url.rstrip("/")
        self.sender = sender
        address = parseaddr(sender)[1]
        self.envelope_from = address
        self.domain = address.rpartition("@")[2] or "alliance.invalid"
        self._text = _environment(html=False)
        self._html = _environment(html=True)
        for env in (self._text, self._html):
            env.globals["password_link"] = self._password_link
        self._link_key = link_key

    def _password_link(self, purpose: str, nonce: str) -> str:
        if self._link_key is None:
            return "/password/set?token=withheld-outside-the-e-mail"
        return link_path(self._link_key, LinkPurpose(purpose), nonce)

    def render(self, message: ClaimedMessage) -> RenderedEmail:
        context = _context(message, self.base_url)
        preferences_url = context["preferences_url"]
        name = _template_name(message)
        text_template = self._text.get_template(name)
        subject, path = _headline(text_template, context)
        link = self.base_url + path
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

    def mime(self, rendered: RenderedEmail) -> Message:
        """The message as sent: plain text first, the HTML alternative second. Built with the
        email package's compat32 classes: the modern EmailMessage parses every header it is given
        and costs over a millisecond a message, the bulk of a worker's time."""
        # A boundary of its own: "=" never appears unescaped in a quoted-printable body, so the
        # email package need not search both bodies for a clash (a regex compiled per message).
        mail = MIMEMultipart("alternative", boundary="=_" + rendered.headers["Message-ID"].strip("<>").partition("@")[0])
        mail["From"] = self.sender
        mail["To"] = formataddr((rendered.to_name, rendered.to_address), charset="utf-8")
        mail["Subject"] = rendered.subject if rendered.subject.isascii() else Header(rendered.subject, "utf-8")  # type: ignore[assignment]
        for header, value in rendered.headers.items():
            mail[header] = value
        mail.attach(MIMEText(rendered.text, "plain", _UTF8_QP))  # type: ignore[arg-type]
        mail.attach(MIMEText(rendered.html, "html", _UTF8_QP))  # type: ignore[arg-type]
        return mail

    def wire(self, rendered: RenderedEmail) -> bytes:
        """The message as SMTP carries it (CRLF line ends)."""
        return self.mime(rendered).as_bytes(policy=_WIRE)


def _block(template: Template, block: str, context: dict[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(context)))


def _template_name(message: ClaimedMessage) -> str:
    return f"email/{message.event_type.value}.j2"


def _context(message: ClaimedMessage, base_url: str) -> dict[str, Any]:
    side = "vendor" if message.recipient.partner_id is None else "partner"
    return {
        "recipient": message.recipient,
        "facts": message.payload.get("facts", {}),
        "why": message.payload.get("why", "you have an account on Alliance"),
        "entity_type": message.entity_type,
        "entity_id": message.entity_id,
        "base_url": base_url,
        "preferences_url": base_url + PREFERENCES_PATHS[side],
        "event_label": message.event_type.label,
    }


def _headline(template: Template, context: dict[str, Any]) -> tuple[str, str]:
    return " ".join(_block(template, "subject", context).split()), _block(template, "path", context).strip()


_HEADLINES = _environment(html=False)


def headline(message: ClaimedMessage) -> tuple[str, str]:
    """The message's e-mail subject and the path its link leads to (console or portal), without
    rendering the rest: what the in-app inbox shows of it."""
    return _headline(_HEADLINES.get_template(_template_name(message)), _context(message, ""))
