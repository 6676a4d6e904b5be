"""Names the co-sell pages show instead of ids: a registration's customer and title, partner and
customer names, an engagement's customer and vendor PS person, what a dispute is about. Each call
answers a whole page with one query; an id the actor may not read is simply missing from the answer."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from alliance.cosell.labels.repository import DisputeSubject, EngagementLabel, LabelRepository, RegistrationLabel
from alliance.errors import PermissionDenied
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor


def label_registrations(session: Session, actor: Actor, *, registration_ids: Iterable[int | None]) -> dict[int, RegistrationLabel]:
    """Partners: their own registrations; vendor users: every partner's, with the partner's name."""
    require(actor, Permission.PARTNERS_READ)
    return LabelRepository(session).registrations(_ids(registration_ids))


def name_partners(session: Session, actor: Actor, *, partner_ids: Iterable[int | None]) -> dict[int, str]:
    require(actor, Permission.PARTNERS_READ)
    return LabelRepository(session).partners(_ids(partner_ids))


def name_customers(session: Session, actor: Actor, *, customer_ids: Iterable[int | None]) -> dict[int, str]:
    """Vendor users: customers are the vendor's records (partners name theirs through consents)."""
    if actor.is_partner:
        raise PermissionDenied("Customer records are the vendor's.")
    return LabelRepository(session).customers(_ids(customer_ids))


def name_consent_accounts(session: Session, actor: Actor, *, consent_ids: Iterable[int]) -> dict[int, str]:
    """The accounts of the given consents the actor may read, name by customer id."""
    require(actor, Permission.PARTNERS_READ)
    return LabelRepository(session).consent_accounts(_ids(consent_ids))


def label_engagements(session: Session, actor: Actor, *, engagement_ids: Iterable[int]) -> dict[int, EngagementLabel]:
    """Each engagement's customer and vendor PS person; partners: only engagements on accounts they protected."""
    require(actor, Permission.PARTNERS_READ)
    return LabelRepository(session).engagements(_ids(engagement_ids))


def describe_disputes(session: Session, actor: Actor, *, dispute_ids: Iterable[int]) -> dict[int, DisputeSubject]:
    """What each dispute is about; partners: only their own disputes."""
    require(actor, Permission.PARTNERS_READ)
    return LabelRepository(session).dispute_subjects(_ids(dispute_ids))


def _ids(values: Iterable[int | None]) -> set[int]:
    return {value for value in values if value is not None}
