"""Co-branded brief queries: templates (vendor rows), a partner's logo, and brief usage counted
per template and partner (a partner counts its own)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select

from alliance.assets.briefs.models import BriefTemplate, BriefUsage, PartnerLogo
from alliance.assets.models import Asset
from alliance.assets.vocabulary import AssetKind, UsageAction
from alliance.files.models import StoredFile
from alliance.identity.models import User
from alliance.identity.scope import Role
from alliance.kit.repository import Repository
from alliance.partners.models import Partner


class BriefRepository(Repository[BriefTemplate]):
    model = BriefTemplate

    def templates(self, *, active_only: bool) -> list[Any]:
        """(template, asset title) rows, by title."""
        statement = select(BriefTemplate, Asset.title).outerjoin(Asset, Asset.id == BriefTemplate.asset_id).order_by(BriefTemplate.title, BriefTemplate.id)
        if active_only:
            statement = statement.where(BriefTemplate.is_active.is_(True))
        return list(self.session.execute(statement))

    def asset_titles(self) -> list[tuple[int, str, AssetKind]]:
        """(id, title, kind) of every asset a brief may be attached to, by title (columns only:
        the form's choices, not the assets)."""
        return [(row.id, row.title, row.kind) for row in self.session.execute(select(Asset.id, Asset.title, Asset.kind).order_by(Asset.title, Asset.id))]

    def asset_exists(self, asset_id: int) -> bool:
        return self.session.get(Asset, asset_id) is not None

    def usage_totals(self, template_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        """template id -> (views, downloads) (a partner's session: its own)."""
        if not template_ids:
            return {}
        statement = (
            select(BriefUsage.template_id, BriefUsage.action, func.count())
            .where(BriefUsage.template_id.in_(list(template_ids)))
            .group_by(BriefUsage.template_id, BriefUsage.action)
        )
        found: dict[int, tuple[int, int]] = {}
        for template_id, action, count in self.session.execute(statement):
            views, downloads = found.get(template_id, (0, 0))
            found[template_id] = (views + count, downloads) if action == UsageAction.VIEW else (views, downloads + count)
        return found

    def usage_by_partner(self, *, template_id: int | None = None, asset_id: int | None = None) -> list[Any]:
        """(template id, title, partner id, partner name, views, downloads) per template and partner."""
        views = func.count(BriefUsage.id).filter(BriefUsage.action == UsageAction.VIEW)
        downloads = func.count(BriefUsage.id).filter(BriefUsage.action == UsageAction.DOWNLOAD)
        statement = (
            select(BriefTemplate.id, BriefTemplate.title, Partner.id, Partner.display_name, views.label("views"), downloads.label("downloads"))
            .join(BriefUsage, BriefUsage.template_id == BriefTemplate.id)
            .join(Partner, Partner.id == BriefUsage.partner_id)
            .group_by(BriefTemplate.id, BriefTemplate.title, Partner.id, Partner.display_name)
            .order_by(BriefTemplate.title, Partner.display_name)
        )
        if template_id is not None:
            statement = statement.where(BriefTemplate.id == template_id)
        if asset_id is not None:
            statement = statement.where(BriefTemplate.asset_id == asset_id)
        return list(self.session.execute(statement))

    def logo(self, partner_id: int) -> tuple[PartnerLogo, StoredFile] | None:
        statement = select(PartnerLogo, StoredFile).join(StoredFile, StoredFile.id == PartnerLogo.file_id).where(PartnerLogo.partner_id == partner_id)
        row = self.session.execute(statement).first()
        return (row[0], row[1]) if row else None

    def contact(self, user_id: int | None, *, partner_id: int) -> tuple[str, str, str | None] | None:
        """(name, e-mail, title) of the person rendering the brief, or (vendor previews) of the
        partner's first active admin."""
        statement = select(User.name, User.email, User.title).where(User.partner_id == partner_id, User.is_active.is_(True))
        if user_id is not None:
            statement = statement.where(User.id == user_id)
        else:
            statement = statement.where(User.role == Role.PARTNER_ADMIN).order_by(User.id)
        row = self.session.execute(statement.limit(1)).first()
        return (row[0], row[1], row[2]) if row else None

    def partner(self, partner_id: int) -> Partner | None:
        return self.session.get(Partner, partner_id)

    def add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()
