"""Every asset library query. Assets are vendor rows that every signed-in user may find; what a
partner sees of them is decided here (published, or its own contribution) and in entitlement.py
(what it may open). The standing of a partner (type, tier, certified people) is read in a fixed
number of statements whatever the size of the library or the portfolio."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, defer, selectinload

from alliance.assets import search_repository as search
from alliance.assets.models import (
    Asset,
    AssetFacet,
    AssetProjectUse,
    AssetReview,
    AssetUsage,
    AssetValidation,
    AssetVersion,
    AssetVersionFile,
    LibraryVisit,
)
from alliance.assets.vocabulary import AssetKind, FacetKind, UsageAction, VersionStatus
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.enablement.vocabulary import LEVEL_RANK
from alliance.files.models import StoredFile
from alliance.identity.models import User
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.repository import Repository, among
from alliance.kit.sorting import SortColumn, apply_sort
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Person, ProductLine, Tier
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.models import Registration
from alliance.tiers.metrics_repository import counting_on


@dataclass(frozen=True)
class LibraryFilters:
    text: str | None = None
    kind: AssetKind | None = None
    product_line: str | None = None
    vertical: str | None = None
    technology: str | None = None
    version: str | None = None  # a product version the asset is validated for ("9.1")
    status: VersionStatus | None = None  # vendor lists: assets with a version in this status
    contributed: bool | None = None  # only partner contributions (True) or only the vendor's (False)
    since: datetime | None = None  # published since ("what's new")
    sort: str | None = None  # a LIBRARY_SORTS key, - for descending; None: best match, else newest


# How a library list may be sorted (the console's column headers).
LIBRARY_SORTS: dict[str, SortColumn] = {"title": Asset.title, "kind": Asset.kind, "published": Asset.published_at}


@dataclass(frozen=True)
class PartnerFacts:
    id: int
    name: str
    partner_type: str
    si_subtype: str | None
    tier_rank: int | None
    tier_name: str | None
    tier_names: dict[int, str]  # rank -> name in the partner's program


@dataclass(frozen=True)
class TrackFacts:
    id: int
    delivery_role: str
    level: str
    product_line: str
    product_line_name: str
    product_version: str


@dataclass(frozen=True)
class HeldCertification:
    person_id: int
    delivery_role: str
    level_rank: int
    product_line: str
    product_version: str


@dataclass(frozen=True)
class DownloadableFile:
    """What serving a version's file needs (a projection: the file row may be another partner's
    contribution, read through the asset's entitlement, never through the file's owner)."""

    file_id: int
    sha256: str
    filename: str
    content_type: str
    size_bytes: int


class AssetRepository(Repository[Asset]):
    model = Asset

    def get_loaded(self, asset_id: int) -> Asset | None:
        return self.get(asset_id, selectinload(Asset.versions).selectinload(AssetVersion.files), selectinload(Asset.facets), selectinload(Asset.validations))

    def get_for_change_loaded(self, asset_id: int) -> Asset | None:
        return self.get_for_change(
            asset_id, selectinload(Asset.versions).selectinload(AssetVersion.files), selectinload(Asset.facets), selectinload(Asset.validations)
        )

    def titled(self, title: str) -> Asset | None:
        return self.session.scalars(select(Asset).where(func.lower(Asset.title) == title.strip().lower())).first()

    def version(self, version_id: int) -> AssetVersion | None:
        return self.session.get(AssetVersion, version_id)

    def add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()

    # --- the library ---------------------------------------------------------------------------

    def visible(self, partner_id: int | None) -> ColumnElement[bool]:
        """What a partner (None: the vendor) finds: published assets, and its own contributions."""
        if partner_id is None:
            return literal(True)
        return or_(Asset.current_version_id.is_not(None), Asset.contributed_by_partner_id == partner_id)

    def library(self, filters: LibraryFilters, *, partner_id: int | None, page: PageRequest) -> Page[Any]:
        """(asset, score or None, current version's number) for one page, best match or newest first."""
        if filters.text and search.words(filters.text) and filters == LibraryFilters(text=filters.text):
            return self._searched(filters.text, partner_id=partner_id, page=page)
        statement = select(Asset).options(defer(Asset.body, raiseload=True)).where(self.visible(partner_id))
        score: Any = literal(None)
        if filters.text and search.words(filters.text):
            matched = search.matches(self.session, filters.text)
            statement = statement.join(matched, matched.c.asset_id == Asset.id)
            score = matched.c.score
        for facet, value in (
            (FacetKind.PRODUCT_LINE, filters.product_line),
            (FacetKind.VERTICAL, filters.vertical),
            (FacetKind.TECHNOLOGY, filters.technology),
        ):
            if value:
                statement = statement.where(
                    exists().where(AssetFacet.asset_id == Asset.id, AssetFacet.facet == facet, AssetFacet.value == value.strip().lower())
                )
        if filters.kind:
            statement = statement.where(Asset.kind == filters.kind)
        if filters.version:
            statement = statement.where(exists().where(AssetValidation.asset_id == Asset.id, AssetValidation.version == filters.version.strip()))
        if filters.status:
            statement = statement.where(exists().where(AssetVersion.asset_id == Asset.id, AssetVersion.status == filters.status))
        if filters.contributed is not None:
            contributed = Asset.contributed_by_partner_id.is_not(None)
            statement = statement.where(contributed if filters.contributed else ~contributed)
        if filters.since is not None:
            statement = statement.where(Asset.published_at > filters.since)
        # A column, not a join: the page's count (a subquery SQLite flattens) then never computes it.
        number = select(AssetVersion.number).where(AssetVersion.id == Asset.current_version_id).scalar_subquery()
        statement = statement.add_columns(score.label("score"), number.label("current_number"))
        if filters.sort is not None:
            statement = apply_sort(statement, filters.sort, LIBRARY_SORTS, default="-published", tiebreak=Asset.id.desc())
        elif filters.text and search.words(filters.text):
            statement = statement.order_by(score.desc(), Asset.id.desc())
        else:
            statement = statement.order_by(Asset.published_at.desc().nulls_last(), Asset.id.desc())
        if filters.text and search.words(filters.text):
            with search.through_the_index(self.session):
                return paginate(self.session, statement, page, rows=True)
        return paginate(self.session, statement, page, rows=True)

    def _searched(self, text: str, *, partner_id: int | None, page: PageRequest) -> Page[Any]:
        """A plain search (words, no other filter): counted and ranked from the full-text index
        alone, then only the page's assets read. The assets a partner does not see (unpublished,
        not its own contribution: few, from ix_assets_visible) are left out by id, so the index's
        matches are never joined row by row to the assets (bench/assets_search.py --profile)."""
        hidden: AnySelect | None = None
        if partner_id is not None:
            hidden = select(Asset.id).where(
                Asset.current_version_id.is_(None), or_(Asset.contributed_by_partner_id.is_(None), Asset.contributed_by_partner_id != partner_id)
            )
        total, ranked = search.ranked(self.session, text, hidden=hidden, limit=page.limit, offset=page.offset)
        current = aliased(AssetVersion)
        statement = (
            select(Asset, current.number)
            .options(defer(Asset.body, raiseload=True))
            .outerjoin(current, current.id == Asset.current_version_id)
            .where(Asset.id.in_([asset_id for asset_id, _ in ranked]))
        )
        found = {asset.id: (asset, number) for asset, number in self.session.execute(statement)} if ranked else {}
        rows = [(found[asset_id][0], score, found[asset_id][1]) for asset_id, score in ranked if asset_id in found]
        return Page(items=rows, total=total, limit=page.limit, offset=page.offset)

    def count_new(self, *, partner_id: int | None, since: datetime) -> int:
        statement = select(func.count()).select_from(Asset).where(self.visible(partner_id), Asset.published_at > since)
        return self.session.scalar(statement) or 0

    def tracks(self, track_ids: Collection[int]) -> dict[int, TrackFacts]:
        if not track_ids:
            return {}
        statement = (
            select(
                CertificationTrack.id,
                CertificationTrack.delivery_role,
                CertificationTrack.level,
                CertificationTrack.product_line,
                ProductLine.name,
                CertificationTrack.product_version,
            )
            .join(ProductLine, ProductLine.key == CertificationTrack.product_line)
            .where(CertificationTrack.id.in_(list(track_ids)))
        )
        return {row[0]: TrackFacts(*row) for row in self.session.execute(statement)}

    def validation_ranks(self, asset_ids: Collection[int]) -> dict[int, dict[str, int]]:
        """asset id -> product line -> the highest version rank it is validated for (columns, not
        rows: the library page reads 24 assets' worth of them)."""
        found: dict[int, dict[str, int]] = {asset_id: {} for asset_id in asset_ids}
        if asset_ids:
            statement = (
                select(AssetValidation.asset_id, AssetValidation.product_line, func.max(AssetValidation.version_rank))
                .where(AssetValidation.asset_id.in_(list(asset_ids)))
                .group_by(AssetValidation.asset_id, AssetValidation.product_line)
            )
            for asset_id, line, rank in self.session.execute(statement):
                found[asset_id][line] = rank
        return found

    def release_facts(self) -> tuple[dict[str, str], dict[str, str]]:
        """(product line -> its newest release's version, product line -> name), one statement:
        what the library's "not yet validated for …" flags compare against."""
        statement = (
            select(ProductLine.key, ProductLine.name, ProductRelease.version)
            .outerjoin(ProductRelease, ProductRelease.product_line == ProductLine.key)
            .order_by(ProductRelease.released_on, ProductRelease.id)
        )
        latest: dict[str, str] = {}
        names: dict[str, str] = {}
        for key, name, version in self.session.execute(statement):
            names[key] = name
            if version is not None:
                latest[key] = version
        return latest, names

    def latest_releases(self) -> dict[str, ProductRelease]:
        """The newest recorded release of each product line (a few dozen rows)."""
        latest: dict[str, ProductRelease] = {}
        for release in self.session.scalars(select(ProductRelease).order_by(ProductRelease.released_on, ProductRelease.id)):
            latest[release.product_line] = release
        return latest

    def unvalidated_owners(self, product_line: str, *, rank: int, product: str, version: str) -> AnySelect:
        """notify_each rows: the owner of each published asset validated for `product_line`, but
        only for versions below `rank` (active owners only)."""
        newest = (
            select(func.max(AssetValidation.version_rank))
            .where(AssetValidation.asset_id == Asset.id, AssetValidation.product_line == product_line)
            .scalar_subquery()
        )
        return (
            select(
                Asset.owner_user_id.label("recipient_user_id"),
                Asset.id.label("entity_id"),
                literal("you own this library asset").label("why"),
                Asset.title.label("asset"),
                literal(product).label("product"),
                literal(version).label("version"),
            )
            .join(User, and_(User.id == Asset.owner_user_id, User.is_active.is_(True)))
            .where(Asset.current_version_id.is_not(None), newest < rank)
        )

    def product_line_names(self) -> dict[str, str]:
        return dict(self.session.execute(select(ProductLine.key, ProductLine.name)).all())

    # --- a partner's standing ------------------------------------------------------------------

    def partner_facts(self, partner_id: int) -> PartnerFacts | None:
        row = self.session.execute(
            select(Partner.id, Partner.display_name, Partner.partner_type, Partner.si_subtype, Tier.rank, Tier.name, Partner.program_id)
            .outerjoin(Tier, Tier.id == Partner.tier_id)
            .where(Partner.id == partner_id)
        ).first()
        if row is None:
            return None
        names: dict[int, str] = {}
        if row[6] is not None:
            names = dict(self.session.execute(select(Tier.rank, Tier.name).where(Tier.program_id == row[6])).all())
        return PartnerFacts(row[0], row[1], row[2], row[3], row[4], row[5], names)

    def held_certifications(self, partner_id: int, *, today: date) -> list[HeldCertification]:
        """The partner's certifications that count today (active people only)."""
        level_rank = case(*((CertificationTrack.level == level, rank) for level, rank in LEVEL_RANK.items()), else_=0)
        statement = (
            select(Certification.person_id, CertificationTrack.delivery_role, level_rank, CertificationTrack.product_line, CertificationTrack.product_version)
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(Certification.partner_id == partner_id, *counting_on(today, by_partner=True), Person.is_active.is_(True))
        )
        return [HeldCertification(*row) for row in self.session.execute(statement)]

    def people_of_user(self, user_id: int) -> set[int]:
        """The partner's people records that are this user (same e-mail, same partner)."""
        statement = (
            select(Person.id)
            .join(User, and_(func.lower(Person.email) == func.lower(User.email), User.partner_id == Person.partner_id))
            .where(User.id == user_id)
        )
        return set(self.session.scalars(statement))

    # --- files -----------------------------------------------------------------------------------

    def downloadable(self, *, asset_id: int, version_id: int, file_id: int) -> DownloadableFile | None:
        """The file of the version of the asset, whoever uploaded it: the caller has decided the
        reader may open the asset's version. Named bypass: a contributed asset's files belong to
        the contributing partner and are served to every entitled partner."""
        statement = (
            select(StoredFile.id, StoredFile.sha256, StoredFile.filename, StoredFile.content_type, StoredFile.size_bytes)
            .join(AssetVersionFile, AssetVersionFile.file_id == StoredFile.id)
            .where(AssetVersionFile.asset_id == asset_id, AssetVersionFile.version_id == version_id, StoredFile.id == file_id)
            .execution_options(bypass_partner_scope="a published asset's files are read through the asset's entitlement")
        )
        row = self.session.execute(statement).first()
        return DownloadableFile(*row) if row else None

    def files_of(self, version_ids: Sequence[int]) -> dict[int, list[DownloadableFile]]:
        """Each version's files (projections, bypass as in `downloadable`)."""
        found: dict[int, list[DownloadableFile]] = {vid: [] for vid in version_ids}
        if not version_ids:
            return found
        statement = (
            select(AssetVersionFile.version_id, StoredFile.id, StoredFile.sha256, StoredFile.filename, StoredFile.content_type, StoredFile.size_bytes)
            .join(StoredFile, StoredFile.id == AssetVersionFile.file_id)
            .where(AssetVersionFile.version_id.in_(list(version_ids)))
            .order_by(AssetVersionFile.position)
            .execution_options(bypass_partner_scope="the files of asset versions the reader may see")
        )
        for version_id, file_id, sha256, filename, content_type, size_bytes in self.session.execute(statement):
            found[version_id].append(DownloadableFile(file_id, sha256, filename, content_type, size_bytes))
        return found

    def own_file(self, file_id: int) -> StoredFile | None:
        """A file the session may attach (partners: their own uploads only)."""
        return self.session.scalars(select(StoredFile).where(StoredFile.id == file_id)).first()

    # --- reviews, usage --------------------------------------------------------------------------

    def reviews(self, asset_id: int) -> list[AssetReview]:
        return list(self.session.scalars(select(AssetReview).where(AssetReview.asset_id == asset_id).order_by(AssetReview.id)))

    def review_queue(self) -> list[Any]:
        """Versions in review, oldest first, with their asset and contributing partner's name."""
        statement = (
            select(AssetVersion, Asset.title, Asset.kind, Partner.display_name)
            .join(Asset, Asset.id == AssetVersion.asset_id)
            .outerjoin(Partner, Partner.id == Asset.contributed_by_partner_id)
            .where(AssetVersion.status == VersionStatus.IN_REVIEW)
            .order_by(AssetVersion.updated_at, AssetVersion.id)
        )
        return list(self.session.execute(statement))

    def usage_counts(self, asset_id: int) -> dict[tuple[int | None, str], int]:
        """(version id, action) -> events (the session's scope applies: partners count their own)."""
        statement = (
            select(AssetUsage.version_id, AssetUsage.action, func.count())
            .where(AssetUsage.asset_id == asset_id)
            .group_by(AssetUsage.version_id, AssetUsage.action)
        )
        return {(version_id, UsageAction(action).value): count for version_id, action, count in self.session.execute(statement)}

    def adoption(self, asset_id: int) -> list[Any]:
        """Per partner type, tier and version: partners, people, views, downloads."""
        statement = (
            select(
                Partner.partner_type,
                func.coalesce(Tier.name, "No tier").label("tier"),
                func.coalesce(AssetVersion.number, "-").label("version"),
                func.count(func.distinct(AssetUsage.partner_id)).label("partners"),
                func.count(func.distinct(AssetUsage.user_id)).label("people"),
                func.sum(case((AssetUsage.action == UsageAction.VIEW, 1), else_=0)).label("views"),
                func.sum(case((AssetUsage.action == UsageAction.DOWNLOAD, 1), else_=0)).label("downloads"),
            )
            .join(Partner, Partner.id == AssetUsage.partner_id)
            .outerjoin(Tier, Tier.id == Partner.tier_id)
            .outerjoin(AssetVersion, AssetVersion.id == AssetUsage.version_id)
            .where(AssetUsage.asset_id == asset_id)
            .group_by(Partner.partner_type, Tier.name, Tier.rank, AssetVersion.number, AssetVersion.rank)
            .order_by(Partner.partner_type, Tier.rank.desc().nulls_last(), AssetVersion.rank.desc().nulls_last())
        )
        return list(self.session.execute(statement))

    def partner_activity(self, partner_ids: Collection[int] | None, *, first: datetime, last: datetime) -> dict[int, dict[str, int]]:
        """Per partner, between the two moments: library views and downloads by its people,
        projects recorded as using an asset, contributions created and contributed versions
        published. Four grouped statements whatever the number of partners."""
        found: dict[int, dict[str, int]] = defaultdict(
            lambda: {"views": 0, "downloads": 0, "projects": 0, "contributions_created": 0, "contributions_published": 0}
        )
        usage = (
            select(
                AssetUsage.partner_id,
                func.sum(case((AssetUsage.action == UsageAction.VIEW, 1), else_=0)),
                func.sum(case((AssetUsage.action == UsageAction.DOWNLOAD, 1), else_=0)),
            )
            .where(among(AssetUsage.partner_id, partner_ids), AssetUsage.occurred_at >= first, AssetUsage.occurred_at < last)
            .group_by(AssetUsage.partner_id)
        )
        for pid, views, downloads in self.session.execute(usage):
            found[pid].update(views=int(views or 0), downloads=int(downloads or 0))
        projects = (
            select(AssetProjectUse.partner_id, func.count(func.distinct(AssetProjectUse.registration_id)))
            .where(among(AssetProjectUse.partner_id, partner_ids), AssetProjectUse.recorded_at >= first, AssetProjectUse.recorded_at < last)
            .group_by(AssetProjectUse.partner_id)
        )
        for pid, count in self.session.execute(projects):
            found[pid]["projects"] = count
        created = (
            select(Asset.contributed_by_partner_id, func.count(Asset.id))
            .where(among(Asset.contributed_by_partner_id, partner_ids), Asset.created_at >= first, Asset.created_at < last)
            .group_by(Asset.contributed_by_partner_id)
        )
        for pid, count in self.session.execute(created):
            if pid is not None:
                found[pid]["contributions_created"] = count
        published = (
            select(Asset.contributed_by_partner_id, func.count(AssetVersion.id))
            .join(Asset, Asset.id == AssetVersion.asset_id)
            .where(among(Asset.contributed_by_partner_id, partner_ids), AssetVersion.published_at >= first, AssetVersion.published_at < last)
            .group_by(Asset.contributed_by_partner_id)
        )
        for pid, count in self.session.execute(published):
            if pid is not None:
                found[pid]["contributions_published"] = count
        return dict(found)

    def project_count(self, asset_id: int) -> int:
        return self.session.scalar(select(func.count()).select_from(AssetProjectUse).where(AssetProjectUse.asset_id == asset_id)) or 0

    def project_uses(self, *, asset_id: int | None = None, registration_id: int | None = None) -> list[Any]:
        """ "Used in" rows (the scope applies) with the asset's title and the registration's."""
        statement = (
            select(AssetProjectUse, Asset.title, Registration.title, AssetVersion.number)
            .join(Asset, Asset.id == AssetProjectUse.asset_id)
            .join(Registration, Registration.id == AssetProjectUse.registration_id)
            .outerjoin(AssetVersion, AssetVersion.id == AssetProjectUse.version_id)
            .order_by(AssetProjectUse.recorded_at.desc())
        )
        if asset_id is not None:
            statement = statement.where(AssetProjectUse.asset_id == asset_id)
        if registration_id is not None:
            statement = statement.where(AssetProjectUse.registration_id == registration_id)
        return list(self.session.execute(statement))

    def project_use(self, asset_id: int, registration_id: int) -> AssetProjectUse | None:
        return self.session.scalars(
            select(AssetProjectUse).where(AssetProjectUse.asset_id == asset_id, AssetProjectUse.registration_id == registration_id)
        ).first()

    def project_registrations(self) -> list[Any]:
        """(id, title) of the project registrations the session sees, newest first (partners: their own)."""
        statement = select(Registration.id, Registration.title).where(Registration.kind == RegistrationKind.PROJECT).order_by(Registration.id.desc()).limit(200)
        return list(self.session.execute(statement))

    def registration(self, registration_id: int) -> Registration | None:
        return self.session.scalars(select(Registration).where(Registration.id == registration_id)).first()

    def visit(self, user_id: int) -> LibraryVisit | None:
        return self.session.get(LibraryVisit, user_id)

    def versions_in(self, asset_id: int, statuses: Collection[VersionStatus] | None) -> list[AssetVersion]:
        statement = select(AssetVersion).where(AssetVersion.asset_id == asset_id).options(selectinload(AssetVersion.files)).order_by(AssetVersion.rank.desc())
        if statuses is not None:
            statement = statement.where(AssetVersion.status.in_([s.value for s in statuses]))
        return list(self.session.scalars(statement))

    def partner_names(self, partner_ids: Collection[int | None]) -> dict[int, str]:
        """Contributing partners' names (credit is public: a named bypass returning names only)."""
        wanted = [pid for pid in partner_ids if pid is not None]
        if not wanted:
            return {}
        statement = (
            select(Partner.id, Partner.display_name).where(Partner.id.in_(wanted)).execution_options(bypass_partner_scope="contributors are credited by name")
        )
        return dict(self.session.execute(statement).all())
