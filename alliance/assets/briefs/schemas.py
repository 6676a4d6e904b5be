"""What the co-branded brief API takes and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.partners.vocabulary import PartnerType, SISubtype

TemplateHtml = Annotated[str, StringConstraints(min_length=1, max_length=200_000)]


class BriefTemplateInput(InputSchema):
    title: ShortText
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    body_html: TemplateHtml = Field(description="HTML with Jinja2 placeholders ({{ partner.name }} ...), rendered in a sandbox")
    asset_id: RowId | None = Field(default=None, description="The library asset the brief belongs to (none: a stand-alone brief)")
    partner_types: list[PartnerType] = Field(default_factory=list, max_length=4, description="Empty: every partner type")
    si_subtypes: list[SISubtype] = Field(default_factory=list, max_length=4, description="Empty: every SI subtype")
    is_active: bool = True


class BriefTemplateRead(ReadSchema):
    id: int
    title: str
    summary: str
    body_html: str
    asset_id: int | None
    partner_types: list[str]
    si_subtypes: list[str]
    is_active: bool
    created_at: datetime
    updated_at: datetime


class BriefSummaryRead(ReadSchema):
    id: int
    title: str
    summary: str
    asset_id: int | None
    asset_title: str | None
    locked: bool = Field(description="Partners: the brief is not for their partner type")
    lock_reason: str | None
    views: int = Field(description="Previews (a partner: its own)")
    downloads: int = Field(description="PDF downloads (a partner: its own)")


class BriefUsageRead(ReadSchema):
    template_id: int
    title: str
    partner_id: int
    partner: str
    views: int
    downloads: int


class PartnerLogoRead(ReadSchema):
    id: int
    partner_id: int
    file_id: int
    uploaded_at: datetime
