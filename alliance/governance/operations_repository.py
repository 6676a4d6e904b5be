"""What operators watch: the depth of every queue that people work through, counted set-based."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.cosell.models import ResourceRequest, ScopeDispute
from alliance.cosell.requests.repository import breached_condition
from alliance.cosell.vocabulary import OPEN_REQUEST_STATUSES, DisputeStatus
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import ProtectionExtension, Registration
from alliance.registrations.vocabulary import ExtensionStatus

# Waiting on the vendor (a registration the vendor asked for information on waits on its partner).
AWAITING_REVIEW = [Status.SUBMITTED, Status.IN_REVIEW]


class OperationsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queue_depths(self, *, now: datetime) -> dict[str, int]:
        """Items waiting in each queue, and co-sell requests past their first-response SLA."""
        open_requests = ResourceRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES])
        counts = {
            "registrations_awaiting_review": select(func.count()).select_from(Registration).where(Registration.status.in_(AWAITING_REVIEW)),
            "extensions_awaiting_decision": select(func.count()).select_from(ProtectionExtension).where(ProtectionExtension.status == ExtensionStatus.PENDING),
            "resource_requests_open": select(func.count()).select_from(ResourceRequest).where(open_requests),
            "resource_requests_breached": select(func.count()).select_from(ResourceRequest).where(open_requests, breached_condition(now)),
            "disputes_open": select(func.count()).select_from(ScopeDispute).where(ScopeDispute.status == DisputeStatus.OPEN),
        }
        return {name: int(self.session.scalar(statement) or 0) for name, statement in counts.items()}
